// The soak's random operation sequences (npm run soak). Seeded through the
// project's one generator (src/scenario/prng.ts), shaped like kernel/random.ts
// (fixed-address mappings, ranges that are often whole slots, often a few
// pages, often 1 MiB or a few pages off a slot boundary) but built as FlatOps
// straight away, and with a model of each mapping's pages so that almost no
// statement fails (a touch of a read-only page or of a hole would stop the
// run at its first SIGSEGV and test nothing after it).
//
// New statements: add one entry to GENERATORS (a weight and a function from
// the model to a FlatOp, or null when it has nothing sensible to do) and, if
// the statement changes what is mapped or writable, update the model there.
import type { FlatOp, Prot, ThpMode } from '../scenario/ast.ts';
import { prng } from '../scenario/prng.ts';

export const K4 = 4096;
export const M2 = 2 << 20;
/** Each mapping, and each mremap destination, gets its own 512 GiB region: nothing ever overlaps. */
export const REGION = 0x8000000000;
export const BASE = 0x100000000000;

/** Page states in the model. */
const HOLE = 0, RW = 1, RO = 2, NONE = 3;

export interface MapModel {
  name: string;
  /** One byte per page: HOLE, RW, RO or NONE. */
  pages: Uint8Array;
}

export interface GenContext {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  thp: ThpMode;
  maps: MapModel[];
  /** The next free region for mmap / mremap destinations. */
  nextRegion: number;
}

export interface OpGenerator {
  /** The statement kind, as the report counts it. */
  kind: string;
  weight: number;
  gen(ctx: GenContext): FlatOp | null;
}

export interface Sequence {
  seed: number;
  thp: ThpMode;
  zeroPage: boolean;
  ops: FlatOp[];
}

/** A range [off, off+len) of m whose pages all satisfy ok, found from a random start; null if none. */
export function pickRange(ctx: GenContext, m: MapModel, ok: (state: number) => boolean): { off: number; len: number } | null {
  const n = m.pages.length;
  const kind = ctx.int(4);
  let start: number;
  let want: number;
  if (kind === 0) {
    // One or two whole slots (the mapping's own slot boundaries are unknown here: offsets are multiples of 2 MiB).
    start = ctx.int(Math.max(1, Math.floor(n / 512))) * 512;
    want = 512 * (1 + ctx.int(2));
  } else if (kind === 1) {
    start = 0;
    want = n;
  } else {
    start = ctx.int(n);
    want = 1 + ctx.int(kind === 2 ? 8 : 600);
  }
  let p = start;
  while (p < n && !ok(m.pages[p])) p++;
  if (p >= n) return null;
  let e = p;
  while (e < n && e - p < want && ok(m.pages[e])) e++;
  return { off: p * K4, len: (e - p) * K4 };
}

const mapped = (s: number) => s !== HOLE;
const writable = (s: number) => s === RW;
const readable = (s: number) => s === RW || s === RO;

function set(m: MapModel, off: number, len: number, state: number): void {
  m.pages.fill(state, off / K4, (off + len) / K4);
}

function someMap(ctx: GenContext): MapModel | null {
  const live = ctx.maps.filter((m) => m.pages.some(mapped));
  return live.length ? ctx.pick(live) : null;
}

/** A range-taking statement over a random mapping's pages that satisfy ok. */
function rangeOp(ctx: GenContext, ok: (s: number) => boolean, make: (m: MapModel, off: number, len: number) => FlatOp): FlatOp | null {
  const m = someMap(ctx);
  if (!m) return null;
  const r = pickRange(ctx, m, ok);
  return r ? make(m, r.off, r.len) : null;
}

