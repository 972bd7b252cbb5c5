// A run's step results, kept in columns: typed arrays for the numbers every
// step has (figures, faults, the resolved op, the running cost counters),
// sparse maps for what few steps have (reasons, table allocations and frees,
// errors, races). A long run then holds a few hundred bytes per step in a
// handful of arrays instead of half a dozen objects per step, which the
// garbage collector would otherwise copy and trace again and again (the
// 50 GiB test's 51,200 steps cost more in GC than in simulation). at(i)
// builds the StepResult the rest of the code reads, the same as it always
// was; the statement's own fields (line, text, iter, say, quiz) come from
// the program, which already holds them.
import { ADVICES, type Advice, type FlatStatement, type Prot } from '../../scenario/ast.ts';
import type { ResolvedOp } from '../resolved.ts';
import type { Counters, Figures, StepResult, TableReason } from '../types.ts';
import { PATHS } from '../mm/mm.ts';

// Per step, in three typed arrays (82 bytes a step: fresh memory is paid for
// page by page, so the log stays small):
/** Float64: VmPTE, RssAnon, VmSize (kB), faults, op addr, op len, VmSwap (kB). */
const FW = 7;
/**
 * Int32: pud, pmd, pte tables, path id, rare index (-1: none), first reason,
 * reasons, tables allocated (pud, pmd, pte) and freed (pud, pmd, pte), first
 * "more reasons" triple, their count. Columns, not objects: nearly every step
 * of a long run allocates or frees a table, and 700,000 small objects cost
 * the garbage collector more than the numbers cost memory.
 */
const IW = 15;
/** Uint8: op kind, op aux (advice / prot). */
const BW = 2;
/** Per step with costs: the 14 counters. */
const CW = 14;

const OP_NONE = 0;
const SIMPLE_OPS = ['touch', 'read', 'munmap', 'madvise', 'mprotect'] as const;
type SimpleOp = Extract<ResolvedOp, { op: (typeof SIMPLE_OPS)[number] }>;
const OTHER_OP = SIMPLE_OPS.length + 1;
const ADVICE: readonly Advice[] = ADVICES;
const ADVICE_INDEX = Object.fromEntries(ADVICE.map((a, k) => [a, k])) as Record<Advice, number>;
const PROT: Prot[] = ['r', 'rw', 'none'];

type Levels = { pud: number; pmd: number; pte: number };
/** Shared by every step with no table allocated or freed, and no reasons. */
export const ZERO_LEVELS: Levels = Object.freeze({ pud: 0, pmd: 0, pte: 0 });
export const NO_REASONS = Object.freeze([]) as unknown as TableReason[];

/** What only some steps have. */
interface Rare {
  op?: ResolvedOp;
  error?: StepResult['error'];
  expectFailures?: string[];
  race?: StepResult['race'];
  procs?: StepResult['procs'];
}

/**
 * What a step leaves, as the run writes it: one object the run reuses for
 * every step (StepLog.push copies it into the columns), so running a step
 * makes no result object; StepLog.at builds the StepResult when one is read.
 */
export interface StepRecord {
  /** Figures: VmPTE, RssAnon, VmSize, VmSwap (kB; VmSwap 0 when none), tables per level. */
  VmPTE: number;
  RssAnon: number;
  VmSize: number;
  VmSwap: number;
  pud: number;
  pmd: number;
  pte: number;
  faults: number;
  /** Tables allocated and freed in the step, per level. */
  aPud: number;
  aPmd: number;
  aPte: number;
  fPud: number;
  fPmd: number;
  fPte: number;
  /** Index into PATHS (Mm's path trie). */
  pathId: number;
  op: ResolvedOp | undefined;
  reasons: readonly TableReason[];
  error: StepResult['error'];
  expectFailures: string[] | undefined;
  race: StepResult['race'];
  moreReasons: StepResult['moreReasons'];
  procs: StepResult['procs'];
  /** The running counters (copied), when the log keeps costs. */
  costs: Counters | null;
}

export function newStepRecord(): StepRecord {
  return {
    VmPTE: 0,
    RssAnon: 0,
    VmSize: 0,
    VmSwap: 0,
    pud: 0,
    pmd: 0,
    pte: 0,
    faults: 0,
    aPud: 0,
    aPmd: 0,
    aPte: 0,
    fPud: 0,
    fPmd: 0,
    fPte: 0,
    pathId: 0,
    op: undefined,
    reasons: NO_REASONS,
    error: undefined,
    expectFailures: undefined,
    race: undefined,
    moreReasons: undefined,
    procs: undefined,
    costs: null,
  };
}

