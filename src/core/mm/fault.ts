// Page faults over a range: handle_mm_fault -> __handle_mm_fault ->
// (create_huge_pmd -> do_huge_pmd_anonymous_page | handle_pte_fault ->
// do_anonymous_page | do_wp_page -> wp_page_copy) (mm/memory.c,
// mm/huge_memory.c).
//
// `touch` writes one byte in every page, `read` reads one. The loop works
// slot by slot so the 50 GiB scenario's 13 million faults cost a few array
// writes each; per-fault events are built only when the step records them.
// Private file mappings (a recorded program's executable and libraries):
// do_read_fault maps the file page (in VmPTE, not RssAnon), do_cow_fault and
// wp_page_copy map an anonymous copy; a shared one maps the file page on
// write too (do_shared_fault). A fault just below a stack VMA grows it
// (expand_stack).
// Simplified: no mTHP sizes below PMD (our machines enable only 2 MiB), no
// khugepaged, no fault-around (do_fault_around maps up to 16 cached file pages
// around a read fault, inside the same PTE table: it never adds a table, so
// only pte-ref's counts of file-backed tables can differ).
import { PAGE_SIZE, PMD_SIZE, HPAGE_PMD_NR, PTRS_PER_TABLE } from '../constants.ts';
import type { SimError } from '../types.ts';
import type { Mm } from './mm.ts';
import { cowShared, cowSharer, hugeShared } from './cow.ts';
import { HUGE_ANON, HUGE_ANON_LAZY, HUGE_ANON_WP, HUGE_NONE, HUGE_ZERO, PTE_ANON, PTE_ANON_COW, PTE_ANON_LAZY, PTE_ANON_LAZY_ZEROED, PTE_ANON_THP, PTE_ANON_ZEROED, PTE_ANON_THP_CLEAN, PTE_FILE, PTE_NONE, PTE_SWAP, PTE_ZERO, isHugeAnon, stateFill, stateHuge, type PteTable, type PteValue } from './pgtable.ts';
import { __split_huge_pmd } from './zap.ts';
import { anon_vma_prepare, findVma, findVmaFrom, type Vma } from './vma.ts';

/** RLIMIT_STACK's usual soft limit: how far below its top a stack may grow. */
const STACK_LIMIT = 8 * 1024 * 1024;

/** expand_stack (mm/mmap.c): a fault below a stack VMA, within its limit, moves its start down. Returns the VMA's index or -1. */
function expand_stack(mm: Mm, addr: number): number {
  const i = findVmaFrom(mm, addr);
  const v = mm.vmas[i];
  if (!v || v.kind !== 'stack' || addr >= v.start) return -1;
  const prev = mm.vmas[i - 1];
  const start = addr - (addr % PAGE_SIZE);
  if (v.end - start > STACK_LIMIT || (prev && prev.end > start)) return -1;
  mm.enter('expand_stack');
  v.pgoff -= (v.start - start) / PAGE_SIZE;
  v.start = start;
  return i;
}

/** thp_vma_allowable_order for a PMD-sized folio at this slot. */
export function thpAllowed(mm: Mm, v: Vma, slotStart: number): boolean {
  if (v.kind !== 'anon' || v.nohugepage || mm.thp === 'never') return false;
  if (mm.thp === 'madvise' && !v.hugepage) return false;
  return v.start <= slotStart && slotStart + PMD_SIZE <= v.end;
}

/** Could any slot of v take a THP (thpAllowed without the slot's bounds)? */
function thpMayApply(mm: Mm, v: Vma): boolean {
  return v.kind === 'anon' && !v.nohugepage && mm.thp !== 'never' && (mm.thp !== 'madvise' || v.hugepage);
}

function segv(addr: number, write: boolean, v: Vma | undefined): SimError {
  const why = !v ? 'no mapping there' : v.prot === 'none' ? 'the page is PROT_NONE' : 'the page is read-only';
  return { kind: 'segv', addr, message: `SIGSEGV: ${write ? 'write to' : 'read of'} 0x${addr.toString(16)}: ${why}` };
}

