// The scenario language's syntax tree. The parser (parse.ts) produces it,
// expand.ts flattens repeat loops into the statement stream the core runs.
// Numbers are plain JS numbers: every x86-64 user address (< 2^47) and size
// fits exactly in a double.

export type Prot = 'r' | 'rw' | 'none';
/** madvise advices; dontfork/dofork (VM_DONTCOPY) and wipeonfork/keeponfork (VM_WIPEONFORK) only change what a later fork copies. */
export type Advice = 'dontneed' | 'free' | 'hugepage' | 'nohugepage' | 'collapse' | 'pageout' | 'dontfork' | 'dofork' | 'wipeonfork' | 'keeponfork';
export const ADVICES: readonly Advice[] = ['dontneed', 'free', 'hugepage', 'nohugepage', 'collapse', 'pageout', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork'];
export type ThpMode = 'never' | 'madvise' | 'always';
export type MechanismName = 'baseline' | 'pte-ref' | 'pt-reclaim';
export const MECHANISMS: readonly MechanismName[] = ['baseline', 'pte-ref', 'pt-reclaim'];
/**
 * A mechanism a run may use: the three real designs, or `broken`, the race
 * lab's deliberately unsafe variant (free a table as soon as it looks empty:
 * no refcount, no recheck, no RCU delay). Presets and the sequential tests
 * run MECHANISMS only.
 */
export type MechanismVariant = MechanismName | 'broken';
export const MECHANISM_VARIANTS: readonly MechanismVariant[] = [...MECHANISMS, 'broken'];

/** What the race checker flags (src/core/races/checker.ts). */
export type ViolationKind = 'use-after-free' | 'lost-write' | 'non-empty-freed' | 'negative-refcount';
export const VIOLATION_KINDS: readonly ViolationKind[] = ['use-after-free', 'lost-write', 'non-empty-freed', 'negative-refcount'];

/** Where a statement came from: 1-based line and column of its first character. */
export interface Loc {
  line: number;
  col: number;
  /**
   * 1-based column just past the statement's last character, on `line`
   * (set by the parser for every statement but `repeat`, which may span lines).
   * expand() uses it to quote the statement's own text.
   */
  endCol?: number;
}

/** An integer expression over sizes, numbers and the loop variable `i`. */
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: 'i' }
  | { kind: 'bin'; op: '+' | '-' | '*'; left: Expr; right: Expr };

/** The first process's name: statements without `in NAME:`, and expects without a process name, are its. */
export const FIRST_PROCESS = 'parent';

export type FigureName = 'VmPTE' | 'RssAnon' | 'VmSize' | 'VmSwap' | 'pte' | 'pmd' | 'pud';

/**
 * The statement one CPU runs in a race (`cpu 0: touch A 0 4K`). `gup` is the
 * gup-fast walk (falling back to slow GUP); madvise is DONTNEED only, with
 * `lockbreak OFFSET` (the zap drops the PTE lock there: need_resched or a
 * full mmu_gather batch) and `unfixed` (pt-reclaim as merged for 6.14-rc1,
 * before the Feb 2025 fix "mm: pgtable: fix incorrect reclaim of non-empty
 * PTE pages").
 */
export type CpuStatement =
  | { op: 'touch' | 'read' | 'gup' | 'mincore' | 'pagemap'; name: string; off: Expr; len: Expr }
  | { op: 'madvise'; name: string; off: Expr; len: Expr; advice: 'dontneed'; lockbreak?: Expr; unfixed: boolean }
  | { op: 'munmap'; name: string; off: Expr; len: Expr };

/** One entry of an interleaving: `0` (one micro-step), `1*` (until it finishes or blocks), `0*3` (three). */
export interface InterleaveItem {
  cpu: number;
  count: number | 'run';
}

/**
 * What an `mmap` maps besides private anonymous memory (all optional):
 * `file "LABEL"` a file (private unless `shared`), `stack` a stack that grows
 * down, `fixed` MAP_FIXED (replaces whatever was mapped there).
 */
export interface MmapBacking {
  file?: string;
  shared?: boolean;
  stack?: boolean;
  fixed?: boolean;
}

