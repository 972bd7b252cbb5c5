// Time travel is exact: the state rebuilt for any step, in any order of
// seeks, has the figures the run recorded at that step, and replaying a step
// with its events gives the same events every time.
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import { MECHANISMS } from '../../scenario/ast.ts';
import { Run } from '../trace/run.ts';
import { checkInvariants } from '../trace/invariants.ts';
import { packMm, unpackMm } from '../mm/pack.ts';
import { slotCells } from '../snapshot.ts';

const SRC = `mmap A 64M at 0x100000000000
mmap B 8M at 0x100004000000 hugepage
repeat 32 { touch A i*2M 2M; madvise A i*2M 1M dontneed }
touch B 0 4K
madvise B 0 4K dontneed
repeat 16 { madvise A i*4M 2M dontneed; munmap A i*4M+2M 4K }
mremap B to 0x180000100000
munmap A 0 64M`;

describe('Run.stateAt and Run.view', () => {
  for (const mechanism of MECHANISMS) {
    it(`rebuild every step exactly, forwards, backwards and at random (${mechanism})`, () => {
      const c = compile(SRC);
      if (!c.ok) throw new Error(c.errors[0].message);
      const run = new Run(c.ops, { mechanism, checkpoints: true, checkpointEvery: 8 });
      run.advance();
      expect(run.error).toBeUndefined();
      expect(run.checkpoints.length).toBeGreaterThan(2);
      const n = run.steps.length;
      let seed = 7;
      const order = [...Array(n).keys(), ...[...Array(n).keys()].reverse()];
      for (let k = 0; k < 60; k++) order.push((seed = (seed * 48271) % 2147483647) % n);
      for (const i of order) {
        const v = run.view(i);
        expect(v.mm.figures(), `view ${i}`).toEqual(run.steps[i].figures);
        expect(checkInvariants(v.mm)).toEqual([]);
        const s = run.stateAt(i);
        expect(s.mm.figures(), `stateAt ${i}`).toEqual(run.steps[i].figures);
      }
      for (const i of [0, 5, n - 1, 20, 3]) {
        const a = run.view(i, true);
        const eventsA = JSON.stringify(a.events);
        expect(a.mm.figures()).toEqual(run.steps[i].figures);
        const b = run.stateAt(i, true);
        expect(JSON.stringify(b.events)).toBe(eventsA);
      }
    });
  }
  it('stateAt returns a copy the caller may change without harming the run', () => {
    const c = compile(SRC);
    if (!c.ok) throw new Error(c.errors[0].message);
    const run = new Run(c.ops, { mechanism: 'baseline', checkpoints: true });
    run.advance();
    const s = run.stateAt(10);
    s.mm.vmas.length = 0;
    s.mm.nr.pte = 999;
    expect(run.stateAt(10).mm.figures()).toEqual(run.steps[10].figures);
    expect(run.view(10).mm.figures()).toEqual(run.steps[10].figures);
  });
});

describe('a run of production size keeps within its budgets', () => {
  const big = `mmap A 1G at 0x100000000000
repeat 64 { touch A i*16M 16M; madvise A i*16M 16M dontneed; touch A i*16M 2M }
munmap A 0 1G`;
  it('checkpointBytes: thinning keeps the checkpoints under budget and every step still exact', () => {
    const c = compile(big);
    if (!c.ok) throw new Error(c.errors[0].message);
    const free = new Run(c.ops, { mechanism: 'baseline', checkpoints: true, checkpointEvery: 2 });
    free.advance();
    const budget = Math.floor(free.checkpointMemory / 4);
    expect(budget).toBeGreaterThan(0);
    const run = new Run(c.ops, { mechanism: 'baseline', checkpoints: true, checkpointEvery: 2, checkpointBytes: budget });
    run.advance();
    expect(run.checkpointMemory).toBeLessThanOrEqual(budget);
    expect(run.checkpoints.length).toBeLessThan(free.checkpoints.length);
    expect(run.checkpoints.length).toBeGreaterThan(1);
    expect(run.checkpoints[0].index).toBe(-1);
    for (let i = 0; i < run.steps.length; i += 7) expect(run.view(i).mm.figures(), `step ${i}`).toEqual(free.steps[i].figures);
  });
  it('a checkpoint codes compact tables as runs: exact, and small when tables were faulted together', () => {
    const c = compile(`mmap A 64G at 0x100000000000
touch A 0 40G
madvise A 2M 6M dontneed
touch A 3M 4K
madvise A 20G 1G dontneed
repeat 100 { touch A 41G+i*6M 2M }`);
    if (!c.ok) throw new Error(c.errors[0].message);
    for (const mechanism of ['baseline', 'pte-ref', 'pt-reclaim'] as const) {
      const run = new Run(c.ops, { mechanism });
      run.advance();
      const packed = packMm(run.mm);
      // 20,480+ tables: raw they would take 5 bytes each.
      expect(run.mm.nr.pte).toBeGreaterThan(20_000);
      expect(packed.compactRuns.byteLength).toBeLessThan(run.mm.nr.pte / 4);
      const back = unpackMm(packed, run.mm.mech);
      expect(back.figures()).toEqual(run.mm.figures());
      expect(checkInvariants(back)).toEqual([]);
      expect(slotCells(back, mechanism === 'pte-ref')).toEqual(slotCells(run.mm, mechanism === 'pte-ref'));
      expect(packMm(back).compactRuns).toEqual(packed.compactRuns);
    }
  });
  it('maxReasons: a step keeps that many reason lines and counts the rest by code', () => {
    const c = compile(big);
    if (!c.ok) throw new Error(c.errors[0].message);
    for (const mechanism of ['baseline', 'pt-reclaim'] as const) {
      const all = new Run(c.ops, { mechanism });
      all.advance();
      const capped = new Run(c.ops, { mechanism, maxReasons: 3 });
      capped.advance();
      const last = all.steps.length - 1;
      expect(all.steps[last].reasons.length).toBe(mechanism === 'baseline' ? 512 : 64);
      expect(capped.steps[last].reasons).toEqual(all.steps[last].reasons.slice(0, 3));
      for (let i = 0; i < all.steps.length; i++) {
        const a = all.steps[i];
        const b = capped.steps[i];
        expect(b.figures).toEqual(a.figures);
        const more = (b.moreReasons ?? []).reduce((n, m) => n + m.count, 0);
        expect(b.reasons.length + more, `step ${i}`).toBe(a.reasons.length + (a.moreReasons ?? []).reduce((n, m) => n + m.count, 0));
      }
    }
  });
});
