// The one interface behind which the three PTE-table freeing designs sit
// (baseline, pte-ref, pt-reclaim; and the race lab's `broken`). The mm code
// calls these hooks at the points where the designs differ; everything else
// is shared kernel behaviour. It is defined here, beside its callers, so that
// no file under mm/ imports a mechanism: the designs (src/core/mechanisms)
// depend on mm, never the reverse.
//
//   fault:    __pte_alloc -> walkerGet(fresh) ... ptesFaulted ... walkerPut
//             (whole fresh slots in bulk: freshSlotsFaulted)
//   zap:      zap_pte_range per slot -> afterZap (free or keep, and why)
//   mremap:   move_ptes: walkerGet(dst) ... ptesMovedIn, afterMoveOut(src), moveDone(dst)
//             move_normal_pmd / move_huge_pmd -> pmdMoved
//   THP:      __split_huge_pmd -> tableFilled
//   collapse: hpage_collapse_scan_pmd: walkerGet(t) ... walkerPut(t) (the scan's visitor);
//             collapse_huge_page -> tableDeposited (pgtable_trans_huge_deposit)
//   free:     the designs free through mm.unlinkPte (accounting and events)
import type { MechanismVariant } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import type { SimEvent } from '../types.ts';
import type { Mm } from './mm.ts';
import type { PteTable } from './pgtable.ts';

/** Why a range of a PTE table was zapped. */
export type ZapCause = 'dontneed' | 'free' | 'munmap' | 'pageout';

export interface ZapSlot {
  slot: number;
  table: PteTable;
  /** The part of the slot this zap_pte_range call covered (clipped to one VMA). */
  start: number;
  end: number;
  /** The range the user asked for (before clipping to the VMA). */
  reqStart: number;
  reqEnd: number;
  /** Entries this call cleared (for `pageout`: lazily freed pages reclaim discarded). */
  cleared: number;
  cause: ZapCause;
}

export interface Mechanism {
  readonly name: MechanismVariant;
  /** pte-ref keeps a per-table pte_refcount; the others do not. */
  readonly refcounts: boolean;
  /** Freed tables outlive an RCU grace period (MMU_GATHER_RCU_TABLE_FREE). */
  readonly rcuTableFree: boolean;
  /**
   * A walker that will set entries now holds t: a fault after __pte_alloc
   * (`fresh`: pmd_install just linked it) or a move_ptes destination.
   */
  walkerGet(mm: Mm, t: PteTable, fresh: boolean): void;
  /** The fault's walker lets go of t (pte_put after the faults). */
  walkerPut(mm: Mm, t: PteTable): void;
  /**
   * n new PTE tables were each installed and filled whole by 512 faults on
   * none entries, and are kept compact (no object): the bulk form of
   * walkerGet(fresh), ptesFaulted(512, 512), walkerPut for each. A design
   * with counts leaves each at 512 (PmdTable.linkCompact records that).
   */
  freshSlotsFaulted(mm: Mm, n: number): void;
  /** Faults over t set `added` none entries and replaced `faults - added` zero-page entries (counted in bulk). */
  ptesFaulted(mm: Mm, t: PteTable, added: number, faults: number): void;
  /**
   * One fault, event by event, when the step records its events (the app
   * steps through it): instead of ptesFaulted, with the same accounting;
   * emits `pteSet` within the design's own events.
   */
  recordFault(mm: Mm, t: PteTable, pteSet: SimEvent & { kind: 'pte_set' }, added: boolean): void;
  /** After zap_pte_range over one slot: free the table or keep it, and say why. */
  afterZap(mm: Mm, z: ZapSlot): void;
  /** move_ptes put `moved` entries into dst. */
  ptesMovedIn(mm: Mm, dst: PteTable, moved: number): void;
  /** After move_ptes emptied `moved` entries out of a source table. */
  afterMoveOut(mm: Mm, table: PteTable, moved: number): void;
  /** move_ptes is done with its destination (its walker's put). */
  moveDone(mm: Mm, dst: PteTable): void;
  /** move_normal_pmd / move_huge_pmd re-linked t under another PMD entry. */
  pmdMoved(mm: Mm, t: PteTable): void;
  /** t's entries were set wholesale: __split_huge_pmd, or the process image at exec. */
  tableFilled(mm: Mm, t: PteTable, by: '__split_huge_pmd' | 'load_elf_binary' | 'copy_pte_range'): void;
  /** collapse_huge_page emptied t (pmdp_collapse_flush took it out of the PMD) and deposited it under the new huge PMD. */
  tableDeposited(mm: Mm, t: PteTable): void;
  /**
   * A read-only page walker (mincore, pagemap, mprotect's change_pte_range)
   * reads t: how the design keeps t alive meanwhile (pte-ref: a visitor
   * reference, v3 11/15; 6.18: RCU and the PTE lock), and the why-line.
   */
  walkTable(mm: Mm, t: PteTable, walker: PageWalker): void;
}

/** The read-only page walkers ptlab models (src/core/mm/walkers.ts). */
export type PageWalker = 'mincore' | 'pagemap' | 'change_pte_range';

/** The hooks of a design without a per-table count: nothing to do at any of these points. */
export const noCounts = {
  refcounts: false,
  walkerGet(): void {},
  walkerPut(): void {},
  ptesFaulted(): void {},
  freshSlotsFaulted(): void {},
  recordFault(mm: Mm, _t: PteTable, pteSet: SimEvent): void {
    mm.emit(pteSet);
  },
  ptesMovedIn(): void {},
  afterMoveOut(): void {},
  moveDone(): void {},
  pmdMoved(): void {},
  tableFilled(): void {},
  tableDeposited(): void {},
  walkTable(mm: Mm, t: PteTable, walker: PageWalker): void {
    // 6.18: pte_offset_map_lock under rcu_read_lock, then pmd_same under the PTE lock (B20, P9).
    mm.counters.pteLocks++;
    if (mm.wantsReason('walked', 'kept')) mm.reason({ addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code: 'walked', text: `read by ${walker} under RCU and the PTE lock, no reference (6.18: pte_offset_map_lock rechecks the PMD)` });
  },
} as const;
