// Expander: flattens a parsed Scenario into the statement stream the core runs.
// Repeats unroll with i = 0..N-1 in order, every expression is evaluated,
// `say` captions and a `quiz` attach to the NEXT executed op (a trailing say
// or quiz attaches to the last op), and `expect` lines attach to the PREVIOUS
// op (those before any op go to initialExpects).
//
// Absurd input is refused before anything is materialised: a first pass
// counts, without unrolling, how many statements (ops, say, quiz and expect
// alike) the scenario would execute; more than maxStatements (default
// 2,000,000) is an error at the repeat's line. Loop passes that run no
// statement at all (`repeat 1e12 { repeat 0 { ... } }`) count against the
// same limit, so nothing can spin.
//
// Races: consecutive `cpu` lines (and the `interleave` lines closing them)
// become one `race` op (expand_race.ts); `expect violation` attaches to it.

import type { Expr, FlatOp, FlatStatement, ParseError, Quiz, Scenario, Statement } from './ast.ts';
import { parse } from './parse.ts';
import { sourceLines } from './format.ts';
import { RaceBlock, RaceFail } from './expand_race.ts';
import { SegmentedProgram, type Program } from './program.ts';
import { allocSegment } from './expand_alloc.ts';
import { AllocFail } from './alloc.ts';

export interface ExpandOptions {
  /** Most statements the expanded scenario may run; default 2,000,000. */
  maxStatements?: number;
}
export type FlatExpect = NonNullable<FlatStatement['expects']>[number];
export type ExpandResult =
  | { ok: true; program: Program; ops: FlatStatement[]; initialExpects: FlatExpect[] }
  | { ok: false; errors: ParseError[] };

export const DEFAULT_MAX_STATEMENTS = 2_000_000;
const MAX_ERRORS = 50;

/** An evaluation problem; the caller adds the statement's position. */
class EvalFail {
  constructor(readonly message: string) {}
}
/** Too many errors: stop expanding. */
class Stop {}

/** e is a + b*i: no product of two sub-expressions that both use i. */
function affine(e: Expr): boolean {
  if (e.kind !== 'bin') return true;
  if (e.op === '*' && usesVar(e.left) && usesVar(e.right)) return false;
  return affine(e.left) && affine(e.right);
}

function usesVar(e: Expr): boolean {
  return e.kind === 'var' || (e.kind === 'bin' && (usesVar(e.left) || usesVar(e.right)));
}

function evaluate(e: Expr, i: number | undefined): number {
  switch (e.kind) {
    case 'num':
      if (!Number.isSafeInteger(e.value)) throw new EvalFail(`${e.value} is not a whole number below 2^53`);
      return e.value;
    case 'var':
      if (i === undefined) throw new EvalFail("'i' is only defined inside repeat");
      return i;
    case 'bin': {
      const a = evaluate(e.left, i);
      const b = evaluate(e.right, i);
      const r = e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
      if (!Number.isSafeInteger(r)) throw new EvalFail(`${a} ${e.op} ${b} is beyond 2^53`);
      return r;
    }
    default:
      throw new EvalFail('malformed expression');
  }
}

/** Evaluates an expression that must give a whole number >= 0. */
function natural(e: Expr, i: number | undefined, what: string): number {
  if (e.kind === 'num' && Number.isSafeInteger(e.value) && e.value >= 0) return e.value; // fast path
  let v: number;
  try {
    v = evaluate(e, i);
  } catch (err) {
    if (err instanceof EvalFail) throw new EvalFail(`${what}${where(e, i)}: ${err.message}`);
    throw err;
  }
  if (v < 0) throw new EvalFail(`${what} is ${v}${where(e, i)}: it must be a whole number ≥ 0`);
  return v;
}

function fine(e: Expr, i: number, what: string): boolean {
  try {
    natural(e, i, what);
    return true;
  } catch (err) {
    if (err instanceof EvalFail) return false;
    throw err;
  }
}

function where(e: Expr, i: number | undefined): string {
  return i !== undefined && usesVar(e) ? ` (i = ${i})` : '';
}

interface Cost {
  /** Statements run (ops, say, quiz and expect alike). */
  stmts: bigint;
  /** Loop passes whose body runs no statement: work that the statement count misses. */
  empty: bigint;
  /** Counting stopped early: the real figures are larger still. */
  partial: boolean;
}

function over(c: Cost, limit: bigint): boolean {
  return c.stmts > limit || c.empty > limit;
}

