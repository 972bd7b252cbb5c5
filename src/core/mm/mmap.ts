// mmap, munmap, mprotect and madvise (mm/mmap.c, mm/vma.c, mm/mprotect.c,
// mm/madvise.c).
//
// Placement: get_unmapped_area top-down below mmap_base
// (vm_unmapped_area with VM_UNMAPPED_AREA_TOPDOWN); an anonymous mapping
// whose length is a multiple of 2 MiB goes through __thp_get_unmapped_area,
// which pads the search by 2 MiB and aligns the start to 2 MiB.
import type { Advice, Prot } from '../../scenario/ast.ts';
import { MMAP_MIN_ADDR, PAGE_SIZE, PMD_SIZE, TASK_SIZE, alignUp } from '../constants.ts';
import type { SimError } from '../types.ts';
import { free_pgtables } from './free_pgtables.ts';
import { MAX_STEP_REASONS, type Mm } from './mm.ts';
import { HUGE_NONE } from './pgtable.ts';
import { walkPteTables } from './walkers.ts';
import { detachRange, findVmaFrom, insertVma, modifyFlags, newAnonVma, rangeMapped, type Vma } from './vma.ts';
import { forEachPresentSlot } from './walk.ts';
import { __split_huge_pmd, madvise_free_single_vma, unmap_single_vma } from './zap.ts';
import { madvise_collapse } from './khugepaged.ts';
import { madvise_pageout } from './swap.ts';

const STACK_GUARD_GAP = 256 * PAGE_SIZE;

const err = (kind: SimError['kind'], message: string): SimError => ({ kind, message });
const hex = (n: number): string => '0x' + n.toString(16);

/** vm_unmapped_area, top-down: the highest gap below mmap_base that fits len. */
function unmapped_area_topdown(mm: Mm, len: number): number {
  let high = mm.mmapBase;
  for (let i = mm.vmas.length - 1; i >= -1; i--) {
    const v = mm.vmas[i];
    const gapStart = Math.max(v ? v.end : 0, MMAP_MIN_ADDR);
    const next = mm.vmas[i + 1];
    let gapEnd = next ? next.start - (next.kind === 'stack' ? STACK_GUARD_GAP : 0) : TASK_SIZE;
    gapEnd = Math.min(gapEnd, high);
    if (gapEnd - gapStart >= len) return gapEnd - len;
    if (v && v.start < high) high = Math.min(high, v.start);
  }
  return -1;
}

/** get_unmapped_area for an anonymous private mapping with no hint. */
export function get_unmapped_area(mm: Mm, len: number): number {
  mm.enter('get_unmapped_area');
  if (len % PMD_SIZE === 0) {
    // __thp_get_unmapped_area: search len + 2 MiB, then align.
    const ret = unmapped_area_topdown(mm, len + PMD_SIZE);
    if (ret < 0) return unmapped_area_topdown(mm, len);
    const offSub = (PMD_SIZE - (ret % PMD_SIZE)) % PMD_SIZE;
    return offSub === 0 ? ret + PMD_SIZE : ret + offSub;
  }
  return unmapped_area_topdown(mm, len);
}

/** What a recorded program maps besides private anonymous memory (a file, a stack; MAP_FIXED). */
export interface Backing {
  kind: Vma['kind'];
  label?: string;
  shared?: boolean;
  /** MAP_FIXED: whatever is mapped in the range goes first, as munmap would (__mmap_region -> vms_clear_ptes). */
  replace?: boolean;
}

export function do_mmap(mm: Mm, len: number, at: number | undefined, prot: Prot, hugepage: boolean, backing?: Backing): { addr: number } | SimError {
  len = alignUp(len, PAGE_SIZE);
  if (len === 0) return err('einval', 'mmap of length 0 (EINVAL)');
  let addr: number;
  if (at !== undefined) {
    if (at % PAGE_SIZE) return err('einval', `mmap at ${hex(at)}: not page aligned (EINVAL)`);
    if (at < MMAP_MIN_ADDR || at + len > TASK_SIZE) return err('enomem', `mmap at ${hex(at)} + ${len} bytes: outside the user address space [${hex(MMAP_MIN_ADDR)}, ${hex(TASK_SIZE)}) (ENOMEM)`);
    if (backing?.replace) do_munmap(mm, at, len);
    const i = findVmaFrom(mm, at);
    if (i < mm.vmas.length && mm.vmas[i].start < at + len) return err('exists', `mmap at ${hex(at)}: [${hex(at)}, ${hex(at + len)}) overlaps an existing mapping at ${hex(mm.vmas[i].start)} (MAP_FIXED_NOREPLACE: EEXIST)`);
    addr = at;
  } else {
    addr = get_unmapped_area(mm, len);
    if (addr < 0) return err('enomem', `mmap of ${len} bytes: no gap that large below mmap_base (ENOMEM)`);
  }
  mm.enter('do_mmap');
  const vma = newAnonVma(addr, addr + len, prot, false);
  if (backing && backing.kind !== 'anon') {
    vma.kind = backing.kind;
    if (backing.label !== undefined) vma.label = backing.label;
    if (backing.shared) {
      vma.shared = true;
      vma.account = false;
    }
  }
  insertVma(mm, vma);
  if (hugepage) madviseHugepage(mm, addr, addr + len, 'hugepage');
  return { addr };
}

