// Walk only the page tables that exist: a zap or munmap of 50 GiB visits the
// PMD slots under present PUD and PMD tables, never 25,600 empty ones
// (the pgd/pud/pmd_none_or_clear_bad skips of mm/memory.c's walkers).
import { PGDIR_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE } from '../constants.ts';
import type { Mm } from './mm.ts';
import type { PmdTable, PteTable } from './pgtable.ts';

/**
 * Calls fn for every slot in [start, end) whose PMD entry is populated, in
 * address order. With `compactFn`, a compact table (PmdTable.compactState) is
 * first offered to it, without making an object: when it returns true it
 * handled the slot and fn is not called.
 */
export function forEachPresentSlot(
  mm: Mm,
  start: number,
  end: number,
  fn: (slot: number, t: PteTable) => void,
  compactFn?: (slot: number, pmd: PmdTable, k: number, state: number) => boolean,
): void {
  if (end <= start) return;
  const firstSlot = Math.floor(start / PMD_SIZE);
  const lastSlot = Math.ceil(end / PMD_SIZE); // exclusive
  const g0 = Math.floor(start / PGDIR_SIZE);
  const g1 = Math.floor((end - 1) / PGDIR_SIZE);
  for (let g = g0; g <= g1; g++) {
    const pud = mm.pgd[g];
    if (!pud || pud.used === 0) continue;
    const r0 = Math.max(g * PTRS_PER_TABLE, Math.floor(start / PUD_SIZE));
    const r1 = Math.min((g + 1) * PTRS_PER_TABLE - 1, Math.floor((end - 1) / PUD_SIZE));
    for (let r = r0; r <= r1; r++) {
      const pmd = pud.entries[r % PTRS_PER_TABLE];
      if (!pmd || pmd.used === 0) continue;
      const s0 = Math.max(r * PTRS_PER_TABLE, firstSlot);
      const s1 = Math.min((r + 1) * PTRS_PER_TABLE, lastSlot);
      for (let s = s0; s < s1; s++) {
        const k = s % PTRS_PER_TABLE;
        if (!pmd.has(k)) continue;
        if (compactFn) {
          const st = pmd.compactState(k);
          if (st >= 0 && compactFn(s, pmd, k, st)) continue;
        }
        fn(s, pmd.get(k)!);
        mm.settleIn(pmd, k); // the operation on this slot is over: a uniform table goes back to compact
      }
    }
  }
}
