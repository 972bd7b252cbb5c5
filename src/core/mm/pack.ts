// A checkpoint of an mm, packed into typed arrays: the page-table tree as a
// few numbers per table, the entries of materialised PTE tables in one
// buffer, and plain copies of the few VMAs and counters. A run keeps one
// every so often for time travel; packed, a 25,600-table checkpoint is a
// handful of objects rather than 25,600, so a run's checkpoints cost the
// garbage collector nothing to trace. unpackMm rebuilds a live Mm (a seek
// does, then replays forward).
import { PTRS_PER_TABLE } from '../constants.ts';
import type { Mechanism } from './mechanism.ts';
import { Mm, copyMmRest, type MmRest } from './mm.ts';
import { PmdTable, PteTable, PudTable, type PteValue } from './pgtable.ts';

/** Per PUD table: pgd index, id, used. */
const PUD_W = 3;
/** Per PMD table: pgd index, pud index, id, region, used, offset of its compact tables in compactIds (-1: none). */
const PMD_W = 6;
/** Per PTE table: pmd table ordinal, pmd index, id, slot, fill, nonNone, refcount, huge, entry offset (-1: uniform). */
const PTE_W = 9;

export interface PackedMm {
  puds: Float64Array;
  pmds: Float64Array;
  ptes: Float64Array;
  ents: Uint8Array;
  /** Compact PTE tables (PmdTable's ids and states), 512 per PMD table that has any. */
  compactIds: Int32Array;
  compactState: Uint8Array;
  /** Everything else, copied (VMAs, counters, modes, ids). */
  rest: MmRest;
}

export function packMm(mm: Mm): PackedMm {
  let nPud = 0;
  let nPmd = 0;
  let nPte = 0;
  let nEnts = 0;
  let nCompact = 0;
  for (const pud of mm.pgd) {
    if (!pud) continue;
    nPud++;
    for (const pmd of pud.entries) {
      if (!pmd) continue;
      nPmd++;
      if (pmd.compactArrays()) nCompact++;
      for (const t of pmd.liveTables()) {
        nPte++;
        if (!t.uniform) nEnts++;
      }
    }
  }
  const compactIds = new Int32Array(nCompact * PTRS_PER_TABLE);
  const compactState = new Uint8Array(nCompact * PTRS_PER_TABLE);
  let d = 0;
  const puds = new Float64Array(nPud * PUD_W);
  const pmds = new Float64Array(nPmd * PMD_W);
  const ptes = new Float64Array(nPte * PTE_W);
  const ents = new Uint8Array(nEnts * PTRS_PER_TABLE);
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  for (let g = 0; g < PTRS_PER_TABLE; g++) {
    const pud = mm.pgd[g];
    if (!pud) continue;
    puds.set([g, pud.id, pud.used], a);
    a += PUD_W;
    for (let j = 0; j < PTRS_PER_TABLE; j++) {
      const pmd = pud.entries[j];
      if (!pmd) continue;
      const ordinal = b / PMD_W;
      const compact = pmd.compactArrays();
      pmds.set([g, j, pmd.id, pmd.region, pmd.used, compact ? d : -1], b);
      b += PMD_W;
      if (compact) {
        compactIds.set(compact.ids, d);
        compactState.set(compact.state, d);
        d += PTRS_PER_TABLE;
      }
      if (pmd.liveN === 0) continue;
      for (let k = 0; k < PTRS_PER_TABLE; k++) {
        const t = pmd.liveAt(k);
        if (!t) continue;
        let off = -1;
        if (!t.uniform) {
          off = e;
          ents.set(t.ents, e);
          e += PTRS_PER_TABLE;
        }
        ptes[c] = ordinal;
        ptes[c + 1] = k;
        ptes[c + 2] = t.id;
        ptes[c + 3] = t.slot;
        ptes[c + 4] = t.fill;
        ptes[c + 5] = t.nonNone;
        ptes[c + 6] = t.refcount;
        ptes[c + 7] = t.huge;
        ptes[c + 8] = off;
        c += PTE_W;
      }
    }
  }
  const rest = {} as MmRest;
  copyMmRest(mm, rest);
  return {
    puds,
    pmds,
    ptes,
    ents,
    compactIds,
    compactState,
    rest,
  };
}

/** A live Mm from a packed one (the packed one stays as it is). */
export function unpackMm(p: PackedMm, mech: Mechanism): Mm {
  const mm = new Mm(mech);
  const { puds, pmds, ptes, ents, compactIds, compactState, rest } = p;
  for (let a = 0; a < puds.length; a += PUD_W) {
    const pud = new PudTable(puds[a + 1], puds[a]);
    pud.used = puds[a + 2];
    mm.pgd[puds[a]] = pud;
  }
  const pmdTables: PmdTable[] = [];
  for (let b = 0; b < pmds.length; b += PMD_W) {
    const pmd = new PmdTable(pmds[b + 2], pmds[b + 3]);
    pmd.used = pmds[b + 4];
    const d = pmds[b + 5];
    if (d >= 0) pmd.setCompactArrays(compactIds.subarray(d, d + PTRS_PER_TABLE), compactState.subarray(d, d + PTRS_PER_TABLE));
    mm.pgd[pmds[b]]!.entries[pmds[b + 1]] = pmd;
    pmdTables.push(pmd);
  }
  for (let c = 0; c < ptes.length; c += PTE_W) {
    const off = ptes[c + 8];
    const t = new PteTable(ptes[c + 2], ptes[c + 3], off >= 0 ? ents.slice(off, off + PTRS_PER_TABLE) : undefined);
    t.fill = ptes[c + 4] as PteValue;
    t.nonNone = ptes[c + 5];
    t.refcount = ptes[c + 6];
    t.huge = ptes[c + 7];
    pmdTables[ptes[c]].link(ptes[c + 1], t);
  }
  copyMmRest(rest, mm);
  return mm;
}
