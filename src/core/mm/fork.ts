// fork and exit of an address space (kernel/fork.c dup_mm -> dup_mmap,
// mm/memory.c copy_page_range -> copy_p4d/pud/pmd/pte_range ->
// copy_present_ptes, mm/huge_memory.c copy_huge_pmd; mm/mmap.c exit_mmap).
//
// dup_mmap copies the VMA list (not the VM_DONTCOPY ones: MADV_DONTFORK) and,
// per VMA, copy_page_range copies its page tables only when vma_needs_copy:
// the VMA has an anon_vma (it has anonymous pages, or had). A VMA that never
// had one (untouched, or only read: the zero page does not prepare one) and a
// VM_WIPEONFORK VMA get no tables in the child: their pages fault in again.
// Like the kernel, copy_pud_range and copy_pmd_range allocate the child's PUD
// and PMD tables wherever the parent has one over the VMA, and copy_pte_range
// allocates a PTE table wherever the parent has one, even when none of its
// entries in the VMA is present. Private anonymous PTEs become read-only in
// both processes (PTE_ANON_COW: the page is shared, mapcount 2); the zero page
// and file pages are copied as they are. copy_huge_pmd shares a THP (or the
// huge zero page) under a write-protected huge PMD and deposits a fresh PTE
// table in the child (pte_alloc_one + mm_inc_nr_ptes: in the child's VmPTE).
// RssAnon is per mm (add_mm_counter): a shared page counts in both.
// Under pte-ref the child's tables start counted (their entries); one that
// got no entry is freed at the copy's pte_put, as every count reaching 0 is.
import { PGDIR_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, PAGE_SIZE } from '../constants.ts';
import { free_pgtables } from './free_pgtables.ts';
import type { Mm } from './mm.ts';
import { HUGE_ANON, HUGE_ANON_WP, HUGE_NONE, PTE_ANON_COW, PTE_NONE, isAnonPte, type PmdTable, type PteTable, type PteValue } from './pgtable.ts';
import { tlbFlush } from './mmap.ts';
import type { Vma } from './vma.ts';
import { unmap_single_vma } from './zap.ts';

/** vma_needs_copy (mm/memory.c): no userfaultfd-wp or PFN maps here, so: does the VMA have an anon_vma? */
export function vma_needs_copy(v: Vma): boolean {
  return v.anonVma !== 0;
}

/** What fork makes of a present entry: anonymous pages are shared read-only; the zero page and file pages stay. */
const forked = (e: number): PteValue => (isAnonPte(e) ? PTE_ANON_COW : (e as PteValue));

/**
 * dup_mmap: the child's address space, a copy of the parent's VMAs and of the
 * page tables that need copying. `child` is a fresh Mm (the run made it with
 * the same design); the parent's anonymous PTEs are write-protected.
 */
export function dup_mmap(parent: Mm, child: Mm): void {
  child.enter('dup_mmap');
  child.thp = parent.thp;
  child.zeroPage = parent.zeroPage;
  child.swap = parent.swap; // system-wide, as thp and the zero page
  child.khugepaged = { ...parent.khugepaged };
  child.mmapBase = parent.mmapBase;
  child.nextId = parent.nextId;
  child.nextAnonVma = parent.nextAnonVma;
  child.compactTables = parent.compactTables;
  const copied: PteTable[] = [];
  for (const v of parent.vmas) {
    if (v.dontcopy) continue; // VM_DONTCOPY: the child does not get this VMA at all
    // anon_vma_fork: the child's VMA gets an anon_vma of its own (chained to the parent's); a WIPEONFORK one gets none.
    const nv: Vma = { ...v, anonVma: v.wipeonfork ? 0 : v.anonVma };
    child.vmas.push(nv);
    if (v.wipeonfork || !vma_needs_copy(v)) continue;
    copy_page_range(parent, child, v, copied);
  }
  // pte-ref: the copy's pte_put; a table that got no entry dies at 0.
  for (const t of copied) {
    child.mech.tableFilled(child, t, 'copy_pte_range');
    if (child.mech.refcounts && t.nonNone === 0 && child.pteAt(t.slot) === t) {
      child.counters.pmdLocks++;
      child.unlinkPte(t.slot, 'free_user_pte_table', true);
    }
  }
  for (const t of copied) if (child.pteAt(t.slot) === t) child.settle(t.slot);
  if (copied.length) tlbFlush(parent, 'flush_tlb_mm'); // dup_mmap write-protected the parent's PTEs
}

