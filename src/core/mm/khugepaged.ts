// THP collapse (mm/khugepaged.c): MADV_COLLAPSE (madvise_collapse, the
// caller's own thread, synchronous) and khugepaged's scan
// (khugepaged_scan_mm_slot), both through hpage_collapse_scan_pmd ->
// collapse_huge_page.
//
// collapse_huge_page, anonymous memory: under the mmap write lock,
// pmdp_collapse_flush takes the PTE table out of the PMD, the pages are
// isolated and copied into a new 2 MiB folio (none and zero-page entries
// become zero-filled subpages: add_mm_counter(MM_ANONPAGES, 1) each), the
// entries are cleared, and the same table is deposited under the new huge
// PMD (pgtable_trans_huge_deposit): VmPTE does not change, RssAnon becomes
// the whole 2 MiB. Swap entries are swapped in first
// (__collapse_huge_page_swapin). A later partial DONTNEED splits it again
// (__split_huge_pmd withdraws the table).
//
// The sysfs limits (max_ptes_none, max_ptes_swap, max_ptes_shared) and the
// "young" check apply to khugepaged only (cc->is_khugepaged); MADV_COLLAPSE
// ignores them and the THP sysfs mode, and is refused only by
// VM_NOHUGEPAGE or PR_SET_THP_DISABLE (`thp never` here). Measured on 6.18
// (kernel/FINDINGS.md): no writable PTE is needed (a read-only VMA
// collapses), a table whose entries are all none collapses into a
// zero-filled THP, a none PMD entry ends MADV_COLLAPSE with EINVAL (slots
// before it stay collapsed).
//
// Simplified: one process (no page is shared: max_ptes_shared never
// bites); every present anonymous page counts as young (referenced) except
// a lazily freed one (MADV_FREE made it old); khugepaged scans this one mm,
// every eligible VMA, all of it, in one call (one full scan; the kernel
// spreads it over pages_to_scan-sized steps and sleeps in between);
// allocation never fails.
import { HPAGE_PMD_NR, PMD_SIZE } from '../constants.ts';
import type { SimError } from '../types.ts';
import type { Mm } from './mm.ts';
import { HUGE_ANON, HUGE_NONE, PTE_ANON, PTE_ANON_LAZY, PTE_ANON_THP, PTE_FILE, PTE_NONE, PTE_SWAP, PTE_ZERO, isAnonPte, isLazyPte, type PteTable } from './pgtable.ts';
import type { Vma } from './vma.ts';

export type ScanResult =
  | 'SCAN_SUCCEED'
  | 'SCAN_PMD_NULL'
  | 'SCAN_PMD_NONE'
  | 'SCAN_PMD_MAPPED'
  | 'SCAN_EXCEED_NONE_PTE'
  | 'SCAN_EXCEED_SWAP_PTE'
  | 'SCAN_PAGE_ANON'
  | 'SCAN_LACK_REFERENCED_PAGE'
  | 'SCAN_VMA_CHECK';

/** struct collapse_control: who asked. */
interface CollapseControl {
  isKhugepaged: boolean;
}

