// VMAs: the sorted, disjoint list of a process's mappings (mm/vma.c:
// __split_vma, vma_merge_new_range / vma_merge_existing_range,
// vma_modify_flags; mm/rmap.c: anon_vma_prepare, find_mergeable_anon_vma).
//
// Merging matters to page tables: two adjacent anonymous mmaps with equal
// flags become one VMA, so a DONTNEED across their boundary is one zap and
// pt-reclaim can free the slot's table; with different flags it cannot.
// Simplified: anon_vma identity is a number; list_is_singular() is taken as
// true (no fork); file VMAs of the process image never merge.
import type { Prot } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import { HUGE_NONE } from './pgtable.ts';
import { __split_huge_pmd } from './zap.ts';
import type { Mm } from './mm.ts';

export interface Vma {
  start: number;
  end: number;
  prot: Prot;
  /** VM_HUGEPAGE / VM_NOHUGEPAGE (madvise). */
  hugepage: boolean;
  nohugepage: boolean;
  /** VM_ACCOUNT: private writable memory is charged; sticks after mprotect r. */
  account: boolean;
  /** 0 until the first anonymous fault (anon_vma_prepare). */
  anonVma: number;
  /** vm_pgoff: for anonymous memory, the page number of the original start. */
  pgoff: number;
  kind: 'anon' | 'file' | 'stack';
  label?: string;
  /** A MAP_SHARED file mapping: a write fault maps the file page itself (do_shared_fault), no anonymous copy. */
  shared?: boolean;
  /** VM_DONTCOPY (MADV_DONTFORK): fork does not copy this VMA into the child. */
  dontcopy?: boolean;
  /** VM_WIPEONFORK (MADV_WIPEONFORK): the child gets the VMA, empty (no tables, no anon_vma). */
  wipeonfork?: boolean;
}

export type VmaFlags = Pick<Vma, 'prot' | 'hugepage' | 'nohugepage' | 'account' | 'dontcopy' | 'wipeonfork'>;

export function newAnonVma(start: number, end: number, prot: Prot, hugepage: boolean): Vma {
  return { start, end, prot, hugepage, nohugepage: false, account: prot === 'rw', anonVma: 0, pgoff: start / PAGE_SIZE, kind: 'anon' };
}

/** Index of the VMA containing addr, or -1 (find_vma + range check). */
export function findVma(mm: Mm, addr: number): number {
  const v = mm.vmas;
  let lo = 0;
  let hi = v.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid].end <= addr) lo = mid + 1;
    else if (v[mid].start > addr) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Index of the first VMA ending above addr (find_vma). */
export function findVmaFrom(mm: Mm, addr: number): number {
  const v = mm.vmas;
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid].end <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sameFlags = (a: Vma, b: Vma): boolean =>
  a.kind === 'anon' && b.kind === 'anon' && a.prot === b.prot && a.hugepage === b.hugepage && a.nohugepage === b.nohugepage && a.account === b.account &&
  !a.dontcopy === !b.dontcopy && !a.wipeonfork === !b.wipeonfork;

/** is_mergeable_vma + is_mergeable_anon_vma + linear pgoff, for prev followed by next. */
function canMerge(prev: Vma, next: Vma): boolean {
  return (
    prev.end === next.start &&
    sameFlags(prev, next) &&
    (prev.anonVma === 0 || next.anonVma === 0 || prev.anonVma === next.anonVma) &&
    next.pgoff === prev.pgoff + (prev.end - prev.start) / PAGE_SIZE
  );
}

/** Merge vmas[i] into its neighbours where the kernel would; returns its new index. */
export function vmaMergeAround(mm: Mm, i: number): number {
  const v = mm.vmas;
  if (i > 0 && canMerge(v[i - 1], v[i])) {
    const prev = v[i - 1];
    mm.emit({ kind: 'vma', action: 'merge', start: prev.start, end: v[i].end, by: 'vma_merge' });
    prev.end = v[i].end;
    prev.anonVma ||= v[i].anonVma;
    v.splice(i, 1);
    i--;
    mm.enter('vma_merge');
  }
  if (i + 1 < v.length && canMerge(v[i], v[i + 1])) {
    const next = v[i + 1];
    mm.emit({ kind: 'vma', action: 'merge', start: v[i].start, end: next.end, by: 'vma_merge' });
    v[i].end = next.end;
    v[i].anonVma ||= next.anonVma;
    v.splice(i + 1, 1);
    mm.enter('vma_merge');
  }
  return i;
}

/**
 * __split_vma: cut vmas[i] at addr; both halves keep the anon_vma. A huge PMD
 * straddling the cut is split first (vma_adjust_trans_huge).
 */
