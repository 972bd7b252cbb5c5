// Immutable views of a state for the UI and the CLI: what tables exist,
// what each PTE table holds and which VMAs it serves. Built on demand from a
// Run's state at a step; never on the simulation's hot path.
import { PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, PGDIR_SIZE } from './constants.ts';
import { cowShared, hugeShared } from './mm/cow.ts';
import type { Mm } from './mm/mm.ts';
import { HUGE_ANON_WP, HUGE_NONE, PTE_ANON_COW, PTE_NONE, isHugeAnon, stateCounted, stateFill, stateHuge, type PmdTable, type PteTable } from './mm/pgtable.ts';
import type { Vma } from './mm/vma.ts';

export type PteTableKind = 'table' | 'huge' | 'huge-zero';

export interface PteTableView {
  id: number;
  /** Start of the 2 MiB slot. */
  addr: number;
  kind: PteTableKind;
  nonNone: number;
  /** pte-ref's refcount; equal to nonNone between steps, 0 for other mechanisms. */
  refcount: number;
  /** After a fork: entries mapping a page another process maps too (mapcount > 1); 512 for a shared THP. */
  shared?: number;
}

export interface PmdTableView {
  id: number;
  addr: number;
  ptes: PteTableView[];
}

export interface PudTableView {
  id: number;
  addr: number;
  pmds: PmdTableView[];
}

export interface VmaView {
  start: number;
  end: number;
  prot: Vma['prot'];
  hugepage: boolean;
  nohugepage: boolean;
  kind: Vma['kind'];
  label?: string;
}

export interface Snapshot {
  puds: PudTableView[];
  vmas: VmaView[];
}

export function snapshot(mm: Mm): Snapshot {
  const puds: PudTableView[] = [];
  for (let g = 0; g < PTRS_PER_TABLE; g++) {
    const pud = mm.pgd[g];
    if (!pud) continue;
    const pv: PudTableView = { id: pud.id, addr: g * PGDIR_SIZE, pmds: [] };
    for (const pmd of pud.entries) {
      if (!pmd) continue;
      const mv: PmdTableView = { id: pmd.id, addr: pmd.region * PUD_SIZE, ptes: [] };
      pmd.forEachIndex((k) => {
        const t = pmd.peek(k)!;
        const view: PteTableView = { id: t.id, addr: t.slot * PMD_SIZE, kind: t.huge === HUGE_NONE ? 'table' : isHugeAnon(t.huge) ? 'huge' : 'huge-zero', nonNone: t.huge ? 512 : t.nonNone, refcount: t.refcount };
        if (mm.family) view.shared = sharedEntries(mm, t);
        mv.ptes.push(view);
      });
      pv.pmds.push(mv);
    }
    puds.push(pv);
  }
  const vmas = mm.vmas.map((v) => {
    const out: VmaView = { start: v.start, end: v.end, prot: v.prot, hugepage: v.hugepage, nohugepage: v.nohugepage, kind: v.kind };
    if (v.label) out.label = v.label;
    return out;
  });
  return { puds, vmas };
}

/** Entries of t mapping a page another process of the family maps too (fork's copy-on-write sharing). */
export function sharedEntries(mm: Mm, t: PteTable): number {
  if (t.huge === HUGE_ANON_WP) return hugeShared(mm, t.slot) ? PTRS_PER_TABLE : 0;
  if (t.huge !== HUGE_NONE || t.nonNone === 0) return 0;
  let n = 0;
  for (let k = 0; k < PTRS_PER_TABLE; k++) if (t.entry(k) === PTE_ANON_COW && cowShared(mm, t.slot, k)) n++;
  return n;
}

/** Does the PTE table of this slot map nothing (null: no table)? Read only: a compact table stays compact. */
export function pteTableEmpty(mm: Mm, slotAddr: number): boolean | null {
  const t = mm.ptePeek(Math.floor(slotAddr / PMD_SIZE));
  return t ? t.nonNone === 0 : null;
}

/** The 512 entries of the PTE table of a slot (a copy), or null. */
export function pteEntries(mm: Mm, slotAddr: number): Uint8Array | null {
  const t = mm.ptePeek(Math.floor(slotAddr / PMD_SIZE));
  return t ? t.copyEnts() : null;
}

/** slotCells' codes beside a table's value + 1: a huge PMD (a THP), the huge zero page. */
export const CELL_HUGE = 0xffff;
export const CELL_HUGE_ZERO = 0xfffe;

export interface SlotCells {
  puds: { id: number; addr: number }[];
  /** Every PMD table, by address. */
  pmds: { id: number; addr: number }[];
  /**
   * 512 cells per PMD table, in the order of `pmds`: 0 no PTE table; a PTE
   * table's value + 1 (its pte-ref refcount with `byRefcount`, else its
   * non-none entries); CELL_HUGE or CELL_HUGE_ZERO for a huge PMD.
   */
  cells: Uint16Array;
}

/**
 * The page tables of a production-size state, one number per 2 MiB slot:
 * what the strip view draws when there are too many PTE tables for a list
 * (the 55 TiB process keeps 28.8 million). Reads compact tables in place.
 */
export function slotCells(mm: Mm, byRefcount: boolean): SlotCells {
  const puds: SlotCells['puds'] = [];
  const pmds: SlotCells['pmds'] = [];
  const tables: PmdTable[] = [];
  for (let g = 0; g < PTRS_PER_TABLE; g++) {
    const pud = mm.pgd[g];
    if (!pud) continue;
    puds.push({ id: pud.id, addr: g * PGDIR_SIZE });
    for (const pmd of pud.entries) {
      if (!pmd) continue;
      pmds.push({ id: pmd.id, addr: pmd.region * PUD_SIZE });
      tables.push(pmd);
    }
  }
  const cells = new Uint16Array(tables.length * PTRS_PER_TABLE);
  let o = 0;
  for (const pmd of tables) {
    for (let k = 0; k < PTRS_PER_TABLE; k++, o++) {
      const st = pmd.compactState(k);
      let huge: number;
      let nonNone: number;
      let refcount: number;
      if (st >= 0) {
        huge = stateHuge(st);
        nonNone = stateFill(st) !== PTE_NONE ? PTRS_PER_TABLE : 0;
        refcount = stateCounted(st) ? nonNone : 0;
      } else {
        if (!pmd.has(k)) continue;
        const t = pmd.peek(k)!;
        huge = t.huge;
        nonNone = t.nonNone;
        refcount = t.refcount;
      }
      cells[o] = huge !== HUGE_NONE ? (isHugeAnon(huge) ? CELL_HUGE : CELL_HUGE_ZERO) : (byRefcount ? refcount : nonNone) + 1;
    }
  }
  return { puds, pmds, cells };
}
