// struct mm_struct: one process's VMAs, page tables and counters
// (include/linux/mm_types.h). Allocation and accounting of page-table pages
// follow mm/memory.c: __pud_alloc, __pmd_alloc, __pte_alloc -> pmd_install,
// with mm_inc_nr_{puds,pmds,ptes}; VmPTE is their sum times 4 kB
// (fs/proc/task_mmu.c prints mm_pgtables_bytes >> 10).
//
// The mm also records what a step did: the kernel functions it went through
// (path), per-table reasons and, only when asked, a full event list. Event
// recording is off on the hot path: the 50 GiB scenario never allocates an
// event per fault.
import type { ThpMode } from '../../scenario/ast.ts';
import { DEFAULT_MMAP_BASE, PTRS_PER_TABLE, TABLE_KB, PAGE_KB, PMD_SIZE, PUD_SIZE, PGDIR_SIZE } from '../constants.ts';
import { copyCounters, newCounters, type Counters, type Figures, type SimEvent, type ReasonCode, type TableLevel, type TableReason } from '../types.ts';
import type { Mechanism } from './mechanism.ts';
import { PmdTable, PudTable, newPteTable, recyclePteTable, type PteTable } from './pgtable.ts';
import type { Vma } from './vma.ts';

/**
 * Steps that go through the same kernel functions share one path array: the
 * paths form a trie, walked by enter(), so recording a step's path costs no
 * allocation once its path has been seen.
 */
interface PathNode {
  readonly path: readonly string[];
  /** Its index in PATHS: a step log stores this number, not the array. */
  readonly id: number;
  /** The node each function leads to, as two parallel arrays: a node has few, and a scan of a few strings beats a Map lookup on the hottest call of the core. */
  readonly keys: string[];
  readonly next: PathNode[];
}
/** Every distinct path seen, by id (shared by all runs; only ever appended to). */
export const PATHS: (readonly string[])[] = [[]];
const ROOT_PATH: PathNode = { path: PATHS[0], id: 0, keys: [], next: [] };

/** khugepaged's sysfs limits: they apply to khugepaged's scans only, never to MADV_COLLAPSE (cc->is_khugepaged). */
export interface KhugepagedSysfs {
  maxPtesNone: number;
  maxPtesSwap: number;
  maxPtesShared: number;
}
/** khugepaged_init: HPAGE_PMD_NR - 1, HPAGE_PMD_NR / 8, HPAGE_PMD_NR / 2. */
export const KHUGEPAGED_DEFAULTS: Readonly<KhugepagedSysfs> = { maxPtesNone: 511, maxPtesSwap: 64, maxPtesShared: 256 };

/** Reason lines a step keeps one by one; the rest are counted (Mm.explain). */
export const MAX_STEP_REASONS = 2048;

/** Mm.tally's record. */
export interface Tally {
  counters: Counters;
  nr: { pud: number; pmd: number; pte: number };
  rssAnonPages: number;
  swapPages: number;
  more: Map<ReasonCode, number> | null;
}

/** now.f += (now.f - then.f) * times for every number, nested objects included (Counters' per-level tables). */
function addTimes(now: Record<string, unknown>, then: Record<string, unknown>, times: number): void {
  for (const key in now) {
    const v = now[key];
    if (typeof v === 'number') now[key] = v + (v - (then[key] as number)) * times;
    else addTimes(v as Record<string, unknown>, then[key] as Record<string, unknown>, times);
  }
}

