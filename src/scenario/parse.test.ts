// Tests for the scenario parser: every statement form, numbers and
// expressions, nested repeats, error positions and messages, and property
// tests that no input makes parse() (or expand()) throw.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from './parse.ts';
import { expand } from './expand.ts';
import { formatAddr, formatSize, parseNumber, sourceLines } from './format.ts';
import type { Expr, ParseError, Statement } from './ast.ts';

const num = (value: number): Expr => ({ kind: 'num', value });
const I: Expr = { kind: 'var', name: 'i' };
const bin = (op: '+' | '-' | '*', left: Expr, right: Expr): Expr => ({ kind: 'bin', op, left, right });
const M = 2 ** 20;
const K = 1024;

function statements(src: string): Statement[] {
  const r = parse(src);
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.scenario.statements;
}
function only(src: string): Statement {
  const s = statements(src);
  expect(s).toHaveLength(1);
  return s[0];
}
function errors(src: string): ParseError[] {
  const r = parse(src);
  if (r.ok) throw new Error('expected parse errors');
  return r.errors;
}
function firstError(src: string): ParseError {
  return errors(src)[0];
}
/** Evaluates a parsed expression (the test's own tiny evaluator). */
function evalExpr(e: Expr, i = 0): number {
  if (e.kind === 'num') return e.value;
  if (e.kind === 'var') return i;
  const [a, b] = [evalExpr(e.left, i), evalExpr(e.right, i)];
  return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
}
function exprOf(src: string): Expr {
  const s = only(`mmap A ${src}`);
  if (s.op !== 'mmap') throw new Error('not mmap');
  return s.size;
}

