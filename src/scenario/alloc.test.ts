// The allocator workload statement: deterministic, lazy, validated, and its
// purge policies do what their names say to the page tables.
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile } from './expand.ts';
import { MECHANISMS } from './ast.ts';
import { decodeLink, encodeLink } from '../share/link.ts';

const W = 'alloc H arena 128M live 32M ticks 40 extent 16K 256K seed 3';
const ok = (src: string) => {
  const c = compile(src);
  if (!c.ok) throw new Error(`${c.errors[0].line}:${c.errors[0].col}: ${c.errors[0].message}`);
  return c;
};
const err = (src: string, opts?: { maxStatements?: number }) => {
  const c = compile(src, opts);
  if (c.ok) throw new Error('compiled');
  return c.errors[0];
};

describe('alloc', () => {
  it('expands to the same statements every time, and a different seed to others', () => {
    const a = ok(`${W} purge dontneed`).ops.map((o) => o.text);
    const b = ok(`${W} purge dontneed`).ops.map((o) => o.text);
    const c = ok(`${W.replace('seed 3', 'seed 4')} purge dontneed`).ops.map((o) => o.text);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).toBe('mmap H 128M');
    expect(a.slice(1).every((t) => /^(touch|madvise) H \S+ \S+( dontneed)?$/.test(t))).toBe(true);
  });

  it('emits ordinary statements: touch and madvise on the arena, a caption on each tick', () => {
    const c = ok(`say "a day"\n${W} purge free\nexpect RssAnon 131060K`);
    const ops = c.ops;
    expect(ops[0].say?.[0]).toBe('a day');
    expect(ops[0].say?.[1]).toMatch(/^tick 1\/40 \(grow\): malloc \d+ extents/);
    expect(ops.every((o) => o.line === 2)).toBe(true);
    expect(new Set(ops.map((o) => o.op.op))).toEqual(new Set(['mmap', 'touch', 'madvise']));
    expect(ops.filter((o) => o.op.op === 'madvise').every((o) => o.op.op === 'madvise' && o.op.advice === 'free')).toBe(true);
    const ticks = ops.filter((o) => o.say?.some((s) => s.startsWith('tick ')));
    expect(ticks.length).toBe(40);
    expect(ops.at(-1)!.expects?.[0].figure).toBe('RssAnon');
    expect(ops.at(-1)!.live!.slots).toBeGreaterThan(0);
  });

  it('a link carries the text, and the text alone decides the statements', () => {
    const src = `${W} purge decay 3`;
    const d = decodeLink(encodeLink({ scenario: src, mechanisms: ['pt-reclaim'], step: 40 }));
    if (!d.ok) throw new Error(d.message);
    expect(ok(d.state.scenario).ops).toEqual(ok(src).ops);
  });

  it('reads the same through the lazy program as through the array', () => {
    const c = ok(`${W} purge hugepage`);
    const n = c.program.length;
    for (const i of [0, 1, 7, n >> 1, n - 2, n - 1]) expect(c.program.at(i)).toEqual(c.ops[i]);
  });

  it('frees exactly the tables the live set no longer needs under pte-ref with page-granular DONTNEED', () => {
    const c = ok(`${W} purge dontneed`);
    const live = c.ops.at(-1)!.live!;
    const r = runFlat(c.program, { mechanism: 'pte-ref', checkInvariants: true });
    expect(r.invariantViolations).toEqual([]);
    expect(r.final.tables.pte).toBe(live.slots);
    expect(r.final.RssAnon).toBe(live.pages * 4);
    const pr = runFlat(c.program, { mechanism: 'pt-reclaim' });
    expect(pr.counters.tablesFreed.pte).toBe(0); // no extent covers a whole slot
  });

  it('releases whole 2 MiB slots under the hugepage policy: pt-reclaim frees them as pte-ref does', () => {
    const c = ok(`${W} purge hugepage`);
    const slotsReleased = c.ops.filter((o) => o.op.op === 'madvise').every((o) => o.op.op === 'madvise' && o.op.off % (2 << 20) === 0 && o.op.len % (2 << 20) === 0);
    expect(slotsReleased).toBe(true);
    const [b, p, r] = MECHANISMS.map((m) => runFlat(c.program, { mechanism: m }).final);
    expect(r.tables.pte).toBe(p.tables.pte);
    expect(r.tables.pte).toBe(c.ops.at(-1)!.live!.slots);
    expect(b.tables.pte).toBeGreaterThan(r.tables.pte);
  });

  it('MADV_FREE keeps every table under every design', () => {
    const c = ok(`${W} purge free`);
    const [b, p, r] = MECHANISMS.map((m) => runFlat(c.program, { mechanism: m }).final);
    expect(p.VmPTE).toBe(b.VmPTE);
    expect(r.VmPTE).toBe(b.VmPTE);
  });

  it('refuses absurd parameters at the statement, saying why', () => {
    expect(err('mmap A 4M\nalloc H arena 200T live 1G ticks 10 purge dontneed')).toMatchObject({ line: 2, col: 1, message: expect.stringMatching(/larger than the user address space/) });
    expect(err('alloc H arena 3M live 1M ticks 10 purge dontneed').message).toMatch(/whole number of 2 MiB slots/);
    expect(err('alloc H arena 64M live 48M ticks 10 purge dontneed').message).toMatch(/at most half the arena/);
    expect(err('alloc H arena 64M live 8M ticks 10 purge dontneed extent 1M 64K').message).toMatch(/smaller than the smallest/);
    expect(err('alloc H arena 64M live 8M ticks 10 purge decay 0').message).toMatch(/decay is 0 ticks/);
    expect(err('alloc H arena 64M live 8M ticks 10 purge dontneed churn 150').message).toMatch(/churn is 150%/);
    expect(err('alloc H arena 64M live 8M ticks 10 purge dontneed at 0x100000001000').message).toMatch(/not 2 MiB aligned/);
    expect(err('repeat 2 { alloc H arena 64M live 8M ticks 10 purge dontneed }').message).toMatch(/cannot be inside repeat/);
  });

  it('names what is missing or mistyped, at line:col', () => {
    expect(err('alloc H arena 64M live 8M ticks 10')).toMatchObject({ line: 1, message: expect.stringMatching(/alloc needs 'purge'/) });
    expect(err('alloc H arena 64M live 8M ticks 10 purge sometimes')).toMatchObject({ col: 42, message: expect.stringMatching(/unknown purge policy 'sometimes'/) });
    expect(err('alloc H arena 64M arena 8M').message).toMatch(/'arena' is given twice/);
    expect(err('alloc H arena 64M live 8M ticks 10 purge free colour red').message).toMatch(/unknown workload parameter 'colour'/);
  });

  it('respects the statement limit, with the tick it reached', () => {
    const e = err(`${W} purge dontneed`, { maxStatements: 500 });
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/more than 500 statements \(the limit\) by tick \d+ of 40/);
    const n = ok(`${W} purge dontneed`).program.length;
    const after = err(`${W} purge dontneed\nmmap B 4M\nmmap C 4M`, { maxStatements: n + 1 });
    expect(after).toMatchObject({ line: 1, message: `with this workload the scenario runs ${n + 2} statements; the limit is ${n + 1}` });
  });
});
