// The 512 entries of a PTE table for the detail panel: a 32 x 16 grid and
// the runs of equal entries with their address ranges.
// The core's own modules, not its index: the index re-exports the whole core, which the first screen does not need.
import { PTE_ANON, PTE_ANON_COW, PTE_ANON_LAZY, PTE_ANON_LAZY_ZEROED, PTE_ANON_THP, PTE_ANON_THP_CLEAN, PTE_ANON_ZEROED, PTE_FILE, PTE_NONE, PTE_SWAP, PTE_ZERO } from '../core/mm/pgtable.ts';

export const ENTRY_COLS = 32;

export const ENTRY_KINDS = [
  { code: PTE_NONE, name: 'none', colour: '#f3f4f6' },
  // Not blue: the count legend's low end (cividis) is dark blue; an entry is a different thing from a table's count.
  { code: PTE_ANON, name: 'anonymous page', colour: '#c51b7d' },
  { code: PTE_ZERO, name: 'zero page', colour: '#a0a0a0' },
  { code: PTE_FILE, name: 'file page', colour: '#009e73' },
  { code: PTE_ANON_THP, name: 'from a split huge page', colour: '#8c510a' },
  { code: PTE_ANON_THP_CLEAN, name: 'from a split huge page, never written (zeros)', colour: '#dfc27d' },
  { code: PTE_ANON_COW, name: 'anonymous page fork write-protected (copy on write)', colour: '#e69f00' },
  { code: PTE_ANON_LAZY, name: 'lazily freed (MADV_FREE), still mapped', colour: '#56b4e9' },
  { code: PTE_SWAP, name: 'swap entry (paged out)', colour: '#5e3c99' },
  { code: PTE_ANON_LAZY_ZEROED, name: 'lazily freed (MADV_FREE), read but never written', colour: '#9ecae1' },
  { code: PTE_ANON_ZEROED, name: 'anonymous page, read but never written (zeros; no zero page)', colour: '#f1b6da' },
] as const;

export const entryKind = (code: number) => ENTRY_KINDS.find((k) => k.code === code) ?? ENTRY_KINDS[0];

export interface EntryRun {
  from: number;
  to: number;
  code: number;
  /** Addresses [start, end) the run maps. */
  start: number;
  end: number;
}

export function entryRuns(ents: Uint8Array, slot: number): EntryRun[] {
  const base = slot * 2 * 1024 * 1024;
  const runs: EntryRun[] = [];
  for (let k = 0; k < ents.length; k++) {
    const last = runs[runs.length - 1];
    if (last && last.code === ents[k]) last.to = k + 1;
    else runs.push({ from: k, to: k + 1, code: ents[k], start: 0, end: 0 });
  }
  for (const r of runs) {
    r.start = base + r.from * 4096;
    r.end = base + r.to * 4096;
  }
  return runs;
}