describe('statement forms', () => {
  it('mmap without at is placed by the kernel', () => {
    expect(only('mmap A 50G')).toEqual({
      op: 'mmap', loc: { line: 1, col: 1, endCol: 11 }, name: 'A', size: num(50 * 2 ** 30), hugepage: false, prot: 'rw',
    });
    expect(only('mmap A 50G')).not.toHaveProperty('at');
  });

  it('mmap at a fixed hex address, with hugepage and prot in either order', () => {
    expect(only('mmap B 4M at 0x100000000000')).toMatchObject({ name: 'B', size: num(4 * M), at: num(0x100000000000) });
    expect(only('mmap C 8M at 0x100000200000 hugepage')).toMatchObject({ at: num(0x100000200000), hugepage: true, prot: 'rw' });
    expect(only('mmap D 4M at 0x100000000000 prot r')).toMatchObject({ hugepage: false, prot: 'r' });
    expect(only('mmap D 4M at 17592186044416 hugepage prot none')).toMatchObject({ at: num(0x100000000000), hugepage: true, prot: 'none' });
    expect(only('mmap D 4M prot r hugepage')).toMatchObject({ hugepage: true, prot: 'r' });
  });

  it('touch, read, munmap take name, offset and length', () => {
    expect(only('touch A 0 2M')).toMatchObject({ op: 'touch', name: 'A', off: num(0), len: num(2 * M) });
    expect(only('read A 0 2M')).toMatchObject({ op: 'read', name: 'A', off: num(0), len: num(2 * M) });
    expect(only('munmap A 0 2M')).toMatchObject({ op: 'munmap', name: 'A', off: num(0), len: num(2 * M) });
  });

  it('madvise takes each of the six advices', () => {
    for (const advice of ['dontneed', 'free', 'hugepage', 'nohugepage', 'collapse', 'pageout']) {
      expect(only(`madvise A 0 2M ${advice}`)).toMatchObject({ op: 'madvise', off: num(0), len: num(2 * M), advice });
    }
  });

  it('mprotect takes r, rw or none', () => {
    expect(only('mprotect A 2M 2M r')).toMatchObject({ op: 'mprotect', off: num(2 * M), len: num(2 * M), prot: 'r' });
    expect(only('mprotect A 2M 2M rw')).toMatchObject({ prot: 'rw' });
    expect(only('mprotect A 2M 2M none')).toMatchObject({ prot: 'none' });
  });

  it('mremap moves the whole mapping', () => {
    expect(only('mremap A to 0x180000000000')).toMatchObject({ op: 'mremap', name: 'A', to: num(0x180000000000) });
  });

  it('repeat with a one-line body of two statements', () => {
    const s = only('repeat 25600 { touch A i*2M 2M; madvise A i*2M 2M dontneed }   # i = 0..N-1');
    expect(s).toMatchObject({ op: 'repeat', loc: { line: 1, col: 1 }, count: num(25600) });
    if (s.op !== 'repeat') throw new Error();
    expect(s.body).toEqual([
      { op: 'touch', loc: { line: 1, col: 16, endCol: 31 }, name: 'A', off: bin('*', I, num(2 * M)), len: num(2 * M) },
      { op: 'madvise', loc: { line: 1, col: 33, endCol: 59 }, name: 'A', off: bin('*', I, num(2 * M)), len: num(2 * M), advice: 'dontneed' },
    ]);
  });

  it('swap on|off, and khugepaged with any of its sysfs limits', () => {
    expect(only('swap on')).toMatchObject({ op: 'swap', on: true });
    expect(only('swap off')).toMatchObject({ op: 'swap', on: false });
    expect(only('khugepaged')).toEqual({ op: 'khugepaged', loc: { line: 1, col: 1, endCol: 11 } });
    expect(only('khugepaged max_ptes_none 0 max_ptes_swap 8*8')).toMatchObject({ op: 'khugepaged', maxPtesNone: num(0), maxPtesSwap: bin('*', num(8), num(8)) });
    expect(only('khugepaged max_ptes_shared 256')).toMatchObject({ op: 'khugepaged', maxPtesShared: num(256) });
    expect(firstError('swap maybe').message).toBe("unknown swap setting 'maybe': expected on or off");
    expect(firstError('khugepaged max_ptes_nones 0').message).toMatch(/^unknown khugepaged setting 'max_ptes_nones': expected max_ptes_none, max_ptes_swap or max_ptes_shared/);
    expect(firstError('khugepaged max_ptes_none 1 max_ptes_none 2').message).toBe("'max_ptes_none' is given twice");
    expect(firstError('khugepaged max_ptes_none').message).toMatch(/a number of entries from 0 to 511 for max_ptes_none/);
  });

  it('thp, process, say, quiz', () => {
    for (const mode of ['never', 'madvise', 'always']) expect(only(`thp ${mode}`)).toMatchObject({ op: 'thp', mode });
    expect(only('process small-c')).toMatchObject({ op: 'process', kind: 'small-c' });
    expect(only('process empty')).toMatchObject({ op: 'process', kind: 'empty' });
    expect(only('say "The first touch allocates the PTE table"')).toMatchObject({ op: 'say', text: 'The first touch allocates the PTE table' });
    expect(only('quiz "Will this DONTNEED free the table?" yes')).toMatchObject({ op: 'quiz', question: 'Will this DONTNEED free the table?', answer: 'yes' });
    expect(only('quiz "How many?" "three tables"')).toMatchObject({ answer: 'three tables' });
    expect(only('quiz "Which?" pte-ref')).toMatchObject({ answer: 'pte-ref' });
    expect(only('quiz "Which?" pte-ref')).not.toHaveProperty('mechanism');
  });

  it('a quiz names the design it asks about, before the question', () => {
    expect(only('quiz pt-reclaim "Is the table freed?" no')).toMatchObject({ op: 'quiz', mechanism: 'pt-reclaim', question: 'Is the table freed?', answer: 'no' });
    expect(only('quiz pte-ref "Count?" "0"')).toMatchObject({ mechanism: 'pte-ref', answer: '0' });
    expect(firstError('quiz pt-reclam "Freed?" no')).toMatchObject({ col: 6, message: "unknown design 'pt-reclam': expected baseline, pte-ref or pt-reclaim or a quoted question — did you mean 'pt-reclaim'?" });
    expect(firstError('quiz pt-reclaim no')).toMatchObject({ col: 17 });
  });

  it('say keeps # and escapes inside a string as plain text', () => {
    expect(only('say "a # not a comment \\"quoted\\" back\\\\slash <b>" # comment')).toMatchObject({
      text: 'a # not a comment "quoted" back\\slash <b>',
    });
  });

  it('expect: kB figures convert suffixed sizes to kB, bare numbers are kB', () => {
    expect(only('expect VmPTE 102640K')).toMatchObject({ op: 'expect', figure: 'VmPTE', value: num(102640) });
    expect(only('expect RssAnon 2M')).toMatchObject({ figure: 'RssAnon', value: num(2048) });
    expect(only('expect VmSize 12')).toMatchObject({ figure: 'VmSize', value: num(12) });
    expect(only('expect VmSize 1G')).toMatchObject({ value: num(1024 * 1024) });
    expect(only('expect pte 3')).toMatchObject({ figure: 'pte', value: num(3) });
    expect(only('expect pte 3')).not.toHaveProperty('mechanism');
    for (const fig of ['pmd', 'pud']) expect(only(`expect ${fig} 1`)).toMatchObject({ figure: fig, value: num(1) });
  });

  it('expect for one mechanism', () => {
    expect(only('expect baseline VmPTE 102640K')).toMatchObject({ mechanism: 'baseline', figure: 'VmPTE', value: num(102640) });
    expect(only('expect pte-ref pte 3')).toMatchObject({ mechanism: 'pte-ref', figure: 'pte', value: num(3) });
    expect(only('expect pt-reclaim pmd 0')).toMatchObject({ mechanism: 'pt-reclaim', figure: 'pmd', value: num(0) });
  });

  it('separates statements by newlines and ;, skipping blanks and comments', () => {
    const s = statements('# header\n\n  thp never ; process empty\r\n\n   # x\nmmap A 4K # tail');
    expect(s.map((x) => [x.op, x.loc.line, x.loc.col])).toEqual([['thp', 3, 3], ['process', 3, 15], ['mmap', 6, 1]]);
    expect(statements('')).toEqual([]);
  });
});

