// Parser for the scenario language: source text -> Scenario (see ast.ts).
// It never throws: every problem becomes a ParseError naming the line, the
// 1-based column, the line's text and what was expected; after an error it
// resumes at the next line (or `;`, or the `}` closing the current repeat).
//
// Numbers: decimal or 0x hex, `_` separators, optional K/M/G/T suffix (powers
// of 1024, any case, optional trailing B: 2M, 2MB, 2m). Expressions: + - *
// with the usual precedence, parentheses, and `i` inside a repeat body.
// `expect VmPTE|RssAnon|VmSize|VmSwap V`: V is in kB. A literal WITH a suffix is a
// byte size converted to kB (102640K -> 102640, 2M -> 2048); a bare literal
// is already kB (12 -> 12). For pte/pmd/pud, V is a plain count.
//
// Races (src/core/races): `cpu N: STATEMENT` (N is 0 or 1; STATEMENT is touch,
// read, gup, `madvise ... dontneed [lockbreak OFFSET] [unfixed]` or munmap),
// `interleave [MECHANISM] ITEM...` (ITEM: `0`, `1*` = until it finishes or
// blocks, `0*3` = three micro-steps) or `interleave [MECHANISM] random seed
// EXPR`, and `expect [MECHANISM] violation [KIND]`.

import { ADVICES, MECHANISMS, VIOLATION_KINDS } from './ast.ts';
import { sourceLines, suggest } from './format.ts';
import { describe, lex, orList, type Tok } from './lex.ts';
import { cpuStatement, interleave } from './parse_race.ts';
import { allocStatement } from './parse_alloc.ts';
import { exitStatement, forkStatement, inStatement } from './parse_process.ts';
import type {
  Advice, Expr, FigureName, Loc, MechanismName, MmapBacking, ParseError, Prot, Scenario, Statement, ThpMode, ViolationKind,
} from './ast.ts';

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ParseError[] };

export const KEYWORDS = [
  'mmap', 'touch', 'read', 'madvise', 'munmap', 'mprotect', 'mremap',
  'repeat', 'thp', 'process', 'say', 'quiz', 'expect',
  'cpu', 'interleave', 'gup', 'faults', 'brk', 'populate', 'zeropage', 'alloc',
  'fork', 'exit', 'in', 'swap', 'khugepaged', 'mincore', 'pagemap',
] as const;
const ADVICE: readonly Advice[] = ADVICES;
/** The khugepaged statement's settings: sysfs names -> fields. */
const KHUGEPAGED_LIMITS = { max_ptes_none: 'maxPtesNone', max_ptes_swap: 'maxPtesSwap', max_ptes_shared: 'maxPtesShared' } as const;
const PROTS: readonly Prot[] = ['r', 'rw', 'none'];
const THP: readonly ThpMode[] = ['never', 'madvise', 'always'];
const PROCESS_KINDS: readonly ('small-c' | 'empty')[] = ['small-c', 'empty'];
const KB_FIGURES: readonly FigureName[] = ['VmPTE', 'RssAnon', 'VmSize', 'VmSwap'];
const FIGURES: readonly FigureName[] = [...KB_FIGURES, 'pte', 'pmd', 'pud'];
const MAX_REPEAT_DEPTH = 64;
const MAX_PAREN_DEPTH = 32;
const MAX_EXPR_OPS = 256;
const MAX_ERRORS = 100;

/** Thrown inside the parser only; always caught by block(). */
export class Fail {
  constructor(readonly tok: Tok, readonly message: string) {}
}

/** What an expression stands for (named in errors); kb: suffixed literals become kB. */
export interface Ctx { what: string; kb?: boolean }
const SIZE: Ctx = { what: 'a size like 2M or 0x200000' };
const OFFSET: Ctx = { what: 'an offset like 0 or 2M' };
const LENGTH: Ctx = { what: 'a length like 2M or 4K' };
const ADDR: Ctx = { what: 'an address like 0x100000000000' };
const COUNT: Ctx = { what: 'a repeat count like 25600' };
const KB_VALUE: Ctx = { what: 'a value in kB like 102640K or 12', kb: true };
const PLAIN_VALUE: Ctx = { what: 'a count like 3' };

