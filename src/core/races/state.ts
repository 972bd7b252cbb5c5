// The state of a two-CPU race: two threads of one process, each running one
// statement as a program of micro-steps (the kernel's own steps: take
// mmap_lock, read the PMD, pte_offset_map_lock, recheck, set the PTE, ...),
// over the run's real Mm. Shared state beyond the Mm: the locks (mmap_lock,
// split PMD locks, PTE locks), each table's life ('linked' -> detached,
// waiting for the TLB flush, then for an RCU grace period -> freed) and each
// CPU's view (what it read, what it holds, interrupts, RCU read side).
//
// Simplified: two CPUs; one statement per CPU per race; locks are owned, not
// queued (a spinning CPU is "blocked"); an IPI to a CPU with interrupts on is
// acknowledged at once; PMD and PUD tables are not raced (free_pgtables frees
// them at once). See src/core/races/README.md.
import type { MechanismVariant, RaceThreadOp, ViolationKind } from '../../scenario/ast.ts';
import type { Names } from '../trace/execute.ts';
import type { Mm } from '../mm/mm.ts';
import type { PteTable } from '../mm/pgtable.ts';
import type { Vma } from '../mm/vma.ts';
import type { SimError, TableReason } from '../types.ts';

export type CpuId = 0 | 1;
export type TableLife = 'linked' | 'detached-waiting-tlb' | 'detached-waiting-rcu' | 'freed';

/** What the checker caught: the micro-step, the CPU, the table and what happened. */
export interface RaceViolation {
  /** 1-based number of the micro-step (counting both CPUs) during which it happened. */
  microStep: number;
  cpu: CpuId;
  /** The micro-step's name, e.g. 'spin_lock(PTE lock)'. */
  step: string;
  tableId: number;
  kind: ViolationKind;
  message: string;
}

/** One line of the race's trace: a micro-step that ran, or a scheduler note. */
export interface TraceEntry {
  /** The micro-step's number (a note carries the number of the last one). */
  n: number;
  cpu: CpuId;
  /** Index of the micro-step in the CPU's program; -1 for a scheduler note. */
  pc: number;
  microStep: string;
  note?: string;
}

/** Control flow of a micro-step: undefined = the next one, a label = jump, END = the statement is done. */
export type Flow = string | undefined;
export const END = '$end';

export interface Instr {
  label?: string;
  /** What the UI and the trace show, in the kernel's words. */
  name: string;
  /** The kernel function, for the step's path. */
  fn: string;
  /** Why the micro-step cannot run now (a held lock, an IPI, a grace period), or null. Must not change state. */
  wait?: (r: Race, c: Cpu) => string | null;
  run: (r: Race, c: Cpu) => Flow | void;
}

export interface Program {
  instrs: Instr[];
  labels: Map<string, number>;
}

/** One 2 MiB slot of a zap: [a, b) clipped to one VMA. */
export interface ZapWork {
  slot: number;
  a: number;
  b: number;
}

export interface Cpu {
  id: CpuId;
  text: string;
  op: RaceThreadOp;
  prog: Program;
  pc: number;
  done: boolean;
  /** What happened to this CPU's statement, in sentences, for the report. */
  outcome: string[];
  error?: SimError;
  /** A remark the current micro-step makes (retry, skip, ...), copied to the trace. */
  note?: string;
  // Synchronisation.
  mmap: 'read' | 'write' | null;
  rcuDepth: number;
  irqsOff: boolean;
  /** Read-side section generation: grace periods wait for the one they saw. */
  section: number;
  locks: Set<string>;
  /** pte-ref: tables this CPU holds a pte_refcount reference on. */
  refs: PteTable[];
  // What it read and holds.
  /** The PTE table its last PMD read found (null: none; undefined: not read yet). */
  pmdSeen: PteTable | null | undefined;
  /** The table it has mapped and works on. */
  table: PteTable | null;
  /** A table pte_alloc_one allocated, not yet installed. */
  newTable: PteTable | null;
  v: Locals;
}