describe('numbers and expressions', () => {
  it('hex, decimal, suffixes in any case, KB forms and _ separators', () => {
    const cases: [string, number][] = [
      ['0', 0], ['4096', 4096], ['0x200000', 0x200000], ['0X1F', 31], ['4K', 4096], ['4k', 4096], ['4KB', 4096],
      ['2mb', 2 * M], ['1G', 2 ** 30], ['1gB', 2 ** 30], ['2T', 2 * 2 ** 40], ['0x10K', 16 * K], ['0x1B', 0x1b],
      ['0x1000_0000', 0x10000000], ['1_000_000', 1000000], ['0x2MB', 2 * M],
    ];
    for (const [text, value] of cases) expect(exprOf(text), text).toEqual(num(value));
  });

  it('rejects malformed numbers with the expected form', () => {
    for (const bad of ['2Q', '1.5M', '1__0', '0x', '2KK', '12_', '0xG']) {
      expect(firstError(`mmap A ${bad}`).message, bad).toBe(`expected a size like 2M or 0x200000, found '${bad}'`);
    }
  });

  it('rejects numbers beyond 2^53', () => {
    expect(exprOf('9007199254740991')).toEqual(num(2 ** 53 - 1));
    expect(firstError('mmap A 9007199254740992').message).toMatch(/too large.*2\^53/);
    expect(firstError('mmap A 8192T').message).toMatch(/too large/);
    expect(firstError(`mmap A 0x${'f'.repeat(500)}`).col).toBe(8);
  });

  it('* binds tighter than + and -, which associate left', () => {
    expect(exprOf('1+2*3')).toEqual(bin('+', num(1), bin('*', num(2), num(3))));
    expect(evalExpr(exprOf('1+2*3'))).toBe(7);
    expect(evalExpr(exprOf('(1+2)*3'))).toBe(9);
    expect(evalExpr(exprOf('10-3-2'))).toBe(5);
    expect(evalExpr(exprOf('2*3+4*5'))).toBe(26);
    expect(evalExpr(exprOf('2M - 4K * 2'))).toBe(2 * M - 8 * K);
    expect(evalExpr(exprOf('((2))*(3+(4-1))'))).toBe(12);
  });

  it('i is the loop variable inside repeat, and an error outside', () => {
    const s = only('repeat 4 { touch A (i+1)*2M-4K 4K }');
    if (s.op !== 'repeat' || s.body[0].op !== 'touch') throw new Error();
    expect(evalExpr(s.body[0].off, 3)).toBe(8 * M - 4 * K);
    expect(firstError('touch A i*2M 2M')).toMatchObject({ line: 1, col: 9, message: "'i' is only defined inside repeat" });
    expect(firstError('repeat i { }')).toMatchObject({ col: 8, message: "'i' is only defined inside repeat" });
  });

  it('a mapping may be named i', () => {
    expect(only('touch i 0 4K')).toMatchObject({ name: 'i' });
  });
});

