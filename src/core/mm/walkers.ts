// Read-only page walkers: mincore(2) (mm/mincore.c: do_mincore ->
// walk_page_range -> mincore_pte_range), a read of /proc/PID/pagemap
// (fs/proc/task_mmu.c: pagemap_read -> walk_page_range -> pagemap_pmd_range)
// and the walk mprotect does (mm/mprotect.c: change_protection ->
// change_pmd_range -> change_pte_range). None of them changes a figure; what
// differs between the designs is how a walker keeps the PTE table it reads
// alive (mechanism.walkTable): the 2021 series takes a visitor reference
// first (pte_tryget_map_lock, v3 11/15) and drops it after (pte_put); 6.18
// maps the table under rcu_read_lock and rechecks the PMD under the PTE lock
// (pte_offset_map_lock), counting nothing.
//
// Simplified: a huge PMD is read under pmd_trans_huge_lock with no PTE table
// to protect (nothing to show); the result (mincore's vector, pagemap's
// entries) is not kept, only which tables were read. With one CPU no table
// is ever being freed during a walk, so pte_tryget never fails here; the race
// lab (src/core/races/walk.ts) shows the walker that meets a dying table.
import { PAGE_SIZE, alignUp } from '../constants.ts';
import type { SimError } from '../types.ts';
import type { PageWalker } from './mechanism.ts';
import type { Mm } from './mm.ts';
import { HUGE_NONE } from './pgtable.ts';
import { rangeMapped } from './vma.ts';
import { forEachPresentSlot } from './walk.ts';

const hex = (n: number): string => '0x' + n.toString(16);

/** walk_page_range's PMD level over [start, end): every PTE table present is read by `walker`. Returns the tables read. */
export function walkPteTables(mm: Mm, start: number, end: number, walker: PageWalker): number {
  let n = 0;
  forEachPresentSlot(mm, start, end, (_slot, t) => {
    if (t.huge !== HUGE_NONE) return;
    mm.enter(walker === 'mincore' ? 'mincore_pte_range' : walker === 'pagemap' ? 'pagemap_pmd_range' : 'change_pte_range');
    mm.mech.walkTable(mm, t, walker);
    n++;
  });
  return n;
}

/** mincore(2): EINVAL if start is not page aligned, ENOMEM if part of the range is not mapped. */
export function do_mincore(mm: Mm, start: number, len: number): SimError | null {
  if (start % PAGE_SIZE) return { kind: 'einval', message: `mincore at ${hex(start)}: not page aligned (EINVAL)` };
  const end = start + alignUp(len, PAGE_SIZE);
  mm.enter('do_mincore');
  if (!rangeMapped(mm, start, end)) return { kind: 'enomem', message: `mincore [${hex(start)}, ${hex(end)}): part of the range is not mapped (ENOMEM)` };
  mm.enter('walk_page_range');
  walkPteTables(mm, start, end, 'mincore');
  return null;
}

/** A read of /proc/PID/pagemap over [start, start+len): holes read as not present (pagemap_pte_hole), never an error. */
export function pagemap_read(mm: Mm, start: number, len: number): SimError | null {
  const from = start - (start % PAGE_SIZE);
  const end = start + alignUp(len, PAGE_SIZE);
  mm.enter('pagemap_read');
  mm.enter('walk_page_range');
  walkPteTables(mm, from, end, 'pagemap');
  return null;
}
