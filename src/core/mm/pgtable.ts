// Page-table pages: PUD, PMD and PTE tables, 512 entries each
// (include/linux/mm_types.h struct ptdesc; mm/memory.c __pud_alloc,
// __pmd_alloc, __pte_alloc, pmd_install).
//
// Simplifications: a PTE entry is one byte naming what it maps (none, an
// anonymous page, the shared zero page, a file page of the process image, or
// an anonymous page of a split THP); permission bits are not modelled, since
// mprotect changes them without touching the table's existence. A huge PMD is
// represented by its deposited PTE table with `huge` set: x86 deposits one
// table per anonymous huge PMD (pgtable_trans_huge_deposit) and counts it in
// VmPTE.

export const PTE_NONE = 0;
export const PTE_ANON = 1;
export const PTE_ZERO = 2;
export const PTE_FILE = 3;
/** A subpage of a PTE-mapped THP (its PMD was split; the folio was not) that has been written. */
export const PTE_ANON_THP = 4;
/** A subpage of a PTE-mapped THP never written: all zeros, still mapped (RssAnon) until a folio split drops it. */
export const PTE_ANON_THP_CLEAN = 5;
/**
 * An anonymous page fork write-protected (copy_present_pte: PageAnonExclusive
 * cleared, the PTE made read-only in parent and child). A write takes
 * do_wp_page: wp_page_copy while another process still maps the page,
 * wp_page_reuse once it is this process's alone (src/core/mm/cow.ts).
 */
export const PTE_ANON_COW = 6;
/**
 * An anonymous page MADV_FREE made lazy-free (clean, old): still mapped and in
 * RssAnon; a write dirties it again (PTE_ANON, no fault); reclaim
 * (MADV_PAGEOUT) discards it even without swap (try_to_unmap_one).
 */
export const PTE_ANON_LAZY = 7;
/** A swap entry (MADV_PAGEOUT with swap): not present but non-none; in VmSwap, not RssAnon. */
export const PTE_SWAP = 8;
/**
 * An anonymous page a read fault mapped on a kernel without the zero page
 * (do_anonymous_page allocates a zeroed page): all zeros until written (a
 * write needs no fault and makes it PTE_ANON). A collapse copies it as zeros,
 * so a later folio split maps that subpage to the zero page.
 */
export const PTE_ANON_ZEROED = 9;
/** A PTE_ANON_ZEROED page that MADV_FREE made lazy-free: PTE_ANON_LAZY whose content is still all zeros. */
export const PTE_ANON_LAZY_ZEROED = 10;
export type PteValue = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
/** Lazily freed (MADV_FREE, not written since): reclaim discards it. */
export const isLazyPte = (e: number): boolean => e === PTE_ANON_LAZY || e === PTE_ANON_LAZY_ZEROED;
/** Entries that count in RssAnon. */
export const isAnonPte = (e: number): boolean =>
  e === PTE_ANON || e === PTE_ANON_THP || e === PTE_ANON_THP_CLEAN || e === PTE_ANON_COW || e === PTE_ANON_LAZY || e === PTE_ANON_ZEROED || e === PTE_ANON_LAZY_ZEROED;

export const HUGE_NONE = 0;
export const HUGE_ANON = 1;
export const HUGE_ZERO = 2;
/** An anonymous huge PMD fork write-protected (copy_huge_pmd): a write takes do_huge_pmd_wp_page. */
export const HUGE_ANON_WP = 3;
/** A PMD-mapped THP that MADV_FREE made lazy-free as a whole (madvise_free_huge_pmd); a write makes it HUGE_ANON again. */
export const HUGE_ANON_LAZY = 4;
/** A huge PMD mapping an anonymous THP (RssAnon 512 pages): writable, write-protected by fork, or lazy-free. */
export const isHugeAnon = (h: number): boolean => h === HUGE_ANON || h === HUGE_ANON_WP || h === HUGE_ANON_LAZY;
/** The same test, by the name the THP code uses. */
export const isAnonHuge = isHugeAnon;

/**
 * A compact PTE table's state byte (PmdTable): its fill (4 bits), its huge
 * state (3 bits) and whether its pte-ref count is its entries (bit 7).
 */
export const packState = (fill: number, huge: number, counted: boolean): number => fill | (huge << 4) | (counted ? 128 : 0);
export const stateFill = (st: number): PteValue => (st & 15) as PteValue;
export const stateHuge = (st: number): number => (st >> 4) & 7;
export const stateCounted = (st: number): boolean => (st & 128) !== 0;

/**
 * Spare 512-entry arrays: a partial operation materialises one, and a table
 * that becomes all-none gives its array back. Carved from shared slabs, so a
 * table's array costs no ArrayBuffer of its own. Deterministic: contents are
 * always reset before reuse.
 */