/** copy_page_range over one VMA: walk the parent's present tables, allocate the child's, copy entries. */
function copy_page_range(parent: Mm, child: Mm, v: Vma, copied: PteTable[]): void {
  child.enter('copy_page_range');
  const start = v.start;
  const end = v.end;
  const g0 = Math.floor(start / PGDIR_SIZE);
  const g1 = Math.floor((end - 1) / PGDIR_SIZE);
  for (let g = g0; g <= g1; g++) {
    if (!parent.pgd[g]) continue; // pgd_none: nothing to copy under it
    const pud = parent.pgd[g]!;
    child.pud_alloc(Math.max(start, g * PGDIR_SIZE)); // copy_pud_range: pud_alloc first
    const r0 = Math.max(g * PTRS_PER_TABLE, Math.floor(start / PUD_SIZE));
    const r1 = Math.min((g + 1) * PTRS_PER_TABLE - 1, Math.floor((end - 1) / PUD_SIZE));
    for (let r = r0; r <= r1; r++) {
      const pmd = pud.entries[r % PTRS_PER_TABLE];
      if (!pmd) continue; // pud_none
      const dstPmd = child.pmd_alloc(Math.max(start, r * PUD_SIZE)); // copy_pmd_range: pmd_alloc first
      const s0 = Math.max(r * PTRS_PER_TABLE, Math.floor(start / PMD_SIZE));
      const s1 = Math.min((r + 1) * PTRS_PER_TABLE, Math.ceil(end / PMD_SIZE));
      for (let s = s0; s < s1; s++) {
        const k = s % PTRS_PER_TABLE;
        if (!pmd.has(k)) continue; // pmd_none
        const t = pmd.get(k)!;
        const a = Math.max(start, s * PMD_SIZE);
        const b = Math.min(end, (s + 1) * PMD_SIZE);
        if (t.huge !== HUGE_NONE) copy_huge_pmd(child, v, dstPmd, t);
        else copy_pte_range(child, dstPmd, t, a, b, copied);
        parent.settleIn(pmd, k);
      }
    }
  }
}

/** copy_huge_pmd: share the THP (or the huge zero page) write-protected; deposit a fresh table in the child. */
function copy_huge_pmd(child: Mm, v: Vma, dstPmd: PmdTable, t: PteTable): void {
  if (v.kind !== 'anon') return; // !vma_is_anonymous: refilled on fault
  child.enter('copy_huge_pmd');
  const nt = child.pmd_install(dstPmd, t.slot, 'copy_huge_pmd');
  child.counters.pmdLocks++;
  if (t.huge === HUGE_ANON || t.huge === HUGE_ANON_WP) {
    t.huge = HUGE_ANON_WP; // pmdp_set_wrprotect
    nt.huge = HUGE_ANON_WP;
    child.rssAnonPages += PTRS_PER_TABLE; // add_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR)
    if (!t.uniform) nt.ents.set(t.ents); // which subpages hold data (fault.ts markWritten)
    else if (t.fill !== PTE_NONE) nt.setAll(t.fill);
  } else nt.huge = t.huge; // the huge zero page: mm_get_huge_zero_folio
  if (child.events) child.events.push({ kind: 'huge_mapped', addr: t.slot * PMD_SIZE, zero: t.huge !== HUGE_ANON_WP, by: 'copy_huge_pmd' });
}

/** copy_pte_range over [a, b) of one slot: the child's table (allocated even if nothing is present), entries copied. */
function copy_pte_range(child: Mm, dstPmd: PmdTable, t: PteTable, a: number, b: number, copied: PteTable[]): void {
  child.enter('copy_pte_range');
  const k = t.slot % PTRS_PER_TABLE;
  let nt = dstPmd.get(k);
  if (!nt) {
    nt = child.pmd_install(dstPmd, t.slot, '__pte_alloc');
    copied.push(nt);
  }
  const base = t.slot * PMD_SIZE;
  const k0 = (a - base) / PAGE_SIZE;
  const k1 = (b - base) / PAGE_SIZE;
  child.counters.pteLocks++;
  child.counters.entriesScanned += k1 - k0;
  if (t.nonNone === 0) return;
  let n = 0;
  let anon = 0;
  if (t.uniform && k0 === 0 && k1 === PTRS_PER_TABLE && nt.nonNone === 0) {
    const e = forked(t.fill);
    n = PTRS_PER_TABLE;
    if (e === PTE_ANON_COW) anon = n;
    t.setAll(e); // copy_present_ptes: wrprotect in the parent too
    nt.setAll(e);
  } else {
    const src = t.ents;
    const dst = nt.ents;
    for (let i = k0; i < k1; i++) {
      const e = src[i];
      if (e === PTE_NONE) continue;
      const f = forked(e);
      src[i] = f;
      dst[i] = f;
      n++;
      if (f === PTE_ANON_COW) anon++;
    }
  }
  nt.nonNone += n;
  child.rssAnonPages += anon;
  if (anon) child.enter('copy_present_ptes');
}

/** exit_mmap: unmap_vmas over every VMA, then free_pgtables over all of them: the mm holds no table afterwards. */
export function exit_mmap(mm: Mm): void {
  mm.enter('exit_mmap');
  const vmas = mm.vmas;
  for (const v of vmas) unmap_single_vma(mm, v, v.start, v.end, 'munmap', v.start, v.end);
  mm.vmas = [];
  free_pgtables(mm, vmas, 0, 0);
  tlbFlush(mm);
}

