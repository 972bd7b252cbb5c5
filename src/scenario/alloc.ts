// The allocator workload generator: what a long-running malloc does to its
// address space, as ordinary statements (mmap once, then touch and madvise
// on that one mapping), deterministically from a seed.
//
// The model (README, "Allocator workloads"):
// - The arena is one anonymous mapping reserved at the start and never
//   unmapped (jemalloc's retain, tcmalloc's page heap).
// - Extents are carved next-fit: a cursor walks the arena and wraps at its
//   end, skipping extents still in use. Freed address space is reused only
//   when the cursor comes round again, so over a long run the live set is
//   spread over the whole arena: VIRT/RES = arena / live set.
// - The live set follows a day: it grows linearly to `live` over the first
//   30% of the ticks, churns at `live` (each tick frees `churn`% of the
//   live extents, chosen at random, and allocates as much again), then
//   shrinks linearly to `end` over the last 30%.
// - Extent sizes are log-uniform between the two `extent` bounds, whole pages.
// - Purge policies: `dontneed` (every freed extent at once: jemalloc with
//   dirty_decay_ms:0), `decay N` (freed extents stay dirty for N ticks, then
//   the due ones are purged with adjacent ranges merged), `free` (MADV_FREE
//   of every freed extent at once: lazy, the PTEs stay) and `hugepage`
//   (tcmalloc's hugepage-aware allocator: freed pages stay dirty; a 2 MiB
//   slot of the arena with no extent left in it is released whole, adjacent
//   slots in one madvise).
// A tick's operations are consecutive statements; the first carries the
// tick's caption (one app step is one statement, as everywhere else).
//
// The output is packed into typed arrays and turned into FlatStatements on
// demand (program.ts: a generated segment), so a workload of a million
// operations costs ~17 bytes per operation until it runs.

import type { FlatOp, FlatStatement } from './ast.ts';
import { formatAddr, formatSize } from './format.ts';
import { prng } from './prng.ts';

export type AllocPurge = 'dontneed' | 'decay' | 'free' | 'hugepage';
export const ALLOC_PURGES: readonly AllocPurge[] = ['dontneed', 'decay', 'free', 'hugepage'];

export interface AllocParams {
  name: string;
  arena: number;
  live: number;
  end: number;
  ticks: number;
  seed: number;
  extentMin: number;
  extentMax: number;
  /** Percent of the live extents freed (and replaced) per tick. */
  churn: number;
  purge: AllocPurge;
  /** decay: ticks a freed extent stays dirty. */
  decay: number;
  at?: number;
}

const PAGE = 4096;
const SLOT = 2 * 1024 * 1024;
const TASK_SIZE = 2 ** 47 - PAGE;
/** Most ticks a workload may have: every tick is at least a caption's worth of work. */
export const MAX_TICKS = 10_000_000;

/** A problem with the parameters or the run; the expander adds line:col. */
export class AllocFail {
  constructor(readonly message: string) {}
}