const spare: Uint8Array[] = [];
const SPARE_MAX = 4096;
let slab: Uint8Array | null = null;
let slabUsed = 0;
function newEnts(fill: number): Uint8Array {
  let a = spare.pop();
  if (!a) {
    if (!slab || slabUsed === slab.length) {
      slab = new Uint8Array(PTRS_PER_PTE * 256);
      slabUsed = 0;
    }
    a = slab.subarray(slabUsed, slabUsed + PTRS_PER_PTE);
    slabUsed += PTRS_PER_PTE;
  } else a.fill(0);
  if (fill !== PTE_NONE) a.fill(fill);
  return a;
}
const PTRS_PER_PTE = 512;

/**
 * A PTE table. Its 512 entries are kept two ways: while every entry holds the
 * same value (all none after a whole-slot zap, all anonymous after a
 * whole-slot fault), `fill` says which and there is no array, so whole-slot
 * work is O(1) per 2 MiB slot; the first operation on part of the table
 * materialises the array (`ents`), and a table that empties again drops it.
 * The two forms are the same table: every figure, count and event is
 * identical whichever form a table is in.
 */
export class PteTable {
  /** The entries, or null while every entry is `fill`. */
  private arr: Uint8Array | null;
  /** The value of every entry while `arr` is null. */
  fill: PteValue = PTE_NONE;
  /** Non-none entries: what pt-reclaim rescans for and pte-ref counts. */
  nonNone = 0;
  /** pte-ref's pte_refcount: non-none entries plus visitors (0 when unused). */
  refcount = 0;
  /** HUGE_NONE: a table in use. Otherwise deposited under a huge PMD. */
  huge = HUGE_NONE;
  constructor(
    /** Unique for the run; a recycled table gets a new id. */
    public id: number,
    /** The 2 MiB slot index (address >> 21) it maps. */
    public slot: number,
    ents?: Uint8Array,
  ) {
    this.arr = ents ?? null;
  }
  /** The entries as an array, materialised on first use (a partial operation, a detail view). */
  get ents(): Uint8Array {
    return (this.arr ??= newEnts(this.fill));
  }
  /** True while every entry holds `fill` (no array). */
  get uniform(): boolean {
    return this.arr === null;
  }
  /** Entry k, without materialising. */
  entry(k: number): number {
    return this.arr === null ? this.fill : this.arr[k];
  }
  /** Every entry becomes v (the array, if any, is given back); the caller keeps nonNone right. */
  setAll(v: PteValue): void {
    if (this.arr !== null) {
      if (spare.length < SPARE_MAX) spare.push(this.arr);
      this.arr = null;
    }
    this.fill = v;
  }
  /** A detached copy of the 512 entries (for views). */
  copyEnts(): Uint8Array {
    return this.arr ? this.arr.slice() : new Uint8Array(PTRS_PER_PTE).fill(this.fill);
  }
  /** A copy; `into` (512 bytes) receives the entries when given and the table has an array. */
  clone(into?: Uint8Array): PteTable {
    let ents: Uint8Array | undefined;
    if (this.arr) {
      if (into) {
        into.set(this.arr);
        ents = into;
      } else ents = this.arr.slice();
    }
    const t = new PteTable(this.id, this.slot, ents);
    t.fill = this.fill;
    t.nonNone = this.nonNone;
    t.refcount = this.refcount;
    t.huge = this.huge;
    return t;
  }
}

/**
 * PTE table objects nobody holds any more (a freed table; a table that went
 * back to compact), reused so whole-slot work allocates nothing. Every field
 * is reset on reuse. The mm recycles only outside races (whose checker keeps
 * freed tables to catch a use after free).
 */
const tablePool: PteTable[] = [];
const POOL_MAX = 4096;
export function newPteTable(id: number, slot: number): PteTable {
  const t = tablePool.pop();
  if (!t) return new PteTable(id, slot);
  t.id = id;
  t.slot = slot;
  t.setAll(PTE_NONE);
  t.nonNone = 0;
  t.refcount = 0;
  t.huge = HUGE_NONE;
  return t;
}
export function recyclePteTable(t: PteTable): void {
  if (tablePool.length < POOL_MAX) tablePool.push(t);
}

