// Zapping user pages: zap_page_range_single / unmap_vmas -> unmap_page_range
// -> zap_pmd_range -> zap_pte_range (mm/memory.c), zap_huge_pmd and
// __split_huge_pmd (mm/huge_memory.c), and the MADV_FREE walker
// madvise_free_pte_range (mm/madvise.c).
//
// Every call is clipped to one VMA (madvise_walk_vmas) and to one 2 MiB slot
// (zap_pmd_range), which is exactly what pt-reclaim's whole-slot rule reads.
import { HPAGE_PMD_NR, PAGE_SIZE, PGDIR_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE } from '../constants.ts';
import type { ZapCause, ZapSlot } from './mechanism.ts';
import type { Mm } from './mm.ts';
import { hugeShared } from './cow.ts';
import { HUGE_ANON, HUGE_ANON_LAZY, HUGE_ANON_WP, HUGE_NONE, HUGE_ZERO, PTE_ANON, PTE_ANON_COW, PTE_ANON_LAZY, PTE_ANON_LAZY_ZEROED, PTE_ANON_ZEROED, PTE_ANON_THP, PTE_ANON_THP_CLEAN, PTE_NONE, PTE_SWAP, PTE_ZERO, PteTable, isAnonHuge, isAnonPte, packState, stateCounted, stateFill, stateHuge, type PmdTable } from './pgtable.ts';
import type { Vma } from './vma.ts';
import { forEachPresentSlot } from './walk.ts';

/** The object a compact table is loaded into while unmap_single_vma zaps it (never linked, never kept). */
const scratch = new PteTable(0, 0);

/** __split_huge_pmd: withdraw the deposited table and fill it with 512 PTEs. */
export function __split_huge_pmd(mm: Mm, t: PteTable): void {
  if (t.huge === HUGE_ZERO) t.setAll(PTE_ZERO);
  else if (t.huge === HUGE_ANON_WP) t.setAll(PTE_ANON_COW); // fork write-protected the PMD: every subpage PTE is read-only (not exclusive)
  else if (t.uniform) t.setAll(PTE_ANON_THP_CLEAN); // nothing was written
  else {
    // markWritten's marks become the entries: written, or all zeros still.
    const ents = t.ents;
    let written = 0;
    for (let k = 0; k < HPAGE_PMD_NR; k++) {
      if (ents[k] === PTE_ANON) written++;
      ents[k] = ents[k] === PTE_ANON ? PTE_ANON_THP : PTE_ANON_THP_CLEAN;
    }
    if (written === HPAGE_PMD_NR) t.setAll(PTE_ANON_THP);
  }
  t.nonNone = HPAGE_PMD_NR;
  t.huge = HUGE_NONE;
  mm.mech.tableFilled(mm, t, '__split_huge_pmd');
  mm.counters.pmdLocks++;
  mm.enter('__split_huge_pmd');
  if (mm.events) mm.emit({ kind: 'huge_split', addr: t.slot * PMD_SIZE, by: '__split_huge_pmd' });
}

/**
 * split_folio for MADV_FREE of part of a THP (madvise_free_huge_pmd, or
 * madvise_free_pte_range on a PTE-mapped one): the folio becomes small
 * folios and remap_page (RMP_USE_SHARED_ZEROPAGE) maps every subpage that
 * was never written to the shared zero page (try_to_map_unused_to_zeropage):
 * those pages leave RssAnon; a later read finds them mapped, a write copies.
 * Written subpages stay mapped. t is PTE-mapped (split first).
 * Measured on 6.18 without a zero page: kernel/FINDINGS.md.
 */
