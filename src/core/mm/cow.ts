// Copy-on-write between the processes of a fork (mm/memory.c do_wp_page,
// wp_can_reuse_anon_folio; mm/huge_memory.c do_huge_pmd_wp_page).
//
// A PTE entry is one byte, not a page: the model knows no page identity. A
// page fork shared is recognised by its place: after copy_page_range parent
// and child map it at the same address, both write-protected (PTE_ANON_COW,
// HUGE_ANON_WP). A write-protected page is "still shared" while another
// process of the family maps a write-protected page at that address; once
// the other copy was written (wp_page_copy gave it a page of its own), was
// unmapped or its process exited, the page is exclusive again and a write
// reuses it (wp_page_reuse), as folio_ref_count() == 1 lets the kernel do.
// Simplified: after an mremap the moved pages are no longer found in the
// other process (a later write reuses instead of copying; the figures are the
// same either way: a copy maps one page and unmaps one).
import { PMD_SIZE, PTRS_PER_TABLE } from '../constants.ts';
import type { Mm } from './mm.ts';
import { HUGE_ANON_WP, HUGE_NONE, PTE_ANON_COW, type PteTable } from './pgtable.ts';

/** The other processes' PTE tables (or huge PMDs' deposits) at a slot: read-only views. */
function peerTables(mm: Mm, slot: number, out: PteTable[]): PteTable[] {
  out.length = 0;
  const family = mm.family;
  if (!family) return out;
  for (const p of family) {
    if (p === mm) continue;
    const pmd = p.pmdTableAt(slot * PMD_SIZE);
    const t = pmd ? pmd.peek(slot % PTRS_PER_TABLE) : null;
    if (t) out.push(t);
  }
  return out;
}
const scratch: PteTable[] = [];

/** Is the write-protected page of entry k of a slot still mapped by another process (folio mapcount > 1)? */
export function cowShared(mm: Mm, slot: number, k: number): boolean {
  for (const t of peerTables(mm, slot, scratch)) {
    if (t.huge === HUGE_ANON_WP) return true;
    if (t.huge === HUGE_NONE && t.entry(k) === PTE_ANON_COW) return true;
  }
  return false;
}

/** Is the write-protected THP of a slot still mapped by another process (PMD-mapped, or PTE-mapped after a split)? */
export function hugeShared(mm: Mm, slot: number): boolean {
  for (const t of peerTables(mm, slot, scratch)) {
    if (t.huge === HUGE_ANON_WP) return true;
    if (t.huge !== HUGE_NONE) continue;
    if (t.uniform ? t.fill === PTE_ANON_COW : t.ents.includes(PTE_ANON_COW)) return true;
  }
  return false;
}

/** Of entries [k0, k1) of a slot, which write-protected ones another process still maps: a per-entry test, or one answer for all. */
export function cowSharer(mm: Mm, slot: number): ((k: number) => boolean) | boolean {
  const peers = peerTables(mm, slot, []);
  if (peers.length === 0) return false;
  if (peers.some((t) => t.huge === HUGE_ANON_WP)) return true;
  const ptes = peers.filter((t) => t.huge === HUGE_NONE);
  if (ptes.length === 0) return false;
  if (ptes.some((t) => t.uniform && t.fill === PTE_ANON_COW)) return true;
  return (k: number) => ptes.some((t) => t.entry(k) === PTE_ANON_COW);
}
