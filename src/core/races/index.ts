// The race lab's public surface: two CPUs stepping through the races that
// refcounts, locks and RCU prevent (see README.md in this directory).
//
// For the app: raceAt(run, index) gives the race of a `race` step at its
// start (on a copy of the state before it); stepCpu(race, 0 | 1) moves one
// CPU by one micro-step (or says why it cannot); raceSnapshot(race) is the
// plain-data picture to draw; replayRace(run, index, cpus) rebuilds any
// point (stepping back = replaying a shorter list).
import type { FlatOp } from '../../scenario/ast.ts';
import type { Run } from '../trace/run.ts';
import type { SimError } from '../types.ts';
import { createRace, stepCpu } from './engine.ts';
import type { CpuId, Race } from './state.ts';

export { createRace, stepCpu, blockedReason, canStep, runSchedule, runToEnd, scheduleFor, describeSchedule, prng, MAX_MICRO_STEPS, type StepResult, type RaceOp } from './engine.ts';
export { raceSnapshot, type RaceSnapshot, type RaceCpuView, type RaceTableView } from './snapshot.ts';
export { executeRace, violationMessage, type RaceReport } from './report.ts';
export { Race, type CpuId, type RaceViolation, type TraceEntry, type TableLife } from './state.ts';

/** The race of step `index` of a run, at its start (before any micro-step). */
export function raceAt(run: Run, index: number): Race | SimError {
  const st = run.ops.at(index);
  if (!st || st.op.op !== 'race') return { kind: 'einval', message: `step ${index} is not a race` };
  const { mm, names } = run.stateAt(index - 1);
  return createRace(mm, names, st.op as Extract<FlatOp, { op: 'race' }>, run.mechanism);
}

/** raceAt, then the given CPUs' micro-steps in order (a blocked or finished CPU's entry is skipped). */
export function replayRace(run: Run, index: number, cpus: readonly CpuId[]): Race | SimError {
  const r = raceAt(run, index);
  if (!('cpus' in r)) return r;
  for (const id of cpus) stepCpu(r, id);
  return r;
}
export { exploreSchedules, type ExploreOptions } from './explore.ts';