function add(c: Cost, n: bigint, body: Cost): void {
  c.stmts += n * body.stmts;
  c.empty += n * (body.stmts === 0n ? 1n + body.empty : body.empty);
  c.partial ||= body.partial;
}

/**
 * Counts what `stmts` would run, without unrolling: a repeat's body is counted
 * once and multiplied, unless a nested repeat count in it depends on i; then
 * the body is counted pass by pass, stopping as soon as the limit is passed.
 */
function cost(stmts: readonly Statement[], i: number | undefined, limit: bigint): Cost {
  const c: Cost = { stmts: 0n, empty: 0n, partial: false };
  for (const st of stmts) {
    if (st.op !== 'repeat') {
      c.stmts += 1n;
      continue;
    }
    const n = natural(st.count, i, 'repeat count');
    if (n === 0) continue;
    if (!st.body.some((b) => b.op === 'repeat' && usesVar(b.count))) {
      add(c, BigInt(n), cost(st.body, 0, limit));
    } else {
      for (let j = 0; j < n; j++) {
        if (over(c, limit)) {
          c.partial = true;
          break;
        }
        add(c, 1n, cost(st.body, j, limit));
      }
    }
    if (over(c, limit)) return c;
  }
  return c;
}

/** Statements a repeat body may hold and still be kept lazy (see program.ts). */
const PLAIN = new Set<Statement['op']>(['mmap', 'touch', 'read', 'munmap', 'madvise', 'mprotect', 'mremap', 'thp', 'process', 'in', 'fork', 'exit', 'swap', 'khugepaged', 'mincore', 'pagemap']);

/** The expressions of a plain statement, with what each is called in an error. */
function exprsOf(st: Statement): [Expr, string][] {
  switch (st.op) {
    case 'mmap':
      return st.at ? [[st.size, 'size'], [st.at, 'address']] : [[st.size, 'size']];
    case 'touch':
    case 'read':
    case 'munmap':
    case 'madvise':
    case 'mprotect':
    case 'mincore':
    case 'pagemap':
      return [[st.off, 'offset'], [st.len, 'length']];
    case 'mremap':
      return [[st.to, 'address']];
    case 'faults':
      return st.runs.flatMap((r): [Expr, string][] => [[r.off, 'offset'], [r.len, 'length']]);
    case 'brk':
      return [[st.start, 'address'], [st.end, 'address']];
    case 'populate':
      return [[st.off, 'offset'], [st.len, 'length']];
    case 'in':
      return exprsOf(st.body);
    case 'khugepaged':
      return ([['maxPtesNone', 'max_ptes_none'], ['maxPtesSwap', 'max_ptes_swap'], ['maxPtesShared', 'max_ptes_shared']] as const).flatMap(([f, what]): [Expr, string][] => (st[f] ? [[st[f], what]] : []));
    default:
      return [];
  }
}

/** The op of a plain statement in pass i. */
function flatOp(st: Statement, i: number | undefined): FlatOp {
  switch (st.op) {
    case 'mmap': {
      const size = natural(st.size, i, 'size');
      const backing = { ...(st.file !== undefined ? { file: st.file } : {}), ...(st.shared ? { shared: true } : {}), ...(st.stack ? { stack: true } : {}), ...(st.fixed ? { fixed: true } : {}) };
      if (!st.at) return { op: 'mmap', name: st.name, size, hugepage: st.hugepage, prot: st.prot, ...backing };
      return { op: 'mmap', name: st.name, size, at: natural(st.at, i, 'address'), hugepage: st.hugepage, prot: st.prot, ...backing };
    }
    case 'faults':
      return { op: 'faults', runs: st.runs.map((r) => ({ name: r.name, off: natural(r.off, i, 'offset'), len: natural(r.len, i, 'length'), write: r.write })) };
    case 'brk':
      return { op: 'brk', name: st.name, start: natural(st.start, i, 'address'), end: natural(st.end, i, 'address') };
    case 'populate':
      return { op: 'populate', name: st.name, off: natural(st.off, i, 'offset'), len: natural(st.len, i, 'length'), anon: st.anon };
    case 'zeropage':
      return { op: 'zeropage', on: st.on };
    case 'touch':
    case 'read':
    case 'munmap':
    case 'mincore':
    case 'pagemap':
      return { op: st.op, name: st.name, off: natural(st.off, i, 'offset'), len: natural(st.len, i, 'length') };
    case 'madvise':
      return { op: 'madvise', name: st.name, off: natural(st.off, i, 'offset'), len: natural(st.len, i, 'length'), advice: st.advice };
    case 'mprotect':
      return { op: 'mprotect', name: st.name, off: natural(st.off, i, 'offset'), len: natural(st.len, i, 'length'), prot: st.prot };
    case 'mremap':
      return { op: 'mremap', name: st.name, to: natural(st.to, i, 'address') };
    case 'thp':
      return { op: 'thp', mode: st.mode };
    case 'swap':
      return { op: 'swap', on: st.on };
    case 'khugepaged': {
      const op: Extract<FlatOp, { op: 'khugepaged' }> = { op: 'khugepaged' };
      for (const [f, what] of [['maxPtesNone', 'max_ptes_none'], ['maxPtesSwap', 'max_ptes_swap'], ['maxPtesShared', 'max_ptes_shared']] as const) {
        const e = st[f];
        if (!e) continue;
        const v = natural(e, i, what);
        // max_ptes_*_store: kstrtoul, then EINVAL above HPAGE_PMD_NR - 1.
        if (v > 511) throw new EvalFail(`${what} is ${v}: the kernel takes 0 to 511 (HPAGE_PMD_NR - 1)`);
        op[f] = v;
      }
      return op;
    }
    case 'process':
      return { op: 'process', kind: st.kind };
    case 'fork':
      return { op: 'fork', child: st.child };
    case 'exit':
      return { op: 'exit', proc: st.proc };
    case 'in':
      return { op: 'in', proc: st.proc, body: flatOp(st.body, i) };
    default:
      throw new EvalFail(`unknown statement '${String((st as { op: unknown }).op)}'`);
  }
}