export function split_folio(mm: Mm, t: PteTable, lazy = false): void {
  // A lazy-free folio's small folios stay lazy-free (not swap-backed): reclaim discards them.
  const written = lazy ? PTE_ANON_LAZY : PTE_ANON;
  // The shared zero page even where read faults do not use it: measured on a
  // kernel booted without it for reads (kernel/FINDINGS.md).
  const unused = PTE_ZERO;
  let dropped = 0;
  if (t.uniform) {
    if (t.fill === PTE_ANON_THP) t.setAll(written);
    else if (t.fill === PTE_ANON_THP_CLEAN) {
      t.setAll(unused);
      dropped = HPAGE_PMD_NR; // entries stay present (the zero page): nonNone is unchanged
    }
  } else {
    const ents = t.ents;
    for (let k = 0; k < HPAGE_PMD_NR; k++) {
      if (ents[k] === PTE_ANON_THP_CLEAN) {
        ents[k] = unused;
        dropped++;
      } else if (ents[k] === PTE_ANON_THP) ents[k] = written;
    }
  }
  mm.rssAnonPages -= dropped;
  mm.mech.tableFilled(mm, t, '__split_huge_pmd');
  mm.enter('split_folio');
  mm.emit({ kind: 'huge_split', addr: t.slot * PMD_SIZE, by: 'split_folio' });
}

/** Does MADV_FREE of [k0, k1) leave a PTE-mapped THP's folio only partly covered (so split_folio runs)? */
export function splitsFolio(t: PteTable, k0: number, k1: number): boolean {
  const thp = (e: number) => e === PTE_ANON_THP || e === PTE_ANON_THP_CLEAN;
  if (t.uniform) return thp(t.fill) && !(k0 === 0 && k1 === HPAGE_PMD_NR);
  const ents = t.ents;
  // The walk meets the folio only through a PTE inside the range (found by random scenarios).
  let inRange = false;
  for (let k = k0; k < k1 && !inRange; k++) inRange = thp(ents[k]);
  if (!inRange) return false;
  let all = true;
  for (let k = 0; k < HPAGE_PMD_NR && all; k++) all = thp(ents[k]);
  // madvise_folio_pte_batch: only a folio mapped whole within the range escapes the split.
  return !(all && k0 === 0 && k1 === HPAGE_PMD_NR);
}

/**
 * The one ZapSlot unmap_single_vma fills in slot by slot: a design reads it
 * during afterZap only (never keeps it), and zaps do not nest, so the walk
 * makes no object per call.
 */
const zapSlot: ZapSlot = { slot: 0, table: scratch, start: 0, end: 0, reqStart: 0, reqEnd: 0, cleared: 0, cause: 'dontneed' };

/**
 * Zap [start, end) of one VMA. `req` is the range the user asked for, so a
 * kept table can say the VMA boundary clipped the zap. Returns true if the
 * TLB must be flushed (something was cleared or freed).
 */
