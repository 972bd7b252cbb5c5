// The core's public vocabulary: figures, cost counters, events and the
// per-table reasons a step reports. Everything here is plain data, so the UI,
// the CLI's JSON and the tests share one shape.
import type { MechanismName, Quiz } from '../scenario/ast.ts';
import type { ResolvedOp } from './resolved.ts';
import type { RaceReport } from './races/report.ts';

export type { MechanismName };
export type TableLevel = 'pud' | 'pmd' | 'pte';

/** What /proc/self/status prints (kB) plus table counts per level. */
export interface Figures {
  VmPTE: number;
  RssAnon: number;
  VmSize: number;
  /** Swap entries in the page tables, kB (MM_SWAPENTS); present only when not 0 (only `swap on` scenarios have any). */
  VmSwap?: number;
  tables: { pud: number; pmd: number; pte: number };
}

/** What each design pays: the 2021 review argued about exactly these. */
export interface Counters {
  faults: number;
  hugeFaults: number;
  tablesAllocated: { pud: number; pmd: number; pte: number };
  tablesFreed: { pud: number; pmd: number; pte: number };
  tlbFlushes: number;
  refcountAtomics: number;
  pmdLocks: number;
  pteLocks: number;
  entriesScanned: number;
  rcuFrees: number;
}

export const newCounters = (): Counters => ({
  faults: 0,
  hugeFaults: 0,
  tablesAllocated: { pud: 0, pmd: 0, pte: 0 },
  tablesFreed: { pud: 0, pmd: 0, pte: 0 },
  tlbFlushes: 0,
  refcountAtomics: 0,
  pmdLocks: 0,
  pteLocks: 0,
  entriesScanned: 0,
  rcuFrees: 0,
});

export const copyCounters = (c: Counters): Counters => ({
  ...c,
  tablesAllocated: { ...c.tablesAllocated },
  tablesFreed: { ...c.tablesFreed },
});

/** Why a PTE table that a zap (or move) touched was freed or kept. */
export type ReasonCode =
  | 'whole_slot_empty' // pt-reclaim: the zap covered the slot and left it empty
  | 'partial_cover' // pt-reclaim: the zap covered only part of the slot
  | 'shared_slot' // pt-reclaim: the slot is shared with another VMA (zap clipped)
  | 'not_dontneed' // pt-reclaim: only MADV_DONTNEED reclaims
  | 'entries_left' // entries still mapped
  | 'baseline_keeps' // baseline: zap never frees tables
  | 'refcount_zero' // pte-ref: the count reached 0
  | 'refcount_left' // pte-ref: count > 0
  | 'madv_free' // MADV_FREE leaves the PTEs mapped
  | 'pageout' // MADV_PAGEOUT / reclaim never frees a table (swap entries are non-none)
  | 'huge_zapped' // whole huge PMD zapped: deposited table freed
  | 'huge_split' // a partial zap split a huge PMD
  | 'collapsed' // MADV_COLLAPSE / khugepaged deposited the table under a new huge PMD
  | 'not_collapsed' // khugepaged looked at the slot and left it (a sysfs limit, or no young page)
  | 'free_pgtables' // munmap: freed by free_pgtables
  | 'free_pgtables_kept' // munmap: kept, shared with a surviving VMA (floor/ceiling)
  | 'walked' // a read-only page walker (mincore, pagemap, change_pte_range) read the table
  | 'race_freed' // a race: a CPU cleared its PMD (and freed the page, after the flush and RCU where the design waits)
  | 'race_violation'; // a race: the checker caught a use-after-free, lost write, non-empty free or negative count

export interface TableReason {
  /** Start of the 2 MiB slot the table maps. */
  addr: number;
  tableId: number;
  verdict: 'freed' | 'kept';
  code: ReasonCode;
  /** The kernel function that freed it, if freed. */
  by?: string;
  /** One line a student can read. */
  text: string;
}

export type SimEvent =
  | { kind: 'fault'; addr: number; write: boolean; by: 'handle_mm_fault' }
  | { kind: 'table_allocated'; level: TableLevel; addr: number; id: number; by: string }
  | { kind: 'table_freed'; level: TableLevel; addr: number; id: number; by: string; rcu: boolean }
  | { kind: 'pte_set'; addr: number; tableId: number; value: 'anon' | 'zero' | 'file'; by: string }
  | { kind: 'ptes_cleared'; addr: number; end: number; tableId: number; count: number; by: 'zap_pte_range' | 'try_to_unmap_one' }
  /** Reclaim turned `count` present anonymous PTEs of [addr, end) into swap entries. */
  | { kind: 'ptes_swapped'; addr: number; end: number; tableId: number; count: number; by: 'try_to_unmap_one' }
  /** collapse_huge_page: the slot's PTE table went under a new huge PMD (pgtable_trans_huge_deposit). */
  | { kind: 'huge_collapsed'; addr: number; tableId: number; by: 'collapse_huge_page' }
  | { kind: 'refcount'; tableId: number; addr: number; from: number; to: number; by: string }
  | { kind: 'huge_mapped'; addr: number; zero: boolean; by: string }
  | { kind: 'huge_split'; addr: number; by: '__split_huge_pmd' | 'split_folio' }
  | { kind: 'huge_zapped'; addr: number; by: 'zap_huge_pmd' }
  | { kind: 'pmd_moved'; from: number; to: number; level: 'pmd' | 'pud'; by: string }
  | { kind: 'ptes_moved'; from: number; to: number; count: number; by: 'move_ptes' }
  | { kind: 'tlb_flush'; by: string }
  | { kind: 'vma'; action: 'insert' | 'split' | 'merge' | 'remove' | 'flags'; start: number; end: number; by: string }
  | { kind: 'reason'; reason: TableReason };

/** An error at a statement: the state before it is kept. */
export interface SimError {
  kind: 'segv' | 'enomem' | 'einval' | 'ebusy' | 'efault' | 'unknown_mapping' | 'range' | 'exists' | 'limit' | 'race';
  message: string;
  /** The faulting address for a SIGSEGV. */
  addr?: number;
}

export interface StepResult {
  /** Index in the flat statement stream. */
  index: number;
  line: number;
  text: string;
  iter?: number;
  /** What ran, with addresses resolved (absent for statements with no kernel effect). */
  op?: ResolvedOp;
  figures: Figures;
  /** Kernel functions this step went through, in first-seen order. */
  path: string[];
  /** For every PTE table the step zapped or moved: freed or kept, and why (the first MAX_STEP_REASONS). */
  reasons: TableReason[];
  /** Tables past MAX_STEP_REASONS, counted by verdict and code (a zap of terabytes touches millions). */
  moreReasons?: { verdict: TableReason['verdict']; code: ReasonCode; count: number }[];
  allocated: { pud: number; pmd: number; pte: number };
  freed: { pud: number; pmd: number; pte: number };
  faults: number;
  say?: string[];
  quiz?: Quiz;
  error?: SimError;
  expectFailures?: string[];
  /** With RunOptions.costsPerStep: the cost counters summed over the run up to and including this step. */
  costs?: Counters;
  /** A race step: its micro-step trace, each CPU's outcome, and what the checker caught. */
  race?: RaceReport;
  /**
   * Several processes (after a fork, and at the step a child exits): each
   * live process's figures, the first's first. `figures` stays the first's.
   */
  procs?: { name: string; figures: Figures }[];
}
