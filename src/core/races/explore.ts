// Every interleaving of a race, or those with at most k preemptions: a
// depth-first walk over the points where both CPUs could move, replaying the
// prefix from a fresh race for each branch. With no bound it is exhaustive
// (when it fits in maxRuns); with a bound it is CHESS-style preemption
// bounding (Musuvathi and Qadeer, PLDI 2007): a switch away from a CPU that
// could go on costs one, a switch forced by a block or an end costs nothing.
// Tests use it to show the real designs safe under every schedule and the
// broken one caught; the app can use it for "find a bad interleaving".
import { canStep, runToEnd, stepCpu } from './engine.ts';
import type { CpuId, Race } from './state.ts';

export interface ExploreOptions {
  /** Stop after this many complete schedules (then `complete` is false). */
  maxRuns: number;
  /** At most this many preemptions per schedule; undefined: all schedules. */
  maxPreemptions?: number;
  /** Called with every finished (or stopped) race and the CPU order that produced it. */
  onRun?: (r: Race, schedule: CpuId[]) => void;
}

export function exploreSchedules(make: () => Race, opts: ExploreOptions): { runs: number; complete: boolean } {
  const stack: { prefix: CpuId[]; preemptions: number }[] = [{ prefix: [], preemptions: 0 }];
  let runs = 0;
  while (stack.length) {
    if (runs >= opts.maxRuns) return { runs, complete: false };
    const { prefix, preemptions } = stack.pop()!;
    const r = make();
    for (const id of prefix) {
      if (stepCpu(r, id).kind !== 'ran') throw new Error('race model: a replayed schedule diverged (the engine is not deterministic)');
    }
    const schedule = [...prefix];
    while (!r.stopped && r.cpus.some((c) => !c.done)) {
      const ready = r.cpus.filter((c) => canStep(r, c)).map((c) => c.id);
      if (!ready.length) break;
      const last = schedule[schedule.length - 1];
      const next = last !== undefined && ready.includes(last) ? last : ready[0];
      for (const alt of ready) {
        if (alt === next) continue;
        const cost = last !== undefined && ready.includes(last) ? 1 : 0;
        if (opts.maxPreemptions === undefined || preemptions + cost <= opts.maxPreemptions) {
          stack.push({ prefix: [...schedule, alt], preemptions: preemptions + cost });
        }
      }
      stepCpu(r, next);
      schedule.push(next);
    }
    if (!r.stopped && r.cpus.some((c) => !c.done)) runToEnd(r); // reports the deadlock
    runs++;
    opts.onRun?.(r, schedule);
  }
  return { runs, complete: true };
}
