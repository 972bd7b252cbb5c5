// Tests for the expander: flat ops of every form, repeat unrolling (nested,
// in order, i bound), say/quiz/expect attachment, evaluation errors at the
// statement's line, the statement cap, and speed.

import { describe, expect, it } from 'vitest';
import { parse } from './parse.ts';
import { compile, expand } from './expand.ts';
import type { ExpandOptions } from './expand.ts';
import type { FlatStatement, ParseError, Scenario } from './ast.ts';

const M = 2 ** 20;
const K = 1024;

function scenario(src: string): Scenario {
  const r = parse(src);
  if (!r.ok) throw new Error(`parse errors: ${JSON.stringify(r.errors)}`);
  return r.scenario;
}
function flat(src: string, opts?: ExpandOptions) {
  const r = expand(scenario(src), opts);
  if (!r.ok) throw new Error(`expand errors: ${JSON.stringify(r.errors)}`);
  return r;
}
function ops(src: string): FlatStatement[] {
  return flat(src).ops;
}
function expandErrors(src: string, opts?: ExpandOptions): ParseError[] {
  const r = expand(scenario(src), opts);
  if (r.ok) throw new Error('expected expansion errors');
  return r.errors;
}

describe('flat ops of each form', () => {
  it('evaluates every statement of the language', () => {
    const src = [
      'mmap A 50G',
      'mmap B 4M at 0x100000000000',
      'mmap C 8M at 0x100000200000 hugepage',
      'mmap D 4M at 0x100000000000 prot r',
      'touch A 0 2M',
      'read A 0 2M',
      'madvise A 0 2M free',
      'munmap A 0 2M',
      'mprotect A 2M 2M none',
      'mremap A to 0x180000000000',
      'thp madvise',
      'process small-c',
    ].join('\n');
    expect(ops(src)).toEqual([
      { line: 1, text: 'mmap A 50G', op: { op: 'mmap', name: 'A', size: 50 * 2 ** 30, hugepage: false, prot: 'rw' } },
      { line: 2, text: 'mmap B 4M at 0x100000000000', op: { op: 'mmap', name: 'B', size: 4 * M, at: 0x100000000000, hugepage: false, prot: 'rw' } },
      { line: 3, text: 'mmap C 8M at 0x100000200000 hugepage', op: { op: 'mmap', name: 'C', size: 8 * M, at: 0x100000200000, hugepage: true, prot: 'rw' } },
      { line: 4, text: 'mmap D 4M at 0x100000000000 prot r', op: { op: 'mmap', name: 'D', size: 4 * M, at: 0x100000000000, hugepage: false, prot: 'r' } },
      { line: 5, text: 'touch A 0 2M', op: { op: 'touch', name: 'A', off: 0, len: 2 * M } },
      { line: 6, text: 'read A 0 2M', op: { op: 'read', name: 'A', off: 0, len: 2 * M } },
      { line: 7, text: 'madvise A 0 2M free', op: { op: 'madvise', name: 'A', off: 0, len: 2 * M, advice: 'free' } },
      { line: 8, text: 'munmap A 0 2M', op: { op: 'munmap', name: 'A', off: 0, len: 2 * M } },
      { line: 9, text: 'mprotect A 2M 2M none', op: { op: 'mprotect', name: 'A', off: 2 * M, len: 2 * M, prot: 'none' } },
      { line: 10, text: 'mremap A to 0x180000000000', op: { op: 'mremap', name: 'A', to: 0x180000000000 } },
      { line: 11, text: 'thp madvise', op: { op: 'thp', mode: 'madvise' } },
      { line: 12, text: 'process small-c', op: { op: 'process', kind: 'small-c' } },
    ]);
    expect(ops('mmap A 50G')[0].op).not.toHaveProperty('at');
    expect(ops('mmap A 50G')[0]).not.toHaveProperty('iter');
  });

  it('text is the statement alone: no comment, no neighbours', () => {
    expect(ops('  thp never ;process empty   # why\n').map((f) => f.text)).toEqual(['thp never', 'process empty']);
  });
});

