// The micro-steps taken so far, both CPUs, numbered as the checker numbers
// them; the scheduler's notes (a blocked CPU, a deadlock) in between; the
// caught one in red.
import type { RaceSnapshot } from '../../core/index.ts';

const WINDOW = 10;

export function RaceTrace({ snap }: { snap: RaceSnapshot }) {
  const t = snap.trace;
  if (!t.length) return <p className="race-trace muted">No micro-step taken yet: both CPUs are at the start of their statements.</p>;
  const from = Math.max(0, t.length - WINDOW);
  const bad = snap.violation?.microStep;
  return (
    <div className="race-trace">
      <h3>Micro-steps taken{from > 0 ? ` (the last ${WINDOW} of ${t.length})` : ''}</h3>
      <ol aria-label="Micro-steps taken">
        {t.slice(from).map((e, k) => (
          <li key={from + k} className={`race-cpu${e.cpu}${e.pc < 0 ? ' race-trace-note' : ''}${e.pc >= 0 && e.n === bad ? ' race-step-bad' : ''}`}>
            {e.pc < 0 ? (
              <em>{e.note}</em>
            ) : (
              <>
                <span className="race-n">{e.n}.</span> CPU {e.cpu}: {e.microStep}
                {e.note ? <span className="muted"> ({e.note})</span> : null}
              </>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
