// Immutable views of a state for the UI and the CLI: what tables exist,
// what each PTE table holds and which VMAs it serves. Built on demand from a
// Run's state at a step; never on the simulation's hot path.
import { PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, PGDIR_SIZE } from './constants.ts';
import type { Mm } from './mm/mm.ts';
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
        mv.ptes.push({ id: t.id, addr: t.slot * PMD_SIZE, kind: t.huge === 0 ? 'table' : t.huge === 2 ? 'huge-zero' : 'huge', nonNone: t.huge ? 512 : t.nonNone, refcount: t.refcount });
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

/** The 512 entries of the PTE table of a slot (a copy), or null. */
/** Does the PTE table of this slot map nothing (null: no table)? No copy made. */
export function pteTableEmpty(mm: Mm, slotAddr: number): boolean | null {
  const t = mm.pteAt(Math.floor(slotAddr / PMD_SIZE));
  return t ? t.nonNone === 0 : null;
}

export function pteEntries(mm: Mm, slotAddr: number): Uint8Array | null {
  const t = mm.pteAt(Math.floor(slotAddr / PMD_SIZE));
  return t ? t.copyEnts() : null;
}