/** The table of operation generators: one entry per statement kind. */
export const GENERATORS: OpGenerator[] = [
  {
    kind: 'mmap',
    weight: 1,
    gen(ctx) {
      if (ctx.maps.length >= 4) return null;
      const name = String.fromCharCode(65 + ctx.maps.length);
      const size = (1 + ctx.int(5)) * M2 + ctx.pick([0, 0, 1 << 20, 16 * K4]);
      const at = BASE + ctx.nextRegion++ * REGION + ctx.pick([0, 0, 1 << 20, 12 * K4, M2 - K4]);
      const hugepage = ctx.thp !== 'never' && ctx.int(3) === 0;
      ctx.maps.push({ name, pages: new Uint8Array(size / K4).fill(RW) });
      return { op: 'mmap', name, size, at, hugepage, prot: 'rw' };
    },
  },
  { kind: 'touch', weight: 7, gen: (ctx) => rangeOp(ctx, writable, (m, off, len) => ({ op: 'touch', name: m.name, off, len })) },
  { kind: 'read', weight: 2, gen: (ctx) => rangeOp(ctx, readable, (m, off, len) => ({ op: 'read', name: m.name, off, len })) },
  { kind: 'dontneed', weight: 5, gen: (ctx) => rangeOp(ctx, mapped, (m, off, len) => ({ op: 'madvise', name: m.name, off, len, advice: 'dontneed' })) },
  { kind: 'free', weight: 2, gen: (ctx) => rangeOp(ctx, mapped, (m, off, len) => ({ op: 'madvise', name: m.name, off, len, advice: 'free' })) },
  {
    kind: 'hugepage',
    weight: 1,
    gen: (ctx) => (ctx.thp === 'never' ? null : rangeOp(ctx, mapped, (m, off, len) => ({ op: 'madvise', name: m.name, off, len, advice: ctx.pick(['hugepage', 'nohugepage'] as const) }))),
  },
  {
    kind: 'mprotect',
    weight: 1,
    gen: (ctx) =>
      rangeOp(ctx, mapped, (m, off, len) => {
        const prot: Prot = ctx.pick(['r', 'rw', 'rw', 'none'] as const);
        set(m, off, len, prot === 'rw' ? RW : prot === 'r' ? RO : NONE);
        return { op: 'mprotect', name: m.name, off, len, prot };
      }),
  },
  {
    kind: 'munmap',
    weight: 1,
    gen: (ctx) =>
      rangeOp(ctx, mapped, (m, off, len) => {
        set(m, off, len, HOLE);
        return { op: 'munmap', name: m.name, off, len };
      }),
  },
  {
    kind: 'mremap',
    weight: 1,
    gen(ctx) {
      // A whole named mapping moves (it must start in a VMA); its pages keep their states.
      const m = someMap(ctx);
      if (!m || m.pages[0] === HOLE || ctx.nextRegion > 12) return null;
      return { op: 'mremap', name: m.name, to: BASE + ctx.nextRegion++ * REGION + ctx.pick([0, M2, 1 << 20]) };
    },
  },
  // Reclaim and THP collapse (khugepaged.ts, swap.ts): MADV_PAGEOUT with swap off or on, MADV_COLLAPSE of a
  // range (EINVAL where THP is never: the statement then ends the sequence, in every design alike), one khugepaged scan.
  { kind: 'pageout', weight: 2, gen: (ctx) => rangeOp(ctx, mapped, (m, off, len) => ({ op: 'madvise', name: m.name, off, len, advice: 'pageout' })) },
  { kind: 'swap', weight: 1, gen: (ctx) => ({ op: 'swap', on: ctx.int(2) === 0 }) },
  {
    kind: 'collapse',
    weight: 1,
    gen: (ctx) => (ctx.thp === 'never' ? null : rangeOp(ctx, mapped, (m, off, len) => ({ op: 'madvise', name: m.name, off, len, advice: 'collapse' }))),
  },
  { kind: 'khugepaged', weight: 1, gen: (ctx) => (ctx.thp === 'never' ? null : { op: 'khugepaged', ...(ctx.int(2) ? { maxPtesNone: ctx.pick([0, 64, 511]) } : {}) }) },
  // Read-only walkers: mincore needs every page mapped (else ENOMEM); pagemap reads holes as not present.
  { kind: 'mincore', weight: 1, gen: (ctx) => rangeOp(ctx, mapped, (m, off, len) => ({ op: 'mincore', name: m.name, off, len })) },
  { kind: 'pagemap', weight: 1, gen: (ctx) => rangeOp(ctx, () => true, (m, off, len) => ({ op: 'pagemap', name: m.name, off, len })) },
  {
    kind: 'touch-all',
    weight: 1,
    gen: (ctx) => {
      // From the first writable page as far as the pages stay writable: often the whole mapping.
      const m = someMap(ctx);
      if (!m) return null;
      let p = 0;
      while (p < m.pages.length && !writable(m.pages[p])) p++;
      let e = p;
      while (e < m.pages.length && writable(m.pages[e])) e++;
      return e > p ? { op: 'touch', name: m.name, off: p * K4, len: (e - p) * K4 } : null;
    },
  },
];

export interface GenerateOptions {
  statements?: number;
  /** Override the generator table (tests). */
  generators?: OpGenerator[];
}

/** Sequence number `index` of the soak started with `seed`: the same pair always gives the same sequence. */
export function generate(seed: number, index: number, opts: GenerateOptions = {}): Sequence {
  const s = (Math.imul(seed >>> 0, 0x9e3779b1) + index) >>> 0;
  const r = prng(s);
  const int = (n: number) => Math.floor(r() * n);
  const gens = opts.generators ?? GENERATORS;
  const total = gens.reduce((a, g) => a + g.weight, 0);
  const ctx: GenContext = {
    int,
    pick: (xs) => xs[int(xs.length)],
    thp: (['never', 'never', 'madvise', 'always'] as const)[int(4)],
    maps: [],
    nextRegion: 0,
  };
  const zeroPage = int(5) !== 0;
  const ops: FlatOp[] = [];
  // Two or three mappings first, so most statements have something to work on.
  const mmap = gens.find((g) => g.kind === 'mmap');
  for (let k = 2 + int(2); k > 0 && mmap; k--) {
    const o = mmap.gen(ctx);
    if (o) ops.push(o);
  }
  const n = opts.statements ?? 24;
  for (let tries = 0; ops.length < n && tries < 4 * n; tries++) {
    let x = r() * total;
    let g = gens[0];
    for (const cand of gens) {
      g = cand;
      if ((x -= cand.weight) < 0) break;
    }
    const o = g.gen(ctx);
    if (o) ops.push(o);
  }
  return { seed: s, thp: ctx.thp, zeroPage, ops };
}
