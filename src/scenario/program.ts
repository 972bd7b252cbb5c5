// The flat statement stream, without unrolling what needs no unrolling. A
// `repeat` whose body is only plain statements (no say, quiz, expect, race
// or nested repeat) is kept as one lazy segment: pass p's statement j is
// built when the run reaches it, so the 50 GiB preset's 51,200 statements
// cost nothing until they run, and a one-pass run (the CLI, the bench) never
// holds them all. Everything else is an ordinary FlatStatement, made once.
// Readers see one indexable stream either way: at(i) returns statement i,
// exactly what the unrolled array would hold (the same line, text, iter and
// op), and a plain FlatStatement[] is a Program too.
import type { FlatOp, FlatStatement, Statement } from './ast.ts';

/** A read-only statement stream: what the core runs. Arrays are Programs. */
export interface Program {
  readonly length: number;
  at(i: number): FlatStatement | undefined;
}

/** One repeat kept lazy: `n` passes over `body`. */
export interface LazyRepeat {
  n: number;
  body: readonly Statement[];
  texts: readonly string[];
  /** Builds the op of body statement j in pass i (validated beforehand: never throws). */
  op(st: Statement, i: number): FlatOp;
  /** The first and last statements, made eagerly: says and a quiz attach to the first, expects to the last. */
  first: FlatStatement;
  last: FlatStatement;
}

/** Statements a generator makes on demand (an `alloc` workload): first and last are kept, so captions and expects attach. */
export interface GeneratedSegment {
  length: number;
  at(k: number): FlatStatement;
  first: FlatStatement;
  last: FlatStatement;
}

type Segment = { start: number; stmts: FlatStatement[] } | { start: number; rep: LazyRepeat } | { start: number; gen: GeneratedSegment };

export class SegmentedProgram implements Program {
  private readonly segs: Segment[] = [];
  private open: FlatStatement[] | null = null;
  length = 0;
  /** The segment the last at() found: a run reads the stream in order. */
  private hint = 0;

  push(f: FlatStatement): void {
    if (!this.open) {
      this.open = [];
      this.segs.push({ start: this.length, stmts: this.open });
    }
    this.open.push(f);
    this.length++;
  }

  pushRepeat(rep: LazyRepeat): void {
    this.open = null;
    this.segs.push({ start: this.length, rep });
    this.length += rep.n * rep.body.length;
  }

  pushGenerated(gen: GeneratedSegment): void {
    this.open = null;
    this.segs.push({ start: this.length, gen });
    this.length += gen.length;
  }

  at(i: number): FlatStatement | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const s = this.segmentOf(i);
    const k = i - s.start;
    if ('stmts' in s) return s.stmts[k];
    if ('gen' in s) return k === 0 ? s.gen.first : k === s.gen.length - 1 ? s.gen.last : s.gen.at(k);
    const r = s.rep;
    if (k === 0) return r.first;
    const m = r.body.length;
    if (k === r.n * m - 1) return r.last;
    const pass = Math.floor(k / m);
    const j = k - pass * m;
    const st = r.body[j];
    return { line: st.loc.line, text: r.texts[j], iter: pass, op: r.op(st, pass) };
  }

  /** The whole stream as an array (tests, small scenarios). */
  toArray(): FlatStatement[] {
    const out: FlatStatement[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i)!;
    return out;
  }

  private segmentOf(i: number): Segment {
    const segs = this.segs;
    const h = this.hint;
    if (this.inside(h, i)) return segs[h];
    if (h + 1 < segs.length && this.inside(h + 1, i)) return segs[(this.hint = h + 1)];
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].start <= i) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return segs[lo];
  }

  private inside(x: number, i: number): boolean {
    const segs = this.segs;
    return segs[x].start <= i && (x + 1 === segs.length || i < segs[x + 1].start);
  }
}