export class StepLog {
  length = 0;
  private f64: Float64Array;
  private i32: Int32Array;
  private u8: Uint8Array;
  private cap: number;
  private costs: Float64Array | null;
  private readonly rare: Rare[] = [];
  /** Reasons, in columns: (addr, tableId) and (verdict, code, by, text) as string ids. */
  private rNum: Float64Array = new Float64Array(2 * 1024);
  private rMeta: Int32Array = new Int32Array(4 * 1024);
  private reasons = 0;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  /** `capacity`: the steps expected (the program's length), allocated at once; more grow by doubling. */
  constructor(withCosts: boolean, capacity = 1024) {
    const cap = Math.max(16, Math.min(capacity, 1 << 22));
    this.cap = cap;
    this.f64 = new Float64Array(FW * cap);
    this.i32 = new Int32Array(IW * cap);
    this.u8 = new Uint8Array(BW * cap);
    this.costs = withCosts ? new Float64Array(CW * cap) : null;
  }

  /** Append step `length` (the caller's index). */
  push(s: StepRecord): void {
    const i = this.length;
    if (i === this.cap) this.growAll();
    const n = this.f64;
    const m = this.i32;
    const b = this.u8;
    const o = i * FW;
    const q = i * IW;
    const u = i * BW;
    n[o] = s.VmPTE;
    n[o + 1] = s.RssAnon;
    n[o + 2] = s.VmSize;
    n[o + 3] = s.faults;
    n[o + 6] = s.VmSwap;
    m[q] = s.pud;
    m[q + 1] = s.pmd;
    m[q + 2] = s.pte;
    m[q + 3] = s.pathId;
    let rare: Rare | undefined;
    const op = s.op;
    const k = op ? simpleKind(op) : -1;
    if (!op) b[u] = OP_NONE;
    else if (k >= 0) {
      const so = op as SimpleOp;
      b[u] = k + 1;
      n[o + 4] = so.addr;
      n[o + 5] = so.len;
      b[u + 1] = so.op === 'madvise' ? ADVICE_INDEX[so.advice] : so.op === 'mprotect' ? PROT.indexOf(so.prot) : 0;
    } else {
      b[u] = OTHER_OP;
      (rare ??= {}).op = op;
    }
    const reasons = s.reasons;
    m[q + 5] = this.reasons;
    m[q + 6] = reasons.length;
    for (let r = 0; r < reasons.length; r++) this.pushReason(reasons[r]);
    m[q + 7] = s.aPud;
    m[q + 8] = s.aPmd;
    m[q + 9] = s.aPte;
    m[q + 10] = s.fPud;
    m[q + 11] = s.fPmd;
    m[q + 12] = s.fPte;
    const more = s.moreReasons;
    m[q + 13] = this.more;
    m[q + 14] = more ? more.length : 0;
    if (more) for (const r of more) this.pushMore(r);
    if (s.error) (rare ??= {}).error = s.error;
    if (s.expectFailures) (rare ??= {}).expectFailures = s.expectFailures;
    if (s.race) (rare ??= {}).race = s.race;
    if (s.procs) (rare ??= {}).procs = s.procs;
    if (rare) {
      m[q + 4] = this.rare.length;
      this.rare.push(rare);
    } else m[q + 4] = -1;
    if (this.costs && s.costs) writeCounters(this.costs, i * CW, s.costs);
    this.length++;
  }

  /** Double every per-step array (amortised O(1) a step). */
  private growAll(): void {
    this.cap *= 2;
    const f = new Float64Array(FW * this.cap);
    f.set(this.f64);
    this.f64 = f;
    const m = new Int32Array(IW * this.cap);
    m.set(this.i32);
    this.i32 = m;
    const b = new Uint8Array(BW * this.cap);
    b.set(this.u8);
    this.u8 = b;
    if (this.costs) this.costs = grow(this.costs);
  }