class Expander {
  readonly program = new SegmentedProgram();
  readonly initial: FlatExpect[] = [];
  readonly errors: ParseError[] = [];
  private says: string[] = [];
  private quiz?: Quiz & { line: number };
  private last?: FlatStatement;
  private readonly failed = new Set<Statement>();
  private readonly texts = new Map<Statement, string>();
  /** The race being collected, with the loop variable it was started under. */
  private race?: { block: RaceBlock; i: number | undefined };

  /** The last `alloc` expanded: the statements after it may still pass the limit (checked at the end). */
  lastAlloc?: Statement;

  constructor(private readonly lines: string[], private readonly limit = DEFAULT_MAX_STATEMENTS) {}

  error(st: Statement, message: string): void {
    if (this.failed.has(st)) return;
    this.failed.add(st);
    const line = Math.min(Math.max(1, Math.trunc(st.loc?.line) || 1), this.lines.length);
    const col = Math.max(1, Math.trunc(st.loc?.col) || 1);
    this.errors.push({ line, col, message, lineText: this.lines[line - 1] ?? '' });
    if (this.errors.length >= MAX_ERRORS) throw new Stop();
  }

  private text(st: Statement): string {
    let t = this.texts.get(st);
    if (t === undefined) {
      const lineText = this.lines[st.loc.line - 1] ?? '';
      t = lineText.slice(st.loc.col - 1, st.loc.endCol !== undefined ? st.loc.endCol - 1 : undefined).trim();
      this.texts.set(st, t);
    }
    return t;
  }

  run(stmts: readonly Statement[], i: number | undefined): void {
    for (const st of stmts) {
      try {
        this.statement(st, i);
      } catch (err) {
        if (err instanceof EvalFail || err instanceof RaceFail) this.error(st, err.message);
        else throw err;
      }
    }
    this.flushRace(); // a race never spans a repeat pass or the end
  }

  private flushRace(): void {
    const r = this.race;
    if (!r) return;
    this.race = undefined;
    this.emit(r.block.first, r.block.op(), r.i, r.block.text());
  }