export function splitVma(mm: Mm, i: number, addr: number): void {
  if (addr % PMD_SIZE !== 0) {
    const slot = Math.floor(addr / PMD_SIZE);
    const t = mm.ptePeek(slot); // read only: a compact table stays compact
    if (t && t.huge !== HUGE_NONE) __split_huge_pmd(mm, mm.pteAt(slot)!);
  }
  const a = mm.vmas[i];
  const b: Vma = { ...a, start: addr, pgoff: a.pgoff + (addr - a.start) / PAGE_SIZE };
  a.end = addr;
  mm.vmas.splice(i + 1, 0, b);
  mm.enter('__split_vma');
  mm.emit({ kind: 'vma', action: 'split', start: a.start, end: b.end, by: '__split_vma' });
}

/** Split VMAs so that start and end fall on VMA boundaries. */
export function splitAt(mm: Mm, start: number, end: number): void {
  let i = findVma(mm, start);
  if (i >= 0 && mm.vmas[i].start < start) splitVma(mm, i, start);
  i = findVma(mm, end);
  if (i >= 0 && mm.vmas[i].start < end) splitVma(mm, i, end);
}

/** Insert a new VMA (mmap_region) and merge it with its neighbours. */
export function insertVma(mm: Mm, vma: Vma): void {
  const i = findVmaFrom(mm, vma.start);
  mm.vmas.splice(i, 0, vma);
  mm.enter('mmap_region');
  mm.emit({ kind: 'vma', action: 'insert', start: vma.start, end: vma.end, by: 'mmap_region' });
  vmaMergeAround(mm, i);
}

/**
 * Detach the VMAs in [start, end), splitting at the edges (vms_gather_munmap_vmas).
 * Returns the removed VMAs in order.
 */
export function detachRange(mm: Mm, start: number, end: number): Vma[] {
  splitAt(mm, start, end);
  const i = findVmaFrom(mm, start);
  let j = i;
  while (j < mm.vmas.length && mm.vmas[j].start < end) j++;
  const removed = mm.vmas.splice(i, j - i);
  for (const v of removed) mm.emit({ kind: 'vma', action: 'remove', start: v.start, end: v.end, by: 'vms_complete_munmap_vmas' });
  return removed;
}

/** True when [start, end) is wholly covered by VMAs. */
export function rangeMapped(mm: Mm, start: number, end: number): boolean {
  let addr = start;
  let i = findVmaFrom(mm, start);
  while (addr < end) {
    const v = mm.vmas[i];
    if (!v || v.start > addr) return false;
    addr = v.end;
    i++;
  }
  return true;
}

/**
 * vma_modify_flags over a range (mprotect_fixup, madvise_update_vma): only
 * VMAs whose flags change are split, changed and merged with neighbours.
 */
export function modifyFlags(mm: Mm, start: number, end: number, change: (v: Vma) => Partial<VmaFlags>): void {
  let addr = start;
  while (addr < end) {
    let i = findVmaFrom(mm, addr);
    const v = mm.vmas[i];
    if (!v || v.start >= end) break;
    const patch = change(v);
    const differs = (Object.keys(patch) as (keyof VmaFlags)[]).some((k) => (patch[k] ?? false) !== (v[k] ?? false));
    const stop = Math.min(v.end, end);
    if (differs) {
      if (v.start < addr) {
        splitVma(mm, i, addr);
        i++;
      }
      if (mm.vmas[i].end > stop) splitVma(mm, i, stop);
      Object.assign(mm.vmas[i], patch);
      mm.enter('vma_modify_flags');
      mm.emit({ kind: 'vma', action: 'flags', start: mm.vmas[i].start, end: mm.vmas[i].end, by: 'vma_modify_flags' });
      vmaMergeAround(mm, i);
    }
    addr = stop;
  }
}

/** anon_vma_compatible: adjacent, same flags but for access bits, linear pgoff. */
function anonVmaCompatible(a: Vma, b: Vma): boolean {
  return (
    a.end === b.start &&
    a.kind === 'anon' &&
    b.kind === 'anon' &&
    a.hugepage === b.hugepage &&
    a.nohugepage === b.nohugepage &&
    !a.dontcopy === !b.dontcopy &&
    !a.wipeonfork === !b.wipeonfork &&
    a.account === b.account &&
    b.pgoff === a.pgoff + (a.end - a.start) / PAGE_SIZE
  );
}

/** anon_vma_prepare: give vmas[i] an anon_vma, reusing a neighbour's (find_mergeable_anon_vma). */
export function anon_vma_prepare(mm: Mm, i: number): void {
  const v = mm.vmas[i];
  if (v.anonVma) return;
  const next = mm.vmas[i + 1];
  const prev = mm.vmas[i - 1];
  if (next && next.anonVma && anonVmaCompatible(v, next)) v.anonVma = next.anonVma;
  else if (prev && prev.anonVma && anonVmaCompatible(prev, v)) v.anonVma = prev.anonVma;
  else v.anonVma = mm.nextAnonVma++;
  mm.enter('anon_vma_prepare');
}