  /** Reasons past a step's cap, counted by code: (verdict, code, count) triples. */
  private mr: Float64Array = new Float64Array(3 * 256);
  private more = 0;
  private pushMore(r: NonNullable<StepResult['moreReasons']>[number]): void {
    const k = this.more++;
    if ((k + 1) * 3 > this.mr.length) this.mr = grow(this.mr);
    this.mr[3 * k] = r.verdict === 'freed' ? 0 : 1;
    this.mr[3 * k + 1] = this.intern(r.code);
    this.mr[3 * k + 2] = r.count;
  }
  private moreAt(first: number, count: number): NonNullable<StepResult['moreReasons']> {
    const out: NonNullable<StepResult['moreReasons']> = [];
    for (let k = first; k < first + count; k++) out.push({ verdict: this.mr[3 * k] === 0 ? 'freed' : 'kept', code: this.strings[this.mr[3 * k + 1]] as TableReason['code'], count: this.mr[3 * k + 2] });
    return out;
  }
  private levels(q: number): Levels {
    const m = this.i32;
    return m[q] === 0 && m[q + 1] === 0 && m[q + 2] === 0 ? ZERO_LEVELS : { pud: m[q], pmd: m[q + 1], pte: m[q + 2] };
  }

  private pushReason(r: TableReason): void {
    const k = this.reasons++;
    if ((k + 1) * 2 > this.rNum.length) this.rNum = grow(this.rNum);
    if ((k + 1) * 4 > this.rMeta.length) {
      const b = new Int32Array(this.rMeta.length * 2);
      b.set(this.rMeta);
      this.rMeta = b;
    }
    this.rNum[2 * k] = r.addr;
    this.rNum[2 * k + 1] = r.tableId;
    const m = this.rMeta;
    m[4 * k] = r.verdict === 'freed' ? 0 : 1;
    m[4 * k + 1] = this.intern(r.code);
    m[4 * k + 2] = r.by === undefined ? -1 : this.intern(r.by);
    m[4 * k + 3] = this.intern(r.text);
  }

  /** Reason texts repeat (one per design and case): each distinct string is kept once. */
  private intern(x: string): number {
    let id = this.stringIds.get(x);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(x);
      this.stringIds.set(x, id);
    }
    return id;
  }

  private reasonsAt(first: number, count: number): TableReason[] {
    const out: TableReason[] = [];
    const m = this.rMeta;
    for (let k = first; k < first + count; k++) {
      const r: TableReason = { addr: this.rNum[2 * k], tableId: this.rNum[2 * k + 1], verdict: m[4 * k] === 0 ? 'freed' : 'kept', code: this.strings[m[4 * k + 1]] as TableReason['code'], text: this.strings[m[4 * k + 3]] };
      if (m[4 * k + 2] >= 0) r.by = this.strings[m[4 * k + 2]];
      out.push(r);
    }
    return out;
  }

  /** Step i's figures (no other work). */
  figures(i: number): Figures {
    const n = this.f64;
    const m = this.i32;
    const o = i * FW;
    const q = i * IW;
    const f: Figures = { VmPTE: n[o], RssAnon: n[o + 1], VmSize: n[o + 2], tables: { pud: m[q], pmd: m[q + 1], pte: m[q + 2] } };
    if (n[o + 6] !== 0) f.VmSwap = n[o + 6];
    return f;
  }

  /** Step i's resolved operation alone (no figures, reasons or path): what history scans read. */
  opAt(i: number): ResolvedOp | undefined {
    const o = i * FW;
    const u = i * BW;
    const kind = this.u8[u];
    if (kind === OP_NONE) return undefined;
    if (kind === OTHER_OP) return this.rare[this.i32[i * IW + 4]]!.op;
    return simpleOp(SIMPLE_OPS[kind - 1], this.f64[o + 4], this.f64[o + 5], this.u8[u + 1]);
  }

  /** Did step i allocate or free a PTE table? */
  changedPte(i: number): boolean {
    return this.i32[i * IW + 9] > 0 || this.i32[i * IW + 12] > 0;
  }

  /** Step i's result; `st` is statement i of the program. A new object each call. */
  at(i: number, st: FlatStatement): StepResult {
    const n = this.f64;
    const m = this.i32;
    const o = i * FW;
    const q = i * IW;
    const u = i * BW;
    const rare = m[q + 4] >= 0 ? this.rare[m[q + 4]] : undefined;
    const step: StepResult = {
      index: i,
      line: st.line,
      text: st.text,
      figures: this.figures(i),
      path: PATHS[m[q + 3]] as string[],
      reasons: m[q + 6] ? this.reasonsAt(m[q + 5], m[q + 6]) : NO_REASONS,
      allocated: this.levels(q + 7),
      freed: this.levels(q + 10),
      faults: n[o + 3],
    };
    if (st.iter !== undefined) step.iter = st.iter;
    const kind = this.u8[u];
    if (kind === OTHER_OP) step.op = rare!.op;
    else if (kind !== OP_NONE) step.op = simpleOp(SIMPLE_OPS[kind - 1], n[o + 4], n[o + 5], this.u8[u + 1]);
    if (this.costs) step.costs = readCounters(this.costs, i * CW);
    if (st.say) step.say = st.say;
    if (st.quiz) step.quiz = st.quiz;
    if (rare?.race) step.race = rare.race;
    if (m[q + 14]) step.moreReasons = this.moreAt(m[q + 13], m[q + 14]);
    if (rare?.procs) step.procs = rare.procs;
    if (rare?.error) step.error = rare.error;
    if (rare?.expectFailures) step.expectFailures = rare.expectFailures;
    return step;
  }
}

