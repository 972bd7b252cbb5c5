// A run: the flat statement stream executed under one mechanism, step by
// step, with figures after every step, expect checks, optional invariant
// checks, and checkpoints so any step's state can be rebuilt exactly
// (time travel = nearest checkpoint + replay, never a copy per step).
import { FIRST_PROCESS, type FigureName, type FlatOp, type FlatStatement, type MechanismVariant } from '../../scenario/ast.ts';
import type { Program } from '../../scenario/program.ts';
import { mechanismOf, type Mechanism } from '../mechanisms/index.ts';
import { violationMessage } from '../races/report.ts';
import { MAX_STEP_REASONS, Mm } from '../mm/mm.ts';
import { packMm, unpackMm, type PackedMm } from '../mm/pack.ts';
import { copyCounters, type Counters, type Figures, type SimError, type SimEvent, type StepResult, type TableReason } from '../types.ts';
import { PAGE_KB, TABLE_KB } from '../constants.ts';
import { execute, type Names } from './execute.ts';
import { checkInvariants } from './invariants.ts';
import { packProcs, prepare, procFigures, unpackProcs, type PackedProc, type Proc } from './procs.ts';
import { NO_REASONS, StepLog, newStepRecord, stepOfRecord, type StepRecord } from './steplog.ts';

export interface RunOptions {
  /** One of MECHANISMS, or 'broken' (the race lab's unsafe variant). */
  mechanism: MechanismVariant;
  /** Replace the mechanism's rules (tests inject a deliberately wrong one). */
  mechanismImpl?: Mechanism;
  /** false: the kernel has no zero page (read faults map real pages). Default true. */
  zeroPage?: boolean;
  /** Record the running cost counters on every step (the app's compare table). */
  costsPerStep?: boolean;
  /** Work (slot operations) the run may do before it stops with a 'limit' error (DEFAULT_MAX_WORK). */
  maxWork?: number;
  /** Run the invariant checker after every step (tests, dev builds). */
  checkInvariants?: boolean;
  /**
   * Keep checkpoints for time travel (stateAt). Off for one-pass runs (CLI,
   * bench), where only the initial state is kept and stateAt replays from it.
   */
  checkpoints?: boolean;
  /** With checkpoints: at least this many steps apart (and after enough work; default CHECKPOINT_EVERY). */
  checkpointEvery?: number;
  /**
   * false: keep only the last step's result (`--steps final`, the bench): a
   * one-pass run then holds nothing per step. Default true.
   */
  keepSteps?: boolean;
  /**
   * Reason lines a step keeps (default MAX_STEP_REASONS); the rest are
   * counted by code (moreReasons). The app's runs of production size keep a
   * few per step: a purge of a terabyte would otherwise keep thousands.
   */
  maxReasons?: number;
  /**
   * With checkpoints: the most bytes they may hold together. Past it, every
   * other checkpoint is dropped and the spacing doubles, so a run of any size
   * keeps its checkpoints within budget (seeks replay further instead).
   */
  checkpointBytes?: number;
}

export interface Checkpoint {
  /** The state after step `index` (-1: before the first step). */
  index: number;
  mm: PackedMm;
  names: Names;
  /** The other processes (after a fork), if any. */
  procs?: PackedProc[];
}

export interface RunSummary {
  mechanism: MechanismVariant;
  steps: StepResult[];
  final: Figures;
  counters: Counters;
  /** The error that stopped the run, with its step. */
  error?: { index: number; line: number; error: SimError };
  expectFailures: { line: number; message: string }[];
  invariantViolations: { index: number; line: number; messages: string[] }[];
  /**
   * A race the checker caught as an `expect violation` line said it would:
   * not an error, but the state after it is the kernel's corrupted one, so
   * the run stops there.
   */
  stopped?: { index: number; line: number; reason: string };
  /** After a fork: every live process's figures at the end, the first's first. */
  procs?: { name: string; figures: Figures }[];
}

