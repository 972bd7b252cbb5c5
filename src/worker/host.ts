// The worker's brain, free of worker globals so tests drive it directly:
// compile a scenario, run it in time-sliced chunks (posting progress and
// yielding so a cancel can land), then answer requests for the state at any
// step from the Run's checkpoints (Run.stateAt: exact and unlimited).
import { PMD_SIZE, Run, copyCounters, pteEntries, pteTableEmpty, snapshot, type MechanismName, type Mm, type SimEvent, type StepRecord } from '../core/index.ts';
import { compile, type FlatStatement, type Program } from '../scenario/index.ts';
import { toJson } from '../share/runJson.ts';
import { encodeCells, encodeSnapshot, frameBytes, newTimeline, recordStep, trimTimeline } from './encode.ts';
import { answer } from './queries.ts';
import { BIG_TABLES, FLAG_EMPTIED, FLAG_ERROR, FLAG_EXPECT_FAILED, FLAG_SAY, type Frame, type FromWorker, type ProcView, type Timeline, type ToWorker } from './protocol.ts';

export interface HostEnv {
  post(msg: FromWorker, transfer?: ArrayBuffer[]): void;
  /** Give the event loop a turn (a cancel message may arrive). */
  yieldNow(): Promise<void>;
  now(): number;
  /** Steps between two looks at the clock inside a chunk (default CLOCK_EVERY; tests with a fake clock: 1). */
  clockEvery?: number;
}

/** How long one chunk of simulation runs before the worker posts progress and yields. */
export const CHUNK_MS = 40;
/** Steps between two looks at the clock inside a chunk (a clock read costs about as much as a small step). */
const CLOCK_EVERY = 16;
/** ... or after this much slot work (mm.work) since the last look. */
const CLOCK_WORK = 1024;
/** The shortest time between two progress messages. */
export const PROGRESS_MS = 200;
/** Work a run may do in the browser (slot operations: the page checks src/store/limits.ts first; this is the backstop). */
export const MAX_WORK = 170_000_000;
/** Frames kept for revisits (25,600 tables: ~0.5 MB each) ... */
export const FRAME_CACHE = 32;
/** ... and the most bytes they may hold (a production-size frame is ~1 KB per GiB mapped). */
export const FRAME_CACHE_BYTES = 96 * 2 ** 20;
const BIG_REASONS = 2;
/** Checkpoints (time travel) of one run hold at most this much; past it they thin out (Run's checkpointBytes). */
export const CHECKPOINT_BYTES = 96 * 2 ** 20;
/** Recorded frames carry the pre-step entries of at most this many tables. */
export const MAX_EVENT_TABLES = 64;
/** What warmUp runs: the 50 GiB preset's shape, 1/12 of its length. */
const WARM_UP =
  'process small-c\nexpect VmPTE 40K\nsay "warm-up"\nmmap A 16G\nexpect VmPTE 40K\n' +
  'repeat 8192 { touch A i*2M 2M; madvise A i*2M 2M dontneed }\nexpect RssAnon 72K\nsay "done"\nmunmap A 0 16G\n';
const WARM_UP_RUNS = 1;

interface Active {
  runId: number;
  run: Run;
  timeline: Timeline;
  cancelled: boolean;
  done: boolean;
  /** Most PTE tables alive at once: past BIG_TABLES, frames carry slot cells. */
  maxPtes: number;
  mechanism: MechanismName;
}

/** 2 MiB slots the run's touches and reads span (an upper bound on the PTE tables alive at once). */
function spannedSlots(ops: Program): number {
  let n = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops.at(i)!.op;
    if ((op.op === 'touch' || op.op === 'read') && op.len > 0) n += Math.floor((op.off + op.len - 1) / PMD_SIZE) - Math.floor(op.off / PMD_SIZE) + 1;
    if (n > BIG_TABLES) return n;
  }
  return n;
}

