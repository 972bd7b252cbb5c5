// mremap(old, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, new): move a whole
// mapping (mm/mremap.c: move_vma -> copy_vma, move_page_tables, then
// do_vmi_munmap of the old range).
//
// move_page_tables works in extents clipped at both the old and the new
// boundaries (get_extent): a 1 GiB extent aligned on both sides moves a whole
// PMD table (move_normal_pud, CONFIG_HAVE_MOVE_PUD), a 2 MiB one a whole PTE
// table (move_normal_pmd) or huge PMD (move_huge_pmd); anything else copies
// entries one by one (move_ptes) into a table pte_alloc makes at the
// destination, leaving the old one for free_pgtables.
import { PAGE_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, alignDown } from '../constants.ts';
import type { SimError } from '../types.ts';
import { do_munmap, tlbFlush } from './mmap.ts';
import type { Mm } from './mm.ts';
import { HUGE_NONE, PTE_NONE } from './pgtable.ts';
import { findVma, findVmaFrom, insertVma, splitAt } from './vma.ts';
import { __split_huge_pmd } from './zap.ts';

const hex = (n: number): string => '0x' + n.toString(16);

function get_extent(size: number, oldAddr: number, oldEnd: number, newAddr: number): number {
  let extent = alignDown(oldAddr + size, size) - oldAddr;
  if (extent > oldEnd - oldAddr) extent = oldEnd - oldAddr;
  const next = alignDown(newAddr + size, size) - newAddr;
  if (extent > next) extent = next;
  return extent;
}

export function do_mremap(mm: Mm, addr: number, len: number, to: number): SimError | null {
  if (to % PAGE_SIZE) return { kind: 'einval', message: `mremap to ${hex(to)}: not page aligned (EINVAL)` };
  const end = addr + len;
  if (to < end && addr < to + len) return { kind: 'einval', message: `mremap [${hex(addr)}, ${hex(end)}) to ${hex(to)}: the ranges overlap (EINVAL)` };
  // Since 6.17 a MREMAP_FIXED move of equal lengths may span several VMAs
  // and the holes between them (they stay holes at the destination); the
  // range must start inside a VMA (measured: kernel/FINDINGS.md).
  if (findVma(mm, addr) < 0) return { kind: 'efault', message: `mremap [${hex(addr)}, ${hex(end)}): nothing is mapped at its start (EFAULT)` };
  mm.enter('do_mremap');
  // MREMAP_FIXED: whatever is at the destination is unmapped first.
  do_munmap(mm, to, len);
  splitAt(mm, addr, end);
  // Move VMA by VMA (each keeps its flags, anon_vma and pgoff: copy_vma).
  let a = addr;
  while (a < end) {
    const i = findVmaFrom(mm, a);
    const v = mm.vmas[i];
    if (!v || v.start >= end) break; // only holes are left
    a = Math.max(a, v.start); // skip a hole
    const vEnd = Math.min(v.end, end);
    const dest = to + (a - addr);
    mm.enter('copy_vma');
    insertVma(mm, { ...v, start: dest, end: dest + (vEnd - a) });
    move_page_tables(mm, a, dest, vEnd - a);
    mm.enter('move_vma');
    do_munmap(mm, a, vEnd - a);
    a = vEnd;
  }
  return null;
}