/**
 * A PMD table: 512 entries, each none, or a PTE table (in use, or deposited
 * under a huge PMD). A PTE table is kept as an object while anything may
 * look at its parts; one whose entries are all alike and whose count is just
 * its entries (uniform, no walker holding it) can be kept compact instead: a
 * number for its id and a byte for its state, no object at all. The 55 TiB
 * process keeps 28.8 million PTE tables alive at once under baseline; as
 * objects they would not fit in memory, compact they take 5 bytes each.
 * get() turns a compact table back into an object (and keeps it so) for
 * code that changes it; peek() lends a read-only copy; the mm compacts a
 * table again when an operation on its slot ends (Mm.settle).
 */
/** The live array of every PmdTable that has no table object: all null, never written. */
const NO_LIVE: (PteTable | null)[] = new Array(PTRS_PER_PTE).fill(null);
/** live arrays given back (all null), for the next PMD table that needs one. */
const spareLive: (PteTable | null)[][] = [];
const SPARE_LIVE_MAX = 256;

export class PmdTable {
  /**
   * PTE tables as objects (null: none, or compact). A PMD table that holds
   * only compact tables (most of the 55 TiB process's 56,000) shares NO_LIVE
   * and gets its own array at its first object (own()).
   */
  private live: (PteTable | null)[] = NO_LIVE;
  /** Compact PTE tables: id (0: none) ... */
  private ids: Int32Array | null = null;
  /** ... and state (packState: fill, huge, whether the count is its entries). */
  private state: Uint8Array | null = null;
  /** Populated entries. */
  used = 0;
  /** Entries held as objects, and compact ones (used = live + compact): packing skips what is empty. */
  liveN = 0;
  compactN = 0;
  constructor(
    readonly id: number,
    /** 1 GiB region index (address >> 30); move_normal_pud moves it. */
    public region: number,
  ) {}

  /** Is entry k populated? */
  has(k: number): boolean {
    return this.live[k] !== null || (this.ids !== null && this.ids[k] !== 0);
  }

  /** The PTE table at entry k, as an object that the caller may change (a compact one becomes an object again). */
  get(k: number): PteTable | null {
    const t = this.live[k];
    if (t !== null || this.ids === null || this.ids[k] === 0) return t;
    const u = this.expand(k);
    this.ids[k] = 0;
    this.compactN--;
    this.own()[k] = u;
    this.liveN++;
    return u;
  }

  /** The PTE table at entry k for reading only: the object, or a copy of a compact one (never change it). */
  peek(k: number): PteTable | null {
    const t = this.live[k];
    if (t !== null || this.ids === null || this.ids[k] === 0) return t;
    return this.expand(k);
  }

  /** Point entry k at t (the caller accounts for `used`). */
  link(k: number, t: PteTable): void {
    if (this.ids !== null && this.ids[k] !== 0) {
      this.ids[k] = 0;
      this.compactN--;
    }
    if (this.live[k] === null) this.liveN++;
    this.own()[k] = t;
  }

  /**
   * Point the none entry k at a new compact table: every entry `fill`, with
   * (`counted`) or without pte-ref's count. The caller accounts for `used`.
   */
  linkCompact(k: number, id: number, fill: PteValue, counted: boolean): void {
    if (this.ids === null) {
      this.ids = new Int32Array(PTRS_PER_PTE);
      this.state = new Uint8Array(PTRS_PER_PTE);
    }
    this.ids[k] = id;
    this.state![k] = packState(fill, HUGE_NONE, counted && fill !== PTE_NONE);
    this.compactN++;
  }

  /** The state byte of the compact table at entry k (packState), or -1 if entry k is not a compact table. */
  compactState(k: number): number {
    return this.ids !== null && this.ids[k] !== 0 ? this.state![k] : -1;
  }
  /** The id of the compact table at entry k (0: none). */
  compactId(k: number): number {
    return this.ids !== null ? this.ids[k] : 0;
  }
  /** Set the state of the compact table at entry k (see compactState). */
  setCompactState(k: number, state: number): void {
    this.state![k] = state;
  }

  /** How many compact tables from entry k on (at most max, within this table) have state st: identical tables in a row. */
  compactRun(k: number, st: number, max: number): number {
    const ids = this.ids;
    const state = this.state;
    if (ids === null || state === null) return 0;
    const end = Math.min(PTRS_PER_PTE, k + max);
    let j = k;
    while (j < end && ids[j] !== 0 && state[j] === st) j++;
    return j - k;
  }
  /** Give the n compact tables from entry k on the state st (what the first of an identical run became). */
  setCompactRun(k: number, n: number, st: number): void {
    this.state!.fill(st, k, k + n);
  }
  /** Clear the n compact tables from entry k on (freed like the first of an identical run; the caller accounts for `used`). */
  dropCompactRun(k: number, n: number): void {
    this.ids!.fill(0, k, k + n);
    this.compactN -= n;
  }