/** do_vmi_munmap: detach, unmap_vmas, free_pgtables(floor = prev end, ceiling = next start). */
export function do_munmap(mm: Mm, start: number, len: number): SimError | null {
  if (start % PAGE_SIZE) return err('einval', `munmap at ${hex(start)}: not page aligned (EINVAL)`);
  const end = start + alignUp(len, PAGE_SIZE);
  if (end === start) return err('einval', 'munmap of length 0 (EINVAL)');
  mm.enter('do_vmi_munmap');
  const detached = detachRange(mm, start, end);
  if (detached.length === 0) return null;
  const i = findVmaFrom(mm, start);
  const prev = mm.vmas[i - 1];
  const next = mm.vmas[i];
  // Tables the unmapped VMAs touch, to explain afterwards which stayed. Past
  // MAX_STEP_REASONS only the last is kept: the ones between lie inside the
  // unmapped range, where free_pgtables frees every table the zap left (only
  // the first and last slot can be shared with a neighbour), so they are
  // counted as freed by it.
  const touched: { slot: number; id: number }[] = [];
  let last: { slot: number; id: number } | null = null;
  for (const v of detached) {
    forEachPresentSlot(mm, v.start, v.end, (slot, t) => {
      if (touched.length < MAX_STEP_REASONS) touched.push({ slot, id: t.id });
      else last = { slot, id: t.id };
    });
  }
  if (last) touched.push(last);
  let dirty = false;
  for (const v of detached) dirty = unmap_single_vma(mm, v, v.start, v.end, 'munmap', start, end) || dirty;
  // Which of them the zap left, and the design did not already explain (pte-ref frees at the zap, with its own reasons).
  const named = new Set(mm.reasons.map((r) => r.tableId));
  const left = touched.filter(({ slot, id }) => mm.ptePeekId(slot) === id && !named.has(id));
  const before = mm.nr.pte + mm.nr.pmd + mm.nr.pud;
  const ptesBefore = mm.nr.pte;
  free_pgtables(mm, detached, prev ? prev.end : 0, next ? next.start : 0);
  if (dirty || mm.nr.pte + mm.nr.pmd + mm.nr.pud !== before) tlbFlush(mm);
  const explained = explainMunmap(mm, left, prev, next);
  // free_pgtables' frees not among the tables named: counted.
  const between = ptesBefore - mm.nr.pte - explained;
  if (between > 0) {
    mm.moreReasons ??= new Map();
    const m = mm.moreReasons.get('free_pgtables');
    if (m) m.count += between;
    else mm.moreReasons.set('free_pgtables', { verdict: 'freed', code: 'free_pgtables', count: between });
  }
  return null;
}

/** Why each table the zap left was kept or freed by free_pgtables; returns how many of them it freed. */
function explainMunmap(mm: Mm, left: { slot: number; id: number }[], prev: Vma | undefined, next: Vma | undefined): number {
  let freed = 0;
  for (const { slot, id } of left) {
    const addr = slot * PMD_SIZE;
    if (mm.ptePeekId(slot) === id) {
      const sharer = prev && prev.end > addr ? prev : next && next.start < addr + PMD_SIZE ? next : undefined;
      if (mm.wantsReason('free_pgtables_kept', 'kept')) mm.reason({ addr, tableId: id, verdict: 'kept', code: 'free_pgtables_kept', text: `kept: free_pgtables keeps it: ${sharer ? `the VMA at [${hex(sharer.start)}, ${hex(sharer.end)}) still uses this slot` : 'the slot lies outside the range free_pgtables may free'}` });
    } else {
      freed++;
      if (mm.wantsReason('free_pgtables', 'freed')) mm.reason({ addr, tableId: id, verdict: 'freed', code: 'free_pgtables', by: 'free_pte_range', text: 'freed: munmap left no VMA in this 2 MiB slot, so free_pgtables freed the table' });
    }
  }
  return freed;
}

export function tlbFlush(mm: Mm, by = 'tlb_finish_mmu'): void {
  mm.counters.tlbFlushes++;
  mm.enter(by);
  if (mm.events) mm.emit({ kind: 'tlb_flush', by }); // no event object when nobody records
}