describe('nested repeat', () => {
  it('parses a multi-line body with an inner repeat and comments', () => {
    const src = [
      'repeat 3 {          # outer',
      '  touch A i*2M 4K',
      '  repeat 2 { read A i*4K 4K }',
      '  # between',
      '  say "pass"; expect pte i',
      '}',
      'thp always',
    ].join('\n');
    const s = statements(src);
    expect(s.map((x) => x.op)).toEqual(['repeat', 'thp']);
    const outer = s[0];
    if (outer.op !== 'repeat') throw new Error();
    expect(outer.body.map((x) => [x.op, x.loc.line])).toEqual([['touch', 2], ['repeat', 3], ['say', 5], ['expect', 5]]);
    const inner = outer.body[1];
    if (inner.op !== 'repeat') throw new Error();
    expect(inner.count).toEqual(num(2));
    expect(inner.body).toEqual([{ op: 'read', loc: { line: 3, col: 14, endCol: 28 }, name: 'A', off: bin('*', I, num(4 * K)), len: num(4 * K) }]);
  });

  it('an inner count may use the outer i', () => {
    const s = only('repeat 3 { repeat i+1 { touch A 0 4K } }');
    if (s.op !== 'repeat') throw new Error();
    expect(s.body[0]).toMatchObject({ op: 'repeat', count: bin('+', I, num(1)) });
  });
});