/** Fault in every page of [start, end) for write or read. Returns the SIGSEGV that stopped it, if any. */
export function faultRange(mm: Mm, start: number, end: number, write: boolean): SimError | null {
  // Without the zero page a read fault allocates a zeroed anonymous page,
  // exactly as a write does; only the permission check still differs.
  const mapsAnon = write || !mm.zeroPage;
  let addr = start - (start % PAGE_SIZE);
  while (addr < end) {
    let i = findVma(mm, addr);
    if (i < 0) i = expand_stack(mm, addr);
    const v = mm.vmas[i];
    if (i < 0 || v.prot === 'none' || (write && v.prot !== 'rw')) {
      mm.enter('do_user_addr_fault');
      return segv(addr, write, v);
    }
    const segEnd = Math.min(end, v.end);
    if (v.kind === 'file') {
      faultFile(mm, i, addr, segEnd, write);
      addr = segEnd;
      continue;
    }
    // Whole slots with no table yet, once the VMA has its anon_vma (after a
    // first fault on the slow path, or an earlier statement): a run of them
    // is filled at once (faultFreshSlots), entering the functions the slow
    // path would.
    const fast = mm.events === null && mm.compactTables && mapsAnon && !thpMayApply(mm, v);
    while (addr < segEnd) {
      const slot = Math.floor(addr / PMD_SIZE);
      if (fast && v.anonVma !== 0 && addr % PMD_SIZE === 0 && addr + PMD_SIZE <= segEnd && !mm.hasPte(slot)) {
        addr += faultFreshSlots(mm, slot, Math.floor(segEnd / PMD_SIZE), write ? PTE_ANON : PTE_ANON_ZEROED) * PMD_SIZE;
        continue;
      }
      const slotEnd = Math.min((slot + 1) * PMD_SIZE, segEnd);
      // Identical compact tables in a row, each faulted whole, when no reason line is wanted: the first is
      // faulted, and what it did is what each of the others does (Mm.repeatRun).
      const run = fast && v.anonVma !== 0 && addr % PMD_SIZE === 0 && mm.reasons.length >= mm.maxReasons ? refaultRun(mm, slot, Math.floor(segEnd / PMD_SIZE)) : 0;
      const before = run > 1 ? mm.tally() : null;
      const t = faultSlot(mm, i, slot, addr, slotEnd, mapsAnon, write);
      if (write && t) markWritten(t, slot, addr, slotEnd);
      mm.settle(slot); // a uniform table goes back to compact
      addr = slotEnd;
      if (before !== null && mm.repeatRun(mm.pmdTableAt(slot * PMD_SIZE)!, slot % PTRS_PER_TABLE, run, before)) addr = (slot + run) * PMD_SIZE;
    }
  }
  return null;
}

/**
 * How many compact tables from slot on (before slot s1, within one PMD table)
 * are identical, and a whole-slot fault of each depends on nothing but its
 * state: not a huge PMD's deposit, no never-written THP subpages (markWritten),
 * no page fork shares (do_wp_page asks the other processes).
 */
function refaultRun(mm: Mm, slot: number, s1: number): number {
  const pmd = mm.pmdTableAt(slot * PMD_SIZE);
  const k = slot % PTRS_PER_TABLE;
  const st = pmd ? pmd.compactState(k) : -1;
  if (st < 0 || stateHuge(st) !== HUGE_NONE) return 0;
  const f = stateFill(st);
  if (f === PTE_ANON_THP_CLEAN || f === PTE_ANON_COW) return 0;
  return pmd!.compactRun(k, st, s1 - slot);
}

/**
 * faultSlot over whole slots [s0, s1) that have no PTE table, stopping at the
 * first that has one: each gets pmd_alloc, pmd_install and 512
 * do_anonymous_page faults, exactly as faultSlot would, but the table is
 * made compact at once (all `fill`: anonymous pages, written or, for a read
 * on a kernel without the zero page, zeroed; no object, no entry array) and the
 * run is accounted in bulk. Only for a step that records no events, on an
 * anonymous VMA that has its anon_vma and where THP is not allowed, from a slot
 * s0 the caller found empty. The step's path gets the functions faultSlot
 * would enter, in its order. Returns the number of slots done (at least one).
 */