  private statement(st: Statement, i: number | undefined): void {
    if (this.race && st.op !== 'cpu' && st.op !== 'interleave') this.flushRace();
    const nat = (e: Expr, what: string) => natural(e, i, what);
    switch (st.op) {
      case 'cpu':
        if (this.race?.block.closed) this.flushRace();
        this.race ??= { block: new RaceBlock(st), i };
        this.race.block.addCpu(st, this.text(st), nat);
        return;
      case 'interleave':
        if (!this.race) throw new EvalFail('interleave must follow the `cpu N:` lines of a race');
        this.race.block.addOrder(st, nat);
        return;
      case 'expect-violation': {
        const last = this.last;
        if (!last || last.op.op !== 'race') throw new EvalFail('`expect violation` must follow a race (its `cpu` and `interleave` lines)');
        (last.expectViolations ??= []).push({ line: st.loc.line, ...(st.mechanism ? { mechanism: st.mechanism } : {}), ...(st.kind ? { kind: st.kind } : {}) });
        return;
      }
      case 'repeat': {
        const n = natural(st.count, i, 'repeat count');
        if (n > 0 && st.body.length > 0 && st.body.every((b) => PLAIN.has(b.op))) this.lazyRepeat(st.body, n);
        else for (let j = 0; j < n; j++) this.run(st.body, j);
        return;
      }
      case 'alloc': {
        if (i !== undefined) throw new EvalFail('alloc generates a whole workload: it cannot be inside repeat');
        let seg;
        try {
          seg = allocSegment(st, nat, Math.max(1, this.limit - this.program.length)).seg;
        } catch (err) {
          if (err instanceof AllocFail) throw new EvalFail(err.message);
          throw err;
        }
        if (this.errors.length > 0) return;
        const first = seg.first;
        if (this.says.length > 0) first.say = [...this.says, ...(first.say ?? [])];
        this.says = [];
        if (this.quiz) {
          first.quiz = quizOf(this.quiz);
          this.quiz = undefined;
        }
        this.program.pushGenerated(seg);
        this.last = seg.last;
        this.lastAlloc = st;
        return;
      }
      case 'say':
        this.says.push(st.text);
        return;
      case 'quiz':
        if (this.quiz) throw new EvalFail(`a quiz (line ${this.quiz.line}) is already waiting for the next statement`);
        this.quiz = { ...quizOf(st), line: st.loc.line };
        return;
      case 'expect': {
        const value = natural(st.value, i, `expected ${st.figure}`);
        const e: FlatExpect = { line: st.loc.line, ...(st.mechanism ? { mechanism: st.mechanism } : {}), figure: st.figure, value, ...(st.proc ? { proc: st.proc } : {}) };
        if (this.last) (this.last.expects ??= []).push(e);
        else this.initial.push(e);
        return;
      }
      default:
        this.emit(st, this.op(st, i), i);
    }
  }

  private op(st: Statement, i: number | undefined): FlatOp {
    return flatOp(st, i);
  }

  /**
   * A repeat of plain statements: every pass is checked here (numbers only,
   * nothing built), then kept as one lazy segment whose first and last
   * statements are real, so captions, a quiz and expects attach as usual.
   */
  private lazyRepeat(body: readonly Statement[], n: number): void {
    const checks = body.map(exprsOf);
    for (let j = 0; j < body.length; j++) {
      const es = checks[j];
      if (es.length === 0) continue;
      try {
        for (const [e, what] of es) {
          // An affine expression (a + b*i) and every part of it take their
          // extremes at the first and last pass: checking those two checks all.
          // A failure at an end is then looked for pass by pass, to name the first.
          if (affine(e) && fine(e, 0, what) && fine(e, n - 1, what)) continue;
          for (let pass = 0; pass < n; pass++) natural(e, pass, what);
        }
      } catch (err) {
        if (err instanceof EvalFail) this.error(body[j], err.message);
        else throw err;
      }
    }
    if (this.errors.length > 0) return;
    const m = body.length;
    const texts = body.map((b) => this.text(b));
    const make = (pass: number, j: number): FlatStatement => ({ line: body[j].loc.line, text: texts[j], iter: pass, op: flatOp(body[j], pass) });
    const first = this.attachPending(make(0, 0));
    const last = n * m === 1 ? first : make(n - 1, m - 1);
    this.program.pushRepeat({ n, body, texts, op: flatOp, first, last });
    this.last = last;
  }

  /** Pending captions and a quiz go to the next statement: f. */
  private attachPending(f: FlatStatement): FlatStatement {
    if (this.says.length > 0) {
      f.say = this.says;
      this.says = [];
    }
    if (this.quiz) {
      f.quiz = quizOf(this.quiz);
      this.quiz = undefined;
    }
    return f;
  }

  private emit(st: Statement, op: FlatOp, i: number | undefined, text = this.text(st)): void {
    if (this.errors.length > 0) return; // the result is an error anyway: keep checking, build nothing
    const f: FlatStatement = i === undefined ? { line: st.loc.line, text, op } : { line: st.loc.line, text, iter: i, op };
    this.program.push(this.attachPending(f));
    this.last = f;
  }