export function unmap_single_vma(mm: Mm, v: Vma, start: number, end: number, cause: ZapCause, reqStart: number, reqEnd: number): boolean {
  const s = Math.max(start, v.start);
  const e = Math.min(end, v.end);
  mm.enter(cause === 'munmap' ? 'unmap_vmas' : 'zap_page_range_single');
  if (e <= s) return false;
  const z = zapSlot;
  z.reqStart = reqStart;
  z.reqEnd = reqEnd;
  z.cause = cause;
  // A compact table (all entries alike, not a huge PMD's deposit) zapped
  // whole, in a step that records no events: zap_pte_range and the design
  // work on a scratch object loaded from its state (zapCompact), so no object
  // is made for the slot (a zap of terabytes visits millions).
  const bulk = mm.events === null && mm.compactTables && cause !== 'free';
  let dirty = false;
  // walk.ts's forEachPresentSlot, written out (no closure per call): only
  // the slots under present PUD and PMD tables, in address order.
  const firstSlot = Math.floor(s / PMD_SIZE);
  const lastSlot = Math.ceil(e / PMD_SIZE); // exclusive
  const g1 = Math.floor((e - 1) / PGDIR_SIZE);
  for (let g = Math.floor(s / PGDIR_SIZE); g <= g1; g++) {
    const pud = mm.pgd[g];
    if (!pud || pud.used === 0) continue;
    const r0 = Math.max(g * PTRS_PER_TABLE, Math.floor(s / PUD_SIZE));
    const r1 = Math.min((g + 1) * PTRS_PER_TABLE - 1, Math.floor((e - 1) / PUD_SIZE));
    for (let r = r0; r <= r1; r++) {
      const pmd = pud.entries[r % PTRS_PER_TABLE];
      if (!pmd || pmd.used === 0) continue;
      const s0 = Math.max(r * PTRS_PER_TABLE, firstSlot);
      const s1 = Math.min((r + 1) * PTRS_PER_TABLE, lastSlot);
      // The last slot the zap covers whole, + 1.
      const wholeEnd = Math.min(s1, Math.floor(e / PMD_SIZE));
      for (let slot = s0; slot < s1; slot++) {
        const k = slot % PTRS_PER_TABLE;
        if (!pmd.has(k)) continue;
        if (bulk) {
          const st = pmd.compactState(k);
          if (st >= 0) {
            // Identical compact tables in a row, each covered whole, when no reason line is wanted: the first
            // is zapped, and what it did (freed, or kept in a new state; counters, RSS, reasons counted) is
            // what each of the others does, so it is repeated for them at once.
            const run = mm.reasons.length >= mm.maxReasons && slot * PMD_SIZE >= s ? pmd.compactRun(k, st, wholeEnd - slot) : 0;
            const before = run > 1 ? mm.tally() : null;
            const done = zapCompact(mm, z, s, e, slot, pmd, k, st);
            if (done !== ZAP_NOT_DONE) {
              if (done === ZAP_DIRTY) dirty = true;
              if (before !== null && mm.repeatRun(pmd, k, run, before)) slot += run - 1;
              continue;
            }
          }
        }
        if (zapSlotTable(mm, z, s, e, slot, pmd.get(k)!)) dirty = true;
        mm.settleIn(pmd, k); // the operation on this slot is over: a uniform table goes back to compact
      }
    }
  }
  return dirty;
}

const ZAP_NOT_DONE = 0;
const ZAP_CLEAN = 1;
const ZAP_DIRTY = 2;

/**
 * unmap_single_vma's bulk form for the compact table at entry k of pmd: if
 * [s, e) covers its whole slot, zap it on the scratch object and store the
 * state back if the design kept it (the design may free it: mm.unlinkPte
 * then takes the entry as usual). ZAP_NOT_DONE: the caller zaps it as an object.
 */
function zapCompact(mm: Mm, z: ZapSlot, s: number, e: number, slot: number, pmd: PmdTable, k: number, st: number): number {
  const slotStart = slot * PMD_SIZE;
  if (stateHuge(st) !== HUGE_NONE || s > slotStart || e < slotStart + PMD_SIZE) return ZAP_NOT_DONE;
  const t = scratch;
  t.id = pmd.compactId(k);
  t.slot = slot;
  t.setAll(stateFill(st));
  t.nonNone = t.fill === PTE_NONE ? 0 : HPAGE_PMD_NR;
  t.refcount = stateCounted(st) ? t.nonNone : 0;
  t.huge = HUGE_NONE;
  const cleared = zap_pte_range(mm, t, slotStart, slotStart + PMD_SIZE);
  let dirty = cleared > 0;
  const before = mm.nr.pte;
  z.slot = slot;
  z.table = t;
  z.start = slotStart;
  z.end = slotStart + PMD_SIZE;
  z.cleared = cleared;
  mm.mech.afterZap(mm, z);
  if (mm.nr.pte !== before) dirty = true;
  else if (t.refcount === 0 || t.refcount === t.nonNone) pmd.setCompactState(k, packState(t.fill, HUGE_NONE, t.refcount !== 0));
  else pmd.link(k, t.clone()); // a count that is not just its entries: an object again (PmdTable.compact's rule)
  return dirty ? ZAP_DIRTY : ZAP_CLEAN;
}