describe('errors', () => {
  it('unknown statement suggests the nearest keyword', () => {
    expect(firstError('mmap A 4M\n  tuch A 0 2M')).toEqual({
      line: 2, col: 3, message: "unknown statement 'tuch' — did you mean 'touch'?", lineText: '  tuch A 0 2M',
    });
    expect(firstError('Touch A 0 2M').message).toBe("unknown statement 'Touch' — did you mean 'touch'?");
    expect(firstError('frobnicate').message).toMatch(/^unknown statement 'frobnicate': expected mmap, touch/);
  });

  it('names the expected size and what was found', () => {
    expect(firstError('mmap A foo')).toEqual({
      line: 1, col: 8, message: "expected a size like 2M or 0x200000, found 'foo'", lineText: 'mmap A foo',
    });
    expect(firstError('touch A 0\n')).toMatchObject({ col: 10, message: 'expected a length like 2M or 4K, found end of line' });
    expect(firstError('touch A')).toMatchObject({ col: 8, message: 'expected an offset like 0 or 2M, found end of input' });
    expect(firstError('touch 0 2M')).toMatchObject({ col: 7, message: "expected a mapping name like A, found '0'" });
  });

  it('unknown madvise advice, protection, thp mode, process kind and figure', () => {
    expect(firstError('madvise A 0 2M dontneeded')).toMatchObject({
      col: 16, message: "unknown madvise advice 'dontneeded': expected dontneed, free, hugepage, nohugepage, collapse, pageout, dontfork, dofork, wipeonfork or keeponfork",
    });
    expect(firstError('mprotect A 0 2M rwx')).toMatchObject({ col: 17, message: "unknown protection 'rwx': expected r, rw or none" });
    expect(firstError('thp sometimes').message).toBe("unknown thp mode 'sometimes': expected never, madvise or always");
    expect(firstError('process big-c').message).toBe("unknown process kind 'big-c': expected small-c or empty");
    expect(firstError('expect vmpte 12').message).toMatch(/^unknown figure 'vmpte'.*did you mean 'VmPTE'\?$/);
    expect(firstError('expect pte_ref pte 1').message).toMatch(/did you mean 'pte-ref'\?$/);
  });

  it('unclosed repeat names where its brace is', () => {
    const src = 'mmap A 4M\n\nrepeat 3 {\n  touch A 0 4K\n';
    expect(errors(src)).toEqual([{ line: 5, col: 1, message: "unclosed '{' of repeat at 3:10", lineText: '' }]);
    expect(firstError('x\n\nrepeat 3 {').message).toMatch(/unknown statement/);
    expect(errors('x\n\n    repeat 3 {').at(-1)).toMatchObject({ line: 3, col: 15, message: "unclosed '{' of repeat at 3:14" });
  });

  it('stray }, missing {, trailing junk, bad characters and strings', () => {
    expect(firstError('thp never }')).toMatchObject({ col: 11, message: "unexpected '}': there is no repeat to close" });
    expect(firstError('repeat 3 touch A 0 4K')).toMatchObject({ col: 10, message: "expected '{' after the repeat count, found 'touch'" });
    expect(firstError('touch A 0 4K 8K')).toMatchObject({ col: 14, message: "expected the end of the statement (a new line or ';'), found '8K'" });
    expect(firstError('touch A 0 4K $')).toMatchObject({ col: 14, message: "unexpected character '$'" });
    expect(firstError('say "open')).toMatchObject({ col: 5, message: 'unterminated string: add the closing "' });
    expect(firstError('say hello')).toMatchObject({ col: 5, message: `expected a quoted caption like "text", found 'hello'` });
    expect(firstError('quiz "q?"')).toMatchObject({ col: 10, message: 'expected the answer (a word or a quoted string), found end of input' });
    expect(firstError('mmap A 4M at 0 at 8K').message).toBe("'at' is given twice");
    expect(firstError('mremap A 0x1000')).toMatchObject({ col: 10, message: "expected 'to' and the new address, found '0x1000'" });
    expect(firstError('touch A (1+2 4K')).toMatchObject({ col: 14, message: "expected ')' to close the '(' at 1:9, found '4K'" });
  });

  it('reports one error per bad line and recovers at the next line or ;', () => {
    const src = 'tuch A 0 2M\nmmap A 4M\nmmap B foo; thp sometimes\nrepeat 2 { raed A 0 4K; touch A 0 }\nthp never';
    expect(errors(src).map((e) => [e.line, e.col])).toEqual([[1, 1], [3, 8], [3, 17], [4, 12], [4, 35]]);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(firstError(`mmap A ${'('.repeat(10000)}1${')'.repeat(10000)}`).message).toMatch(/nested too deeply/);
    expect(firstError(`mmap A ${'1+'.repeat(10000)}1`).message).toMatch(/too long/);
    expect(errors('repeat 1 {'.repeat(1000)).some((e) => /nested too deeply/.test(e.message))).toBe(true);
  });
});