/** Did this step leave a zapped PTE table with no entries (freed, or kept empty)? */
function emptiedFlag(run: Run, reasons: StepRecord['reasons']): number {
  for (const r of reasons) {
    if (r.verdict === 'freed') return FLAG_EMPTIED;
    if (pteTableEmpty(run.mm, r.addr)) return FLAG_EMPTIED;
  }
  return 0;
}

/** The timeline's flags of the step just run, from its record (no result object). */
function stepFlags(run: Run, r: Readonly<StepRecord>, st: FlatStatement): number {
  let f = 0;
  if (r.error) f |= FLAG_ERROR;
  if (st.say) f |= FLAG_SAY;
  if (r.expectFailures) f |= FLAG_EXPECT_FAILED;
  if (r.reasons.length) f |= emptiedFlag(run, r.reasons);
  return f;
}

/** Slots (address / 2 MiB) whose PTE entries a step's events change. */
export function eventSlots(events: SimEvent[]): number[] {
  const slots = new Set<number>();
  const add = (addr: number) => slots.add(Math.floor(addr / PMD_SIZE));
  for (const e of events) {
    switch (e.kind) {
      case 'pte_set':
      case 'ptes_cleared':
      case 'ptes_swapped':
      case 'huge_split':
      case 'huge_collapsed':
      case 'refcount':
        add(e.addr);
        break;
      case 'ptes_moved':
        add(e.from);
        add(e.to);
        break;
      case 'pmd_moved':
        if (e.level === 'pmd') add(e.from);
        break;
      default:
    }
  }
  return [...slots].slice(0, MAX_EVENT_TABLES);
}

export class SimHost {
  /** The last finished run (it serves frames while the next one runs) and the one running. */
  private ready: Active | null = null;
  private pending: Active | null = null;

  constructor(private readonly env: HostEnv) {}

  handle(msg: ToWorker): Promise<void> | void {
    switch (msg.t) {
      case 'run':
        return this.start(msg.runId, msg.source, msg.mechanism);
      case 'warm':
        return this.warmUp(msg.mechanism);
      case 'drop':
        if (this.ready && this.ready.runId === msg.runId) {
          this.ready = null;
          this.cache.clear();
          this.cacheBytes = 0;
        }
        return;
      case 'cancel':
        if (this.pending && this.pending.runId === msg.runId) this.pending.cancelled = true;
        return;
      case 'frame':
        return this.frame(msg.runId, msg.reqId, msg.index, msg.record);
      case 'entries':
        return this.entries(msg.runId, msg.reqId, msg.index, msg.slot);
      case 'query': {
        const run = this.runFor(msg.runId);
        return this.env.post({ t: 'query', runId: msg.runId, reqId: msg.reqId, result: run ? answer(run, msg.q) : null });
      }
      case 'json': {
        const run = this.runFor(msg.runId);
        return this.env.post({ t: 'json', runId: msg.runId, reqId: msg.reqId, json: run ? toJson(run.summary(), 'all') : null });
      }
    }
  }

