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
  /**
   * Compact PTE tables (PmdTable's ids and states) of every PMD table that has
   * any, run-length coded: (length, first id, state) triples, a run being
   * entries whose ids count up by one (0: no compact table) with one state.
   * Tables faulted together have consecutive ids, so the 55 TiB process's
   * 28.8 million compact tables pack into a few MB instead of 144.
   */
  compactRuns: Int32Array;
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
  let runs = new Int32Array(Math.max(48, nCompact * 24));
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
        // Runs over the 512 entries; at worst 512 of them (3 numbers each).
        if (d + 3 * PTRS_PER_TABLE > runs.length) {
          const bigger = new Int32Array(Math.max(runs.length * 2, d + 3 * PTRS_PER_TABLE));
          bigger.set(runs);
          runs = bigger;
        }
        d = encodeRuns(compact.ids, compact.state, runs, d);
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
    compactRuns: runs.slice(0, d),
    rest,
  };
}

/** Append entries 0..511 of a PMD table's compact arrays as runs at `d`; returns the end. */
function encodeRuns(ids: Int32Array, state: Uint8Array, out: Int32Array, d: number): number {
  let k = 0;
  while (k < PTRS_PER_TABLE) {
    const id0 = ids[k];
    const st = id0 === 0 ? 0 : state[k];
    let n = 1;
    if (id0 === 0) while (k + n < PTRS_PER_TABLE && ids[k + n] === 0) n++;
    else while (k + n < PTRS_PER_TABLE && ids[k + n] === id0 + n && state[k + n] === st) n++;
    out[d++] = n;
    out[d++] = id0;
    out[d++] = st;
    k += n;
  }
  return d;
}

/**
 * Unpacking carves every PMD table's compact arrays from two slabs (one
 * buffer each, not two per PMD table: the 55 TiB state has 56,000).
 */
class Slabs {
  private ids: Int32Array;
  private state: Uint8Array;
  private used = 0;
  constructor(n: number) {
    this.ids = new Int32Array(n * PTRS_PER_TABLE);
    this.state = new Uint8Array(n * PTRS_PER_TABLE);
  }
  take(): { ids: Int32Array; state: Uint8Array } {
    const a = this.used;
    this.used += PTRS_PER_TABLE;
    return { ids: this.ids.subarray(a, this.used), state: this.state.subarray(a, this.used) };
  }
}

/** A PMD table's compact arrays from its runs at `d`. */
function decodeRuns(runs: Int32Array, d: number, slabs: Slabs): { ids: Int32Array; state: Uint8Array } {
  const { ids, state } = slabs.take();
  let k = 0;
  while (k < PTRS_PER_TABLE) {
    const n = runs[d++];
    const id0 = runs[d++];
    const st = runs[d++];
    if (id0 !== 0) {
      for (let i = 0; i < n; i++) ids[k + i] = id0 + i;
      state.fill(st, k, k + n);
    }
    k += n;
  }
  return { ids, state };
}

/** A live Mm from a packed one (the packed one stays as it is). */
export function unpackMm(p: PackedMm, mech: Mechanism): Mm {
  const mm = new Mm(mech);
  const { puds, pmds, ptes, ents, compactRuns, rest } = p;
  for (let a = 0; a < puds.length; a += PUD_W) {
    const pud = new PudTable(puds[a + 1], puds[a]);
    pud.used = puds[a + 2];
    mm.pgd[puds[a]] = pud;
  }
  const pmdTables: PmdTable[] = [];
  let withCompact = 0;
  for (let b = 0; b < pmds.length; b += PMD_W) if (pmds[b + 5] >= 0) withCompact++;
  const slabs = new Slabs(withCompact);
  for (let b = 0; b < pmds.length; b += PMD_W) {
    const pmd = new PmdTable(pmds[b + 2], pmds[b + 3]);
    pmd.used = pmds[b + 4];
    const d = pmds[b + 5];
    if (d >= 0) {
      const { ids, state } = decodeRuns(compactRuns, d, slabs);
      pmd.adoptCompactArrays(ids, state);
    }
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