/** unmap_single_vma on one slot's table object t (clipped to [s, e)): returns true if something was cleared or freed. */
function zapSlotTable(mm: Mm, z: ZapSlot, s: number, e: number, slot: number, t: PteTable): boolean {
  const slotStart = slot * PMD_SIZE;
  const a = Math.max(s, slotStart);
  const b = Math.min(e, slotStart + PMD_SIZE);
  let dirty = false;
  if (t.huge !== HUGE_NONE) {
    if (a === slotStart && b === slotStart + PMD_SIZE) {
      zap_huge_pmd(mm, t);
      return true;
    }
    __split_huge_pmd(mm, t);
    dirty = true;
  }
  const cleared = zap_pte_range(mm, t, a, b);
  if (cleared > 0) dirty = true;
  const before = mm.nr.pte;
  z.slot = slot;
  z.table = t;
  z.start = a;
  z.end = b;
  z.cleared = cleared;
  mm.mech.afterZap(mm, z);
  if (mm.nr.pte !== before) dirty = true;
  return dirty;
}

/** zap_pte_range: clear [a, b) of table t under its PTE lock. Returns entries cleared. */
function zap_pte_range(mm: Mm, t: PteTable, a: number, b: number): number {
  const base = t.slot * PMD_SIZE;
  const k0 = (a - base) / PAGE_SIZE;
  const k1 = (b - base) / PAGE_SIZE;
  let cleared = 0;
  let anon = 0;
  let swap = 0;
  if (t.nonNone > 0) {
    if (t.uniform && k0 === 0 && k1 === HPAGE_PMD_NR) {
      // Every entry holds t.fill: the whole slot clears at once.
      cleared = HPAGE_PMD_NR;
      if (isAnonPte(t.fill)) anon = HPAGE_PMD_NR;
      else if (t.fill === PTE_SWAP) swap = HPAGE_PMD_NR;
      t.setAll(PTE_NONE);
    } else {
      const ents = t.ents;
      for (let k = k0; k < k1; k++) {
        const e = ents[k];
        if (e !== PTE_NONE) {
          cleared++;
          if (isAnonPte(e)) anon++;
          else if (e === PTE_SWAP) swap++; // zap_nonpresent_ptes: free_swap_and_cache
          ents[k] = PTE_NONE;
        }
      }
      if (t.nonNone === cleared) t.setAll(PTE_NONE); // empty again: no array
    }
  }
  mm.enter('zap_pte_range');
  mm.counters.pteLocks++;
  mm.counters.entriesScanned += k1 - k0;
  t.nonNone -= cleared;
  mm.rssAnonPages -= anon;
  mm.swapPages -= swap;
  if (cleared > 0 && mm.events) mm.events.push({ kind: 'ptes_cleared', addr: a, end: b, tableId: t.id, count: cleared, by: 'zap_pte_range' });
  return cleared;
}

/** zap_huge_pmd: the zap covers the whole huge PMD; zap_deposited_table frees the deposit. */
function zap_huge_pmd(mm: Mm, t: PteTable): void {
  const slotStart = t.slot * PMD_SIZE;
  if (isAnonHuge(t.huge)) mm.rssAnonPages -= HPAGE_PMD_NR;
  mm.counters.pmdLocks++;
  mm.enter('zap_huge_pmd');
  if (mm.events) mm.emit({ kind: 'huge_zapped', addr: slotStart, by: 'zap_huge_pmd' });
  mm.unlinkPte(t.slot, 'zap_deposited_table', false);
  if (mm.wantsReason('huge_zapped', 'freed')) mm.reason({
    addr: slotStart,
    tableId: t.id,
    verdict: 'freed',
    code: 'huge_zapped',
    by: 'zap_deposited_table',
    text: 'freed: the zap covered the whole huge page, so zap_huge_pmd freed its deposited PTE table (every mechanism does this)',
  });
}

/**
 * MADV_FREE (madvise_free_single_vma): PTEs stay mapped, pages are marked
 * lazy-free, RSS does not change. A huge PMD only partly covered is split.
 */