export function figureValue(f: Figures, name: FigureName): number {
  switch (name) {
    case 'VmPTE':
    case 'RssAnon':
    case 'VmSize':
      return f[name];
    case 'VmSwap':
      return f.VmSwap ?? 0;
    default:
      return f.tables[name];
  }
}


/**
 * Steps between checkpoints at least. A small state (the freeing designs keep
 * 5 PTE tables through the 50 GiB test) would otherwise be packed every few
 * hundred steps for nothing: a seek replays at most this many steps (~2 ms).
 */
export const CHECKPOINT_EVERY = 1024;

const UNIT: Record<FigureName, string> = { VmPTE: ' kB', RssAnon: ' kB', VmSize: ' kB', VmSwap: ' kB', pte: ' PTE tables', pmd: ' PMD tables', pud: ' PUD tables' };

/** A state of the run: the first process's mm and names, and every process (procs[0] is the first). */
export interface RunState {
  mm: Mm;
  names: Names;
  procs: Proc[];
  /** With `record`: the first process's events in the step (none when the step ran in another process). */
  events: SimEvent[];
  /** With `record`, for a step another process ran (`in NAME:`, fork, exit): that process's events. */
  otherEvents?: { name: string; events: SimEvent[] };
}

export class Run {
  readonly mechanism: MechanismVariant;
  /** The first process's mm (`parent`); a fork's children are in `procs`. */
  mm: Mm;
  names: Names = new Map();
  /** Every live process, the first first: one until a `fork`. */
  procs: Proc[];
  /** Every step's result, in columns (steplog.ts): read them with step(i). */
  private readonly log: StepLog;
  readonly checkpoints: Checkpoint[] = [];
  readonly expectFailures: { line: number; message: string }[] = [];
  readonly invariantViolations: RunSummary['invariantViolations'] = [];
  error?: RunSummary['error'];
  stopped?: RunSummary['stopped'];
  private workSinceCheckpoint = 0;
  /** Steps executed so far. */
  stepsRun = 0;
  /**
   * The result of the step just run (null before the first), built from the
   * step's record when read (a run makes no result object per step); the
   * same object until the next step.
   */
  get lastStep(): StepResult | null {
    if (this.stepsRun === 0) return null;
    if (this.lastCache === null) {
      const index = this.stepsRun - 1;
      const st = this.lastStatement!;
      // A run that keeps only its last step reads no other step's text (a
      // generated statement formats its text when read).
      const text = this.opts.keepSteps === false && index !== this.ops.length - 1 && !this.rec.error ? '' : st.text;
      this.lastCache = stepOfRecord(index, st, text, this.rec, this.rec.costs ? copyCounters(this.rec.costs) : undefined);
    }
    return this.lastCache;
  }
  private lastCache: StepResult | null = null;
  /** What a step leaves, written in place step after step (the log copies it). */
  private readonly rec = newStepRecord();
  /**
   * The step just run as its record (null before the first): the same object
   * rewritten by every step, so reading it makes nothing (the worker's loop
   * reads it for every one of 51,202 steps; lastStep builds a result object).
   */
  get lastRecord(): Readonly<StepRecord> | null {
    return this.stepsRun === 0 ? null : this.rec;
  }
  /** The statement of the step just run. */
  lastStatement: FlatStatement | null = null;
  private stepsCache: StepResult[] | null = null;
  private stepsSinceCheckpoint = 0;
  /** Bytes the checkpoints hold, and how far apart they are taken (doubles each time the budget is passed). */
  private checkpointBytes = 0;
  private spacing = 1;
  private readonly reasonCap: number;
  readonly initial: Figures;

