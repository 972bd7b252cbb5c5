// broken: the race lab's deliberately unsafe design. Free a PTE table as soon
// as it is empty, with no refcount (pte-ref's R7), no PMD recheck under the
// PTE lock (B20) and no RCU or TLB-flush delay before the page is reused
// (R11, P7). Run sequentially it frees exactly what pte-ref frees, and the
// figures agree; only a second CPU (src/core/races) shows why each of those
// protections exists. Never one of MECHANISMS: presets do not run it.
import { PMD_SIZE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import type { PteTable } from '../mm/pgtable.ts';
import { noCounts, type Mechanism, type PageWalker, type ZapSlot } from '../mm/mechanism.ts';
import { describeKept } from './reasons.ts';

function freeIfEmpty(mm: Mm, t: PteTable, what: string): boolean {
  if (t.nonNone !== 0) return false;
  mm.counters.pmdLocks++;
  mm.unlinkPte(t.slot, 'broken_free_table', false);
  mm.reason({ addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'freed', code: 'whole_slot_empty', by: 'broken_free_table', text: `freed at once: ${what} left it empty (broken: no refcount, no recheck, no RCU delay)` });
  return true;
}

export const broken: Mechanism = {
  name: 'broken',
  ...noCounts,
  rcuTableFree: false,
  afterZap(mm: Mm, z: ZapSlot): void {
    if (freeIfEmpty(mm, z.table, z.cause === 'munmap' ? 'munmap' : 'the zap')) return;
    mm.reason(describeKept(z, z.cause === 'free' ? 'madv_free' : 'entries_left'));
  },
  walkTable(mm: Mm, t: PteTable, walker: PageWalker): void {
    mm.reason({ addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code: 'walked', text: `read by ${walker} with no reference, no recheck, no RCU (broken: safe only while nothing frees it)` });
  },
  afterMoveOut(mm: Mm, t: PteTable): void {
    freeIfEmpty(mm, t, 'move_ptes');
  },
};