describe('repeat', () => {
  it('unrolls i = 0..N-1 in order, quoting each body statement', () => {
    const r = ops('mmap A 1G\nrepeat 3 { touch A i*2M 2M; madvise A i*2M 2M dontneed }');
    expect(r.slice(1).map((f) => [f.text, f.iter, f.line, f.op.op, 'off' in f.op ? f.op.off : -1])).toEqual([
      ['touch A i*2M 2M', 0, 2, 'touch', 0],
      ['madvise A i*2M 2M dontneed', 0, 2, 'madvise', 0],
      ['touch A i*2M 2M', 1, 2, 'touch', 2 * M],
      ['madvise A i*2M 2M dontneed', 1, 2, 'madvise', 2 * M],
      ['touch A i*2M 2M', 2, 2, 'touch', 4 * M],
      ['madvise A i*2M 2M dontneed', 2, 2, 'madvise', 4 * M],
    ]);
  });

  it('nested repeats: the inner i shadows the outer, an inner count may use the outer i', () => {
    const r = ops('repeat 3 {\n  touch A i*1M 4K\n  repeat i { read A i*4K 4K }\n}');
    expect(r.map((f) => [f.op.op, f.iter, f.line, 'off' in f.op ? f.op.off : -1])).toEqual([
      ['touch', 0, 2, 0],
      ['touch', 1, 2, M],
      ['read', 0, 3, 0],
      ['touch', 2, 2, 2 * M],
      ['read', 0, 3, 0],
      ['read', 1, 3, 4 * K],
    ]);
  });

  it('a zero count runs nothing', () => {
    expect(ops('repeat 0 { touch A 0 4K }\nthp never').map((f) => f.op.op)).toEqual(['thp']);
  });

  it('expands the 25600 x 2 example in well under 100 ms', () => {
    const s = scenario('mmap A 50G\nrepeat 25600 { touch A i*2M 2M; madvise A i*2M 2M dontneed }');
    // Best of a few runs: the figure is the expander's, not a cold JIT's or a busy machine's.
    let best = Infinity;
    let r = expand(s);
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      r = expand(s);
      best = Math.min(best, performance.now() - t0);
    }
    if (!r.ok) throw new Error('errors');
    expect(r.ops).toHaveLength(51201);
    expect(r.ops[51199].op).toEqual({ op: 'touch', name: 'A', off: 25599 * 2 * M, len: 2 * M });
    expect(r.ops[51200].iter).toBe(25599);
    expect(best).toBeLessThan(100);
  });
});

describe('say, quiz and expect attachment', () => {
  it('say and quiz go to the next op; expect to the previous one', () => {
    const r = flat([
      'expect pte 0',
      'say "first"',
      'say "second"',
      'quiz "Table freed?" no',
      'mmap A 4M',
      'expect VmSize 4M',
      'expect pte-ref pte 0',
      'touch A 0 4K',
      'say "at the end"',
    ].join('\n'));
    expect(r.initialExpects).toEqual([{ line: 1, figure: 'pte', value: 0 }]);
    expect(r.ops).toEqual([
      {
        line: 5, text: 'mmap A 4M', op: { op: 'mmap', name: 'A', size: 4 * M, hugepage: false, prot: 'rw' },
        say: ['first', 'second'], quiz: { question: 'Table freed?', answer: 'no' },
        expects: [{ line: 6, figure: 'VmSize', value: 4096 }, { line: 7, mechanism: 'pte-ref', figure: 'pte', value: 0 }],
      },
      { line: 8, text: 'touch A 0 4K', op: { op: 'touch', name: 'A', off: 0, len: 4 * K }, say: ['at the end'] },
    ]);
  });

  it('inside a repeat each pass gets its own caption and its own evaluated expect', () => {
    const r = ops('mmap A 1G\nrepeat 2 { say "pass"; touch A i*2M 4K; expect pte i+1 }');
    expect(r.slice(1).map((f) => [f.iter, f.say, f.expects])).toEqual([
      [0, ['pass'], [{ line: 2, figure: 'pte', value: 1 }]],
      [1, ['pass'], [{ line: 2, figure: 'pte', value: 2 }]],
    ]);
  });

  it('a quiz after the last op attaches to it; a second waiting quiz is an error', () => {
    expect(ops('thp never\nquiz "q" a')[0].quiz).toEqual({ question: 'q', answer: 'a' });
    expect(ops('quiz pte-ref "q" a\nthp never')[0].quiz).toEqual({ question: 'q', answer: 'a', mechanism: 'pte-ref' });
    expect(expandErrors('quiz "a" x\nquiz "b" y\nthp never')[0]).toMatchObject({ line: 2, message: 'a quiz (line 1) is already waiting for the next statement' });
  });

  it('initialExpects is empty when every expect follows an op', () => {
    expect(flat('thp never\nexpect pmd 0').initialExpects).toEqual([]);
  });
});

describe('evaluation errors', () => {
  it('a negative offset is an error at the statement, naming i', () => {
    expect(expandErrors('mmap A 1G\n\nrepeat 3 { touch A 0 4K; touch A i*2M-4K 4K }')).toEqual([
      { line: 3, col: 26, message: 'offset is -4096 (i = 0): it must be a whole number ≥ 0', lineText: 'repeat 3 { touch A 0 4K; touch A i*2M-4K 4K }' },
    ]);
    expect(expandErrors('mmap A 4K - 8K')[0]).toMatchObject({ line: 1, col: 1, message: 'size is -4096: it must be a whole number ≥ 0' });
    expect(expandErrors('repeat 2 { repeat i-1 { thp never } }')[0].message).toBe('repeat count is -1 (i = 0): it must be a whole number ≥ 0');
    expect(expandErrors('thp never\nexpect pte 1-2')[0]).toMatchObject({ line: 2, message: 'expected pte is -1: it must be a whole number ≥ 0' });
  });

  it('a result beyond 2^53 is an error', () => {
    expect(expandErrors('mmap A 8000T*8000T')[0].message).toMatch(/^size: .* is beyond 2\^53$/);
  });

  it('a hand-built i outside repeat is an error, not a throw', () => {
    const s: Scenario = {
      source: 'touch A i 4K',
      statements: [{ op: 'touch', loc: { line: 1, col: 1 }, name: 'A', off: { kind: 'var', name: 'i' }, len: { kind: 'num', value: 4096 } }],
    };
    expect(expand(s)).toEqual({ ok: false, errors: [{ line: 1, col: 1, message: "offset: 'i' is only defined inside repeat", lineText: 'touch A i 4K' }] });
  });
});