/** Split any huge PMD that [start, end) covers only partly (change_pmd_range, madvise). */
function splitPartialHuge(mm: Mm, start: number, end: number): void {
  const check = (addr: number): void => {
    if (addr % PMD_SIZE === 0) return;
    const slot = Math.floor(addr / PMD_SIZE);
    const t = mm.ptePeek(slot); // read only: a compact table stays compact
    if (t && t.huge !== HUGE_NONE) __split_huge_pmd(mm, mm.pteAt(slot)!);
  };
  check(start);
  check(end);
}

export function do_mprotect(mm: Mm, start: number, len: number, prot: Prot): SimError | null {
  if (start % PAGE_SIZE) return err('einval', `mprotect at ${hex(start)}: not page aligned (EINVAL)`);
  const end = start + alignUp(len, PAGE_SIZE);
  if (!rangeMapped(mm, start, end)) return err('enomem', `mprotect [${hex(start)}, ${hex(end)}): part of the range is not mapped (ENOMEM)`);
  mm.enter('mprotect_fixup');
  splitPartialHuge(mm, start, end);
  modifyFlags(mm, start, end, (v) => ({ prot, account: v.account || prot === 'rw' }));
  mm.enter('change_protection');
  // change_pmd_range -> change_pte_range reads (and rewrites) every PTE table of the range.
  let present = false;
  forEachPresentSlot(mm, start, end, () => (present = true));
  walkPteTables(mm, start, end, 'change_pte_range');
  if (present) tlbFlush(mm, 'flush_tlb_range');
  return null;
}

function madviseHugepage(mm: Mm, start: number, end: number, advice: 'hugepage' | 'nohugepage'): void {
  mm.enter('hugepage_madvise');
  modifyFlags(mm, start, end, () => (advice === 'hugepage' ? { hugepage: true, nohugepage: false } : { hugepage: false, nohugepage: true }));
}

/** madvise: walks the VMAs of the range one by one (madvise_walk_vmas). */
export function do_madvise(mm: Mm, start: number, len: number, advice: Advice): SimError | null {
  if (start % PAGE_SIZE) return err('einval', `madvise at ${hex(start)}: not page aligned (EINVAL)`);
  const end = start + alignUp(len, PAGE_SIZE);
  if (end === start) return null;
  mm.enter('madvise_walk_vmas');
  const mapped = rangeMapped(mm, start, end);
  if (advice === 'hugepage' || advice === 'nohugepage') {
    madviseHugepage(mm, start, end, advice);
  } else if (advice === 'dontfork' || advice === 'dofork' || advice === 'wipeonfork' || advice === 'keeponfork') {
    // madvise_update_vma with VM_DONTCOPY / VM_WIPEONFORK: only the VMA flags change (split and merged like any flag).
    if (advice === 'wipeonfork' && mm.vmas.some((v) => v.end > start && v.start < end && (v.kind === 'file' || v.shared))) {
      return err('einval', `madvise [${hex(start)}, ${hex(end)}) wipeonfork: only private anonymous memory can be wiped on fork (EINVAL)`);
    }
    mm.enter('madvise_update_vma');
    const on = advice === 'dontfork' || advice === 'wipeonfork';
    modifyFlags(mm, start, end, () => (advice === 'dontfork' || advice === 'dofork' ? { dontcopy: on } : { wipeonfork: on }));
  } else {
    if (advice === 'dontneed') {
      // A zap changes no VMA: walk the list in place (no copy per call).
      for (let i = findVmaFrom(mm, start); i < mm.vmas.length && mm.vmas[i].start < end; i++) {
        mm.enter('madvise_dontneed_single_vma');
        if (unmap_single_vma(mm, mm.vmas[i], start, end, 'dontneed', start, end)) tlbFlush(mm);
      }
      if (!mapped) return err('enomem', `madvise [${hex(start)}, ${hex(end)}): part of the range is not mapped (ENOMEM; the mapped part was advised)`);
      return null;
    }
    const vmas = mm.vmas.filter((v) => v.end > start && v.start < end);
    for (const v of vmas) {
      if (advice === 'free') {
        madvise_free_single_vma(mm, v, start, end, start, end);
      } else if (advice === 'pageout') {
        madvise_pageout(mm, v, start, end, start, end);
      } else {
        // madvise_walk_vmas stops at the first VMA that returns an error.
        const e = madvise_collapse(mm, v, start, end);
        if (e) return e;
      }
    }
  }
  if (!mapped) return err('enomem', `madvise [${hex(start)}, ${hex(end)}): part of the range is not mapped (ENOMEM; the mapped part was advised)`);
  return null;
}