export function madvise_free_single_vma(mm: Mm, v: Vma, start: number, end: number, reqStart: number, reqEnd: number): void {
  const s = Math.max(start, v.start);
  const e = Math.min(end, v.end);
  mm.enter('madvise_free_single_vma');
  forEachPresentSlot(mm, s, e, (slot, t) => {
    const slotStart = slot * PMD_SIZE;
    const a = Math.max(s, slotStart);
    const b = Math.min(e, slotStart + PMD_SIZE);
    if (t.huge !== HUGE_NONE) {
      if (a === slotStart && b === slotStart + PMD_SIZE) {
        // madvise_free_huge_pmd: a folio another process maps too is left
        // alone (folio_maybe_mapped_shared); otherwise the whole folio
        // becomes lazy-free (clean, old).
        if (t.huge === HUGE_ANON_WP && hugeShared(mm, slot)) return;
        if (isAnonHuge(t.huge)) t.huge = HUGE_ANON_LAZY;
        mm.enter('madvise_free_huge_pmd');
        return;
      }
      if (t.huge === HUGE_ANON_WP) {
        // A folio another process maps too is left alone (folio_maybe_mapped_shared).
        if (hugeShared(mm, slot)) return;
        t.huge = HUGE_ANON; // this process's alone again: split as any THP
      }
      const anon = isAnonHuge(t.huge);
      const lazy = t.huge === HUGE_ANON_LAZY;
      __split_huge_pmd(mm, t);
      if (anon) split_folio(mm, t, lazy);
    } else if (splitsFolio(t, (a - slotStart) / PAGE_SIZE, (b - slotStart) / PAGE_SIZE)) split_folio(mm, t);
    mm.enter('madvise_free_pte_range');
    mm.counters.pteLocks++;
    mm.counters.entriesScanned += (b - a) / PAGE_SIZE;
    const cleared = madvise_free_pte_range(mm, t, (a - slotStart) / PAGE_SIZE, (b - slotStart) / PAGE_SIZE);
    mm.mech.afterZap(mm, { slot, table: t, start: a, end: b, reqStart, reqEnd, cleared, cause: 'free' });
  });
}

/**
 * madvise_free_pte_range over entries [k0, k1) of t: a swap entry is cleared
 * (free_swap_and_cache, pte_clear: the only entries MADV_FREE makes none), a
 * present anonymous small page is marked clean and old and its folio
 * lazy-free (folio_mark_lazyfree). The zero page and the subpages of a
 * PTE-mapped THP that the call did not split are left as they are
 * (simplified: such a folio's lazy-free mark is not tracked). Returns the
 * entries cleared.
 */
function madvise_free_pte_range(mm: Mm, t: PteTable, k0: number, k1: number): number {
  if (t.nonNone === 0) return 0;
  if (t.uniform && k0 === 0 && k1 === HPAGE_PMD_NR) {
    if (t.fill === PTE_ANON) t.setAll(PTE_ANON_LAZY);
    else if (t.fill === PTE_ANON_ZEROED) t.setAll(PTE_ANON_LAZY_ZEROED);
    else if (t.fill === PTE_SWAP) {
      t.setAll(PTE_NONE);
      t.nonNone = 0;
      mm.swapPages -= HPAGE_PMD_NR;
      return HPAGE_PMD_NR;
    }
    return 0;
  }
  if (t.uniform && t.fill !== PTE_ANON && t.fill !== PTE_ANON_ZEROED && t.fill !== PTE_SWAP) return 0;
  const ents = t.ents;
  let cleared = 0;
  for (let k = k0; k < k1; k++) {
    if (ents[k] === PTE_ANON) ents[k] = PTE_ANON_LAZY;
    else if (ents[k] === PTE_ANON_ZEROED) ents[k] = PTE_ANON_LAZY_ZEROED;
    else if (ents[k] === PTE_SWAP) {
      ents[k] = PTE_NONE;
      cleared++;
    }
  }
  t.nonNone -= cleared;
  mm.swapPages -= cleared;
  if (t.nonNone === 0) t.setAll(PTE_NONE);
  return cleared;
}
