// pt-reclaim: mainline since 6.14 (mm/pt_reclaim.c, mm/memory.c
// zap_pte_range, mm/madvise.c madvise_dontneed_single_vma sets reclaim_pt).
//
// Only MADV_DONTNEED reclaims, and only a slot whose zap_pte_range call -
// already clipped to one VMA and one slot - spans the whole 2 MiB and leaves
// every entry none (no any_skipped). In this sequential model the PTE lock is
// never dropped mid-slot, so the fast path always runs: under the PTE lock,
// spin_trylock the PMD lock, clear the PMD (try_get_and_clear_pmd), then
// free_pte after unlocking. The slow path (try_to_free_pte: rescan all 512
// entries under both locks) only runs after a lock drop, which needs a second
// CPU; see the races model.
import { PMD_SIZE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { noCounts, type Mechanism, type ZapSlot } from '../mm/mechanism.ts';
import { describeKept } from './reasons.ts';

export const ptReclaim: Mechanism = {
  name: 'pt-reclaim',
  ...noCounts,
  rcuTableFree: true,
  afterZap(mm: Mm, z: ZapSlot): void {
    if (z.cause === 'munmap') return; // unmap_vmas passes no reclaim_pt: free_pgtables decides
    if (z.cause === 'free' || z.cause === 'pageout') {
      const code = z.cause === 'free' ? 'madv_free' : 'pageout';
      if (mm.wantsReason(code, 'kept')) mm.reason(describeKept(z, code));
      return;
    }
    const slotStart = z.slot * PMD_SIZE;
    const whole = z.start === slotStart && z.end === slotStart + PMD_SIZE;
    if (!whole) {
      const askedWhole = z.reqStart <= slotStart && z.reqEnd >= slotStart + PMD_SIZE;
      const code = askedWhole ? 'shared_slot' : 'partial_cover';
      if (mm.wantsReason(code, 'kept')) mm.reason(describeKept(z, code));
      return;
    }
    if (z.table.nonNone !== 0) {
      // any_skipped: an entry the zap could not clear.
      if (mm.wantsReason('entries_left', 'kept')) mm.reason(describeKept(z, 'entries_left'));
      return;
    }
    // Fast path: trylock the PMD lock while holding the PTE lock.
    mm.enter('try_get_and_clear_pmd');
    mm.counters.pmdLocks++;
    mm.unlinkPte(z.slot, 'free_pte', true);
    if (mm.wantsReason('whole_slot_empty', 'freed')) mm.reason({
      addr: slotStart,
      tableId: z.table.id,
      verdict: 'freed',
      code: 'whole_slot_empty',
      by: 'free_pte',
      text: 'freed: the DONTNEED covered this whole 2 MiB slot within one VMA and left all 512 entries none',
    });
  },
};