/** The parameters' checks: absurd sizes are refused before anything is generated. */
export function checkAllocParams(p: AllocParams): void {
  const fail = (m: string): never => {
    throw new AllocFail(m);
  };
  const sz = (n: number) => `${formatSize(n)} (${n} bytes)`;
  if (p.arena < SLOT || p.arena % SLOT !== 0) fail(`arena is ${sz(p.arena)}: it must be a whole number of 2 MiB slots, at least 2M`);
  if (p.arena > TASK_SIZE - 2 ** 32) fail(`arena is ${formatSize(p.arena)}: larger than the user address space (128 TiB less the program's own mappings)`);
  if (p.at !== undefined) {
    if (p.at % SLOT !== 0) fail(`arena address ${formatAddr(p.at)} is not 2 MiB aligned: the hugepage policy releases whole 2 MiB slots`);
    if (p.at + p.arena > TASK_SIZE) fail(`the arena at ${formatAddr(p.at)} would end at ${formatAddr(p.at + p.arena)}, past the top of the user address space (${formatAddr(TASK_SIZE)})`);
  }
  if (p.extentMin < PAGE || p.extentMin % PAGE !== 0) fail(`the smallest extent is ${sz(p.extentMin)}: it must be whole 4 KiB pages, at least 4K`);
  if (p.extentMax < p.extentMin) fail(`the largest extent (${formatSize(p.extentMax)}) is smaller than the smallest (${formatSize(p.extentMin)})`);
  if (p.extentMax % PAGE !== 0) fail(`the largest extent is ${sz(p.extentMax)}: it must be whole 4 KiB pages`);
  if (p.live < p.extentMin) fail(`the live set (${formatSize(p.live)}) is smaller than one extent (${formatSize(p.extentMin)})`);
  if (p.live * 2 > p.arena) fail(`the live set (${formatSize(p.live)}) must be at most half the arena (${formatSize(p.arena)}): next-fit needs room to move`);
  if (p.extentMax * 4 > p.arena) fail(`the largest extent (${formatSize(p.extentMax)}) must be at most a quarter of the arena (${formatSize(p.arena)})`);
  if (p.end > p.live) fail(`the live set at the end (${formatSize(p.end)}) is larger than its peak (${formatSize(p.live)})`);
  if (p.ticks < 1 || p.ticks > MAX_TICKS) fail(`ticks is ${p.ticks}: it must be 1 to ${MAX_TICKS}`);
  if (p.churn > 100) fail(`churn is ${p.churn}%: at most 100`);
  if (p.purge === 'decay' && (p.decay < 1 || p.decay > p.ticks)) fail(`decay is ${p.decay} ticks: it must be 1 to the number of ticks (${p.ticks})`);
  if (p.seed > 0xffffffff) fail(`seed is ${p.seed}: it must fit in 32 bits`);
}


const K_MMAP = 0;
const K_TOUCH = 1;
const K_DONTNEED = 2;
const K_FREE = 3;

/** Growable packed columns. */
class Col {
  a: Float64Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Float64Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

export interface AllocTick {
  /** 0-based tick number. */
  tick: number;
  phase: 'grow' | 'churn' | 'shrink';
  allocs: number;
  allocBytes: number;
  frees: number;
  purges: number;
  purgeBytes: number;
}

/** The generated workload: its operations, packed, and each tick's figures. */
export class AllocWorkload {
  readonly length: number;
  /** Per tick (with at least one operation): first op index, live pages and live 2 MiB slots after it. */
  readonly tickStart: Float64Array;
  readonly tickLivePages: Float64Array;
  readonly tickLiveSlots: Float64Array;
  readonly ticks: AllocTick[];
  constructor(
    readonly params: AllocParams,
    private readonly kind: Uint8Array,
    private readonly off: Float64Array,
    private readonly len: Float64Array,
    tickStart: Col, livePages: Col, liveSlots: Col, ticks: AllocTick[],
    /** Touched slots at the end: baseline keeps one PTE table for each. */
    readonly touchedSlots: number,
  ) {
    this.length = kind.length;
    this.tickStart = tickStart.a.subarray(0, tickStart.n);
    this.tickLivePages = livePages.a.subarray(0, livePages.n);
    this.tickLiveSlots = liveSlots.a.subarray(0, liveSlots.n);
    this.ticks = ticks;
  }

