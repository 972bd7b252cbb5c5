// The simulation core's public surface. Nothing here imports React, zustand,
// d3 or the DOM (lint enforces it): the CLI, the web worker and the tests all
// drive the same code.
export * from './constants.ts';
export * from './types.ts';
export type { ResolvedOp } from './resolved.ts';
export { Run, runFlat, figureValue, type RunOptions, type RunSummary, type Checkpoint } from './trace/run.ts';
export type { StepRecord } from './trace/steplog.ts';
export { checkInvariants } from './trace/invariants.ts';
export { tableHistory, formatHistory, type TableHistory, type HistoryEntry, type HistoryWhat } from './trace/history.ts';
export { snapshot, slotCells, CELL_HUGE, CELL_HUGE_ZERO, type SlotCells, pteEntries, pteTableEmpty, type Snapshot, type PteTableView, type PmdTableView, type PudTableView, type VmaView } from './snapshot.ts';
export { PTE_NONE, PTE_ANON, PTE_ZERO, PTE_FILE, PTE_ANON_THP, PTE_ANON_THP_CLEAN, PTE_ANON_COW, PTE_ANON_LAZY, PTE_SWAP, PTE_ANON_ZEROED, PTE_ANON_LAZY_ZEROED, isAnonPte, isLazyPte } from './mm/pgtable.ts';
export type { Mm } from './mm/mm.ts';
export type { ProcFigures } from './trace/procs.ts';
export { mechanisms, type Mechanism, type ZapSlot } from './mechanisms/index.ts';
export { mechanismOf } from './mechanisms/index.ts';
export {
  raceAt, replayRace, createRace, stepCpu, blockedReason, canStep, runSchedule, raceSnapshot, violationMessage, exploreSchedules,
  type Race, type RaceSnapshot, type RaceCpuView, type RaceTableView, type RaceReport, type RaceViolation, type TraceEntry, type CpuId, type StepResult as RaceStepResult,
} from './races/index.ts';