/** Per-program variables (the C locals of the modelled functions). */
export interface Locals {
  // Faults (touch, read, gup's slow path).
  pages: number[];
  pi: number;
  write: boolean;
  gup: boolean;
  retry: boolean;
  /** Where a subroutine (free_user_pte_table without a gather) returns. */
  ret: string;
  /** pte-ref: the table whose count reached 0, being freed. */
  freeing: PteTable | null;
  // Zaps (DONTNEED, munmap): the range asked for.
  start: number;
  end: number;
  cause: 'dontneed' | 'munmap';
  work: ZapWork[];
  wi: number;
  pos: number;
  cleared: number;
  dropped: boolean;
  /** pt-reclaim: the slot may take the fast path (direct_reclaim). */
  direct: boolean;
  clearedPmd: boolean;
  /** broken: entries it believes the table holds (read once, never rechecked). */
  seen: number;
  lockbreak: number;
  unfixed: boolean;
  /** Tables queued in the mmu_gather (pte_free_tlb), freed after the flush. */
  gather: PteTable[];
  dirty: boolean;
  enomem: boolean;
  // munmap.
  detached: Vma[];
  floor: number;
  ceiling: number;
  // gup-fast.
  pinned: number;
  /** Pages gup-fast grabbed in the current slot, before its recheck. */
  pins: number;
  fallback: boolean;
  /** A page walker (walk.ts): pages it found resident, and tables it skipped. */
  resident: number;
  skipped: number;
}

export function newLocals(): Locals {
  return {
    pages: [], pi: 0, write: false, gup: false, retry: false, ret: '', freeing: null,
    start: 0, end: 0, cause: 'dontneed', work: [], wi: 0, pos: 0, cleared: 0, dropped: false, direct: false, clearedPmd: false,
    seen: 0, lockbreak: -1, unfixed: false, gather: [], dirty: false, enomem: false,
    detached: [], floor: 0, ceiling: 0, pinned: 0, pins: 0, fallback: false, resident: 0, skipped: 0,
  };
}

/** The life of a table the race detached (linked tables are not tracked). */
export interface Track {
  t: PteTable;
  life: TableLife;
  /** Who cleared its PMD, and who freed the page. */
  detached?: { cpu: CpuId; n: number; by: string };
  freed?: { cpu: CpuId; n: number; by: string };
  /** The grace period it waits for: CPU -> the read-side section it must leave. */
  gp?: Map<CpuId, number>;
  /** Freed only after the flush and a grace period (MMU_GATHER_RCU_TABLE_FREE). */
  rcu: boolean;
}

export class Race {
  readonly cpus: Cpu[] = [];
  readonly tracks = new Map<PteTable, Track>();
  /** Lock key -> holder. Keys: 'ptl:ID' (a PTE table's lock), 'pml:ID' (a PMD table's split lock). */
  readonly locks = new Map<string, CpuId>();
  readonly mmapReaders = new Set<CpuId>();
  mmapWriter: CpuId | null = null;
  /** Micro-steps taken so far. */
  n = 0;
  readonly trace: TraceEntry[] = [];
  /** Reasons for tables the zaps kept (freed ones are built from tracks). */
  readonly reasons: TableReason[] = [];
  violation?: RaceViolation;
  deadlock?: string;
  /** The race ran out of micro-steps (a livelock). */
  limit?: string;

  constructor(
    readonly mm: Mm,
    readonly names: Names,
    readonly mech: MechanismVariant,
  ) {}

  get stopped(): boolean {
    return this.violation !== undefined || this.deadlock !== undefined || this.limit !== undefined;
  }

  cpu(id: number): Cpu | undefined {
    return this.cpus.find((c) => c.id === id);
  }

  others(c: Cpu): Cpu[] {
    return this.cpus.filter((o) => o !== c);
  }

  life(t: PteTable): TableLife {
    return this.tracks.get(t)?.life ?? 'linked';
  }
}

export function newCpu(id: CpuId, text: string, op: RaceThreadOp, prog: Program): Cpu {
  return {
    id, text, op, prog, pc: 0, done: false, outcome: [],
    mmap: null, rcuDepth: 0, irqsOff: false, section: 0, locks: new Set(), refs: [],
    pmdSeen: undefined, table: null, newTable: null, v: newLocals(),
  };
}