/** What one slot's scan and collapse did (for the why-line). */
export interface SlotCollapse {
  slot: number;
  result: ScanResult;
  /** none or zero-page entries the collapse filled with zeroed subpages. */
  noneOrZero: number;
  /** Swap entries swapped in first. */
  swapped: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

/** find_pmd_or_thp_or_none for one slot. */
function find_pmd_or_thp_or_none(mm: Mm, slot: number): ScanResult {
  if (!mm.pmdTableAt(slot * PMD_SIZE)) return 'SCAN_PMD_NULL'; // mm_find_pmd: no PUD or PMD table
  if (!mm.hasPte(slot)) return 'SCAN_PMD_NONE';
  const t = mm.pteAt(slot)!;
  return t.huge !== HUGE_NONE ? 'SCAN_PMD_MAPPED' : 'SCAN_SUCCEED';
}

/** hpage_collapse_scan_pmd: count what the table holds and decide; collapse if it may. */
export function hpage_collapse_scan_pmd(mm: Mm, v: Vma, slot: number, cc: CollapseControl): SlotCollapse {
  const out: SlotCollapse = { slot, result: find_pmd_or_thp_or_none(mm, slot), noneOrZero: 0, swapped: 0 };
  mm.enter('hpage_collapse_scan_pmd');
  if (out.result !== 'SCAN_SUCCEED') return out;
  const t = mm.pteAt(slot)!;
  const lim = mm.khugepaged;
  // pte_offset_map_lock (under pte-ref: pte_tryget_map_lock, a visitor).
  mm.mech.walkerGet(mm, t, false);
  mm.counters.pteLocks++;
  mm.counters.entriesScanned += HPAGE_PMD_NR;
  let unmapped = 0;
  let noneOrZero = 0;
  let referenced = 0;
  let result: ScanResult = 'SCAN_SUCCEED';
  const count = (e: number, n: number): boolean => {
    if (e === PTE_SWAP) {
      unmapped += n;
      if (cc.isKhugepaged && unmapped > lim.maxPtesSwap) result = 'SCAN_EXCEED_SWAP_PTE';
    } else if (e === PTE_NONE || e === PTE_ZERO) {
      noneOrZero += n;
      if (cc.isKhugepaged && noneOrZero > lim.maxPtesNone) result = 'SCAN_EXCEED_NONE_PTE';
    } else if (e === PTE_FILE) result = 'SCAN_PAGE_ANON';
    else if (!isLazyPte(e)) referenced += n; // pte_young: touched since it was mapped (MADV_FREE made lazy pages old)
    return result === 'SCAN_SUCCEED';
  };
  if (t.uniform) count(t.fill, HPAGE_PMD_NR);
  else for (let k = 0; k < HPAGE_PMD_NR && count(t.ents[k], 1); k++);
  if (result === 'SCAN_SUCCEED' && cc.isKhugepaged && (referenced === 0 || (unmapped > 0 && referenced < HPAGE_PMD_NR / 2))) result = 'SCAN_LACK_REFERENCED_PAGE';
  mm.mech.walkerPut(mm, t);
  out.result = result;
  if (result !== 'SCAN_SUCCEED') return out;
  // collapse_huge_page: hugepage_vma_revalidate(expect_anon): the VMA must have an anon_vma.
  if (v.anonVma === 0) {
    out.result = 'SCAN_PAGE_ANON';
    return out;
  }
  out.noneOrZero = noneOrZero;
  out.swapped = unmapped;
  collapse_huge_page(mm, t, unmapped);
  return out;
}

/** collapse_huge_page: swap in, take the table out of the PMD, copy, deposit it under a huge PMD. */
function collapse_huge_page(mm: Mm, t: PteTable, unmapped: number): void {
  const c = mm.counters;
  mm.enter('collapse_huge_page');
  if (unmapped > 0) {
    // __collapse_huge_page_swapin: do_swap_page for every swap entry (a visitor reference each under pte-ref).
    mm.enter('__collapse_huge_page_swapin');
    mm.enter('do_swap_page');
    const ents = t.ents;
    for (let k = 0; k < HPAGE_PMD_NR; k++) if (ents[k] === PTE_SWAP) ents[k] = PTE_ANON;
    mm.swapPages -= unmapped;
    mm.rssAnonPages += unmapped;
    c.faults += unmapped;
    c.pteLocks += unmapped;
    mm.mech.ptesFaulted(mm, t, 0, unmapped);
  }
  // pmdp_collapse_flush: the PMD entry is cleared and the TLB flushed.
  c.pmdLocks += 2;
  c.tlbFlushes++;
  c.pteLocks++;
  c.entriesScanned += HPAGE_PMD_NR;
  mm.enter('pmdp_collapse_flush');
  mm.enter('__collapse_huge_page_isolate');
  mm.enter('__collapse_huge_page_copy');
  // Which subpages of the new folio hold data (a later folio split maps the others to the zero page).
  let anon = 0;
  let data: Uint8Array | null = null;
  if (t.uniform) {
    if (isAnonPte(t.fill)) anon = HPAGE_PMD_NR;
  } else {
    const ents = t.ents;
    data = new Uint8Array(HPAGE_PMD_NR);
    for (let k = 0; k < HPAGE_PMD_NR; k++) {
      const e = ents[k];
      if (isAnonPte(e)) anon++;
      if (e === PTE_ANON || e === PTE_ANON_THP || e === PTE_ANON_LAZY) data[k] = PTE_ANON;
    }
  }
  const allData = t.uniform && (t.fill === PTE_ANON || t.fill === PTE_ANON_THP || t.fill === PTE_ANON_LAZY);
  // __collapse_huge_page_copy_succeeded: a none or zero entry becomes a new anonymous subpage.
  mm.rssAnonPages += HPAGE_PMD_NR - anon;
  t.setAll(PTE_NONE);
  t.nonNone = 0;
  // The deposited table's entries are the folio's written marks (fault.ts markWritten).
  if (allData) t.ents.fill(PTE_ANON);
  else if (data) t.ents.set(data);
  t.huge = HUGE_ANON;
  mm.mech.tableDeposited(mm, t);
  mm.enter('pgtable_trans_huge_deposit');
  mm.enter('set_pmd_at');
  if (mm.events) mm.events.push({ kind: 'huge_collapsed', addr: t.slot * PMD_SIZE, tableId: t.id, by: 'collapse_huge_page' });
}

/** The why-line of one collapsed slot. */
function reasonCollapsed(mm: Mm, r: SlotCollapse, who: string): void {
  if (r.result !== 'SCAN_SUCCEED' || !mm.wantsReason('collapsed', 'kept')) return;
  const t = mm.pteAt(r.slot)!;
  const filled = r.noneOrZero > 0 ? `; ${r.noneOrZero} none or zero-page entr${r.noneOrZero === 1 ? 'y' : 'ies'} became zero-filled memory, counted in RssAnon` : '';
  const swapped = r.swapped > 0 ? `; ${r.swapped} swap entr${r.swapped === 1 ? 'y was' : 'ies were'} swapped in first` : '';
  mm.reason({
    addr: r.slot * PMD_SIZE,
    tableId: t.id,
    verdict: 'kept',
    code: 'collapsed',
    text: `kept: ${who} collapsed this slot into a 2 MiB THP and deposited its PTE table under the huge PMD (pgtable_trans_huge_deposit): still 4 kB of VmPTE${filled}${swapped}`,
  });
}

/** madvise_collapse_errno. */
function collapseErrno(r: ScanResult): 'ebusy' | 'einval' {
  return r === 'SCAN_EXCEED_NONE_PTE' ? 'ebusy' : 'einval';
}

/** Results after which madvise_collapse goes on to the next slot (the others end it). */
const CONTINUE: ReadonlySet<ScanResult> = new Set(['SCAN_PMD_NULL', 'SCAN_LACK_REFERENCED_PAGE']);

const WHY: Partial<Record<ScanResult, string>> = {
  SCAN_PMD_NULL: 'no page table maps it (no PMD table)',
  SCAN_PMD_NONE: 'its PMD entry is none (no PTE table: nothing to collapse)',
  SCAN_PAGE_ANON: 'it maps no anonymous memory',
  SCAN_VMA_CHECK: 'THP is not allowed there (MADV_NOHUGEPAGE or THP disabled for the process)',
};

/**
 * madvise_collapse over [start, end) of one VMA: every 2 MiB slot wholly
 * inside both is collapsed (or already huge); the first slot that cannot be
 * ends it. Returns the error madvise returns, if any.
 */
export function madvise_collapse(mm: Mm, v: Vma, start: number, end: number): SimError | null {
  mm.enter('madvise_collapse');
  const s = Math.max(start, v.start);
  const e = Math.min(end, v.end);
  // thp_vma_allowable_order without TVA_ENFORCE_SYSFS: only VM_NOHUGEPAGE and PR_SET_THP_DISABLE refuse ...
  if (v.kind !== 'anon' || v.nohugepage || mm.thp === 'never') {
    return { kind: 'einval', message: `MADV_COLLAPSE [${hex(s)}, ${hex(e)}): ${WHY.SCAN_VMA_CHECK} (EINVAL)` };
  }
  // ... and a VMA that holds no aligned 2 MiB block (thp_vma_suitable_order at vm_end - HPAGE_PMD_SIZE), even
  // where the range covers no slot of it: found by random scenarios, an mprotect-split piece of a slot.
  if (Math.floor((v.end - PMD_SIZE) / PMD_SIZE) * PMD_SIZE < v.start) {
    return { kind: 'einval', message: `MADV_COLLAPSE [${hex(s)}, ${hex(e)}): the VMA [${hex(v.start)}, ${hex(v.end)}) holds no aligned 2 MiB block (EINVAL)` };
  }
  const hstart = Math.ceil(s / PMD_SIZE);
  const hend = Math.floor(e / PMD_SIZE);
  const cc = { isKhugepaged: false };
  let thps = 0;
  let lastFail: SlotCollapse | null = null;
  for (let slot = hstart; slot < hend; slot++) {
    const r = hpage_collapse_scan_pmd(mm, v, slot, cc);
    mm.settle(slot);
    if (r.result === 'SCAN_SUCCEED' || r.result === 'SCAN_PMD_MAPPED') {
      thps++;
      reasonCollapsed(mm, r, 'MADV_COLLAPSE');
      continue;
    }
    lastFail = r;
    if (!CONTINUE.has(r.result)) break;
  }
  if (thps === hend - hstart || !lastFail) return null;
  const kind = collapseErrno(lastFail.result);
  return { kind, message: `MADV_COLLAPSE: the slot at ${hex(lastFail.slot * PMD_SIZE)} was not collapsed: ${WHY[lastFail.result] ?? lastFail.result} (${kind.toUpperCase()})` };
}

/** thp_vma_allowable_order with TVA_ENFORCE_SYSFS: may khugepaged collapse in this VMA? */
function khugepagedAllowed(mm: Mm, v: Vma): boolean {
  if (v.kind !== 'anon' || v.nohugepage || mm.thp === 'never') return false;
  return mm.thp === 'always' || v.hugepage;
}

/**
 * One full khugepaged scan of this mm (khugepaged_scan_mm_slot until it
 * passes the mm's last VMA): every eligible VMA, every 2 MiB slot wholly
 * inside it, with the sysfs limits. Returns the number of slots collapsed.
 */
export function khugepaged_scan(mm: Mm): number {
  mm.enter('khugepaged_scan_mm_slot');
  const cc = { isKhugepaged: true };
  let collapsed = 0;
  // Collapsing changes no VMA, so the list can be walked as it is.
  for (const v of mm.vmas) {
    if (!khugepagedAllowed(mm, v)) continue;
    const hend = Math.floor(v.end / PMD_SIZE);
    for (let slot = Math.ceil(v.start / PMD_SIZE); slot < hend; slot++) {
      if (!mm.hasPte(slot)) continue; // SCAN_PMD_NULL / SCAN_PMD_NONE: nothing to look at
      const r = hpage_collapse_scan_pmd(mm, v, slot, cc);
      mm.settle(slot);
      if (r.result === 'SCAN_SUCCEED') {
        collapsed++;
        reasonCollapsed(mm, r, 'khugepaged');
      } else if (r.result !== 'SCAN_PMD_MAPPED' && mm.wantsReason('not_collapsed', 'kept')) {
        const t = mm.pteAt(slot);
        if (t) mm.reason({ addr: slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code: 'not_collapsed', text: `kept as it is: khugepaged did not collapse this slot: ${whyNot(mm, r.result)}` });
      }
    }
  }
  return collapsed;
}

function whyNot(mm: Mm, r: ScanResult): string {
  const l = mm.khugepaged;
  switch (r) {
    case 'SCAN_EXCEED_NONE_PTE':
      return `more than max_ptes_none = ${l.maxPtesNone} entries are none or the zero page`;
    case 'SCAN_EXCEED_SWAP_PTE':
      return `more than max_ptes_swap = ${l.maxPtesSwap} entries are swapped out`;
    case 'SCAN_LACK_REFERENCED_PAGE':
      return 'too few of its pages were used lately (none young, or fewer than 256 with swap entries)';
    default:
      return WHY[r] ?? r;
  }
}
