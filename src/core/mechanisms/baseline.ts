// baseline: Linux without PT_RECLAIM (before 6.14, or CONFIG_PT_RECLAIM=n).
// zap_pte_range clears entries and never frees the table (mm/memory.c); an
// empty table stays until free_pgtables at munmap or exit.
import { noCounts, type Mechanism, type ZapSlot } from '../mm/mechanism.ts';
import type { Mm } from '../mm/mm.ts';
import { describeKept } from './reasons.ts';

export const baseline: Mechanism = {
  name: 'baseline',
  ...noCounts,
  rcuTableFree: false,
  afterZap(mm: Mm, z: ZapSlot): void {
    if (z.cause === 'munmap') return; // free_pgtables decides
    const code = z.cause === 'free' ? 'madv_free' : z.cause === 'pageout' ? 'pageout' : 'baseline_keeps';
    if (mm.wantsReason(code, 'kept')) mm.reason(describeKept(z, code));
  },
};