function move_page_tables(mm: Mm, oldAddr: number, newAddr: number, len: number): void {
  mm.enter('move_page_tables');
  const oldEnd = oldAddr + len;
  let moved = false;
  for (let extent = 0; oldAddr < oldEnd; oldAddr += extent, newAddr += extent) {
    extent = get_extent(PUD_SIZE, oldAddr, oldEnd, newAddr);
    // get_old_pud: nothing to move below a none PUD entry.
    if (!mm.pmdTableAt(oldAddr)) continue;
    const newPud = mm.pud_alloc(newAddr); // alloc_new_pud
    if (extent === PUD_SIZE && !newPud.entries[Math.floor(newAddr / PUD_SIZE) % PTRS_PER_TABLE]) {
      move_normal_pud(mm, oldAddr, newAddr);
      moved = true;
      continue;
    }
    extent = get_extent(PMD_SIZE, oldAddr, oldEnd, newAddr);
    const oldSlot = Math.floor(oldAddr / PMD_SIZE);
    const t = mm.pteAt(oldSlot);
    if (!t) continue; // get_old_pmd: none
    const newPmd = mm.pmd_alloc(newAddr); // alloc_new_pmd
    const newSlot = Math.floor(newAddr / PMD_SIZE);
    if (t.huge !== HUGE_NONE) {
      if (extent === PMD_SIZE) {
        movePmdEntry(mm, oldSlot, newSlot, 'move_huge_pmd');
        moved = true;
        continue;
      }
      // split_huge_pmd, then move the PTEs below.
      __split_huge_pmd(mm, t);
    } else if (extent === PMD_SIZE && !newPmd.has(newSlot % PTRS_PER_TABLE)) {
      movePmdEntry(mm, oldSlot, newSlot, 'move_normal_pmd');
      moved = true;
      continue;
    }
    let dst = newPmd.get(newSlot % PTRS_PER_TABLE);
    const fresh = !dst;
    if (!dst) {
      dst = mm.pmd_install(newPmd, newSlot); // pte_alloc
      mm.enter('__pte_alloc');
    }
    // The destination is held (pte-ref: a visitor reference) while entries arrive.
    mm.mech.walkerGet(mm, dst, fresh);
    // move_ptes: both PTE locks, entry by entry.
    mm.enter('move_ptes');
    mm.counters.pteLocks += 2;
    const n = extent / PAGE_SIZE;
    const k0 = (oldAddr - oldSlot * PMD_SIZE) / PAGE_SIZE;
    const d0 = (newAddr - newSlot * PMD_SIZE) / PAGE_SIZE;
    mm.counters.entriesScanned += n;
    let count = 0;
    if (t.nonNone > 0) {
      const src = t.ents;
      const out = dst.ents;
      for (let k = 0; k < n; k++) {
        const e = src[k0 + k];
        if (e === PTE_NONE) continue;
        src[k0 + k] = PTE_NONE;
        // A PTE-mapped THP's subpages keep their marks: the folio stays large
        // (split later by a partial MADV_FREE or by reclaim, when its
        // never-written subpages leave RssAnon). Simplified: a folio moved
        // across two tables is split table by table.
        out[d0 + k] = e;
        count++;
      }
    }
    t.nonNone -= count;
    if (t.nonNone === 0) t.setAll(PTE_NONE);
    dst.nonNone += count;
    if (count) {
      moved = true;
      mm.emit({ kind: 'ptes_moved', from: oldAddr, to: newAddr, count, by: 'move_ptes' });
    }
    mm.mech.ptesMovedIn(mm, dst, count);
    mm.mech.afterMoveOut(mm, t, count);
    mm.mech.moveDone(mm, dst);
  }
  if (moved) tlbFlush(mm, 'flush_tlb_range');
}

/** move_normal_pmd / move_huge_pmd: the same table, now under the new PMD entry. */
function movePmdEntry(mm: Mm, oldSlot: number, newSlot: number, by: 'move_normal_pmd' | 'move_huge_pmd'): void {
  const oldPmd = mm.pmdTableAt(oldSlot * PMD_SIZE)!;
  const newPmd = mm.pmdTableAt(newSlot * PMD_SIZE)!;
  const t = oldPmd.unlink(oldSlot % PTRS_PER_TABLE)!;
  oldPmd.used--;
  newPmd.link(newSlot % PTRS_PER_TABLE, t);
  newPmd.used++;
  t.slot = newSlot;
  mm.counters.pmdLocks += 2;
  mm.mech.pmdMoved(mm, t);
  mm.enter(by);
  mm.emit({ kind: 'pmd_moved', from: oldSlot * PMD_SIZE, to: newSlot * PMD_SIZE, level: 'pmd', by });
}

/** move_normal_pud: the whole PMD table (and the PTE tables under it) moves. */
function move_normal_pud(mm: Mm, oldAddr: number, newAddr: number): void {
  const oldPud = mm.pudAt(oldAddr)!;
  const newPud = mm.pudAt(newAddr)!;
  const oi = Math.floor(oldAddr / PUD_SIZE) % PTRS_PER_TABLE;
  const pmd = oldPud.entries[oi]!;
  oldPud.entries[oi] = null;
  oldPud.used--;
  const ni = Math.floor(newAddr / PUD_SIZE) % PTRS_PER_TABLE;
  pmd.region = Math.floor(newAddr / PUD_SIZE);
  const delta = Math.floor(newAddr / PMD_SIZE) - Math.floor(oldAddr / PMD_SIZE);
  for (const t of pmd.liveTables()) t.slot += delta; // compact tables take their slot from their place
  newPud.entries[ni] = pmd;
  newPud.used++;
  mm.counters.pmdLocks += 2;
  mm.enter('move_normal_pud');
  mm.emit({ kind: 'pmd_moved', from: oldAddr, to: newAddr, level: 'pud', by: 'move_normal_pud' });
}

