// Helpers for view tests: put real frames (from the core, in-process) into
// the store without a worker.
import { Run, type MechanismName } from '../core/index.ts';
import { compile } from '../scenario/index.ts';
import { newLane } from '../store/state.ts';
import { resetStore, useStore } from '../store/store.ts';
import { SimHost } from '../worker/host.ts';
import { newTimeline, recordStep, trimTimeline } from '../worker/encode.ts';

const host = new SimHost({ post: () => {}, yieldNow: () => Promise.resolve(), now: () => 0 });

/** Run a source under a mechanism and show step `index` (record: with its events). */
export function showRun(source: string, mechanism: MechanismName, index: number, record = false, event: number | null = null): Run {
  const c = compile(source);
  if (!c.ok) throw new Error(c.errors[0].message);
  const run = new Run(c.ops, { mechanism, checkpoints: true });
  const tl = newTimeline(c.ops.length);
  while (!run.done) {
    run.advance(1);
    const st = run.lastStatement!;
    recordStep(tl, run.lastRecord!, st, 0, st.live?.slots ?? -1);
  }
  const frame = host.buildFrame(run, index, record);
  const prevFrame = index >= 0 ? host.buildFrame(run, index - 1, false) : null;
  const s = run.summary();
  useStore.setState({
    source,
    goodSource: source,
    mechanism,
    step: index,
    event,
    lanes: {
      [mechanism]: {
        ...newLane(mechanism),
        status: 'ready',
        source,
        timeline: trimTimeline(tl).timeline,
        summary: { mechanism, initial: run.initial, final: s.final, counters: s.counters, expectFailures: [], steps: run.steps.length, ops: c.ops.length, maxPtes: 10, ms: 1 },
        frame,
        prevFrame,
        frameSource: source,
      },
    },
  });
  return run;
}

export function reset(): void {
  resetStore();
}