export class Mm {
  /** PGD: 512 entries, each a PUD table (P4D folded). The PGD itself is not counted. */
  pgd: (PudTable | null)[] = new Array(PTRS_PER_TABLE).fill(null);
  vmas: Vma[] = [];
  /** mm_pgtables_bytes, split per level, in tables. */
  nr = { pud: 0, pmd: 0, pte: 0 };
  rssAnonPages = 0;
  /** Work done so far (slot operations: trace/execute.ts), against the run's budget. */
  work = 0;
  thp: ThpMode = 'madvise';
  /**
   * Read faults map the shared zero page (and the huge zero page). Some
   * kernels are booted without it; then a read maps a real zeroed page.
   */
  zeroPage = true;
  /**
   * A swap device is on (`swap on`). Off by default, like this project's
   * machines (/proc/swaps lists none): MADV_PAGEOUT then cannot move a
   * dirty anonymous page anywhere and leaves it mapped (src/core/mm/swap.ts).
   */
  swap = false;
  /** Swap entries in this mm's page tables: VmSwap / 4 kB (MM_SWAPENTS). */
  swapPages = 0;
  /** /sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_* (the `khugepaged` statement sets them). */
  khugepaged: KhugepagedSysfs = { ...KHUGEPAGED_DEFAULTS };
  mmapBase = DEFAULT_MMAP_BASE;
  counters: Counters = newCounters();
  nextId = 1;
  nextAnonVma = 1;
  /**
   * After a fork: every live process's mm (this one included), one array the
   * run shares; null for a single process. Copy-on-write asks it whether a
   * write-protected page is still mapped elsewhere (cow.ts).
   */
  family: Mm[] | null = null;

  // What the current step did.
  events: SimEvent[] | null = null;
  /** The step's path so far: a node of the path trie, whose `path` array is shared by every step that went the same way. */
  private pathNode: PathNode = ROOT_PATH;
  private lastFn = '';
  reasons: TableReason[] = [];

  constructor(readonly mech: Mechanism) {}

  /**
   * The additive figures of this mm now (counters, table counts, RSS, swap,
   * reasons counted past the step's lines), to repeat what one operation did
   * (repeatSince): an operation on a compact table depends only on its state,
   * so identical tables in a row change these figures identically.
   */
  tally(): Tally {
    const more = this.moreReasons;
    return {
      counters: copyCounters(this.counters),
      nr: { ...this.nr },
      rssAnonPages: this.rssAnonPages,
      swapPages: this.swapPages,
      more: more === null ? null : new Map([...more].map(([code, r]) => [code, r.count])),
    };
  }
  /** Add, `times` more times, what changed since t (tally): one operation done, its copies accounted. */
  repeatSince(t: Tally, times: number): void {
    addTimes(this.counters as unknown as Record<string, unknown>, t.counters as unknown as Record<string, unknown>, times);
    addTimes(this.nr, t.nr, times);
    this.rssAnonPages += (this.rssAnonPages - t.rssAnonPages) * times;
    this.swapPages += (this.swapPages - t.swapPages) * times;
    if (this.moreReasons !== null) {
      for (const r of this.moreReasons.values()) r.count += (r.count - (t.more?.get(r.code) ?? 0)) * times;
    }
  }

  /**
   * After an operation on the first of `run` identical compact tables from
   * entry k of pmd (tally taken before it): do to the other run - 1 what it
   * did to the first (freed, or given its new state) and repeat its figures.
   * False if the first became an object (its count is not just its entries):
   * the caller does the others one by one.
   */
  repeatRun(pmd: PmdTable, k: number, run: number, before: Tally): boolean {
    const after = pmd.compactState(k);
    if (after < 0 && pmd.has(k)) return false;
    const more = run - 1;
    if (after >= 0) pmd.setCompactRun(k + 1, more, after);
    else {
      pmd.dropCompactRun(k + 1, more);
      pmd.used -= more;
    }
    this.repeatSince(before, more);
    return true;
  }

