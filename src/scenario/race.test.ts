// The race statements of the language: `cpu N:` lines, `interleave` lines and
// `expect violation`, as parsed, as grouped into one flat `race` op, and the
// errors a user meets.
import { describe, expect, it } from 'vitest';
import { compile } from './expand.ts';
import { parse } from './parse.ts';
import type { FlatOp, FlatStatement } from './ast.ts';

const M = 2 ** 20;
const K = 1024;

function ops(src: string): FlatStatement[] {
  const c = compile(src);
  if (!c.ok) throw new Error(c.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return c.ops;
}
function firstError(src: string): { line: number; col: number; message: string } {
  const c = compile(src);
  if (c.ok) throw new Error('expected an error');
  return c.errors[0];
}
const race = (f: FlatStatement): Extract<FlatOp, { op: 'race' }> => {
  if (f.op.op !== 'race') throw new Error('not a race');
  return f.op;
};

describe('race statements', () => {
  it('parse: cpu N: STATEMENT, with madvise options', () => {
    const p = parse('cpu 1: madvise A 0 2M dontneed lockbreak 1M unfixed');
    expect(p.ok && p.scenario.statements[0]).toMatchObject({
      op: 'cpu', cpu: 1, loc: { line: 1, col: 1, endCol: 52 },
      body: { op: 'madvise', name: 'A', advice: 'dontneed', lockbreak: { kind: 'num', value: M }, unfixed: true },
    });
    const g = parse('cpu 0: gup A 4K 8K');
    expect(g.ok && g.scenario.statements[0]).toMatchObject({ op: 'cpu', cpu: 0, body: { op: 'gup', off: { kind: 'num', value: 4 * K } } });
  });

  it('consecutive cpu lines and their interleave lines become one race op', () => {
    const f = ops([
      'mmap A 2M', 'say "go"',
      'cpu 0: touch A 16K 4K', 'cpu 1: madvise A 0 2M dontneed',
      'interleave 0 0*3 1* 0', 'interleave pte-ref random seed 7',
      'expect pte-ref violation use-after-free', 'expect VmPTE 12',
      'touch A 0 4K',
    ].join('\n'));
    expect(f).toHaveLength(3);
    expect(f[1]).toMatchObject({ line: 3, text: 'cpu 0: touch A 16K 4K || cpu 1: madvise A 0 2M dontneed', say: ['go'] });
    expect(race(f[1])).toEqual({
      op: 'race',
      threads: [
        { cpu: 0, line: 3, text: 'cpu 0: touch A 16K 4K', op: { op: 'touch', name: 'A', off: 16 * K, len: 4 * K } },
        { cpu: 1, line: 4, text: 'cpu 1: madvise A 0 2M dontneed', op: { op: 'madvise', name: 'A', off: 0, len: 2 * M, advice: 'dontneed', unfixed: false } },
      ],
      orders: [
        { line: 5, schedule: { kind: 'list', items: [{ cpu: 0, count: 1 }, { cpu: 0, count: 3 }, { cpu: 1, count: 'run' }, { cpu: 0, count: 1 }] } },
        { mechanism: 'pte-ref', line: 6, schedule: { kind: 'random', seed: 7 } },
      ],
    });
    expect(f[1].expectViolations).toEqual([{ line: 7, mechanism: 'pte-ref', kind: 'use-after-free' }]);
    expect(f[1].expects).toEqual([{ line: 8, figure: 'VmPTE', value: 12 }]);
  });

  it('any other statement ends a race, and a cpu line after interleave starts a new one', () => {
    const f = ops(['mmap A 2M', 'cpu 0: touch A 0 4K', 'cpu 1: touch A 4K 4K', 'interleave 1 0', 'cpu 0: touch A 8K 4K', 'say "x"', 'cpu 1: read A 0 4K'].join('\n'));
    expect(f.map((s) => s.op.op)).toEqual(['mmap', 'race', 'race', 'race']);
    expect(race(f[2]).threads.map((t) => t.cpu)).toEqual([0]);
    expect(f[3].say).toEqual(['x']);
  });

  it('threads are ordered by CPU whatever order the lines come in; a race inside repeat sees i', () => {
    const f = ops(['mmap A 8M', 'repeat 2 {', '  cpu 1: touch A i*2M 4K', '  cpu 0: madvise A i*2M 2M dontneed', '  interleave random seed i + 1', '}'].join('\n'));
    expect(f.map((s) => s.iter)).toEqual([undefined, 0, 1]);
    expect(race(f[2]).threads.map((t) => [t.cpu, t.op.off])).toEqual([[0, 2 * M], [1, 2 * M]]);
    expect(race(f[2]).orders[0].schedule).toEqual({ kind: 'random', seed: 2 });
  });

  it('reports mistakes at their line and column', () => {
    expect(firstError('gup A 0 4K')).toMatchObject({ line: 1, col: 1, message: "gup runs only on a CPU of a race: write 'cpu 1: gup A 0 4K'" });
    expect(firstError('cpu 2: touch A 0 4K')).toMatchObject({ col: 5, message: "expected a CPU number, 0 or 1, found '2'" });
    expect(firstError('cpu 0 touch A 0 4K').message).toBe("expected ':' after 'cpu 0', found 'touch'");
    expect(firstError('cpu 0: mmap A 2M').message).toMatch(/^expected what CPU 0 runs \(touch, read, gup, madvise, munmap, mincore or pagemap\)/);
    expect(firstError('cpu 0: madvise A 0 2M free').message).toBe("a race models madvise dontneed only, not 'free'");
    expect(firstError('interleave 0 1').message).toBe('interleave must follow the `cpu N:` lines of a race');
    expect(firstError('mmap A 2M\ncpu 0: touch A 0 4K\ninterleave 1')).toMatchObject({ line: 3, message: 'interleave names CPU 1, but this race has no `cpu 1:` statement' });
    expect(firstError('mmap A 2M\ncpu 0: touch A 0 4K\ncpu 0: read A 0 4K').message).toMatch(/cpu 0 already runs `cpu 0: touch A 0 4K` \(line 2\)/);
    expect(firstError('cpu 0: touch A 0 4K\ninterleave 0\ninterleave 0 0').message).toBe('this race already has an interleaving (line 2)');
    expect(firstError('cpu 0: touch A 0 4K\ninterleave 0*0').message).toBe("expected a step count like 3 after '0*', found '0'");
    expect(firstError('cpu 0: touch A 0 4K\ninterleave bogus 0').message).toMatch(/^unknown mechanism 'bogus': expected baseline, pte-ref, pt-reclaim or broken/);
    expect(firstError('mmap A 2M\ntouch A 0 4K\nexpect violation').message).toBe('`expect violation` must follow a race (its `cpu` and `interleave` lines)');
    expect(firstError('cpu 0: touch A 0 4K\nexpect violation bogus').message).toMatch(/^unknown violation kind 'bogus'/);
    expect(firstError('cpu 0: madvise A 0 2M dontneed lockbreak 2M').message).toBe('lockbreak 2M must lie strictly inside the zapped range (0, 2M): the zap drops the PTE lock there and resumes');
  });

  it('still suggests the nearest figure after expect', () => {
    expect(firstError('expect violatoin').message).toMatch(/did you mean 'violation'\?$/);
  });
});