  /** A run; `warm`: the JIT's warm-up (warmUp), which posts nothing and leaves the ready run as it is. */
  private async start(runId: number, source: string, mechanism: MechanismName, warm = false): Promise<void> {
    if (this.pending) this.pending.cancelled = true;
    const post: HostEnv['post'] = warm ? () => {} : (m, t) => this.env.post(m, t);
    const c = compile(source);
    if (!c.ok) {
      const e = c.errors[0];
      post({ t: 'failed', runId, message: `line ${e.line}:${e.col}: ${e.message}` });
      return;
    }
    const t0 = this.env.now();
    const big = spannedSlots(c.program) > BIG_TABLES;
    // The page checked the scenario's size before sending it; the budget is the backstop.
    const run = new Run(c.program, { mechanism, checkpoints: true, maxWork: MAX_WORK, checkpointBytes: CHECKPOINT_BYTES, ...(big ? { maxReasons: BIG_REASONS } : {}) }, c.initialExpects);
    const a: Active = { runId, run, timeline: newTimeline(c.program.length), cancelled: false, done: false, maxPtes: 0, mechanism };
    this.pending = a;
    let maxPtes = run.initial.tables.pte;
    let lastProgress = -Infinity;
    try {
      while (!run.done) {
        const until = this.env.now() + CHUNK_MS;
        let k = 0;
        let work = run.mm.work;
        const every = this.env.clockEvery ?? CLOCK_EVERY;
        for (;;) {
          run.advance(1);
          const r = run.lastRecord!; // read now: rewritten by the next advance
          const st = run.lastStatement!;
          recordStep(a.timeline, r, st, stepFlags(run, r, st), st.live?.slots ?? -1);
          if (r.pte > maxPtes) maxPtes = r.pte;
          if (run.done) break;
          // The clock every CLOCK_EVERY steps, or at once after a step that worked on many slots (a 50 GiB munmap).
          if (++k % every !== 0 && run.mm.work - work < CLOCK_WORK) continue;
          work = run.mm.work;
          if (this.env.now() >= until) break;
        }
        if (run.done) break;
        // Progress at most 5 times a second: each one re-renders the page, and
        // with three lanes computing on two cores the page's renders cost the runs.
        const now = this.env.now();
        if (now - lastProgress >= PROGRESS_MS) {
          lastProgress = now;
          post({ t: 'progress', runId, done: run.stepsRun, total: c.program.length });
        }
        await this.env.yieldNow();
        if (a.cancelled) {
          if (this.pending === a) this.pending = null;
          post({ t: 'cancelled', runId });
          return;
        }
      }
    } catch (err) {
      if (this.pending === a) this.pending = null;
      post({ t: 'failed', runId, message: `simulation error: ${(err as Error).message}` });
      return;
    }
    a.done = true;
    a.maxPtes = maxPtes;
    if (this.pending === a) this.pending = null;
    if (warm) {
      // The frame of the last step too (the first thing a person sees), then the run goes.
      this.buildFrame(run, run.stepsRun - 1, false, false);
      return;
    }
    this.ready = a;
    const s = run.summary(false);
    const { timeline, buffers } = trimTimeline(a.timeline);
    a.timeline = newTimeline(0);
    const summary = {
      mechanism,
      initial: run.initial,
      final: s.final,
      counters: s.counters,
      expectFailures: s.expectFailures,
      steps: run.stepsRun,
      ops: c.program.length,
      maxPtes,
      ms: Math.round(this.env.now() - t0),
      ...(s.error ? { error: s.error } : {}),
    };
    post({ t: 'ready', runId, timeline, summary }, buffers);
  }

  /**
   * The JIT's warm-up, off the user's clock: the 2021 test's loop at 16 GiB,
   * in a scenario shaped like the presets (a program image, captions,
   * expects), once through the very path a run takes (chunks, timeline,
   * checkpoints, the last step's frame), and dropped. A lane's first real run
   * then runs compiled code: in Chromium a cold 50 GiB run took 0.7-0.9 s
   * against ~0.15 s warm, and a shorter warm-up that skipped the run's own
   * path (its timeline, first `say` and `expect`) left most of that, its code
   * being thrown away at the run's first statements.
   */
  private async warmUp(mechanism: MechanismName): Promise<void> {
    for (let k = 0; k < WARM_UP_RUNS; k++) {
      if (this.pending) break; // a real run came in: it warms the code itself
      await this.start(-1, WARM_UP, mechanism, true);
    }
    this.env.post({ t: 'warmed' });
  }

  private activeFor(runId: number): Active | null {
    for (const a of [this.ready, this.pending]) if (a && a.runId === runId) return a;
    return null;
  }

  private runFor(runId: number): Run | null {
    return this.activeFor(runId)?.run ?? null;
  }

