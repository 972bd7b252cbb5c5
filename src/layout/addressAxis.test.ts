import { describe, expect, it } from 'vitest';
import { axisModel, segmentsOf, sharedSlots, slotRuns } from './addressAxis.ts';
import type { NamedVma } from './vmas.ts';
import { nameVmas, vmasOfSlot } from './vmas.ts';
import type { TableItem } from './tables.ts';

const M = 2 ** 20;
const vma = (start: number, end: number, name: string): NamedVma => ({ start, end, name, prot: 'rw', hugepage: false, nohugepage: false, kind: 'anon' });
const item = (slot: number, value = 1, kind = 0): TableItem => ({ id: slot, slot, value, kind, nonNone: value, refcount: 0, status: 'live' });

describe('address axis', () => {
  it('joins nearby intervals and breaks across big gaps', () => {
    expect(segmentsOf([[0x100000000000, 0x100000000000 + 4 * M], [0x100000000000 + 8 * M, 0x100000000000 + 10 * M], [0x7f0000000000, 0x7f0000001000]])).toEqual([
      [0x100000000000, 0x100000000000 + 10 * M],
      [0x7f0000000000, 0x7f0000200000],
    ]);
  });

  it('maps addresses monotonically across segments, within the width', () => {
    const a = axisModel([vma(0x100000000000, 0x100000000000 + 50 * 1024 * M, 'A'), vma(0x7ffd00000000, 0x7ffd00021000, '[stack]')], [], 1000);
    const xs = [0x100000000000, 0x100000000000 + 1024 * M, 0x7ffd00000000, 0x7ffd00021000].map((x) => a.x(x)!);
    for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeGreaterThan(xs[k - 1]);
    expect(xs.at(-1)!).toBeLessThanOrEqual(1000);
    expect(a.x(0x50000000000)).toBeNull();
    // The small stack segment still gets a usable width (log weighting).
    expect(a.segments[1].x1 - a.segments[1].x0).toBeGreaterThan(50);
    expect(a.addrAt(a.x(0x100000000000 + 1024 * M)!)).toBeCloseTo(0x100000000000 + 1024 * M, -6);
  });

  it('merges 25,600 tables in a row into one run, split by state', () => {
    const base = 0x100000000000 / (2 * M);
    const tables = [...Array.from({ length: 25600 }, (_, k) => item(base + k, 0)), item(base + 25600, 3), item(base + 25601, 512, 1)];
    const a = axisModel([vma(0x100000000000, 0x100000000000 + 51204 * M, 'A')], tables, 800);
    const runs = slotRuns(a, tables);
    expect(runs.map((r) => [r.state, r.to - r.from])).toEqual([['empty', 25600], ['table', 1], ['huge', 1]]);
  });

  it('finds slots two VMAs share', () => {
    expect(sharedSlots([vma(0x280000000000, 0x280000100000, 'A'), vma(0x280000100000, 0x280000200000, 'B')])).toEqual([0x280000000000 / (2 * M)]);
    expect(sharedSlots([vma(0x280000000000, 0x280000200000, 'A')])).toEqual([]);
  });

  it('names VMAs from the scenario and lists the VMAs of a slot', () => {
    const v = nameVmas({ vmas: [vma(0x280000000000, 0x280000100000, ''), { ...vma(0x280000100000, 0x280000200000, ''), label: '[heap]' }], names: [{ name: 'A', start: 0x280000000000, len: M }] });
    expect(v.map((x) => x.name)).toEqual(['A', '[heap]']);
    expect(vmasOfSlot(v, 0x280000000000 / (2 * M)).map((x) => x.name)).toEqual(['A', '[heap]']);
    expect(vmasOfSlot(v, 0x280000000000 / (2 * M) + 1)).toEqual([]);
  });
});
