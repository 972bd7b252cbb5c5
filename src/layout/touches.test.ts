import { describe, expect, it } from 'vitest';
import { faultsIn, opRanges, opSlots, opTouchesSlot } from './touches.ts';

const M2 = 2 ** 21;

describe('what a statement touches', () => {
  it('the slots of a range, clipped to the ones it overlaps', () => {
    expect(opSlots({ op: 'touch', addr: 10 * M2 + 4096, len: M2 })).toEqual([10, 11]);
    expect(opSlots({ op: 'madvise', addr: 3 * M2, len: M2, advice: 'dontneed' })).toEqual([3]);
    expect(opSlots({ op: 'munmap', addr: 0, len: 50 * 2 ** 30 }, 100)).toHaveLength(100);
  });

  it('mremap touches both places; faults every run; thp and process none', () => {
    expect(opRanges({ op: 'mremap', addr: 0, len: M2, to: 8 * M2 })).toEqual([[0, M2], [8 * M2, 9 * M2]]);
    expect(opSlots({ op: 'faults', runs: [{ addr: M2, len: 4096, write: true }, { addr: 5 * M2, len: 4096, write: false }] })).toEqual([1, 5]);
    expect(opSlots({ op: 'thp', mode: 'never' })).toEqual([]);
    expect(opSlots(undefined)).toEqual([]);
  });

  it('only page-faulting operations walk', () => {
    expect(faultsIn({ op: 'touch', addr: 0, len: 4096 })).toBe(true);
    expect(faultsIn({ op: 'madvise', addr: 0, len: 4096, advice: 'dontneed' })).toBe(false);
    expect(opTouchesSlot({ op: 'read', addr: M2 - 4096, len: 4096 }, 0)).toBe(true);
    expect(opTouchesSlot({ op: 'read', addr: M2 - 4096, len: 4096 }, 1)).toBe(false);
  });
});