/**
 * The StepResult of a step from its record, as at() would build it from the
 * log (the record's own reason and op objects, not copies): what Run.lastStep
 * reads before the next step overwrites the record.
 */
export function stepOfRecord(index: number, st: FlatStatement, text: string, s: StepRecord, costs: Counters | undefined): StepResult {
  const figures: Figures = { VmPTE: s.VmPTE, RssAnon: s.RssAnon, VmSize: s.VmSize, tables: { pud: s.pud, pmd: s.pmd, pte: s.pte } };
  if (s.VmSwap !== 0) figures.VmSwap = s.VmSwap;
  const step: StepResult = {
    index,
    line: st.line,
    text,
    figures,
    path: PATHS[s.pathId] as string[],
    reasons: s.reasons.length ? (s.reasons as TableReason[]) : NO_REASONS,
    allocated: s.aPud === 0 && s.aPmd === 0 && s.aPte === 0 ? ZERO_LEVELS : { pud: s.aPud, pmd: s.aPmd, pte: s.aPte },
    freed: s.fPud === 0 && s.fPmd === 0 && s.fPte === 0 ? ZERO_LEVELS : { pud: s.fPud, pmd: s.fPmd, pte: s.fPte },
    faults: s.faults,
  };
  if (st.iter !== undefined) step.iter = st.iter;
  if (s.op) step.op = s.op;
  if (costs) step.costs = costs;
  if (st.say) step.say = st.say;
  if (st.quiz) step.quiz = st.quiz;
  if (s.race) step.race = s.race;
  if (s.moreReasons) step.moreReasons = s.moreReasons;
  if (s.procs) step.procs = s.procs;
  if (s.error) step.error = s.error;
  if (s.expectFailures) step.expectFailures = s.expectFailures;
  return step;
}

function simpleKind(op: ResolvedOp): number {
  switch (op.op) {
    case 'touch':
      return 0;
    case 'read':
      return 1;
    case 'munmap':
      return 2;
    case 'madvise':
      return 3;
    case 'mprotect':
      return 4;
    default:
      return -1;
  }
}

function simpleOp(op: SimpleOp['op'], addr: number, len: number, aux: number): ResolvedOp {
  switch (op) {
    case 'madvise':
      return { op, addr, len, advice: ADVICE[aux] };
    case 'mprotect':
      return { op, addr, len, prot: PROT[aux] };
    default:
      return { op, addr, len };
  }
}

function grow(a: Float64Array): Float64Array {
  // Doubling: amortised O(1) per step.
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function writeCounters(a: Float64Array, o: number, c: Counters): void {
  a[o] = c.faults;
  a[o + 1] = c.hugeFaults;
  a[o + 2] = c.tablesAllocated.pud;
  a[o + 3] = c.tablesAllocated.pmd;
  a[o + 4] = c.tablesAllocated.pte;
  a[o + 5] = c.tablesFreed.pud;
  a[o + 6] = c.tablesFreed.pmd;
  a[o + 7] = c.tablesFreed.pte;
  a[o + 8] = c.tlbFlushes;
  a[o + 9] = c.refcountAtomics;
  a[o + 10] = c.pmdLocks;
  a[o + 11] = c.pteLocks;
  a[o + 12] = c.entriesScanned;
  a[o + 13] = c.rcuFrees;
}

function readCounters(a: Float64Array, o: number): Counters {
  return {
    faults: a[o],
    hugeFaults: a[o + 1],
    tablesAllocated: { pud: a[o + 2], pmd: a[o + 3], pte: a[o + 4] },
    tablesFreed: { pud: a[o + 5], pmd: a[o + 6], pte: a[o + 7] },
    tlbFlushes: a[o + 8],
    refcountAtomics: a[o + 9],
    pmdLocks: a[o + 10],
    pteLocks: a[o + 11],
    entriesScanned: a[o + 12],
    rcuFrees: a[o + 13],
  };
}