export class Parser {
  private pos = 0;
  private depth = 0;
  private exprOps = 0;
  readonly errors: ParseError[] = [];

  constructor(private readonly toks: Tok[], private readonly lines: string[]) {}

  peek(): Tok {
    return this.toks[this.pos];
  }
  next(): Tok {
    const t = this.toks[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  isSym(t: Tok, s: string): boolean {
    return t.kind === 'sym' && t.text === s;
  }
  fail(t: Tok, message: string): never {
    throw new Fail(t, t.kind === 'bad' ? (t.str ?? message) : message);
  }
  expected(t: Tok, what: string): never {
    this.fail(t, `expected ${what}, found ${describe(t)}`);
  }

  error(t: { line: number; col: number }, message: string): void {
    if (this.errors.length >= MAX_ERRORS) return;
    if (this.errors.some((e) => e.line === t.line && e.col === t.col && e.message === message)) return;
    this.errors.push({ line: t.line, col: t.col, message, lineText: this.lines[t.line - 1] ?? '' });
  }

  /** Statements until end of input (top level) or the `}` matching `open`. */
  block(open?: Tok): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'nl' || this.isSym(t, ';')) {
        this.pos++;
      } else if (t.kind === 'eof') {
        if (open) this.error(t, `unclosed '{' of repeat at ${open.line}:${open.col}`);
        return out;
      } else if (this.isSym(t, '}')) {
        this.pos++;
        if (open) return out;
        this.error(t, "unexpected '}': there is no repeat to close");
      } else {
        try {
          out.push(this.statement());
          this.endOfStatement();
        } catch (e) {
          if (!(e instanceof Fail)) throw e;
          this.error(e.tok, e.message);
          this.recover(e.tok);
        }
      }
    }
  }

  /** Skips to the end of the line, `;`, or the `}` of the current repeat. */
  private recover(at: Tok): void {
    if (at.idx < this.pos) this.pos = at.idx;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'nl' || t.kind === 'eof' || this.isSym(t, ';') || (this.depth > 0 && this.isSym(t, '}'))) return;
      this.pos++;
    }
  }

  private endOfStatement(): void {
    const t = this.peek();
    if (t.kind === 'nl' || t.kind === 'eof' || this.isSym(t, ';') || this.isSym(t, '}')) return;
    this.expected(t, "the end of the statement (a new line or ';')");
  }

  statement(): Statement {
    const kw = this.next();
    if (kw.kind !== 'id') this.expected(kw, "a statement like 'touch A 0 2M'");
    const loc: Loc = { line: kw.line, col: kw.col };
    const st = this.body(kw, loc);
    if (st.op !== 'repeat') {
      const last = this.toks[this.pos - 1];
      loc.endCol = last.line === kw.line ? last.col + (last.end - last.start) : undefined;
    }
    return st;
  }

  private body(kw: Tok, loc: Loc): Statement {
    switch (kw.text) {
      case 'mmap': {
        const name = this.name();
        const size = this.expr(SIZE);
        let at: Expr | undefined;
        let hugepage = false;
        let prot: Prot | undefined;
        const backing: MmapBacking = {};
        for (let t = this.peek(); t.kind === 'id'; t = this.peek()) {
          this.next();
          if (t.text === 'file') {
            if (backing.file !== undefined) this.fail(t, "'file' is given twice");
            backing.file = this.string('a quoted file name like "libc.so.6"');
          } else if (t.text === 'shared' || t.text === 'stack' || t.text === 'fixed') {
            if (backing[t.text]) this.fail(t, `'${t.text}' is given twice`);
            backing[t.text] = true;
          } else if (t.text === 'at') {
            if (at) this.fail(t, "'at' is given twice");
            at = this.expr(ADDR);
          } else if (t.text === 'hugepage') {
            if (hugepage) this.fail(t, "'hugepage' is given twice");
            hugepage = true;
          } else if (t.text === 'prot') {
            if (prot) this.fail(t, "'prot' is given twice");
            prot = this.oneOf('protection', PROTS);
          } else this.expected(t, "'at ADDRESS', 'hugepage', 'prot r|rw|none', 'file \"NAME\"', 'shared', 'stack', 'fixed' or the end of the statement");
        }
        if (backing.fixed && !at) this.fail(kw, "'fixed' needs 'at ADDRESS'");
        return { op: 'mmap', loc, name, size, ...(at ? { at } : {}), hugepage, prot: prot ?? 'rw', ...backing };
      }
      case 'touch':
      case 'read':
        return { op: kw.text === 'touch' ? 'touch' : 'read', loc, name: this.name(), off: this.expr(OFFSET), len: this.expr(LENGTH) };
      case 'madvise': {
        const [name, off, len] = [this.name(), this.expr(OFFSET), this.expr(LENGTH)];
        return { op: 'madvise', loc, name, off, len, advice: this.oneOf('madvise advice', ADVICE) };
      }
      case 'munmap':
        return { op: 'munmap', loc, name: this.name(), off: this.expr(OFFSET), len: this.expr(LENGTH) };
      case 'mincore':
      case 'pagemap':
        return { op: kw.text === 'mincore' ? 'mincore' : 'pagemap', loc, name: this.name(), off: this.expr(OFFSET), len: this.expr(LENGTH) };
      case 'mprotect': {
        const [name, off, len] = [this.name(), this.expr(OFFSET), this.expr(LENGTH)];
        return { op: 'mprotect', loc, name, off, len, prot: this.oneOf('protection', PROTS) };
      }
      case 'mremap': {
        const name = this.name();
        const t = this.next();
        if (!(t.kind === 'id' && t.text === 'to')) this.expected(t, "'to' and the new address");
        return { op: 'mremap', loc, name, to: this.expr(ADDR) };
      }
      case 'repeat': {
        if (this.depth >= MAX_REPEAT_DEPTH) this.fail(kw, `repeats are nested too deeply (the limit is ${MAX_REPEAT_DEPTH})`);
        const count = this.expr(COUNT);
        const open = this.next();
        if (!this.isSym(open, '{')) this.expected(open, "'{' after the repeat count");
        this.depth++; // block() reports its own errors: it only throws on a bug, which ends the parse
        const body = this.block(open);
        this.depth--;
        return { op: 'repeat', loc, count, body };
      }
      case 'thp':
        return { op: 'thp', loc, mode: this.oneOf('thp mode', THP) };
      case 'faults': {
        // faults NAME OFF LEN r|w [NAME OFF LEN r|w]...: recorded faults, in order.
        const runs: Extract<Statement, { op: 'faults' }>['runs'] = [];
        do {
          // `at ADDRESS` instead of a mapping: a fault outside every named mapping (a stack growing down).
          const name = this.name();
          const [off, len] = [this.expr(name === 'at' ? ADDR : OFFSET), this.expr(LENGTH)];
          runs.push({ name: name === 'at' ? '' : name, off, len, write: this.oneOf('access', ['r', 'w'] as const) === 'w' });
        } while (this.peek().kind === 'id');
        return { op: 'faults', loc, runs };
      }
      case 'brk':
        return { op: 'brk', loc, name: this.name(), start: this.expr(ADDR), end: this.expr(ADDR) };
      case 'populate': {
        const [name, off, len] = [this.name(), this.expr(OFFSET), this.expr(LENGTH)];
        return { op: 'populate', loc, name, off, len, anon: this.oneOf('page kind', ['anon', 'file'] as const) === 'anon' };
      }
      case 'zeropage':
        return { op: 'zeropage', loc, on: this.oneOf('zero page setting', ['on', 'off'] as const) === 'on' };
      case 'swap':
        return { op: 'swap', loc, on: this.oneOf('swap setting', ['on', 'off'] as const) === 'on' };
      case 'khugepaged': {
        const st: Extract<Statement, { op: 'khugepaged' }> = { op: 'khugepaged', loc };
        const names = Object.keys(KHUGEPAGED_LIMITS) as (keyof typeof KHUGEPAGED_LIMITS)[];
        for (let t = this.peek(); t.kind === 'id'; t = this.peek()) {
          const w = this.oneOf('khugepaged setting', names);
          const field = KHUGEPAGED_LIMITS[w];
          if (st[field]) this.fail(t, `'${w}' is given twice`);
          st[field] = this.expr({ what: `a number of entries from 0 to 511 for ${w}` });
        }
        return st;
      }
      case 'process':
        return { op: 'process', loc, kind: this.oneOf('process kind', PROCESS_KINDS) };
      case 'say':
        return { op: 'say', loc, text: this.string('a quoted caption like "text"') };
      case 'quiz': {
        // quiz [DESIGN] "question" answer: the design the question asks about (the view switches to it).
        let mechanism: MechanismName | undefined;
        if (this.peek().kind === 'id') {
          const w = this.word(`a design (${orList(MECHANISMS)}) or a quoted question`);
          if (!MECHANISMS.includes(w.text as MechanismName)) {
            const s = suggest(w.text, MECHANISMS);
            this.fail(w.tok, `unknown design '${w.text}': expected ${orList(MECHANISMS)} or a quoted question` + (s ? ` — did you mean '${s}'?` : ''));
          }
          mechanism = w.text as MechanismName;
        }
        const question = this.string('a quoted question like "Will the table be freed?"');
        const t = this.peek();
        const answer = t.kind === 'str' ? this.string('') : this.word('the answer (a word or a quoted string)', true).text;
        return { op: 'quiz', loc, question, answer, ...(mechanism ? { mechanism } : {}) };
      }
      case 'expect':
        return this.expectStatement(loc);
      case 'cpu':
        return cpuStatement(this, loc);
      case 'interleave':
        return interleave(this, loc);
      case 'alloc':
        return allocStatement(this, loc);
      case 'fork':
        return forkStatement(this, loc);
      case 'exit':
        return exitStatement(this, loc);
      case 'in':
        return inStatement(this, loc, () => this.statement());
      case 'gup':
        return this.fail(kw, "gup runs only on a CPU of a race: write 'cpu 1: gup A 0 4K'");
      default: {
        const s = suggest(kw.text, KEYWORDS);
        this.fail(kw, s
          ? `unknown statement '${kw.text}' — did you mean '${s}'?`
          : `unknown statement '${kw.text}': expected ${orList(KEYWORDS)}`);
      }
    }
  }

  private expectStatement(loc: Loc): Statement {
    const what = `a figure (${orList(FIGURES)})`;
    let w = this.word(what);
    let mechanism: MechanismName | undefined;
    let proc: string | undefined;
    // `expect child VmPTE 16`: a process name first (a word that is no figure, followed by a word).
    const known = (x: string) => FIGURES.includes(x as FigureName) || MECHANISMS.includes(x as MechanismName) || x === 'violation';
    // A near miss of a figure or mechanism (`pte_ref`) is a typo, reported below, not a process.
    if (!known(w.text) && this.peek().kind === 'id' && !w.text.includes('-') && !suggest(w.text, [...FIGURES, ...MECHANISMS, 'violation'])) {
      proc = w.text;
      w = this.word(what);
    }
    if (MECHANISMS.includes(w.text as MechanismName)) {
      mechanism = w.text as MechanismName;
      w = this.word(what);
    }
    if (w.text === 'violation') {
      if (proc) this.fail(w.tok, 'a race runs in the first process: `expect violation` takes no process name');
      let kind: ViolationKind | undefined;
      if (this.peek().kind === 'id') kind = this.oneOf('violation kind', VIOLATION_KINDS);
      return { op: 'expect-violation', loc, ...(mechanism ? { mechanism } : {}), ...(kind ? { kind } : {}) };
    }
    if (!FIGURES.includes(w.text as FigureName)) {
      const s = suggest(w.text, mechanism ? [...FIGURES, 'violation'] : [...FIGURES, 'violation', ...MECHANISMS]);
      this.fail(w.tok, `unknown figure '${w.text}': expected ${orList(FIGURES)}` +
        (mechanism ? '' : `, optionally after ${orList(MECHANISMS)}`) + (s ? ` — did you mean '${s}'?` : ''));
    }
    const figure = w.text as FigureName;
    const value = this.expr(KB_FIGURES.includes(figure) ? KB_VALUE : PLAIN_VALUE);
    return { op: 'expect', loc, ...(mechanism ? { mechanism } : {}), figure, value, ...(proc ? { proc } : {}) };
  }

  name(): string {
    const t = this.next();
    if (t.kind !== 'id') this.expected(t, 'a mapping name like A');
    return t.text;
  }

  /** One of a fixed set of words: an advice, protection, THP mode or process kind. */
  oneOf<T extends string>(label: string, options: readonly T[]): T {
    const w = this.word(`a ${label} (${orList(options)})`);
    if (!options.includes(w.text as T)) this.fail(w.tok, `unknown ${label} '${w.text}': expected ${orList(options)}`);
    return w.text as T;
  }

  private string(what: string): string {
    const t = this.next();
    if (t.kind !== 'str') this.expected(t, what);
    return t.str ?? '';
  }

  /** A word; `small-c`, `pte-ref` style hyphenated words join when written without spaces. */
  word(what: string, allowNum = false): { tok: Tok; text: string } {
    const tok = this.next();
    if (!(tok.kind === 'id' || (allowNum && tok.kind === 'num'))) this.expected(tok, what);
    let text = tok.text;
    let end = tok.end;
    for (;;) {
      const dash = this.toks[this.pos];
      const w = this.toks[this.pos + 1];
      if (!(this.isSym(dash, '-') && dash.start === end && w && (w.kind === 'id' || w.kind === 'num') && w.start === dash.end)) break;
      text += '-' + w.text;
      end = w.end;
      this.pos += 2;
    }
    return { tok, text };
  }

  expr(ctx: Ctx): Expr {
    this.exprOps = 0;
    return this.sum(ctx, 0);
  }

  private operator(t: Tok): void {
    if (++this.exprOps > MAX_EXPR_OPS) this.fail(t, `expression is too long (the limit is ${MAX_EXPR_OPS} operators)`);
    this.next();
  }

  private sum(ctx: Ctx, depth: number): Expr {
    let left = this.product(ctx, depth);
    for (let t = this.peek(); this.isSym(t, '+') || this.isSym(t, '-'); t = this.peek()) {
      this.operator(t);
      left = { kind: 'bin', op: t.text as '+' | '-', left, right: this.product(ctx, depth) };
    }
    return left;
  }

  private product(ctx: Ctx, depth: number): Expr {
    let left = this.factor(ctx, depth);
    for (let t = this.peek(); this.isSym(t, '*'); t = this.peek()) {
      this.operator(t);
      left = { kind: 'bin', op: '*', left, right: this.factor(ctx, depth) };
    }
    return left;
  }

  private factor(ctx: Ctx, depth: number): Expr {
    const t = this.next();
    if (t.kind === 'num') {
      if (t.numErr === 'range') this.fail(t, `number ${describe(t)} is too large: the limit is 2^53`);
      if (t.numErr || t.value === undefined) this.expected(t, ctx.what);
      const unit = t.unit ?? 1;
      return { kind: 'num', value: ctx.kb && unit > 1 ? t.value / 1024 : t.value };
    }
    if (t.kind === 'id' && t.text === 'i') {
      if (this.depth === 0) this.fail(t, "'i' is only defined inside repeat");
      return { kind: 'var', name: 'i' };
    }
    if (this.isSym(t, '(')) {
      if (depth >= MAX_PAREN_DEPTH) this.fail(t, `parentheses are nested too deeply (the limit is ${MAX_PAREN_DEPTH})`);
      const e = this.sum(ctx, depth + 1);
      const close = this.next();
      if (!this.isSym(close, ')')) this.expected(close, `')' to close the '(' at ${t.line}:${t.col}`);
      return e;
    }
    this.expected(t, ctx.what);
  }
}

/** Parses scenario text. Never throws. */
export function parse(source: string): ParseResult {
  const src = typeof source === 'string' ? source : String(source ?? '');
  const lines = sourceLines(src);
  try {
    const p = new Parser(lex(src), lines);
    const statements = p.block();
    if (p.errors.length > 0) {
      const errors = [...p.errors].sort((a, b) => a.line - b.line || a.col - b.col);
      return { ok: false, errors };
    }
    return { ok: true, scenario: { statements, source: src } };
  } catch (e) {
    const message = `internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, errors: [{ line: 1, col: 1, message, lineText: lines[0] ?? '' }] };
  }
}