function faultFreshSlots(mm: Mm, s0: number, s1: number, fill: PteValue): number {
  const refcounted = mm.mech.refcounts;
  let s = s0;
  // faultSlot's order: handle_mm_fault, the PUD/PMD allocations, pmd_install, __pte_alloc, do_anonymous_page.
  mm.enter('handle_mm_fault');
  while (s < s1) {
    const pmd = mm.pmd_alloc(s * PMD_SIZE);
    const end = Math.min(s1, (Math.floor(s / PTRS_PER_TABLE) + 1) * PTRS_PER_TABLE);
    for (; s < end; s++) {
      const k = s % PTRS_PER_TABLE;
      if (pmd.has(k)) break;
      pmd.linkCompact(k, mm.nextId++, fill, refcounted);
      pmd.used++;
      if (s === s0) {
        mm.enter('pmd_install');
        mm.enter('__pte_alloc');
        mm.enter('handle_mm_fault');
        mm.enter('do_anonymous_page');
      }
    }
    if (s < end) break;
  }
  const n = s - s0;
  if (n === 0) return 0;
  // Per slot: pmd_install's PMD lock and mm_inc_nr_ptes, then 512 faults, each under the PTE lock.
  const c = mm.counters;
  mm.nr.pte += n;
  c.tablesAllocated.pte += n;
  c.pmdLocks += n;
  c.faults += n * HPAGE_PMD_NR;
  c.pteLocks += n * HPAGE_PMD_NR;
  mm.rssAnonPages += n * HPAGE_PMD_NR;
  mm.mech.freshSlotsFaulted(mm, n);
  return n;
}

/**
 * A write into a PMD-mapped THP: remember which subpages now hold data, so a
 * later folio split (MADV_FREE of part of it) knows which subpages are still
 * all zeros (mm/huge_memory.c remap_page, RMP_USE_SHARED_ZEROPAGE). A huge
 * PMD's deposited table maps nothing; its entry array holds these marks.
 */
function markWritten(t: PteTable, slot: number, addr: number, end: number): void {
  // A plain table (the common case) has nothing to mark.
  if (t.huge === HUGE_NONE && t.uniform && t.fill !== PTE_ANON_THP_CLEAN) return;
  // A write dirties a lazy-free THP again: reclaim keeps it (try_to_unmap_one sees the dirty PMD).
  if (t.huge === HUGE_ANON_LAZY) t.huge = HUGE_ANON;
  const base = slot * PMD_SIZE;
  const k0 = (addr - base) / PAGE_SIZE;
  const k1 = Math.ceil((end - base) / PAGE_SIZE);
  if (isHugeAnon(t.huge)) {
    t.ents.fill(PTE_ANON, k0, k1);
    return;
  }
  // A PTE-mapped THP: a write into a never-written subpage needs no fault, but it holds data now.
  if (t.huge !== HUGE_NONE || (t.uniform && t.fill !== PTE_ANON_THP_CLEAN)) return;
  if (t.uniform && k0 === 0 && k1 === HPAGE_PMD_NR) {
    t.setAll(PTE_ANON_THP);
    return;
  }
  const ents = t.ents;
  for (let k = k0; k < k1; k++) if (ents[k] === PTE_ANON_THP_CLEAN) ents[k] = PTE_ANON_THP;
}

