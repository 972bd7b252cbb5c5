// The messages between the page and the simulation worker. Everything that
// crosses is plain data: typed arrays for per-step series and snapshots (they
// are transferred, not copied), small objects for the step at hand. The page
// never receives a whole Run: it asks for the state at one step at a time.
import type { Quiz } from '../scenario/ast.ts';
import type { Counters, Figures, MechanismName, SimError, SimEvent, StepResult, TableHistory, VmaView } from '../core/index.ts';

export type ToWorker =
  | { t: 'run'; runId: number; source: string; mechanism: MechanismName }
  | { t: 'cancel'; runId: number }
  /** Forget this finished run (its frames are no longer asked for). */
  | { t: 'drop'; runId: number }
  /** Run a small throw-away scenario so the core's hot paths are compiled before the user's first big run. */
  | { t: 'warm'; mechanism: MechanismName }
  | { t: 'frame'; runId: number; reqId: number; index: number; record: boolean }
  | { t: 'entries'; runId: number; reqId: number; index: number; slot: number }
  /** The whole run in the CLI's JSON format (src/share/runJson.ts). */
  | { t: 'json'; runId: number; reqId: number }
  /** A small question about the ready run, answered on demand (worker/queries.ts). */
  | { t: 'query'; runId: number; reqId: number; q: Query };

export type FromWorker =
  | { t: 'progress'; runId: number; done: number; total: number }
  | { t: 'ready'; runId: number; timeline: Timeline; summary: LaneSummary }
  | { t: 'failed'; runId: number; message: string }
  | { t: 'cancelled'; runId: number }
  /** The warm-up a 'warm' message asked for is done. */
  | { t: 'warmed' }
  /** frame is null when the run is gone (superseded): every request gets an answer. */
  | { t: 'frame'; runId: number; reqId: number; frame: Frame | null }
  | { t: 'entries'; runId: number; reqId: number; index: number; slot: number; ents: Uint8Array | null }
  | { t: 'json'; runId: number; reqId: number; json: unknown }
  | { t: 'query'; runId: number; reqId: number; result: QueryResult | null };

/** Questions the page asks the worker about its ready run (computed lazily, never during the run). */
export type Query =
  /** The history of the PTE table at a slot, up to step `index` (core/trace/history.ts). */
  | { kind: 'history'; index: number; slot: number }
  /** One step's result (its resolved operation: what a statement in the editor touches). */
  | { kind: 'step'; index: number };

export type QueryResult = { kind: 'history'; history: TableHistory | null } | { kind: 'step'; step: StepResult | null };

/** Per-step flag bits in Timeline.flags. */
export const FLAG_ERROR = 1;
/** A PTE table this step zapped was left with no entries (refcount or count reached 0). */
export const FLAG_EMPTIED = 2;
export const FLAG_SAY = 4;
export const FLAG_EXPECT_FAILED = 8;

/** One value per step, for the chart, the timeline markers and breakpoints. */
export interface Timeline {
  n: number;
  vmPte: Float64Array;
  rssAnon: Float64Array;
  vmSize: Float64Array;
  ptes: Int32Array;
  pmds: Int32Array;
  puds: Int32Array;
  /** PTE tables allocated / freed by the step. */
  alloc: Int32Array;
  freed: Int32Array;
  faults: Float64Array;
  line: Int32Array;
  flags: Uint8Array;
  /**
   * An `alloc` workload's live 2 MiB slots after the step (-1: not a workload
   * step): the minimum the live set needs, for "captures N% of the possible saving".
   */
  liveSlots?: Float64Array;
  /** The steps a `quiz` precedes (few, so plain objects): presentation mode pauses before them. */
  quizzes: ({ index: number } & Quiz)[];
}

export interface LaneSummary {
  mechanism: MechanismName;
  initial: Figures;
  final: Figures;
  counters: Counters;
  error?: { index: number; line: number; error: SimError };
  expectFailures: { line: number; message: string }[];
  steps: number;
  ops: number;
  /** Most PTE tables alive at once over the run. */
  maxPtes: number;
  ms: number;
}

/**
 * The page tables at one step, flattened. PTE tables are sorted by slot
 * (address / 2 MiB); kinds: 0 a table, 1 a huge PMD (THP), 2 the huge zero page.
 */
export interface ViewSnapshot {
  index: number;
  puds: { id: number; addr: number }[];
  pmds: { id: number; addr: number }[];
  pte: { id: Int32Array; slot: Int32Array; nonNone: Uint16Array; refcount: Uint16Array; kind: Uint8Array };
  /**
   * Production size (a run past the worker's BIG_TABLES): `pte` is empty and
   * this holds one number per 2 MiB slot, 512 per PMD table in the order of
   * `pmds` (core slotCells: 0 none, value + 1, CELL_HUGE, CELL_HUGE_ZERO).
   */
  cells?: Uint16Array;
  vmas: VmaView[];
  /** The scenario's names for its mappings at this step. */
  names: { name: string; start: number; len: number }[];
  figures: Figures;
}

/** What the page shows at a step; with `record`, also the step's kernel events. */
export interface Frame {
  index: number;
  snapshot: ViewSnapshot;
  step: StepResult | null;
  /** Present when recorded: the events, the state before the step and the entries of every table they touch. */
  events?: SimEvent[];
  before?: ViewSnapshot;
  beforeEntries?: { slot: number; ents: Uint8Array }[];
  /** After a fork: every live process (the first first), its figures and tables, with the entries it shares. */
  procs?: ProcView[];
}

/** One process's page tables at a step, small: the fork presets' processes hold a handful of tables. */
export interface ProcView {
  name: string;
  figures: Figures;
  pmds: number;
  puds: number;
  /** PTE tables by address: kind 0 a table, 1 a huge PMD, 2 the huge zero page; shared: entries whose page another process maps too. */
  ptes: { addr: number; kind: 0 | 1 | 2; nonNone: number; shared: number }[];
}

/**
 * Production size: a run that may keep more PTE tables than this at once
 * (slots its touches span) keeps 2 reason lines a step (the rest counted by
 * code), and its frames carry one number per 2 MiB slot (slotCells) instead
 * of a list of tables (the 55 TiB process keeps 28.8 million). The page
 * computes such a run only for the designs on screen (no prefetch: each
 * holds about a gigabyte).
 */
export const BIG_TABLES = 200_000;

/** ViewSnapshot.cells' codes for a huge PMD and the huge zero page (the core's CELL_HUGE, CELL_HUGE_ZERO; protocol.test checks). */
export const CELL_HUGE = 0xffff;
export const CELL_HUGE_ZERO = 0xfffe;

export const KIND_TABLE = 0;
export const KIND_HUGE = 1;
export const KIND_HUGE_ZERO = 2;
