// MADV_PAGEOUT: reclaim a range now (mm/madvise.c madvise_pageout ->
// madvise_cold_or_pageout_pte_range -> reclaim_pages; mm/vmscan.c
// reclaim_folio_list -> shrink_folio_list -> try_to_unmap; mm/rmap.c
// try_to_unmap_one), and the swap entries it leaves.
//
// What reclaim does to a page depends on whether it has somewhere to go:
// - a lazily freed page (MADV_FREE, not written since) is discarded even
//   without swap: try_to_unmap_one clears its PTE (the entry becomes none,
//   RssAnon drops; under pte-ref the count drops too);
// - a dirty anonymous page goes to swap when a swap device is on
//   (folio_alloc_swap, add_to_swap): its PTE becomes a swap entry, non-none
//   (the table stays under every design; pte-ref's count is unchanged: a
//   non-none entry became another non-none entry), RssAnon drops and VmSwap
//   rises; without swap folio_alloc_swap fails and the page stays mapped;
// - a THP is split first (a partly covered one in madvise, a whole one in
//   shrink_folio_list when the large folio cannot get swap: split_folio_to_list),
//   and the split maps every never-written subpage to the shared zero page
//   (remap_page, RMP_USE_SHARED_ZEROPAGE): those leave RssAnon even without
//   swap. Measured on 6.18 without swap: kernel/FINDINGS.md.
// The zero page, file pages and the huge zero page are skipped.
//
// Simplified: one process, so no page is mapped by another (madvise skips
// those: folio_maybe_mapped_shared); the swap cache is not modelled (a page
// swapped in leaves its swap slot at once, so VmSwap falls as RssAnon
// rises); with swap on, a whole THP is split and swapped as small pages (the
// split_folio_to_list fallback; a kernel with THP_SWAP may swap the folio
// whole, which leaves the same PTEs once try_to_unmap splits the PMD).
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import type { Mm } from './mm.ts';
import { HUGE_ANON_LAZY, HUGE_NONE, HUGE_ZERO, PTE_ANON, PTE_ANON_ZEROED, isLazyPte, PTE_ANON_THP, PTE_ANON_THP_CLEAN, PTE_NONE, PTE_SWAP, type PteTable } from './pgtable.ts';
import type { Vma } from './vma.ts';
import { forEachPresentSlot } from './walk.ts';
import { __split_huge_pmd, split_folio } from './zap.ts';

/** Does [k0, k1) of table t map a subpage of a THP folio that was never split (a PTE-mapped THP)? */
function hasThpFolio(t: PteTable, k0: number, k1: number): boolean {
  if (t.uniform) return t.fill === PTE_ANON_THP || t.fill === PTE_ANON_THP_CLEAN;
  const ents = t.ents;
  for (let k = k0; k < k1; k++) if (ents[k] === PTE_ANON_THP || ents[k] === PTE_ANON_THP_CLEAN) return true;
  return false;
}

/** madvise_pageout over [start, end) of one VMA (madvise_walk_vmas clips the range to it). */
export function madvise_pageout(mm: Mm, v: Vma, start: number, end: number, reqStart: number, reqEnd: number): void {
  const s = Math.max(start, v.start);
  const e = Math.min(end, v.end);
  mm.enter('madvise_pageout');
  // Private file pages would need the file's owner (can_do_file_pageout); recorded programs only.
  if (v.kind === 'file') return;
  forEachPresentSlot(mm, s, e, (slot, t) => {
    const slotStart = slot * PMD_SIZE;
    const a = Math.max(s, slotStart);
    const b = Math.min(e, slotStart + PMD_SIZE);
    mm.enter('madvise_cold_or_pageout_pte_range');
    if (t.huge === HUGE_ZERO) return; // the huge zero page is no folio to reclaim
    if (t.huge !== HUGE_NONE) {
      // A PMD-mapped THP: split (in madvise when the range covers part of
      // it, in shrink_folio_list when it covers all of it: no swap for the
      // large folio, or a lazy-free one unmapped with TTU_SPLIT_HUGE_PMD).
      const lazy = t.huge === HUGE_ANON_LAZY;
      __split_huge_pmd(mm, t);
      split_folio(mm, t, lazy);
    } else if (hasThpFolio(t, (a - slotStart) / PAGE_SIZE, (b - slotStart) / PAGE_SIZE)) split_folio(mm, t); // a PTE-mapped THP: split_folio (or split_folio_to_list in reclaim)
    mm.enter('reclaim_pages');
    mm.enter('shrink_folio_list');
    const cleared = pageoutPtes(mm, t, (a - slotStart) / PAGE_SIZE, (b - slotStart) / PAGE_SIZE);
    mm.counters.pteLocks++;
    mm.counters.entriesScanned += (b - a) / PAGE_SIZE;
    mm.mech.afterZap(mm, { slot, table: t, start: a, end: b, reqStart, reqEnd, cleared, cause: 'pageout' });
  });
}

/** shrink_folio_list + try_to_unmap_one for the small anonymous pages of [k0, k1): returns entries made none. */
function pageoutPtes(mm: Mm, t: PteTable, k0: number, k1: number): number {
  if (t.nonNone === 0) return 0;
  const swap = mm.swap;
  let discarded = 0;
  let swapped = 0;
  if (t.uniform && k0 === 0 && k1 === HPAGE_PMD_NR) {
    if (isLazyPte(t.fill)) {
      t.setAll(PTE_NONE);
      t.nonNone = 0;
      discarded = HPAGE_PMD_NR;
    } else if ((t.fill === PTE_ANON || t.fill === PTE_ANON_ZEROED) && swap) {
      t.setAll(PTE_SWAP);
      swapped = HPAGE_PMD_NR;
    }
  } else if (!t.uniform || isLazyPte(t.fill) || ((t.fill === PTE_ANON || t.fill === PTE_ANON_ZEROED) && swap)) {
    const ents = t.ents;
    for (let k = k0; k < k1; k++) {
      const e = ents[k];
      if (isLazyPte(e)) {
        ents[k] = PTE_NONE;
        discarded++;
      } else if ((e === PTE_ANON || e === PTE_ANON_ZEROED) && swap) {
        ents[k] = PTE_SWAP;
        swapped++;
      }
    }
    t.nonNone -= discarded;
    if (t.nonNone === 0) t.setAll(PTE_NONE);
  }
  if (discarded > 0) {
    mm.enter('try_to_unmap_one');
    mm.rssAnonPages -= discarded;
    if (mm.events) mm.events.push({ kind: 'ptes_cleared', addr: t.slot * PMD_SIZE + k0 * PAGE_SIZE, end: t.slot * PMD_SIZE + k1 * PAGE_SIZE, tableId: t.id, count: discarded, by: 'try_to_unmap_one' });
  }
  if (swapped > 0) {
    mm.enter('add_to_swap');
    mm.enter('try_to_unmap_one');
    mm.rssAnonPages -= swapped;
    mm.swapPages += swapped;
    if (mm.events) mm.events.push({ kind: 'ptes_swapped', addr: t.slot * PMD_SIZE + k0 * PAGE_SIZE, end: t.slot * PMD_SIZE + k1 * PAGE_SIZE, tableId: t.id, count: swapped, by: 'try_to_unmap_one' });
  }
  return discarded;
}