/** The faults of one 2 MiB slot, [addr, end) within VMA i. Returns the slot's table afterwards. */
function faultSlot(mm: Mm, vi: number, slot: number, addr: number, end: number, write: boolean, realWrite: boolean): PteTable {
  const v = mm.vmas[vi];
  const c = mm.counters;
  let t = mm.pteAt(slot);
  if (!t) {
    // __handle_mm_fault: pud_alloc, pmd_alloc, then the PMD entry is none.
    mm.enter('handle_mm_fault');
    const pmd = mm.pmd_alloc(addr);
    if (thpAllowed(mm, v, slot * PMD_SIZE)) {
      return do_huge_pmd_anonymous_page(mm, vi, pmd, slot, addr, write);
    }
    t = mm.pmd_install(pmd, slot);
    mm.enter('__pte_alloc');
    mm.mech.walkerGet(mm, t, true); // the installer's reference
    faultPtes(mm, vi, t, addr, end, write, realWrite);
    mm.mech.walkerPut(mm, t);
    return t;
  }
  if (t.huge !== HUGE_NONE) {
    if (write && t.huge === HUGE_ZERO) {
      // do_huge_pmd_wp_page -> do_huge_zero_wp_pmd: replace the huge zero page with a THP.
      mm.enter('handle_mm_fault');
      mm.enter('do_huge_zero_wp_pmd');
      anon_vma_prepare(mm, vi);
      t.huge = HUGE_ANON;
      mm.rssAnonPages += HPAGE_PMD_NR;
      c.faults++;
      c.hugeFaults++;
      c.pmdLocks++;
      if (mm.events) {
        mm.events.push({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
        mm.events.push({ kind: 'huge_mapped', addr: slot * PMD_SIZE, zero: false, by: 'do_huge_zero_wp_pmd' });
      }
    }
    if (realWrite && t.huge === HUGE_ANON_WP) {
      // do_huge_pmd_wp_page: fork write-protected this THP.
      mm.enter('handle_mm_fault');
      mm.enter('do_huge_pmd_wp_page');
      c.pmdLocks++;
      if (!hugeShared(mm, slot)) {
        // Mapped by this process alone again (folio_ref_count() == 1): reuse it, writable.
        t.huge = HUGE_ANON;
        c.faults++;
        if (mm.events) mm.events.push({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
        return t;
      }
      // Still shared: split the PMD and copy only the written pages (VM_FAULT_FALLBACK -> do_wp_page).
      __split_huge_pmd(mm, t);
    } else return t; // a huge PMD maps the whole slot: no more faults here
  }
  faultPtes(mm, vi, t, addr, end, write, realWrite);
  return t;
}

/**
 * handle_pte_fault for each page of [addr, end) in table t. `mapsAnon`: a
 * fault on a none entry maps an anonymous page (a write, or any fault on a
 * kernel whose reads do not use the zero page); only a real `write` copies a
 * page that is already mapped to the zero page.
 */
function faultPtes(mm: Mm, vi: number, t: PteTable, addr: number, end: number, mapsAnon: boolean, write: boolean): void {
  const base = t.slot * PMD_SIZE;
  const k0 = (addr - base) / PAGE_SIZE;
  const k1 = Math.ceil((end - base) / PAGE_SIZE);
  const rec = mm.events !== null;
  if (t.uniform) {
    // Every entry holds t.fill: a fault changes none of them, or (over the
    // whole slot) all of them at once, with no array.
    const f = t.fill;
    const clean = f === PTE_ANON_LAZY || f === PTE_ANON_ZEROED || f === PTE_ANON_LAZY_ZEROED;
    const changes = f === PTE_NONE || f === PTE_SWAP || (write && (f === PTE_ZERO || f === PTE_ANON_COW || clean));
    if (!changes) return;
    if (k0 === 0 && k1 === HPAGE_PMD_NR && clean) {
      t.setAll(PTE_ANON); // the writes set the dirty bits: no fault, no new page
      return;
    }
    if (k0 === 0 && k1 === HPAGE_PMD_NR && f === PTE_SWAP && !rec) {
      // do_swap_page for every entry: each maps its page back (a major fault when read from the device).
      t.setAll(PTE_ANON);
      mm.swapPages -= HPAGE_PMD_NR;
      faulted(mm, t, 0, HPAGE_PMD_NR, HPAGE_PMD_NR, 'do_swap_page');
      return;
    }
    if (k0 === 0 && k1 === HPAGE_PMD_NR && !rec && f !== PTE_ANON_COW) {
      const anon = f === PTE_ZERO || mapsAnon;
      if (anon && mm.vmas[vi].anonVma === 0) anon_vma_prepare(mm, vi);
      if (f === PTE_ZERO) mm.enter('wp_page_copy');
      t.setAll(anon ? (write ? PTE_ANON : PTE_ANON_ZEROED) : PTE_ZERO);
      faulted(mm, t, f === PTE_NONE ? HPAGE_PMD_NR : 0, anon ? HPAGE_PMD_NR : 0, HPAGE_PMD_NR);
      return;
    }
  }
  const ents = t.ents;
  let faults = 0;
  let newEntries = 0;
  let newAnon = 0;
  let anonPrepared = mm.vmas[vi].anonVma !== 0;
  let swapped = 0;
  // Pages fork write-protected: which ones another process still maps (null until one is met).
  let shared: ((k: number) => boolean) | boolean | null = null;
  for (let k = k0; k < k1; k++) {
    const e = ents[k];
    if (e === PTE_SWAP) {
      // do_swap_page: the page comes back from swap (read or write), the swap entry becomes a present PTE.
      ents[k] = PTE_ANON;
      newAnon++;
      faults++;
      swapped++;
      if (rec) recordFault(mm, t, base + k * PAGE_SIZE, 'anon', 'do_swap_page');
      continue;
    }
    if (e === PTE_ANON_LAZY || e === PTE_ANON_ZEROED || e === PTE_ANON_LAZY_ZEROED) {
      if (write) ents[k] = PTE_ANON; // dirty again, or data now: no fault
      continue;
    }
    if (e === PTE_ANON_COW && write) {
      // do_wp_page: wp_page_copy while another process maps the page, else wp_page_reuse (RssAnon unchanged either way).
      shared ??= cowSharer(mm, t.slot);
      const copy = shared === true || (shared !== false && shared(k));
      ents[k] = PTE_ANON;
      faults++;
      mm.enter('handle_mm_fault');
      mm.enter('do_wp_page');
      mm.enter(copy ? 'wp_page_copy' : 'wp_page_reuse');
      if (rec) recordFault(mm, t, base + k * PAGE_SIZE, 'anon', copy ? 'wp_page_copy' : 'wp_page_reuse');
      continue;
    }
    if (mapsAnon) {
      if (e === PTE_NONE) {
        if (!anonPrepared) {
          anon_vma_prepare(mm, vi);
          anonPrepared = true;
        }
        ents[k] = write ? PTE_ANON : PTE_ANON_ZEROED;
        newEntries++;
        newAnon++;
        faults++;
        if (rec) recordFault(mm, t, base + k * PAGE_SIZE, 'anon', 'do_anonymous_page');
      } else if (e === PTE_ZERO && write) {
        // do_wp_page -> wp_page_copy: a private copy replaces the zero page.
        if (!anonPrepared) {
          anon_vma_prepare(mm, vi);
          anonPrepared = true;
        }
        ents[k] = PTE_ANON;
        newAnon++;
        faults++;
        mm.enter('wp_page_copy');
        if (rec) recordFault(mm, t, base + k * PAGE_SIZE, 'anon', 'wp_page_copy');
      }
    } else if (e === PTE_NONE) {
      // do_anonymous_page, read: map the shared zero page (no anon_vma, no RSS).
      ents[k] = PTE_ZERO;
      newEntries++;
      faults++;
      if (rec) recordFault(mm, t, base + k * PAGE_SIZE, 'zero', 'do_anonymous_page');
    }
  }
  mm.swapPages -= swapped;
  faulted(mm, t, newEntries, newAnon, faults, swapped === faults ? 'do_swap_page' : 'do_anonymous_page');
  if (swapped > 0 && swapped !== faults) mm.enter('do_swap_page');
}

/** The accounting of `faults` faults over t, `added` of them on none entries and `anon` mapping anonymous pages. */
function faulted(mm: Mm, t: PteTable, added: number, anon: number, faults: number, by = 'do_anonymous_page'): void {
  if (faults === 0) return;
  mm.enter('handle_mm_fault');
  if (added > 0 || anon > 0) mm.enter(by);
  t.nonNone += added;
  mm.rssAnonPages += anon;
  const c = mm.counters;
  c.faults += faults;
  c.pteLocks += faults; // pte_offset_map_lock per fault
  if (mm.events === null) mm.mech.ptesFaulted(mm, t, added, faults);
}

function recordFault(mm: Mm, t: PteTable, addr: number, value: 'anon' | 'zero', by: string): void {
  mm.emit({ kind: 'fault', addr, write: value === 'anon', by: 'handle_mm_fault' });
  // A fault on a none entry adds one; wp_page_copy, wp_page_reuse and do_swap_page replace a non-none entry.
  mm.mech.recordFault(mm, t, { kind: 'pte_set', addr, tableId: t.id, value, by }, by !== 'wp_page_copy' && by !== 'wp_page_reuse' && by !== 'do_swap_page');
}

/** do_huge_pmd_anonymous_page: map a THP (write) or the huge zero page (read), depositing a PTE table. */
function do_huge_pmd_anonymous_page(mm: Mm, vi: number, pmd: Parameters<Mm['pmd_install']>[0], slot: number, addr: number, write: boolean): PteTable {
  mm.enter('create_huge_pmd');
  anon_vma_prepare(mm, vi);
  const t = mm.pmd_install(pmd, slot, 'do_huge_pmd_anonymous_page');
  t.huge = write ? HUGE_ANON : HUGE_ZERO;
  if (write) mm.rssAnonPages += HPAGE_PMD_NR;
  mm.counters.faults++;
  mm.counters.hugeFaults++;
  if (mm.events) {
    mm.events.push({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
    mm.events.push({ kind: 'huge_mapped', addr: slot * PMD_SIZE, zero: !write, by: write ? 'do_huge_pmd_anonymous_page' : 'set_huge_zero_folio' });
  }
  return t;
}

/**
 * Faults on a file mapping, page by page (recorded programs fault few file
 * pages): do_read_fault, do_cow_fault / do_wp_page -> wp_page_copy, do_shared_fault.
 */
function faultFile(mm: Mm, vi: number, start: number, end: number, write: boolean): void {
  const v = mm.vmas[vi];
  const c = mm.counters;
  const rec = mm.events !== null;
  for (let addr = start - (start % PAGE_SIZE); addr < end; ) {
    const slot = Math.floor(addr / PMD_SIZE);
    const slotEnd = Math.min((slot + 1) * PMD_SIZE, end);
    let t = mm.pteAt(slot);
    let fresh = false;
    if (!t) {
      mm.enter('handle_mm_fault');
      t = mm.pmd_install(mm.pmd_alloc(addr), slot);
      mm.enter('__pte_alloc');
      mm.mech.walkerGet(mm, t, true);
      fresh = true;
    }
    const base = slot * PMD_SIZE;
    let added = 0;
    let faults = 0;
    for (; addr < slotEnd; addr += PAGE_SIZE) {
      const k = (addr - base) / PAGE_SIZE;
      const e = t.entry(k);
      let by: string;
      let value: PteValue;
      if (e === PTE_NONE) {
        by = !write ? 'do_read_fault' : v.shared ? 'do_shared_fault' : 'do_cow_fault';
        value = write && !v.shared ? PTE_ANON : PTE_FILE;
      } else if (write && e === PTE_FILE && !v.shared) {
        by = 'wp_page_copy';
        value = PTE_ANON;
      } else if (write && e === PTE_ANON_COW) {
        // do_wp_page on an anonymous copy fork write-protected: no new page counted (one maps, one unmaps, or reuse).
        by = cowShared(mm, slot, (addr - base) / PAGE_SIZE) ? 'wp_page_copy' : 'wp_page_reuse';
        t.ents[(addr - base) / PAGE_SIZE] = PTE_ANON;
        faults++;
        mm.enter('handle_mm_fault');
        mm.enter(by);
        if (rec) {
          mm.emit({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
          mm.mech.recordFault(mm, t, { kind: 'pte_set', addr, tableId: t.id, value: 'anon', by }, false);
        }
        continue;
      } else continue;
      if (value === PTE_ANON) {
        anon_vma_prepare(mm, vi);
        mm.rssAnonPages++;
      }
      t.ents[k] = value;
      faults++;
      if (e === PTE_NONE) {
        t.nonNone++;
        added++;
      }
      mm.enter('handle_mm_fault');
      mm.enter(by);
      if (rec) {
        mm.emit({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
        mm.mech.recordFault(mm, t, { kind: 'pte_set', addr, tableId: t.id, value: value === PTE_ANON ? 'anon' : 'file', by }, e === PTE_NONE);
      }
    }
    c.faults += faults;
    c.pteLocks += faults;
    if (!rec && faults > 0) mm.mech.ptesFaulted(mm, t, added, faults);
    if (fresh) mm.mech.walkerPut(mm, t);
  }
}