  /** Clear entry k; returns the table that was there, as an object. */
  unlink(k: number): PteTable | null {
    const t = this.live[k];
    if (t !== null) {
      this.live[k] = null;
      if (--this.liveN === 0) this.release();
      return t;
    }
    if (this.ids === null || this.ids[k] === 0) return null;
    // A compact table: its object is made for the caller only (never stored here, so no array is taken and given back).
    const u = this.expand(k);
    this.ids[k] = 0;
    this.compactN--;
    return u;
  }

  /** Keep the table at entry k compact if it can be (uniform, and its count is its entries, or 0); returns the object it was. */
  compact(k: number): PteTable | null {
    const t = this.live[k];
    if (t === null || !t.uniform || (t.refcount !== 0 && t.refcount !== t.nonNone)) return null;
    if (this.ids === null) {
      this.ids = new Int32Array(PTRS_PER_PTE);
      this.state = new Uint8Array(PTRS_PER_PTE);
    }
    this.ids[k] = t.id;
    this.state![k] = packState(t.fill, t.huge, t.refcount !== 0);
    this.live[k] = null;
    this.compactN++;
    if (--this.liveN === 0) this.release();
    return t;
  }

  /** Calls fn for every populated entry's index, in order, without making objects. */
  forEachIndex(fn: (k: number) => void): void {
    const ids = this.ids;
    for (let k = 0; k < PTRS_PER_PTE; k++) if (this.live[k] !== null || (ids !== null && ids[k] !== 0)) fn(k);
  }

  /** The tables kept as objects (move_normal_pud renumbers their slots; compact ones take theirs from their place). */
  liveTables(): PteTable[] {
    return this.liveN === 0 ? [] : this.live.filter((t): t is PteTable => t !== null);
  }

  /** The compact tables' ids and states (null: none), for packing; not copies. */
  compactArrays(): { ids: Int32Array; state: Uint8Array } | null {
    return this.compactN > 0 && this.ids && this.state ? { ids: this.ids, state: this.state } : null;
  }
  /** Restore compact tables from packed arrays (copied). */
  setCompactArrays(ids: Int32Array, state: Uint8Array): void {
    this.adoptCompactArrays(ids.slice(), state.slice());
  }
  /** setCompactArrays without the copy: the table keeps these arrays. */
  adoptCompactArrays(ids: Int32Array, state: Uint8Array): void {
    this.ids = ids;
    this.state = state;
    let n = 0;
    for (let k = 0; k < PTRS_PER_PTE; k++) if (ids[k] !== 0) n++;
    this.compactN = n;
  }
  /** The table object at entry k, if it is one (not compact). */
  liveAt(k: number): PteTable | null {
    return this.live[k];
  }

  /** A deep copy (checkpoints): compact tables stay compact; `ents` gives the entries buffer for each object with an array. */
  clone(ents: (t: PteTable) => Uint8Array | undefined): PmdTable {
    const m = new PmdTable(this.id, this.region);
    m.used = this.used;
    m.liveN = this.liveN;
    m.compactN = this.compactN;
    if (this.ids && this.compactN > 0) {
      m.ids = this.ids.slice();
      m.state = this.state!.slice();
    }
    for (let k = 0; k < PTRS_PER_PTE; k++) {
      const t = this.live[k];
      if (t) m.own()[k] = t.clone(ents(t));
    }
    return m;
  }

  /** live, as this table's own array (NO_LIVE is shared and never written). */
  private own(): (PteTable | null)[] {
    if (this.live === NO_LIVE) this.live = spareLive.pop() ?? new Array(PTRS_PER_PTE).fill(null);
    return this.live;
  }

  /**
   * No table objects left: give the array back (all null now) and share
   * NO_LIVE again. 56,000 PMD tables holding a 4 KB array each would cost
   * the 55 TiB run 230 MB of heap for nothing.
   */
  private release(): void {
    if (this.live === NO_LIVE) return;
    if (spareLive.length < SPARE_LIVE_MAX) spareLive.push(this.live);
    this.live = NO_LIVE;
  }

  private expand(k: number): PteTable {
    const st = this.state![k];
    const t = newPteTable(this.ids![k], this.region * PTRS_PER_PTE + k);
    t.fill = stateFill(st);
    t.huge = stateHuge(st);
    t.nonNone = t.fill === PTE_NONE ? 0 : PTRS_PER_PTE;
    t.refcount = stateCounted(st) ? t.nonNone : 0;
    return t;
  }
}

export class PudTable {
  readonly entries: (PmdTable | null)[] = new Array(512).fill(null);
  used = 0;
  constructor(
    readonly id: number,
    /** 512 GiB region index (address >> 39) = PGD index. */
    readonly index: number,
  ) {}
}
