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
export const PTE_ANON_THP = 4;
export type PteValue = 0 | 1 | 2 | 3 | 4;

export const HUGE_NONE = 0;
export const HUGE_ANON = 1;
export const HUGE_ZERO = 2;

export class PteTable {
  readonly ents: Uint8Array;
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
    this.ents = ents ?? new Uint8Array(512);
  }
  /** A copy; `into` (512 bytes) receives the entries when given. */
  clone(into?: Uint8Array): PteTable {
    let ents: Uint8Array;
    if (into) {
      into.set(this.ents);
      ents = into;
    } else ents = this.ents.slice();
    const t = new PteTable(this.id, this.slot, ents);
    t.nonNone = this.nonNone;
    t.refcount = this.refcount;
    t.huge = this.huge;
    return t;
  }
}

export class PmdTable {
  readonly entries: (PteTable | null)[] = new Array(512).fill(null);
  /** Populated entries. */
  used = 0;
  constructor(
    readonly id: number,
    /** 1 GiB region index (address >> 30); move_normal_pud moves it. */
    public region: number,
  ) {}
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