  /** The state after step `index` (-1: before the first); `cells`: production size (slot cells, no table list). */
  buildFrame(run: Run, index: number, record: boolean, cells = false): Frame {
    const i = Math.max(-1, Math.min(index, run.stepsRun - 1));
    // view: read-only, replays forward from the last frame (no copy when playing).
    const st = run.view(i, record && i >= 0);
    const step = i >= 0 ? run.step(i) : null;
    // The cost counters up to this step are the state's own (the compare table shows them): no per-step copy kept.
    if (step) step.costs = copyCounters(st.mm.counters);
    const figures = step ? step.figures : run.initial;
    const encode = (at: number, mm: Mm, names: Map<string, { start: number; len: number }>, f: typeof figures) =>
      cells ? encodeCells(at, mm, names, f, run.mechanism === 'pte-ref') : encodeSnapshot(at, mm, names, f);
    const frame: Frame = { index: i, snapshot: encode(i, st.mm, st.names, figures), step };
    if (st.procs.length > 1 || step?.procs) frame.procs = procViews(st.procs);
    if (record && i >= 0) {
      frame.events = st.events;
      const pre = run.stateAt(i - 1);
      frame.before = encode(i - 1, pre.mm, pre.names, i > 0 ? run.figuresAt(i - 1) : run.initial);
      frame.beforeEntries = [];
      for (const slot of eventSlots(st.events)) {
        const ents = pteEntries(pre.mm, slot * PMD_SIZE);
        if (ents) frame.beforeEntries.push({ slot, ents });
      }
    }
    return frame;
  }

  /** Recent frames of the ready run: stepping back and forth revisits them (sent as copies, so they stay). */
  private cache = new Map<string, Frame>();
  private cacheRun = 0;
  private cacheBytes = 0;

  private frame(runId: number, reqId: number, index: number, record: boolean): void {
    const a = this.activeFor(runId);
    if (!a) return this.env.post({ t: 'frame', runId, reqId, frame: null });
    if (this.cacheRun !== runId) {
      this.cache.clear();
      this.cacheBytes = 0;
      this.cacheRun = runId;
    }
    const key = `${index}:${record}`;
    let frame = this.cache.get(key);
    if (frame) this.cache.delete(key);
    else frame = this.buildFrame(a.run, index, record, a.maxPtes > BIG_TABLES);
    const bytes = frameBytes(frame);
    if (bytes > FRAME_CACHE_BYTES / 4) {
      // A production-size frame (slot cells, tens of MB) is rebuilt when asked again, not kept: its buffers are transferred.
      const buffers = [frame.snapshot.cells?.buffer, frame.before?.cells?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
      return this.env.post({ t: 'frame', runId, reqId, frame }, buffers);
    }
    this.cache.set(key, frame);
    this.cacheBytes += bytes;
    while (this.cache.size > 1 && (this.cache.size > FRAME_CACHE || this.cacheBytes > FRAME_CACHE_BYTES)) {
      const oldest = this.cache.keys().next().value!;
      this.cacheBytes -= frameBytes(this.cache.get(oldest)!);
      this.cache.delete(oldest);
    }
    this.env.post({ t: 'frame', runId, reqId, frame });
  }

  private entries(runId: number, reqId: number, index: number, slot: number): void {
    const run = this.runFor(runId);
    if (!run) return this.env.post({ t: 'entries', runId, reqId, index, slot, ents: null });
    const i = Math.max(-1, Math.min(index, run.stepsRun - 1));
    const ents = pteEntries(run.view(i).mm, slot * PMD_SIZE);
    this.env.post({ t: 'entries', runId, reqId, index: i, slot, ents }, ents ? [ents.buffer as ArrayBuffer] : []);
  }
}

/** Every process's tables for the page (after a fork): plain values, a few tables each. */
function procViews(procs: { name: string; mm: Mm }[]): ProcView[] {
  return procs.map((p) => {
    const snap = snapshot(p.mm);
    const ptes: ProcView['ptes'] = [];
    let pmds = 0;
    for (const pud of snap.puds) {
      pmds += pud.pmds.length;
      for (const pmd of pud.pmds) for (const t of pmd.ptes) ptes.push({ addr: t.addr, kind: t.kind === 'table' ? 0 : t.kind === 'huge' ? 1 : 2, nonNone: t.nonNone, shared: t.shared ?? 0 });
    }
    return { name: p.name, figures: p.mm.figures(), puds: snap.puds.length, pmds, ptes };
  });
}