  /** A say or quiz after the last op belongs to that op. */
  finish(): void {
    const last = this.last;
    if (!last) return;
    if (this.says.length > 0) last.say = [...(last.say ?? []), ...this.says];
    if (this.quiz) {
      if (last.quiz) {
        this.errors.push({
          line: this.quiz.line, col: 1,
          message: 'a quiz needs a statement after it, and the last statement already has a quiz',
          lineText: this.lines[this.quiz.line - 1] ?? '',
        });
      } else last.quiz = quizOf(this.quiz);
    }
  }
}

/** The quiz a statement carries (no source position). */
function quizOf(q: Quiz): Quiz {
  return { question: q.question, answer: q.answer, ...(q.mechanism ? { mechanism: q.mechanism } : {}) };
}

/** Refuses scenarios that would run more than `limit` statements (or idle loop passes). */
function checkSize(statements: readonly Statement[], ex: Expander, limit: number): void {
  const max = BigInt(limit);
  const total: Cost = { stmts: 0n, empty: 0n, partial: false };
  for (const st of statements) {
    if (st.op !== 'repeat') {
      total.stmts += 1n;
      continue;
    }
    let c: Cost;
    try {
      c = cost([st], undefined, max);
    } catch (err) {
      if (!(err instanceof EvalFail)) throw err;
      ex.error(st, err.message);
      continue;
    }
    const more = c.partial ? 'more than ' : '';
    add(total, 1n, c);
    if (c.stmts > max) ex.error(st, `repeat would run ${more}${c.stmts} statements; the limit is ${limit}`);
    else if (c.empty > max) ex.error(st, `repeat would loop ${more}${c.empty} times without running a statement; the limit is ${limit}`);
    else if (total.stmts > max) ex.error(st, `this repeat brings the scenario to ${total.stmts} statements; the limit is ${limit}`);
    else if (total.empty > max) ex.error(st, `this repeat brings the scenario to ${total.empty} idle loop passes; the limit is ${limit}`);
    if (over(total, max)) return;
  }
}

/** Flattens a scenario into the op stream. Never throws. */
export function expand(scenario: Scenario, opts: ExpandOptions = {}): ExpandResult {
  const lines = sourceLines(typeof scenario?.source === 'string' ? scenario.source : '');
  const m = opts.maxStatements;
  const limit = m !== undefined && Number.isFinite(m) && m >= 0 ? Math.floor(m) : DEFAULT_MAX_STATEMENTS;
  const ex = new Expander(lines, limit);
  try {
    const statements = Array.isArray(scenario?.statements) ? scenario.statements : [];
    checkSize(statements, ex, limit);
    if (ex.errors.length === 0) {
      ex.run(statements, undefined);
      ex.finish();
      if (ex.lastAlloc && ex.program.length > limit) {
        ex.error(ex.lastAlloc, `with this workload the scenario runs ${ex.program.length} statements; the limit is ${limit}`);
      }
    }
  } catch (err) {
    if (!(err instanceof Stop)) {
      const message = `internal expansion error: ${err instanceof Error ? err.message : String(err)}`;
      ex.errors.push({ line: 1, col: 1, message, lineText: lines[0] ?? '' });
    }
  }
  if (ex.errors.length > 0) {
    return { ok: false, errors: [...ex.errors].sort((a, b) => a.line - b.line || a.col - b.col) };
  }
  return withOps({ ok: true as const, program: ex.program, initialExpects: ex.initial });
}

/** Adds `ops`, the stream as an array, built on first read (tests, small scenarios); runs read `program`. */
function withOps<T extends { program: Program }>(r: T): T & { ops: FlatStatement[] } {
  let ops: FlatStatement[] | undefined;
  return Object.defineProperty(r, 'ops', {
    enumerable: false,
    get: () => (ops ??= r.program instanceof SegmentedProgram ? r.program.toArray() : Array.from({ length: r.program.length }, (_, i) => r.program.at(i)!)),
  }) as T & { ops: FlatStatement[] };
}

export type CompileResult =
  | { ok: true; scenario: Scenario; program: Program; ops: FlatStatement[]; initialExpects: FlatExpect[] }
  | { ok: false; errors: ParseError[] };

/** parse() then expand(): source text straight to the op stream. Never throws. */
export function compile(source: string, opts?: ExpandOptions): CompileResult {
  const p = parse(source);
  if (!p.ok) return p;
  const e = expand(p.scenario, opts);
  return e.ok ? withOps({ ok: true as const, scenario: p.scenario, program: e.program, initialExpects: e.initialExpects }) : e;
}