export type Statement =
  | ({ op: 'mmap'; loc: Loc; name: string; size: Expr; at?: Expr; hugepage: boolean; prot: Prot } & MmapBacking)
  | { op: 'touch' | 'read'; loc: Loc; name: string; off: Expr; len: Expr }
  // Recorded programs (src/record): faults between two syscalls, the brk heap, the pages present when recording began, the zero page.
  | { op: 'faults'; loc: Loc; runs: { name: string; off: Expr; len: Expr; write: boolean }[] }
  | { op: 'brk'; loc: Loc; name: string; start: Expr; end: Expr }
  | { op: 'populate'; loc: Loc; name: string; off: Expr; len: Expr; anon: boolean }
  | { op: 'zeropage'; loc: Loc; on: boolean }
  | { op: 'madvise'; loc: Loc; name: string; off: Expr; len: Expr; advice: Advice }
  | { op: 'munmap'; loc: Loc; name: string; off: Expr; len: Expr }
  | { op: 'mprotect'; loc: Loc; name: string; off: Expr; len: Expr; prot: Prot }
  /** Read-only page walkers: mincore(2) and a read of /proc/PID/pagemap over the range (src/core/mm/walkers.ts). */
  | { op: 'mincore' | 'pagemap'; loc: Loc; name: string; off: Expr; len: Expr }
  | { op: 'mremap'; loc: Loc; name: string; to: Expr }
  | { op: 'thp'; loc: Loc; mode: ThpMode }
  /** `swap on|off`: whether a swap device is on (MADV_PAGEOUT can move dirty anonymous pages out). Off by default. */
  | { op: 'swap'; loc: Loc; on: boolean }
  /** `khugepaged [max_ptes_none N] [max_ptes_swap N] [max_ptes_shared N]`: set the sysfs limits given, then one full scan. */
  | ({ op: 'khugepaged'; loc: Loc } & KhugepagedLimits<Expr>)
  | { op: 'process'; loc: Loc; kind: 'small-c' | 'empty' }
  | { op: 'say'; loc: Loc; text: string }
  | { op: 'quiz'; loc: Loc; question: string; answer: string; mechanism?: MechanismName }
  | { op: 'expect'; loc: Loc; mechanism?: MechanismName; figure: FigureName; value: Expr; proc?: string }
  // Several processes (parse_process.ts): `fork [NAME]`, `exit NAME`, `in NAME: STATEMENT`.
  | { op: 'fork'; loc: Loc; child: string }
  | { op: 'exit'; loc: Loc; proc: string }
  | { op: 'in'; loc: Loc; proc: string; body: Statement }
  | { op: 'repeat'; loc: Loc; count: Expr; body: Statement[] }
  // Races: consecutive `cpu` lines, optionally closed by `interleave` lines, form one race.
  | { op: 'cpu'; loc: Loc; cpu: number; body: CpuStatement }
  | { op: 'interleave'; loc: Loc; mechanism?: MechanismVariant; order: { kind: 'list'; items: InterleaveItem[] } | { kind: 'random'; seed: Expr } }
  /** `expect [MECH] violation [KIND]`: the race just before must be caught by the checker. */
  | { op: 'expect-violation'; loc: Loc; mechanism?: MechanismName; kind?: ViolationKind }
  /** `alloc NAME arena SIZE live SIZE ticks N purge POLICY ...`: an allocator workload (alloc.ts). */
  | AllocStatement;

/** The sysfs limits a `khugepaged` statement sets (absent: unchanged). */
export interface KhugepagedLimits<N> {
  maxPtesNone?: N;
  maxPtesSwap?: N;
  maxPtesShared?: N;
}

/** An allocator workload statement; every parameter as written (alloc.ts checks them). */
export interface AllocStatement {
  op: 'alloc';
  loc: Loc;
  name: string;
  arena: Expr;
  live: Expr;
  end?: Expr;
  ticks: Expr;
  seed?: Expr;
  extent?: [Expr, Expr];
  churn?: Expr;
  purge: 'dontneed' | 'decay' | 'free' | 'hugepage';
  decay?: Expr;
  at?: Expr;
}