describe('formatting', () => {
  it('formatSize uses the largest exact suffix', () => {
    expect(formatSize(2097152)).toBe('2M');
    expect(formatSize(4096)).toBe('4K');
    expect(formatSize(1536)).toBe('1536');
    expect(formatSize(0x180000000)).toBe('6G');
    expect(formatSize(3 * 2 ** 40)).toBe('3T');
    expect(formatSize(0)).toBe('0');
    expect(formatSize(6 * M + 4 * K)).toBe('6148K');
  });

  it('formatAddr prints lowercase 0x hex', () => {
    expect(formatAddr(0x100000200000)).toBe('0x100000200000');
    expect(formatAddr(0)).toBe('0x0');
  });

  it('formatSize output parses back to the same number', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 20 }), fc.constantFrom(1, K, M, 2 ** 30), (n, unit) => {
        const bytes = n * unit;
        expect(parseNumber(formatSize(bytes))).toMatchObject({ value: bytes });
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- properties

const VALID_LINES = [
  'mmap A 50G', 'mmap B 4M at 0x100000000000', 'mmap C 8M at 0x100000200000 hugepage',
  'mmap D 4M at 0x100000000000 prot r', 'touch A 0 2M', 'read A 0 2M', 'madvise A 0 2M dontneed',
  'munmap A 0 2M', 'mprotect A 2M 2M r', 'mremap A to 0x180000000000',
  'repeat 25600 { touch A i*2M 2M; madvise A i*2M 2M dontneed }', 'thp never', 'process small-c',
  'process empty', 'say "The first touch allocates the PTE table"', 'quiz "Will this DONTNEED free the table?" yes', 'quiz pte-ref "Freed?" no',
  'expect VmPTE 102640K', 'expect baseline VmPTE 102640K', 'expect pte 3', '# comment', '',
  'repeat 3 {', '}', 'repeat 2 { touch A (i+1)*4K - 4K 4K }', 'repeat 2 { repeat i+1 { read A i*4K 4K } }',
];
const NOISE = [...'{}();#"\\*+-_ \t\r\n0xiKMGTb$é'.split(''), '\u{1F600}', 'i', 'repeat', '2M', 'at', '"'];

/** Every error points inside the source and quotes the right line. */
function checkErrors(src: string, errs: ParseError[]): void {
  const lines = sourceLines(src);
  expect(errs.length).toBeGreaterThan(0);
  for (const e of errs) {
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length, JSON.stringify(e)).toBe(true);
    expect(Number.isInteger(e.col) && e.col >= 1 && e.col <= lines[e.line - 1].length + 1, JSON.stringify(e)).toBe(true);
    expect(e.lineText).toBe(lines[e.line - 1]);
    expect(typeof e.message).toBe('string');
  }
}

function checkAny(src: string): void {
  const r = parse(src);
  if (!r.ok) return checkErrors(src, r.errors);
  const e = expand(r.scenario, { maxStatements: 20_000 });
  if (!e.ok) checkErrors(src, e.errors);
}

describe('never throws', () => {
  it('on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => checkAny(s)), { seed: 1, numRuns: 2000 });
  });

  it('on random strings over the language alphabet', () => {
    const piece = fc.constantFrom(...NOISE, ...VALID_LINES.map((l) => l + '\n'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (ps) => checkAny(ps.join(''))), { seed: 2, numRuns: 2000 });
  });

  it('on random mutations of valid scenarios', () => {
    const scenario = fc.array(fc.constantFrom(...VALID_LINES), { minLength: 1, maxLength: 12 }).map((ls) => ls.join('\n'));
    const mutation = fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'duplicate'), fc.constantFrom(...NOISE));
    fc.assert(
      fc.property(scenario, fc.array(mutation, { minLength: 1, maxLength: 4 }), (src, muts) => {
        let s = src;
        for (const [at, kind, text] of muts) {
          const k = s.length === 0 ? 0 : at % s.length;
          if (kind === 'delete') s = s.slice(0, k) + s.slice(k + 1 + (at % 5));
          else if (kind === 'insert') s = s.slice(0, k) + text + s.slice(k);
          else if (kind === 'replace') s = s.slice(0, k) + text + s.slice(k + 1);
          else s = s.slice(0, k) + s.slice(k, k + 1 + (at % 20)) + s.slice(k);
        }
        checkAny(s);
      }),
      { seed: 3, numRuns: 3000 },
    );
  });

  it('valid scenarios parse without errors', () => {
    const src = VALID_LINES.filter((l) => l !== 'repeat 3 {' && l !== '}').join('\n');
    expect(parse(src).ok).toBe(true);
  });
});