  constructor(
    /** The statement stream (an array, or compile()'s lazy program). */
    readonly ops: Program,
    readonly opts: RunOptions,
    readonly initialExpects: FlatStatement['expects'] = [],
  ) {
    this.mechanism = opts.mechanism;
    this.reasonCap = Math.max(0, Math.min(opts.maxReasons ?? MAX_STEP_REASONS, MAX_STEP_REASONS));
    this.log = new StepLog(!!opts.costsPerStep, opts.keepSteps === false ? 16 : ops.length);
    this.mm = new Mm(opts.mechanismImpl ?? mechanismOf(opts.mechanism));
    if (opts.zeroPage === false) this.mm.zeroPage = false;
    this.procs = [{ name: FIRST_PROCESS, mm: this.mm, names: this.names }];
    this.initial = this.mm.figures();
    this.checkExpects(this.initialExpects, this.initial);
    this.checkpoints.push({ index: -1, mm: packMm(this.mm), names: new Map(this.names) });
    this.checkpointBytes = checkpointSize(this.checkpoints[0]);
  }

  /** Bytes the run's checkpoints hold (their typed arrays). */
  get checkpointMemory(): number {
    return this.checkpointBytes;
  }

  /** Step i's result (0 <= i < stepsRun; with keepSteps false, only the last). A new object each call. */
  step(i: number): StepResult {
    if (this.opts.keepSteps === false) {
      if (i !== this.stepsRun - 1 || !this.lastStep) throw new RangeError(`step ${i}: this run keeps only its last step`);
      return this.lastStep;
    }
    if (!(i >= 0 && i < this.log.length)) throw new RangeError(`step ${i} of ${this.log.length}`);
    return this.log.at(i, this.ops.at(i)!);
  }

  /** Step i's resolved operation alone (cheaper than step(i)); needs keepSteps. */
  opAt(i: number): StepResult['op'] {
    return this.log.opAt(i);
  }

  /** Did step i allocate or free a PTE table (cheaper than step(i))? */
  changedPte(i: number): boolean {
    return this.log.changedPte(i);
  }

  /** Step i's figures alone (cheaper than step(i)). */
  figuresAt(i: number): Figures {
    return this.opts.keepSteps === false ? this.step(i).figures : this.log.figures(i);
  }

  /** Every step's result as an array, built on demand and kept until the next step (tests, summaries). */
  get steps(): StepResult[] {
    if (this.opts.keepSteps === false) return this.lastStep ? [this.lastStep] : [];
    if (this.stepsCache?.length !== this.log.length) this.stepsCache = Array.from({ length: this.log.length }, (_, i) => this.step(i));
    return this.stepsCache;
  }

  get done(): boolean {
    return this.error !== undefined || this.stopped !== undefined || this.stepsRun >= this.ops.length;
  }

  /** Execute up to `max` more steps; returns how many ran. */
  advance(max = Infinity): number {
    let n = 0;
    while (n < max && !this.done) {
      this.stepOnce();
      n++;
    }
    return n;
  }