  /** Record that a kernel function ran in this step (first-seen order, once each). */
  enter(fn: string): void {
    if (fn === this.lastFn) return; // loops enter the same function slot after slot
    this.lastFn = fn;
    const n = this.pathNode;
    const keys = n.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === fn) {
        this.pathNode = n.next[i];
        return;
      }
    }
    // First time from this node: a function already on the path maps to the node itself.
    let next: PathNode;
    if (n.path.includes(fn)) next = n;
    else {
      const path = Object.freeze([...n.path, fn]);
      next = { path, id: PATHS.push(path) - 1, keys: [], next: [] };
    }
    keys.push(fn);
    n.next.push(next);
    this.pathNode = next;
  }
  emit(e: SimEvent): void {
    if (this.events) this.events.push(e);
  }
  reason(r: TableReason): void {
    this.reasons.push(r);
    if (this.events) this.events.push({ kind: 'reason', reason: r });
  }
  /**
   * Should the caller make this table's reason line? Past MAX_STEP_REASONS
   * (a zap over terabytes touches millions of tables) the step only counts
   * the rest by code (moreReasons), and the caller makes nothing.
   */
  wantsReason(code: ReasonCode, verdict: TableReason['verdict']): boolean {
    if (this.reasons.length < this.maxReasons || this.events) return true;
    if (!this.countMoreReasons) return false;
    this.moreReasons ??= new Map();
    const m = this.moreReasons.get(code);
    if (m) m.count++;
    else this.moreReasons.set(code, { verdict, code, count: 1 });
    return false;
  }
  /**
   * Reason lines a step keeps (MAX_STEP_REASONS). A run that keeps only its
   * last step (`--steps final`) sets 0 for the steps before it: their tables
   * are only counted, so a terabyte-scale run builds no line nobody reads.
   */
  maxReasons = MAX_STEP_REASONS;
  /**
   * Count the reasons past maxReasons (moreReasons). A run that keeps only
   * its last step turns this off for the steps before it: nobody reads them.
   */
  countMoreReasons = true;
  /** Reasons past maxReasons in this step, counted by code. */
  moreReasons: Map<ReasonCode, { verdict: TableReason['verdict']; code: ReasonCode; count: number }> | null = null;
  /** Start recording a new step: path, reasons and (if asked) events start empty. */
  beginStep(recordEvents: boolean): void {
    this.pathNode = ROOT_PATH;
    this.lastFn = '';
    if (this.reasons.length) this.reasons = [];
    this.moreReasons = null;
    this.events = recordEvents ? [] : null;
  }
  /** The kernel functions of this step, in first-seen order: one shared, frozen array per distinct path. */
  path(): readonly string[] {
    return this.pathNode.path;
  }
  /** This step's path as an index into PATHS. */
  pathId(): number {
    return this.pathNode.id;
  }

  figures(): Figures {
    let vmSize = 0;
    for (const v of this.vmas) vmSize += v.end - v.start;
    const f: Figures = {
      VmPTE: (this.nr.pud + this.nr.pmd + this.nr.pte) * TABLE_KB,
      RssAnon: this.rssAnonPages * PAGE_KB,
      VmSize: vmSize / 1024,
      tables: { ...this.nr },
    };
    if (this.swapPages !== 0) f.VmSwap = this.swapPages * PAGE_KB;
    return f;
  }

  // ---- walking (no allocation) ----

  pudAt(addr: number): PudTable | null {
    return this.pgd[Math.floor(addr / PGDIR_SIZE)];
  }
  pmdTableAt(addr: number): PmdTable | null {
    const pud = this.pgd[Math.floor(addr / PGDIR_SIZE)];
    if (!pud) return null;
    return pud.entries[Math.floor(addr / PUD_SIZE) % PTRS_PER_TABLE];
  }
  /** The PMD entry of a slot: a PTE table (possibly a huge PMD's deposit) or null, as an object the caller may change. */
  pteAt(slot: number): PteTable | null {
    const pmd = this.pmdTableAt(slot * PMD_SIZE);
    return pmd ? pmd.get(slot % PTRS_PER_TABLE) : null;
  }
  /** The id of the PTE table at a slot (0: none), without making an object. */
  ptePeekId(slot: number): number {
    const pmd = this.pmdTableAt(slot * PMD_SIZE);
    if (!pmd) return 0;
    const k = slot % PTRS_PER_TABLE;
    const t = pmd.liveAt(k);
    return t ? t.id : pmd.compactId(k);
  }
  /** The PMD entry of a slot for reading only: the table, or a copy of a compact one (never change it; nothing is un-compacted). */
  ptePeek(slot: number): PteTable | null {
    const pmd = this.pmdTableAt(slot * PMD_SIZE);
    return pmd ? pmd.peek(slot % PTRS_PER_TABLE) : null;
  }
  /** Is the PMD entry of a slot populated? (no object made) */
  hasPte(slot: number): boolean {
    const pmd = this.pmdTableAt(slot * PMD_SIZE);
    return pmd !== null && pmd.has(slot % PTRS_PER_TABLE);
  }

  /**
   * Keep compact tables compact (PmdTable.compact): when an operation on a
   * slot ends, its PTE table, if uniform and held by no walker, goes back to
   * being a number. Off while a race runs (its checker follows table objects).
   */
  compactTables = true;
  settle(slot: number): void {
    const pmd = this.compactTables ? this.pmdTableAt(slot * PMD_SIZE) : null;
    if (pmd) this.settleIn(pmd, slot % PTRS_PER_TABLE);
  }
  /** settle, for a walker that holds the PMD table. */
  settleIn(pmd: PmdTable, k: number): void {
    if (!this.compactTables) return;
    const t = pmd.compact(k);
    if (t) recyclePteTable(t);
  }

  // ---- allocation: mm/memory.c ----

  private accountAlloc(level: TableLevel, addr: number, id: number, by: string): void {
    this.nr[level]++;
    this.counters.tablesAllocated[level]++;
    this.enter(by);
    if (this.events) this.events.push({ kind: 'table_allocated', level, addr, id, by });
  }

  /** pud_alloc -> __pud_alloc: the PUD table for addr, allocated under page_table_lock. */
  pud_alloc(addr: number): PudTable {
    const i = Math.floor(addr / PGDIR_SIZE);
    let pud = this.pgd[i];
    if (!pud) {
      pud = new PudTable(this.nextId++, i);
      this.counters.pmdLocks++; // spin_lock(&mm->page_table_lock)
      this.pgd[i] = pud;
      this.accountAlloc('pud', i * PGDIR_SIZE, pud.id, '__pud_alloc');
    }
    return pud;
  }

  /** pmd_alloc -> __pmd_alloc: the PMD table for addr, allocated under pud_lock. */
  pmd_alloc(addr: number): PmdTable {
    const pud = this.pud_alloc(addr);
    const region = Math.floor(addr / PUD_SIZE);
    const i = region % PTRS_PER_TABLE;
    let pmd = pud.entries[i];
    if (!pmd) {
      pmd = new PmdTable(this.nextId++, region);
      this.counters.pmdLocks++;
      pud.entries[i] = pmd;
      pud.used++;
      this.accountAlloc('pmd', region * PUD_SIZE, pmd.id, '__pmd_alloc');
    }
    return pmd;
  }

  /**
   * __pte_alloc -> pmd_install: link a fresh PTE table into a none PMD entry
   * under the PMD lock and account it (mm_inc_nr_ptes). `by` names the caller
   * for THP deposits (do_huge_pmd_anonymous_page also counts its table).
   */
  pmd_install(pmd: PmdTable, slot: number, by = 'pmd_install'): PteTable {
    const t = this.pte_alloc_one(slot);
    this.counters.pmdLocks++;
    this.linkPte(pmd, t, by);
    return t;
  }

  /** pte_alloc_one: a fresh, empty PTE table for a slot, not yet linked or accounted. */
  pte_alloc_one(slot: number): PteTable {
    return newPteTable(this.nextId++, slot);
  }

  /** The locked half of pmd_install (the caller holds the PMD lock): point the none PMD entry at t, account it. */
  linkPte(pmd: PmdTable, t: PteTable, by = 'pmd_install'): void {
    pmd.link(t.slot % PTRS_PER_TABLE, t);
    pmd.used++;
    this.accountAlloc('pte', t.slot * PMD_SIZE, t.id, by);
  }

  // ---- freeing ----

  /**
   * Set by the race engine (src/core/races) while a munmap runs on a CPU:
   * free_pgtables then hands each PTE table it unlinks to the modelled
   * mmu_gather instead of freeing it at once.
   */
  onPteUnlinked: ((t: PteTable) => void) | null = null;

  /**
   * Unlink a PTE table from its PMD entry and account it (mm_dec_nr_ptes).
   * The page itself goes to the mmu_gather; `rcu` says whether it outlives an
   * RCU grace period (pt-reclaim and pte-ref: always; baseline x86 free_pgtables
   * frees after the TLB flush IPI).
   */
  unlinkPte(slot: number, by: string, rcu: boolean): void {
    const t = this.detachPte(slot, by, rcu);
    if (this.onPteUnlinked) {
      this.onPteUnlinked(t);
      return;
    }
    if (this.compactTables) recyclePteTable(t); // no one else holds it (races keep tables: compactTables is off there)
  }

  /** Clear the PMD entry of a slot and account the table gone; the table object is returned, intact. */
  detachPte(slot: number, by: string, rcu: boolean): PteTable {
    const pmd = this.pmdTableAt(slot * PMD_SIZE)!;
    const t = pmd.unlink(slot % PTRS_PER_TABLE)!;
    pmd.used--;
    this.nr.pte--;
    this.counters.tablesFreed.pte++;
    if (rcu) this.counters.rcuFrees++;
    this.enter(by);
    if (this.events) this.events.push({ kind: 'table_freed', level: 'pte', addr: slot * PMD_SIZE, id: t.id, by, rcu });
    return t;
  }

  unlinkPmdTable(addr: number, by: string): void {
    const pud = this.pudAt(addr)!;
    const i = Math.floor(addr / PUD_SIZE) % PTRS_PER_TABLE;
    const pmd = pud.entries[i]!;
    pud.entries[i] = null;
    pud.used--;
    this.nr.pmd--;
    this.counters.tablesFreed.pmd++;
    this.enter(by);
    if (this.events) this.events.push({ kind: 'table_freed', level: 'pmd', addr: pmd.region * PUD_SIZE, id: pmd.id, by, rcu: false });
  }

  unlinkPudTable(addr: number, by: string): void {
    const i = Math.floor(addr / PGDIR_SIZE);
    const pud = this.pgd[i]!;
    this.pgd[i] = null;
    this.nr.pud--;
    this.counters.tablesFreed.pud++;
    this.enter(by);
    if (this.events) this.events.push({ kind: 'table_freed', level: 'pud', addr: i * PGDIR_SIZE, id: pud.id, by, rcu: false });
  }

  /** A deep copy: a checkpoint for time travel (with `mech`, the same state under another design). */
  clone(mech: Mechanism = this.mech): Mm {
    const m = new Mm(mech);
    // The materialised PTE tables' entries go into one buffer: one
    // allocation, not one per table; uniform and compact tables have no
    // entries to copy.
    let arrays = 0;
    for (const pud of this.pgd) {
      if (!pud) continue;
      for (const pmd of pud.entries) if (pmd) for (const t of pmd.liveTables()) if (!t.uniform) arrays++;
    }
    const buf = new Uint8Array(PTRS_PER_TABLE * arrays);
    let used = 0;
    const ents = (t: PteTable): Uint8Array | undefined => {
      if (t.uniform) return undefined;
      used += PTRS_PER_TABLE;
      return buf.subarray(used - PTRS_PER_TABLE, used);
    };
    for (let i = 0; i < PTRS_PER_TABLE; i++) {
      const pud = this.pgd[i];
      if (!pud) continue;
      const np = new PudTable(pud.id, pud.index);
      np.used = pud.used;
      for (let j = 0; j < PTRS_PER_TABLE; j++) {
        const pmd = pud.entries[j];
        if (pmd) np.entries[j] = pmd.clone(ents);
      }
      m.pgd[i] = np;
    }
    copyMmRest(this, m);
    return m;
  }
}

/** Everything of an mm but its page tables: what a copy or a checkpoint carries as plain values. */
export type MmRest = Pick<Mm, 'vmas' | 'nr' | 'rssAnonPages' | 'work' | 'thp' | 'zeroPage' | 'swap' | 'swapPages' | 'khugepaged' | 'mmapBase' | 'counters' | 'nextId' | 'nextAnonVma' | 'compactTables'>;

/** Copy `from`'s MmRest into `to` (VMAs, counts and counters copied, not shared). The one list of these fields. */
export function copyMmRest(from: MmRest, to: MmRest): void {
  to.vmas = from.vmas.map((v) => ({ ...v }));
  to.nr = { ...from.nr };
  to.rssAnonPages = from.rssAnonPages;
  to.work = from.work;
  to.thp = from.thp;
  to.zeroPage = from.zeroPage;
  to.swap = from.swap;
  to.swapPages = from.swapPages;
  to.khugepaged = { ...from.khugepaged };
  to.mmapBase = from.mmapBase;
  to.counters = copyCounters(from.counters);
  to.nextId = from.nextId;
  to.nextAnonVma = from.nextAnonVma;
  to.compactTables = from.compactTables;
}