export interface Scenario {
  statements: Statement[];
  /** The source text, kept so steps can quote their line. */
  source: string;
}

/** A parse error: nothing runs. */
export interface ParseError {
  line: number;
  col: number;
  message: string;
  /** The offending source line, for display. */
  lineText: string;
}

/**
 * One statement of the flat stream: a repeat body appears once per pass with
 * `i` bound and every expression evaluated to a number.
 */
export type FlatOp =
  | ({ op: 'mmap'; name: string; size: number; at?: number; hugepage: boolean; prot: Prot } & MmapBacking)
  | { op: 'touch' | 'read'; name: string; off: number; len: number }
  | { op: 'faults'; runs: { name: string; off: number; len: number; write: boolean }[] }
  | { op: 'brk'; name: string; start: number; end: number }
  | { op: 'populate'; name: string; off: number; len: number; anon: boolean }
  | { op: 'zeropage'; on: boolean }
  | { op: 'madvise'; name: string; off: number; len: number; advice: Advice }
  | { op: 'munmap'; name: string; off: number; len: number }
  | { op: 'mprotect'; name: string; off: number; len: number; prot: Prot }
  | { op: 'mincore' | 'pagemap'; name: string; off: number; len: number }
  | { op: 'mremap'; name: string; to: number }
  | { op: 'thp'; mode: ThpMode }
  | { op: 'swap'; on: boolean }
  | ({ op: 'khugepaged' } & KhugepagedLimits<number>)
  | { op: 'process'; kind: 'small-c' | 'empty' }
  | { op: 'race'; threads: RaceThread[]; orders: RaceOrder[] }
  | { op: 'fork'; child: string }
  | { op: 'exit'; proc: string }
  /** A statement run by another process than the first (`in child: touch A 0 4K`). */
  | { op: 'in'; proc: string; body: FlatOp };

/** A race statement with its numbers evaluated. */
export type RaceThreadOp =
  | { op: 'touch' | 'read' | 'gup' | 'mincore' | 'pagemap'; name: string; off: number; len: number }
  | { op: 'madvise'; name: string; off: number; len: number; advice: 'dontneed'; lockbreak?: number; unfixed: boolean }
  | { op: 'munmap'; name: string; off: number; len: number };

export interface RaceThread {
  cpu: 0 | 1;
  line: number;
  /** `cpu 0: touch A 0 4K` as written. */
  text: string;
  op: RaceThreadOp;
}

/** The order of micro-steps: a list, or seeded random choices. */
export type RaceSchedule = { kind: 'list'; items: InterleaveItem[] } | { kind: 'random'; seed: number };

/** An `interleave` line: for one mechanism, or (no mechanism) the default. */
export interface RaceOrder {
  mechanism?: MechanismVariant;
  line: number;
  schedule: RaceSchedule;
}

/** A `quiz [DESIGN] "question" answer`: asked before the statement it precedes. */
export interface Quiz {
  question: string;
  answer: string;
  /** The design the question is about; absent: whichever is on screen. */
  mechanism?: MechanismName;
}

export interface FlatStatement {
  /** 1-based source line of the statement (inside a repeat: the body statement's line). */
  line: number;
  /** The statement's own source text, trimmed (for a repeat body: that statement only). */
  text: string;
  /** The loop variable for a repeat body pass, else undefined. */
  iter?: number;
  op: FlatOp;
  /** Captions from `say` statements just before this statement. */
  say?: string[];
  /** A `quiz` just before this statement (`mechanism`: the design it asks about; absent: the one on screen). */
  quiz?: Quiz;
  /** `expect` lines just after this statement: checked against its figures. */
  expects?: { line: number; mechanism?: MechanismName; figure: FigureName; value: number; proc?: string }[];
  /** `expect [MECH] violation [KIND]` lines after a race. */
  expectViolations?: { line: number; mechanism?: MechanismName; kind?: ViolationKind }[];
  /**
   * An `alloc` workload's live set at the end of this statement's tick:
   * pages in use and the 2 MiB slots holding them (one PTE table each is
   * the minimum the live set needs).
   */
  live?: { pages: number; slots: number };
}