describe('statement cap', () => {
  it('refuses a loop beyond the limit before materialising it, saying how many', () => {
    const t0 = performance.now();
    expect(expandErrors('thp never\nrepeat 2500000000 { touch A 0 4K; touch A 0 4K }')).toEqual([
      { line: 2, col: 1, message: 'repeat would run 5000000000 statements; the limit is 2000000', lineText: 'repeat 2500000000 { touch A 0 4K; touch A 0 4K }' },
    ]);
    expect(expandErrors('repeat 1000000 { repeat 1000000 { repeat 1000000 { thp never } } }')[0].message)
      .toBe('repeat would run 1000000000000000000 statements; the limit is 2000000');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('allows exactly 2,000,000 statements and refuses 2,000,001', () => {
    const r = flat('repeat 1000000 { touch A i*4K 4K; read A i*4K 4K }');
    expect(r.ops).toHaveLength(2_000_000);
    expect(r.ops[1_999_999]).toMatchObject({ iter: 999_999, op: { op: 'read', off: 999_999 * 4096 } });
    expect(expandErrors('thp never\nrepeat 1000000 { touch A i*4K 4K; read A i*4K 4K }')[0]).toMatchObject({
      line: 2, message: 'this repeat brings the scenario to 2000001 statements; the limit is 2000000',
    });
  });

  it('honours maxStatements, counting loops whose inner count depends on i', () => {
    expect(flat('repeat 10 { touch A 0 4K }', { maxStatements: 10 }).ops).toHaveLength(10);
    expect(expandErrors('repeat 11 { touch A 0 4K }', { maxStatements: 10 })[0].message).toBe('repeat would run 11 statements; the limit is 10');
    // 0 + 1 + ... + 99 = 4950 statements
    expect(flat('repeat 100 { repeat i { thp never } }', { maxStatements: 4950 }).ops).toHaveLength(4950);
    expect(expandErrors('repeat 100 { repeat i { thp never } }', { maxStatements: 4949 })[0].message)
      .toBe('repeat would run 4950 statements; the limit is 4949');
    expect(expandErrors('repeat 200 { repeat i { thp never } }', { maxStatements: 4949 })[0].message)
      .toBe('repeat would run more than 4950 statements; the limit is 4949');
    expect(expandErrors('repeat 9007199254740991 { repeat i { thp never } }')[0].message).toMatch(/^repeat would run more than/);
  });

  it('refuses absurd numbers of empty passes too', () => {
    expect(expandErrors('repeat 1000000000000 { repeat 0 { thp never } }')[0].message)
      .toBe('repeat would loop 1000000000000 times without running a statement; the limit is 2000000');
    expect(expandErrors('repeat 5000000 { }')[0].message).toBe('repeat would loop 5000000 times without running a statement; the limit is 2000000');
    expect(flat('repeat 100000 { repeat 1 { repeat 1 { thp never } } }', { maxStatements: 100_000 }).ops).toHaveLength(100_000);
  });
});

describe('compile', () => {
  it('parses and expands in one step, passing on errors from either', () => {
    const r = compile('thp never\nexpect pte 0');
    expect(r.ok && r.ops.length === 1 && r.scenario.statements.length === 2).toBe(true);
    expect(compile('tuch')).toMatchObject({ ok: false, errors: [{ line: 1, col: 1 }] });
    expect(compile('repeat 3 { thp never }', { maxStatements: 2 })).toMatchObject({ ok: false, errors: [{ line: 1 }] });
  });
});

describe('swap and khugepaged', () => {
  it('flatten with their numbers evaluated, also inside a repeat', () => {
    const got = ops('swap on\nrepeat 2 { khugepaged max_ptes_none 100*i }\nkhugepaged\nswap off').map((f) => f.op);
    expect(got).toEqual([
      { op: 'swap', on: true },
      { op: 'khugepaged', maxPtesNone: 0 },
      { op: 'khugepaged', maxPtesNone: 100 },
      { op: 'khugepaged' },
      { op: 'swap', on: false },
    ]);
  });
  it('a limit above 511 is refused as the sysfs file refuses it', () => {
    expect(expandErrors('khugepaged max_ptes_swap 512')[0].message).toMatch(/max_ptes_swap is 512: the kernel takes 0 to 511/);
  });
});