  private stepOnce(): void {
    const index = this.stepsRun++;
    const st = this.ops.at(index)!;
    this.lastStatement = st;
    this.lastCache = null;
    const sop = st.op.op;
    // One process and no process statement: the first process runs it directly (the fast path).
    const multi = this.procs.length > 1 || sop === 'fork' || sop === 'in' || sop === 'exit';
    const prep = multi ? prepare(this.procs, st.op) : null;
    const mm = prep ? prep.mm : this.mm;
    const c = mm.counters;
    const faultsBefore = c.faults;
    const workBefore = mm.work;
    const a = c.tablesAllocated;
    const f = c.tablesFreed;
    const aPud = a.pud, aPmd = a.pmd, aPte = a.pte;
    const fPud = f.pud, fPmd = f.pmd, fPte = f.pte;
    mm.beginStep(false);
    if (this.opts.keepSteps === false) {
      const last = index === this.ops.length - 1;
      mm.maxReasons = last ? this.reasonCap : 0;
      mm.countMoreReasons = last;
    } else {
      mm.maxReasons = this.reasonCap;
      mm.countMoreReasons = true;
    }
    const r = prep ? prep.run(this.opts.maxWork) : execute(mm, this.names, st.op, this.opts.maxWork);
    const procs = multi ? procFigures(this.procs) : undefined;
    let reasons: readonly TableReason[] = mm.reasons.length ? mm.reasons : NO_REASONS;
    const v = r.race?.violation;
    // After a violation the figures are the corrupted state's: checking them says nothing.
    let failed = v || !st.expects ? undefined : this.checkExpects(st.expects, this.mm.figures(), procs);
    if (v && !r.error) {
      const expected = (st.expectViolations ?? []).some((e) => (!e.mechanism || e.mechanism === this.mechanism) && (!e.kind || e.kind === v.kind));
      if (expected) this.stopped = { index, line: st.line, reason: violationMessage(v) };
      else {
        r.error = { kind: 'race', message: violationMessage(v) };
        reasons = reasons.filter((x) => x.code !== 'race_violation'); // the error says it
      }
    }
    if (r.error) this.error = { index, line: st.line, error: r.error };
    if (st.expectViolations) {
      for (const e of st.expectViolations) {
        if (e.mechanism && e.mechanism !== this.mechanism) continue;
        if (v && (!e.kind || e.kind === v.kind)) continue;
        const msg = `line ${e.line}: expected the checker to catch ${e.kind ? `a ${e.kind}` : 'a violation'} in this race, ${v ? `it caught a ${v.kind}` : 'it ran clean'} (${this.mechanism})`;
        (failed ??= []).push(msg);
        this.expectFailures.push({ line: e.line, message: msg });
      }
    }
    // The step's result: its record (read by lastStep until the next step), and into the log.
    const rec = this.rec;
    const top = this.mm;
    let vmSize = 0;
    const vmas = top.vmas;
    for (let k = 0; k < vmas.length; k++) vmSize += vmas[k].end - vmas[k].start;
    rec.VmPTE = (top.nr.pud + top.nr.pmd + top.nr.pte) * TABLE_KB;
    rec.RssAnon = top.rssAnonPages * PAGE_KB;
    rec.VmSize = vmSize / 1024;
    rec.VmSwap = top.swapPages * PAGE_KB;
    rec.pud = top.nr.pud;
    rec.pmd = top.nr.pmd;
    rec.pte = top.nr.pte;
    rec.faults = c.faults - faultsBefore;
    rec.aPud = a.pud - aPud;
    rec.aPmd = a.pmd - aPmd;
    rec.aPte = a.pte - aPte;
    rec.fPud = f.pud - fPud;
    rec.fPmd = f.pmd - fPmd;
    rec.fPte = f.pte - fPte;
    rec.pathId = mm.pathId();
    rec.op = r.op;
    rec.reasons = reasons;
    rec.error = r.error;
    rec.expectFailures = failed;
    rec.race = r.race;
    rec.moreReasons = mm.moreReasons ? [...mm.moreReasons.values()] : undefined;
    rec.procs = procs;
    rec.costs = this.opts.costsPerStep ? c : null;
    if (this.opts.keepSteps !== false) this.log.push(rec);
    if (this.opts.checkInvariants && !v) {
      const bad = checkInvariants(this.mm);
      for (const p of this.procs.slice(1)) for (const m of checkInvariants(p.mm)) bad.push(`${p.name}: ${m}`);
      if (bad.length) this.invariantViolations.push({ index, line: st.line, messages: bad });
    }
    // A checkpoint costs up to ~72 bytes per table object and a few bytes
    // per run of compact tables faulted together (pack.ts), and a pass over
    // the page-table tree; replaying a step costs ~64 units plus ~32 per
    // 2 MiB slot it works on (mm.work). Checkpointing once the replay work
    // since the last one exceeds 5 units per table, and at most every
    // CHECKPOINT_EVERY steps, bounds the checkpoints' time by the run's work, and any seek at
    // ~5 x (tables) units of replay (npm run bench:seek); checkpointBytes
    // bounds their memory.
    if (!this.opts.checkpoints) return;
    this.stepsSinceCheckpoint++;
    this.workSinceCheckpoint += 64 + 32 * (mm.work - workBefore) + reasons.length * 8;
    let tables = 0;
    for (const p of this.procs) tables += p.mm.nr.pte + p.mm.nr.pmd + p.mm.nr.pud;
    if (this.stepsSinceCheckpoint >= (this.opts.checkpointEvery ?? CHECKPOINT_EVERY) && this.workSinceCheckpoint >= 5 * tables * this.spacing) {
      const cp: Checkpoint = { index, mm: packMm(this.mm), names: new Map(this.names), procs: packProcs(this.procs) };
      this.checkpoints.push(cp);
      this.checkpointBytes += checkpointSize(cp);
      this.workSinceCheckpoint = 0;
      this.stepsSinceCheckpoint = 0;
      const budget = this.opts.checkpointBytes ?? Infinity;
      // Over budget: keep the first (the initial state) and every other one after it, and space later ones twice as far.
      while (this.checkpointBytes > budget && this.checkpoints.length > 2) {
        const kept = this.checkpoints.filter((_, k) => k === 0 || k % 2 === 0);
        this.checkpoints.length = 0;
        this.checkpoints.push(...kept);
        this.checkpointBytes = kept.reduce((a, c) => a + checkpointSize(c), 0);
        this.spacing *= 2;
      }
    }
  }

