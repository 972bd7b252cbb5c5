// free_pgtables -> free_pgd_range -> free_p4d_range -> free_pud_range ->
// free_pmd_range -> free_pte_range (mm/memory.c), after unmap_vmas has
// zapped the detached VMAs of a munmap.
//
// floor is the end of the VMA below the unmapped range (0 if none), ceiling
// the start of the VMA above it (0 meaning the top). A table is freed only
// if its whole coverage lies inside [floor, ceiling): the edge slots, 1 GiB
// regions and 512 GiB regions shared with a surviving VMA keep their table.
// The arithmetic is the kernel's, line for line, with "0 = no ceiling".
import { PGDIR_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, alignDown } from '../constants.ts';
import type { Mm } from './mm.ts';
import type { Vma } from './vma.ts';

/** `end - 1 > ceiling - 1` with unsigned wrap: ceiling 0 is the top of memory. */
const beyond = (end: number, ceiling: number): boolean => ceiling !== 0 && end - 1 > ceiling - 1;

/** free_pgtables over the detached VMAs (sorted), grouping VMAs closer than PMD_SIZE. */
export function free_pgtables(mm: Mm, detached: Vma[], floor: number, ceiling: number): void {
  mm.enter('free_pgtables');
  let k = 0;
  while (k < detached.length) {
    const addr = detached[k].start;
    let last = detached[k];
    let n = k + 1;
    while (n < detached.length && detached[n].start <= last.end + PMD_SIZE) {
      last = detached[n];
      n++;
    }
    free_pgd_range(mm, addr, last.end, floor, n < detached.length ? detached[n].start : ceiling);
    k = n;
  }
}

export function free_pgd_range(mm: Mm, addr: number, end: number, floor: number, ceiling: number): void {
  addr = alignDown(addr, PMD_SIZE);
  if (addr < floor) addr += PMD_SIZE;
  if (ceiling) {
    ceiling = alignDown(ceiling, PMD_SIZE);
    if (!ceiling) return;
  }
  if (beyond(end, ceiling)) end -= PMD_SIZE;
  if (addr > end - 1) return;
  mm.enter('free_pgd_range');
  while (addr < end) {
    const next = Math.min(alignDown(addr + PGDIR_SIZE, PGDIR_SIZE), end);
    if (mm.pgd[Math.floor(addr / PGDIR_SIZE)]) free_pud_range(mm, addr, next, floor, ceiling);
    addr = next;
  }
}

/** free_pud_range (reached through the folded free_p4d_range): frees the PUD table at P4D granularity. */
function free_pud_range(mm: Mm, addr: number, end: number, floor: number, ceiling: number): void {
  const pud = mm.pgd[Math.floor(addr / PGDIR_SIZE)]!;
  let start = addr;
  while (addr < end) {
    const next = Math.min(alignDown(addr + PUD_SIZE, PUD_SIZE), end);
    if (pud.entries[Math.floor(addr / PUD_SIZE) % PTRS_PER_TABLE]) free_pmd_range(mm, addr, next, floor, ceiling);
    addr = next;
  }
  start = alignDown(start, PGDIR_SIZE);
  if (start < floor) return;
  if (ceiling) {
    ceiling = alignDown(ceiling, PGDIR_SIZE);
    if (!ceiling) return;
  }
  if (beyond(end, ceiling)) return;
  freeAllBelowPud(mm, start);
  mm.unlinkPudTable(start, 'free_pud_range');
}

function free_pmd_range(mm: Mm, addr: number, end: number, floor: number, ceiling: number): void {
  const pmd = mm.pmdTableAt(addr)!;
  let start = addr;
  if (pmd.used > 0) {
    for (let s = Math.floor(addr / PMD_SIZE); s * PMD_SIZE < end; s++) {
      if (pmd.has(s % PTRS_PER_TABLE)) free_pte_range(mm, s);
    }
  }
  start = alignDown(start, PUD_SIZE);
  if (start < floor) return;
  if (ceiling) {
    ceiling = alignDown(ceiling, PUD_SIZE);
    if (!ceiling) return;
  }
  if (beyond(end, ceiling)) return;
  freeAllBelowPmd(mm, start);
  mm.unlinkPmdTable(start, 'free_pmd_range');
}

function free_pte_range(mm: Mm, slot: number): void {
  mm.unlinkPte(slot, 'free_pte_range', mm.mech.rcuTableFree);
}

// The floor/ceiling rules guarantee a freed upper table holds no live lower
// table; these only keep the accounting exact if that ever failed.
function freeAllBelowPmd(mm: Mm, regionStart: number): void {
  const pmd = mm.pmdTableAt(regionStart);
  if (!pmd || pmd.used === 0) return;
  const s0 = Math.floor(regionStart / PMD_SIZE);
  for (let s = s0; s < s0 + PTRS_PER_TABLE; s++) if (pmd.has(s % PTRS_PER_TABLE)) free_pte_range(mm, s);
}

function freeAllBelowPud(mm: Mm, start: number): void {
  const pud = mm.pgd[Math.floor(start / PGDIR_SIZE)]!;
  if (pud.used === 0) return;
  for (let r = 0; r < PTRS_PER_TABLE; r++) {
    if (!pud.entries[r]) continue;
    const regionStart = start + r * PUD_SIZE;
    freeAllBelowPmd(mm, regionStart);
    mm.unlinkPmdTable(regionStart, 'free_pmd_range');
  }
}
