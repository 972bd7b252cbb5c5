import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import { Run } from './run.ts';
import { formatHistory, tableHistory } from './history.ts';
import type { MechanismName } from '../types.ts';

const FIRST = 'mmap X 4M at 0x100000000000\ntouch X 0 4K\nmadvise X 0 4K dontneed\nmadvise X 0 2M dontneed\nmunmap X 0 4M\n';
const SLOT = 0x100000000000 / 2 ** 21;

function run(src: string, mechanism: MechanismName): Run {
  const c = compile(src);
  if (!c.ok) throw new Error(c.errors[0].message);
  const r = new Run(c.program, { mechanism, checkpoints: true }, c.initialExpects);
  r.advance();
  return r;
}

describe('tableHistory', () => {
  it('pt-reclaim: allocated by the touch, emptied by the 4 KiB DONTNEED, freed by free_pte at the whole-slot one', () => {
    const r = run(FIRST, 'pt-reclaim');
    const h = tableHistory(r, SLOT, 3)!;
    expect(tableHistory(r, SLOT, 4)).toBeNull(); // gone before the munmap
    expect(h.entries.map((e) => [e.what, e.step, e.by])).toEqual([['allocated', 1, 'touch'], ['emptied', 2, 'madvise'], ['freed', 3, 'free_pte']]);
    expect(formatHistory(h)).toBe('allocated at step 2 by touch, emptied at step 3 (madvise), freed at step 4 by free_pte under pt-reclaim');
  });

  it('pte-ref frees at the first DONTNEED; baseline keeps the table until munmap (free_pgtables, down to free_pte_range)', () => {
    const p = tableHistory(run(FIRST, 'pte-ref'), SLOT, 2)!;
    expect(p.entries.map((e) => e.what)).toEqual(['allocated', 'freed']);
    expect(p.entries[1].step).toBe(2);
    const b = tableHistory(run(FIRST, 'baseline'), SLOT, 4)!;
    expect(b.entries.map((e) => [e.what, e.step])).toEqual([['allocated', 1], ['emptied', 2], ['freed', 4]]);
    expect(b.entries[2].by).toBe('free_pte_range'); // free_pgtables -> ... -> free_pte_range
  });

  it('stops at the step asked for: no future, and the table a step just freed is still named', () => {
    const r = run(FIRST, 'pt-reclaim');
    expect(tableHistory(r, SLOT, 1)!.entries.map((e) => e.what)).toEqual(['allocated']);
    expect(tableHistory(r, SLOT, 3)!.entries.map((e) => e.what)).toEqual(['allocated', 'emptied', 'freed']);
    expect(tableHistory(r, SLOT, 0)).toBeNull(); // no table yet
    expect(tableHistory(r, SLOT + 1, 4)).toBeNull(); // never one there
  });

  it('a second table in the same slot has its own history, and entries that change without emptying are listed', () => {
    const src = 'mmap X 4M at 0x100000000000\ntouch X 0 8K\nmadvise X 0 4K dontneed\nmadvise X 0 2M dontneed\ntouch X 4K 4K\n';
    const r = run(src, 'pt-reclaim');
    const first = tableHistory(r, SLOT, 3)!;
    const second = tableHistory(r, SLOT, 4)!;
    expect(second.tableId).not.toBe(first.tableId);
    expect(first.entries.map((e) => [e.what, e.before, e.entries])).toEqual([['allocated', 0, 2], ['changed', 2, 1], ['freed', 1, 0]]);
    expect(second.entries.map((e) => [e.what, e.step])).toEqual([['allocated', 4]]);
  });

  it('the read-only scan leaves the run as it was (the next frame is the same)', () => {
    const r = run(FIRST, 'pt-reclaim');
    const before = r.view(2).mm.figures();
    tableHistory(r, SLOT, 4);
    expect(r.view(2).mm.figures()).toEqual(before);
    expect(r.stateAt(1).mm.pteAt(SLOT)?.nonNone).toBe(1);
  });
});