  /** The failed expects' messages (also added to expectFailures), or undefined when all held. */
  private checkExpects(expects: FlatStatement['expects'], f: Figures, procs?: StepResult['procs']): string[] | undefined {
    let failed: string[] | undefined;
    for (const e of expects ?? []) {
      if (e.mechanism && e.mechanism !== this.mechanism) continue;
      let pf = f;
      if (e.proc && e.proc !== FIRST_PROCESS) {
        const p = procs?.find((x) => x.name === e.proc);
        if (!p) {
          const msg = `line ${e.line}: expected ${e.proc}'s ${e.figure}, but there is no process named ${e.proc} here (${(procs ?? [{ name: FIRST_PROCESS }]).map((x) => x.name).join(', ')})`;
          (failed ??= []).push(msg);
          this.expectFailures.push({ line: e.line, message: msg });
          continue;
        }
        pf = p.figures;
      }
      const got = figureValue(pf, e.figure);
      if (got !== e.value) {
        const msg = `line ${e.line}: expected ${e.proc && e.proc !== FIRST_PROCESS ? `${e.proc}'s ` : ''}${e.figure} ${e.value}${UNIT[e.figure]}, got ${got}${UNIT[e.figure]} (${this.mechanism})`;
        (failed ??= []).push(msg);
        this.expectFailures.push({ line: e.line, message: msg });
      }
    }
    return failed;
  }

  /** The run's summary; `withSteps` false leaves `steps` empty (no step results built). */
  summary(withSteps = true): RunSummary {
    const s: RunSummary = {
      mechanism: this.mechanism,
      steps: withSteps && this.opts.keepSteps !== false ? this.steps : [],
      final: this.stepsRun ? this.figuresAt(this.stepsRun - 1) : this.initial,
      counters: copyCounters(this.mm.counters),
      expectFailures: this.expectFailures,
      invariantViolations: this.invariantViolations,
    };
    if (this.error) s.error = this.error;
    if (this.stopped) s.stopped = this.stopped;
    if (this.lastStep?.procs) s.procs = this.lastStep.procs;
    return s;
  }

  /**
   * The state after step `index` (-1: before the first), rebuilt from the
   * nearest earlier checkpoint: a fresh copy the caller may keep or change.
   * With `record`, the last replayed step records its full event list
   * (fault by fault).
   */
  stateAt(index: number, record = false): RunState {
    const target = record ? index - 1 : index;
    const cp = this.checkpointAtOrBefore(target);
    return this.replayTo(this.restore(cp), target, record ? index : undefined);
  }

  /** A checkpoint made live again: its processes, the first's mm and names. */
  private restore(cp: Checkpoint): { index: number; mm: Mm; names: Names; procs: Proc[] } {
    const mm = unpackMm(cp.mm, this.mm.mech);
    const names = new Map(cp.names);
    const procs = unpackProcs({ name: FIRST_PROCESS, mm, names }, cp.procs, this.mm.mech);
    return { index: cp.index, mm, names, procs };
  }

