// Why: the kernel functions the step went through, what each zapped PTE
// table's fate was and why (the core's reasons), the step's error, and,
// when stepping inside a statement, its event list.
import type { StepResult, SimEvent } from '../../core/index.ts';
import { describeEvent } from '../../layout/events.ts';
import { formatAddr } from '../../scenario/index.ts';

const MAX_REASONS = 60;
const EVENT_WINDOW = 12;

export function KernelPath({ step, events, event }: { step: StepResult | null; events: SimEvent[] | null; event: number | null }) {
  if (!step) return <section className="kpath" aria-label="Kernel path"><p className="muted">Before the first statement. Step forward to run it.</p></section>;
  const reasons = step.reasons;
  return (
    <section className="kpath" aria-label="Kernel path">
      <p className="stmt">
        <span className="muted">line {step.line}{step.iter !== undefined ? `, i = ${step.iter}` : ''}:</span> <code>{step.text}</code>
      </p>
      {step.error && (
        <p className="error" role="alert">
          <strong>{step.error.kind === 'segv' ? 'SIGSEGV' : step.error.kind.replace(/_/g, ' ')}:</strong> {step.error.message} — the run stops here.
        </p>
      )}
      {step.expectFailures?.map((f) => (
        <p key={f} className="warn">
          {f}
        </p>
      ))}
      {step.path.length > 0 && (
        <ol className="path" aria-label="Call path">
          {step.path.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ol>
      )}
      {reasons.length > 0 && (
        <ul className="reasons" aria-label="Why each PTE table was freed or kept">
          {reasons.slice(0, MAX_REASONS).map((r, k) => (
            <li key={k} className={`reason reason-${r.verdict}`}>
              <span className="verdict">{r.verdict}</span> <code>{formatAddr(r.addr)}</code> {r.text}
              {r.by ? <span className="muted"> ({r.by})</span> : null}
            </li>
          ))}
          {reasons.length > MAX_REASONS && <li className="muted">and {(reasons.length - MAX_REASONS).toLocaleString('en-US')} more</li>}
          {step.moreReasons?.map((m) => (
            <li key={`${m.verdict} ${m.code}`} className={`reason reason-${m.verdict}`}>
              <span className="verdict">{m.verdict}</span> and {m.count.toLocaleString('en-US')} more tables like these ({m.code.replace(/_/g, ' ')})
            </li>
          ))}
        </ul>
      )}
      {events && event !== null && (
        <ol className="events" aria-label="Kernel events of this statement" start={Math.max(0, event - EVENT_WINDOW) + 1}>
          {events.slice(Math.max(0, event - EVENT_WINDOW), event + EVENT_WINDOW).map((e, k) => {
            const i = Math.max(0, event - EVENT_WINDOW) + k;
            return (
              <li key={i} className={i === event ? 'current' : i > event ? 'future' : ''} aria-current={i === event ? 'step' : undefined}>
                {describeEvent(e)}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
