// The selected PTE table's life so far, in the detail panel: "allocated at
// step 2 by touch, emptied at step 3 (madvise), freed at step 4 by free_pte
// under pt-reclaim" (core/trace/history.ts, asked of the worker on demand).
// Each entry jumps to its step.
import { useEffect } from 'react';
// The module itself, not the core's index (which would bring the whole core into the first screen's JavaScript).
import { formatHistory } from '../../core/trace/history.ts';
import { loadHistory, useLinkStore } from '../../store/linking.ts';
import { useStore } from '../../store/store.ts';

const WHAT: Record<string, string> = { allocated: 'allocated', emptied: 'emptied', refilled: 'filled again', changed: 'entries', freed: 'freed' };

export function TableHistory({ slot }: { slot: number }) {
  const step = useStore((s) => s.step);
  const source = useStore((s) => s.goodSource);
  const mechanism = useStore((s) => s.mechanism);
  const ready = useStore((s) => s.lanes[s.mechanism]?.status === 'ready');
  const h = useLinkStore((l) => l.history);
  useEffect(() => {
    if (ready) void loadHistory(slot);
  }, [slot, step, source, mechanism, ready]);
  const current = h && h.slot === slot && h.step === step && h.source === (source ?? '') ? h.data : undefined;
  return (
    <section className="detail-history" aria-label="Table history">
      <h4>History</h4>
      {current === undefined ? (
        <p className="muted">…</p>
      ) : current === null ? (
        <p className="muted">No table here so far.</p>
      ) : (
        <>
          <p data-testid="table-history">{formatHistory(current)}</p>
          <ol className="history-steps">
            {current.entries.map((e) => (
              <li key={`${e.step}-${e.what}`} data-what={e.what}>
                <button type="button" className="linklike" onClick={() => useStore.getState().seek(e.step)} title={`Go to step ${e.step + 1}`}>
                  step {e.step + 1}
                </button>{' '}
                {WHAT[e.what]} {e.what === 'changed' ? `${e.before} → ${e.entries}` : e.what === 'freed' ? `by ${e.by}` : ''} — line {e.line}: <code>{e.text}</code>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