  /**
   * Like stateAt, for reading only: the returned state belongs to the run and
   * is valid until the next call. Moving forward replays from where the last
   * call left off, so playing or stepping forward never copies a checkpoint.
   */
  view(index: number, record = false): RunState {
    const target = record ? index - 1 : index;
    // The last step of a finished run is the run's own state: lent as it is (read-only), no checkpoint unpacked.
    if (!record && !this.error && !this.stopped && this.stepsRun === this.ops.length && target === this.stepsRun - 1 && target >= 0) return { mm: this.mm, names: this.names, procs: this.procs, events: [] };
    const cp = this.checkpointAtOrBefore(target);
    const c = this.cursor;
    if (!c || c.index > target || c.index < cp.index) {
      this.cursor = null; // let the old state go before the new one is unpacked (each is ~140 MB at 55 TiB)
      this.cursor = this.restore(cp);
    }
    return this.replayTo(this.cursor!, target, record ? index : undefined);
  }

  private cursor: { index: number; mm: Mm; names: Names; procs: Proc[] } | null = null;

  private checkpointAtOrBefore(index: number): Checkpoint {
    let cp = this.checkpoints[0];
    for (const c of this.checkpoints) if (c.index <= index) cp = c;
    return cp;
  }

  /** Replay `at` forward to `target`; then, if asked, run step `recordIndex` recording its events. */
  private replayTo(at: { index: number; mm: Mm; names: Names; procs: Proc[] }, target: number, recordIndex?: number): RunState {
    const { mm, names, procs } = at;
    const step = (op: FlatOp, record: boolean): Mm => {
      const sop = op.op;
      // A replayed step's result is the log's: it builds no reason lines (a recorded one builds all, with its events).
      if (procs.length === 1 && sop !== 'fork' && sop !== 'in' && sop !== 'exit') {
        mm.beginStep(record);
        mm.maxReasons = record ? MAX_STEP_REASONS : 0;
        mm.countMoreReasons = record;
        execute(mm, names, op, this.opts.maxWork);
        return mm;
      }
      const prep = prepare(procs, op);
      prep.mm.beginStep(record);
      prep.mm.maxReasons = record ? MAX_STEP_REASONS : 0;
      prep.mm.countMoreReasons = record;
      prep.run(this.opts.maxWork);
      return prep.mm;
    };
    for (let i = at.index + 1; i <= target && i < this.ops.length; i++) step(this.ops.at(i)!.op, false);
    at.index = Math.max(at.index, Math.min(target, this.ops.length - 1));
    let events: SimEvent[] = [];
    let otherEvents: RunState['otherEvents'];
    if (recordIndex !== undefined && recordIndex < this.ops.length) {
      const ran = step(this.ops.at(recordIndex)!.op, true);
      if (ran === mm) events = ran.events ?? [];
      else {
        const op = this.ops.at(recordIndex)!.op;
        const name = op.op === 'fork' ? op.child : op.op === 'exit' ? op.proc : op.op === 'in' ? (op.body.op === 'fork' ? op.body.child : op.proc) : '';
        otherEvents = { name, events: ran.events ?? [] };
      }
      ran.events = null;
      at.index = recordIndex;
    }
    mm.events = null;
    return otherEvents ? { mm, names, procs, events, otherEvents } : { mm, names, procs, events };
  }
}

export function runFlat(ops: Program, opts: RunOptions, initialExpects?: FlatStatement['expects']): RunSummary {
  const run = new Run(ops, opts, initialExpects);
  run.advance();
  return run.summary();
}

/** A checkpoint's typed arrays, in bytes (the rest is a few small objects). */
export function checkpointSize(cp: Checkpoint): number {
  const one = (m: PackedMm) => m.puds.byteLength + m.pmds.byteLength + m.ptes.byteLength + m.ents.byteLength + m.compactRuns.byteLength;
  let n = one(cp.mm);
  for (const p of cp.procs ?? []) n += one(p.mm);
  return n;
}