  /** The tick (index into ticks) that operation k belongs to. */
  tickOf(k: number): number {
    const s = this.tickStart;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  op(k: number): FlatOp {
    const name = this.params.name;
    const off = this.off[k];
    const len = this.len[k];
    switch (this.kind[k]) {
      case K_MMAP:
        return this.params.at === undefined
          ? { op: 'mmap', name, size: len, hugepage: false, prot: 'rw' }
          : { op: 'mmap', name, size: len, at: this.params.at, hugepage: false, prot: 'rw' };
      case K_TOUCH:
        return { op: 'touch', name, off, len };
      case K_DONTNEED:
        return { op: 'madvise', name, off, len, advice: 'dontneed' };
      default:
        return { op: 'madvise', name, off, len, advice: 'free' };
    }
  }

  /** The operation as a statement would be written. */
  text(k: number): string {
    const o = this.op(k);
    const at = this.params.at === undefined ? '' : ` at ${formatAddr(this.params.at)}`;
    if (o.op === 'mmap') return `mmap ${o.name} ${formatSize(o.size)}${at}`;
    if (o.op === 'touch') return `touch ${o.name} ${formatSize(o.off)} ${formatSize(o.len)}`;
    if (o.op === 'madvise') return `madvise ${o.name} ${formatSize(o.off)} ${formatSize(o.len)} ${o.advice}`;
    return '';
  }

  caption(t: number): string {
    const k = this.ticks[t];
    const p = this.params;
    const parts: string[] = [];
    if (k.allocs) parts.push(`malloc ${k.allocs} extent${k.allocs > 1 ? 's' : ''} (${mib(k.allocBytes)})`);
    if (k.frees) parts.push(`free ${k.frees}`);
    if (k.purges) parts.push(`${PURGE_VERB[p.purge]} ${k.purges} range${k.purges > 1 ? 's' : ''} (${mib(k.purgeBytes)})`);
    parts.push(`live ${mib(this.tickLivePages[t] * PAGE)} in ${this.tickLiveSlots[t]} slots`);
    return `tick ${k.tick + 1}/${p.ticks} (${k.phase}): ${parts.join('; ')}`;
  }

  /** Statement k as the expander's stream holds it (line: the alloc statement's). */
  statement(k: number, line: number): FlatStatement {
    // The text is made when read (the app's step list, a run's last step): a
    // one-pass run of a million operations never formats one.
    const text = (): string => this.text(k);
    const f: FlatStatement = {
      line,
      get text(): string {
        return text();
      },
      op: this.op(k),
    };
    const t = this.tickOf(k);
    if (this.tickStart[t] === k) f.say = [this.caption(t)];
    f.live = { pages: this.tickLivePages[t], slots: this.tickLiveSlots[t] };
    return f;
  }
}

const PURGE_VERB: Record<AllocPurge, string> = { dontneed: 'DONTNEED', decay: 'decayed DONTNEED', free: 'MADV_FREE', hugepage: 'release' };

function mib(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/**
 * Sorted, disjoint [start, end) intervals of the arena in use: live extents
 * and dirty ones waiting for a decayed purge. Kept in blocks of at most
 * BLOCK intervals (square-root decomposition), so an insertion or removal
 * moves a few hundred numbers, not the whole live set (a 4 TiB live set of
 * large extents is 11,000 intervals, changed 360,000 times).
 */
const BLOCK = 256;
class Occupied {
  private blocks: { s: number[]; e: number[] }[] = [{ s: [], e: [] }];
  /** The block and index of the first interval ending after x (blocks.length when none). */
  private locate(x: number): [number, number] {
    const bs = this.blocks;
    let lo = 0;
    let hi = bs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = bs[mid].e;
      if (e.length === 0 || e[e.length - 1] <= x) lo = mid + 1;
      else hi = mid;
    }
    if (lo === bs.length) return [lo, 0];
    const e = bs[lo].e;
    let i = 0;
    let j = e.length;
    while (i < j) {
      const mid = (i + j) >> 1;
      if (e[mid] <= x) i = mid + 1;
      else j = mid;
    }
    return [lo, i];
  }
  /** The end of an interval overlapping [s, s+len), or -1 when that range is free. */
  blocker(s: number, len: number): number {
    const [bi, i] = this.locate(s);
    if (bi === this.blocks.length) return -1;
    const b = this.blocks[bi];
    return b.s[i] < s + len ? b.e[i] : -1;
  }
  add(s: number, e: number): void {
    let [bi, i] = this.locate(s);
    if (bi === this.blocks.length) {
      bi = this.blocks.length - 1;
      i = this.blocks[bi].s.length;
    }
    const b = this.blocks[bi];
    b.s.splice(i, 0, s);
    b.e.splice(i, 0, e);
    if (b.s.length > BLOCK) {
      const h = b.s.length >> 1;
      this.blocks.splice(bi + 1, 0, { s: b.s.splice(h), e: b.e.splice(h) });
    }
  }
  remove(s: number): void {
    const [bi, i] = this.locate(s);
    const b = this.blocks[bi];
    if (!b || b.s[i] !== s) throw new Error(`no extent at ${s}`);
    b.s.splice(i, 1);
    b.e.splice(i, 1);
    if (b.s.length === 0 && this.blocks.length > 1) this.blocks.splice(bi, 1);
  }
}

/**
 * Generates the workload. `maxOps` bounds the output (the expander's
 * statement limit): past it, AllocFail says how far the workload got.
 */
export function generateAlloc(p: AllocParams, maxOps: number): AllocWorkload {
  checkAllocParams(p);
  const rnd = prng(p.seed);
  const kind: number[] = [];
  const off = new Col();
  const len = new Col();
  const tickStart = new Col();
  const livePagesCol = new Col();
  const liveSlotsCol = new Col();
  const ticks: AllocTick[] = [];
  const emit = (k: number, o: number, l: number) => {
    if (kind.length >= maxOps) {
      throw new AllocFail(`the workload generates more than ${maxOps} statements (the limit) by tick ${ticks.length + 1} of ${p.ticks}: use fewer ticks, larger extents or less churn`);
    }
    kind.push(k);
    off.push(o);
    len.push(l);
  };
  emit(K_MMAP, 0, p.arena);

  const occ = new Occupied();
  // Live extents, unordered (random victims by swap-remove).
  const liveOff: number[] = [];
  const liveLen: number[] = [];
  let livePages = 0;
  // Extents per 2 MiB slot (live ones only): the slots holding a live page.
  // Typed arrays, one entry per slot of the arena (a 55 TiB arena has 28 million slots: no Map or Set holds that).
  const nSlots = p.arena / SLOT;
  const slotCount = new Uint32Array(nSlots);
  let liveSlots = 0;
  const dirty = new Uint8Array(p.purge === 'hugepage' ? nSlots : 0); // slots holding unreleased pages
  const everTouched = new Uint8Array(nSlots);
  let touchedSlots = 0;
  let cursor = 0;
  const pending: { due: number; off: number; len: number }[] = []; // decay
  const lnMin = Math.log(p.extentMin / PAGE);
  const lnMax = Math.log(p.extentMax / PAGE);

  const hugepage = p.purge === 'hugepage';
  const grow = Math.max(1, Math.round(p.ticks * 0.3));
  const shrinkFrom = p.ticks - Math.round(p.ticks * 0.3);
  const target = (t: number): number => {
    if (t < grow) return (p.live * (t + 1)) / grow;
    if (t < shrinkFrom) return p.live;
    return p.live - ((p.live - p.end) * (t - shrinkFrom + 1)) / (p.ticks - shrinkFrom);
  };

  /**
   * decay: purges the dirty extents due by tick `upTo`. Dirty extents next to
   * each other have coalesced (jemalloc merges free extents as they are
   * freed), so a due extent is purged with its dirty neighbours, due or not,
   * in one DONTNEED.
   */
  const purgeDue = (upTo: number, tk: AllocTick) => {
    if (!pending.some((d) => d.due <= upTo)) return;
    pending.sort((a, b) => a.off - b.off);
    const rest: typeof pending = [];
    let i = 0;
    while (i < pending.length) {
      let j = i;
      let e = pending[i].off + pending[i].len;
      let due = pending[i].due <= upTo;
      while (j + 1 < pending.length && pending[j + 1].off === e) {
        j++;
        e += pending[j].len;
        due ||= pending[j].due <= upTo;
      }
      if (due) {
        for (let k = i; k <= j; k++) occ.remove(pending[k].off);
        emit(K_DONTNEED, pending[i].off, e - pending[i].off);
        tk.purges++;
        tk.purgeBytes += e - pending[i].off;
      } else for (let k = i; k <= j; k++) rest.push(pending[k]);
      i = j + 1;
    }
    pending.length = 0;
    pending.push(...rest);
  };

  for (let t = 0; t < p.ticks; t++) {
    const first = kind.length;
    const tk: AllocTick = { tick: t, phase: t < grow ? 'grow' : t < shrinkFrom ? 'churn' : 'shrink', allocs: 0, allocBytes: 0, frees: 0, purges: 0, purgeBytes: 0 };
    const goal = Math.floor(target(t) / PAGE);
    const emptied: number[] = [];
    // Free: churn, then whatever the shrinking live set no longer needs.
    let victims = Math.round((liveOff.length * p.churn) / 100);
    const freed: [number, number][] = [];
    while (liveOff.length > 0 && (victims > 0 || livePages > goal)) {
      victims--;
      const v = Math.floor(rnd() * liveOff.length);
      const o = liveOff[v];
      const l = liveLen[v];
      liveOff[v] = liveOff[liveOff.length - 1];
      liveLen[v] = liveLen[liveLen.length - 1];
      liveOff.pop();
      liveLen.pop();
      livePages -= l / PAGE;
      tk.frees++;
      for (let s = Math.floor(o / SLOT), e = Math.ceil((o + l) / SLOT); s < e; s++) {
        if (--slotCount[s] === 0) {
          liveSlots--;
          if (hugepage) emptied.push(s);
        }
      }
      if (p.purge === 'decay') pending.push({ due: t + p.decay, off: o, len: l });
      else occ.remove(o);
      freed.push([o, l]);
    }
    // Purge.
    if (p.purge === 'dontneed' || p.purge === 'free') {
      for (const [o, l] of freed) {
        emit(p.purge === 'free' ? K_FREE : K_DONTNEED, o, l);
        tk.purges++;
        tk.purgeBytes += l;
      }
    } else if (p.purge === 'decay') purgeDue(t, tk);
    // Allocate up to the goal, next-fit.
    const curSlotBefore = Math.floor(cursor / SLOT);
    while (livePages < goal) {
      const pages = Math.max(1, Math.round(Math.exp(lnMin + rnd() * (lnMax - lnMin))));
      const l = Math.min(pages * PAGE, p.extentMax);
      let wraps = 0;
      for (;;) {
        if (cursor + l > p.arena) {
          cursor = 0;
          // Out of room: a decaying allocator purges its dirty extents early, then looks again.
          if (wraps === 1 && pending.length > 0) purgeDue(Infinity, tk);
          if (++wraps > 2) throw new AllocFail(`tick ${t + 1}: no free ${formatSize(l)} left in the arena (${formatSize(p.arena)}) for a live set of ${mib(livePages * PAGE)}: enlarge the arena`);
        }
        const b = occ.blocker(cursor, l);
        if (b < 0) break;
        cursor = b;
      }
      const o = cursor;
      cursor += l;
      occ.add(o, o + l);
      liveOff.push(o);
      liveLen.push(l);
      livePages += l / PAGE;
      for (let s = Math.floor(o / SLOT), e = Math.ceil((o + l) / SLOT); s < e; s++) {
        if (slotCount[s]++ === 0) liveSlots++;
        if (hugepage) dirty[s] = 1;
        if (!everTouched[s]) {
          everTouched[s] = 1;
          touchedSlots++;
        }
      }
      emit(K_TOUCH, o, l);
      tk.allocs++;
      tk.allocBytes += l;
    }
    // Hugepage-aware release: whole slots with no extent left, except the one the cursor is filling.
    if (p.purge === 'hugepage') {
      const cur = Math.floor(cursor / SLOT);
      if (curSlotBefore !== cur) emptied.push(curSlotBefore);
      const rel = [...new Set(emptied)].filter((s) => s !== cur && slotCount[s] === 0 && dirty[s] === 1).sort((a, b) => a - b);
      let i = 0;
      while (i < rel.length) {
        const s = rel[i];
        let e = s;
        while (i + 1 < rel.length && rel[i + 1] === e + 1) e = rel[++i];
        dirty.fill(0, s, e + 1);
        i++;
        emit(K_DONTNEED, s * SLOT, (e - s + 1) * SLOT);
        tk.purges++;
        tk.purgeBytes += (e - s + 1) * SLOT;
      }
    }
    if (kind.length > first) {
      tickStart.push(ticks.length === 0 ? 0 : first); // the arena's mmap opens the first tick
      livePagesCol.push(livePages);
      liveSlotsCol.push(liveSlots);
      ticks.push(tk);
    }
  }
  return new AllocWorkload(p, Uint8Array.from(kind), off.a.subarray(0, off.n), len.a.subarray(0, len.n), tickStart, livePagesCol, liveSlotsCol, ticks, touchedSlots);
}
