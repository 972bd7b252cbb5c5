// pte-ref: "[PATCH v3 00/15] Free user PTE page table pages" (Qi Zheng,
// Nov 2021; mm/pte_ref.c, include/linux/pte_ref.h in that series).
//
// Every PTE table carries pte_refcount = non-none entries + visitors. Walkers
// take a visitor reference (pte_try_get) and drop it (pte_put); a put that
// reaches 0 frees the table at once (free_user_pte_table: PMD lock, clear the
// PMD, pte_free_tlb, RCU-deferred free, mm_dec_nr_ptes), whatever the path
// and whatever the alignment. zap_pmd_range holds a visitor reference around
// zap_pte_range, so the free happens at its final put (R8).
import { PMD_SIZE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import type { PteTable } from '../mm/pgtable.ts';
import type { SimEvent, TableReason } from '../types.ts';
import type { Mechanism, PageWalker, ZapSlot } from '../mm/mechanism.ts';
import { describeKept } from './reasons.ts';

/** Change a table's count by delta (one atomic op), recording the event. */
export function pte_ref_add(mm: Mm, t: PteTable, delta: number, by: string): void {
  const from = t.refcount;
  t.refcount += delta;
  mm.counters.refcountAtomics++;
  if (mm.events) mm.events.push({ kind: 'refcount', tableId: t.id, addr: t.slot * PMD_SIZE, from, to: t.refcount, by });
}

/** free_user_pte_table: the last reference is gone. */
function free_user_pte_table(mm: Mm, t: PteTable): void {
  mm.counters.pmdLocks++;
  mm.unlinkPte(t.slot, 'free_user_pte_table', true);
}

/** A visitor's put (pte_put): returns true when it freed the table. */
export function pte_put(mm: Mm, t: PteTable): boolean {
  pte_ref_add(mm, t, -1, 'pte_put');
  if (t.refcount !== 0) return false;
  free_user_pte_table(mm, t);
  return true;
}

const lastEntries = (n: number): string => (n === 1 ? 'its last entry' : `its last ${n} entries`);

/** The "freed at zero" texts, one string per (what, count): a run of 25,600 frees builds each once. */
const whenTexts = new Map<string, string[]>();
function whenText(what: 'the zap cleared' | 'munmap cleared' | 'move_ptes moved' | 'reclaim discarded' | 'MADV_FREE cleared', n: number, after = ''): string {
  let byCount = whenTexts.get(what);
  if (!byCount) whenTexts.set(what, (byCount = []));
  return (byCount[n] ??= `freed: pte_refcount reached 0 when ${what} ${lastEntries(n)}${after}`);
}

const ZAP_WHEN = { munmap: 'munmap cleared', dontneed: 'the zap cleared', free: 'MADV_FREE cleared', pageout: 'reclaim discarded' } as const;

/** The reason line of a table free_user_pte_table freed. */
function freedAtZero(t: PteTable, text: string): TableReason {
  return { addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'freed', code: 'refcount_zero', by: 'free_user_pte_table', text };
}

export const pteRef: Mechanism = {
  name: 'pte-ref',
  refcounts: true,
  rcuTableFree: true,
  afterZap(mm: Mm, z: ZapSlot): void {
    const t = z.table;
    // zap_pmd_range: pte_try_get before zap_pte_range (the visitor).
    pte_ref_add(mm, t, +1, 'pte_try_get');
    if (z.cleared > 0) pte_ref_add(mm, t, -z.cleared, 'pte_put_many');
    const freed = pte_put(mm, t);
    if (freed) {
      if (mm.wantsReason('refcount_zero', 'freed')) mm.reason(freedAtZero(t, whenText(ZAP_WHEN[z.cause], z.cleared)));
    } else if (z.cause === 'free' || z.cause === 'pageout') {
      const code = z.cause === 'free' ? 'madv_free' : 'pageout';
      if (mm.wantsReason(code, 'kept')) mm.reason(describeKept(z, code));
    } else {
      if (mm.wantsReason('refcount_left', 'kept')) mm.reason(describeKept(z, 'refcount_left'));
    }
  },
  afterMoveOut(mm: Mm, t: PteTable, moved: number): void {
    pte_ref_add(mm, t, +1, 'pte_try_get');
    if (moved > 0) pte_ref_add(mm, t, -moved, 'pte_put_many');
    if (pte_put(mm, t)) {
      mm.reason(freedAtZero(t, whenText('move_ptes moved', moved, ' away')));
    }
  },
  walkerGet(mm: Mm, t: PteTable, fresh: boolean): void {
    // The installer's reference (pmd_install) or pte_try_get on a linked table.
    pte_ref_add(mm, t, +1, fresh ? 'pmd_install' : 'pte_try_get');
  },
  walkerPut(mm: Mm, t: PteTable): void {
    // The fault set at least one entry, so this put never reaches 0.
    pte_ref_add(mm, t, -1, 'pte_put');
  },
  ptesFaulted(mm: Mm, t: PteTable, added: number, faults: number): void {
    // Per fault: pte_try_get (visitor) + pte_get (new entry) + pte_put (visitor);
    // a write over the zero page only takes and drops the visitor.
    mm.counters.refcountAtomics += 3 * added + 2 * (faults - added);
    t.refcount += added;
  },
  freshSlotsFaulted(mm: Mm, n: number): void {
    // Each table: pmd_install's reference, 512 x (pte_try_get, pte_get, pte_put), the fault's pte_put.
    mm.counters.refcountAtomics += n * (2 + 3 * 512);
  },
  recordFault(mm: Mm, t: PteTable, pteSet: SimEvent, added: boolean): void {
    // ptesFaulted's references one at a time (a recorded step calls this instead).
    pte_ref_add(mm, t, +1, 'pte_try_get');
    mm.emit(pteSet);
    if (added) pte_ref_add(mm, t, +1, 'pte_get');
    pte_ref_add(mm, t, -1, 'pte_put');
  },
  ptesMovedIn(mm: Mm, dst: PteTable, moved: number): void {
    if (moved) pte_ref_add(mm, dst, +moved, 'pte_get_many');
  },
  moveDone(mm: Mm, dst: PteTable): void {
    // An empty destination (nothing to move in this extent) dies at once.
    if (pte_put(mm, dst)) {
      mm.reason({ addr: dst.slot * PMD_SIZE, tableId: dst.id, verdict: 'freed', code: 'refcount_zero', by: 'free_user_pte_table', text: 'freed: move_ptes found nothing to move into this new table, so its refcount fell back to 0' });
    }
  },
  pmdMoved(mm: Mm): void {
    mm.counters.refcountAtomics++; // v3 12/15 updates the table's pmd back-pointer
  },
  walkTable(mm: Mm, t: PteTable, walker: PageWalker): void {
    // v3 11/15: pte_tryget_map_lock before reading, pte_put after. With one
    // CPU the count is never 0 here (no table is being freed), so the tryget
    // succeeds and the put never frees: the count rises by one and falls back.
    const n = t.refcount;
    pte_ref_add(mm, t, +1, 'pte_tryget_map_lock');
    mm.counters.pteLocks++;
    pte_put(mm, t);
    if (mm.wantsReason('walked', 'kept')) mm.reason({ addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code: 'walked', text: `read by ${walker} holding a reference: pte_tryget_map_lock ${n} -> ${n + 1}, pte_put -> ${n} (at 0 the tryget fails and the walker skips the table)` });
  },
  tableDeposited(mm: Mm, t: PteTable): void {
    // collapse_huge_page clears the entries of a table no PMD points at any
    // more (pmdp_collapse_flush detached it under the mmap write lock), so
    // no pte_put can reach it; the deposit is not counted, and
    // pgtable_trans_huge_withdraw sets the count to 512 at the next split
    // (v3 08/15). Reasoned from 6.18 and the series' 08/15 and 10/15: the
    // series' own khugepaged hunks for this path were not found.
    if (mm.events && t.refcount !== 0) mm.events.push({ kind: 'refcount', tableId: t.id, addr: t.slot * PMD_SIZE, from: t.refcount, to: 0, by: 'collapse_huge_page' });
    t.refcount = 0;
  },
  tableFilled(mm: Mm, t: PteTable, by: '__split_huge_pmd' | 'load_elf_binary' | 'copy_pte_range'): void {
    // pgtable_trans_huge_withdraw + pte_ref_init(512) (v3 08/15); exec's tables start counted.
    t.refcount = t.nonNone;
    if (by === '__split_huge_pmd') mm.counters.refcountAtomics++;
  },
};
