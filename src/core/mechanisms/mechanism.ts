// The one interface behind which the three PTE-table freeing designs sit.
// The mm code (fault, zap, mremap) calls these hooks at the points where the
// designs differ; everything else is shared kernel behaviour.
import type { MechanismVariant } from '../../scenario/ast.ts';
import type { Mm } from '../mm/mm.ts';
import type { PteTable } from '../mm/pgtable.ts';

/** Why a range of a PTE table was zapped. */
export type ZapCause = 'dontneed' | 'free' | 'munmap';

export interface ZapSlot {
  slot: number;
  table: PteTable;
  /** The part of the slot this zap_pte_range call covered (clipped to one VMA). */
  start: number;
  end: number;
  /** The range the user asked for (before clipping to the VMA). */
  reqStart: number;
  reqEnd: number;
  /** Entries this call cleared. */
  cleared: number;
  cause: ZapCause;
}

export interface Mechanism {
  readonly name: MechanismVariant;
  /** pte-ref keeps a per-table pte_refcount; the others do not. */
  readonly refcounts: boolean;
  /** Freed tables outlive an RCU grace period (MMU_GATHER_RCU_TABLE_FREE). */
  readonly rcuTableFree: boolean;
  /** After zap_pte_range over one slot: free the table or keep it, and say why. */
  afterZap(mm: Mm, z: ZapSlot): void;
  /** After move_ptes emptied `moved` entries out of a source table. */
  afterMoveOut(mm: Mm, table: PteTable, moved: number): void;
}
