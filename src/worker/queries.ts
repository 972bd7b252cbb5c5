// The worker's answers to the page's small questions about a ready run
// (protocol.ts Query): a table's history and one step's result. Each is
// computed when asked, from the run's step log, so a run never pays for them.
import { tableHistory, type Run } from '../core/index.ts';
import type { Query, QueryResult } from './protocol.ts';

export function answer(run: Run, q: Query): QueryResult {
  const last = run.stepsRun - 1;
  switch (q.kind) {
    case 'history':
      return { kind: 'history', history: q.index >= 0 ? tableHistory(run, q.slot, Math.min(q.index, last)) : null };
    case 'step':
      return { kind: 'step', step: q.index >= 0 && q.index <= last ? run.step(q.index) : null };
  }
}
