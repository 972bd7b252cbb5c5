// Breakpoints on state, and the "jump to the next ..." searches: pure
// functions over a run's Timeline, so play, the buttons and the tests share
// one definition of "where does it stop".
import { FLAG_EMPTIED, FLAG_ERROR, type Timeline } from '../worker/protocol.ts';

export interface Breakpoints {
  /** Stop when a PTE table's refcount (its entry count, for baseline and pt-reclaim) reaches 0. */
  emptied: boolean;
  /** Stop when a PTE table is freed. */
  freed: boolean;
  /** Stop when VmPTE exceeds this many kB (null: off). */
  vmPteAbove: number | null;
}

export const NO_BREAKPOINTS: Breakpoints = { emptied: false, freed: false, vmPteAbove: null };

/** Why step i stops a run, or null. An error step always stops. */
export function breakAt(tl: Timeline, i: number, bp: Breakpoints): string | null {
  const f = tl.flags[i];
  if (f & FLAG_ERROR) return 'error';
  if (bp.freed && tl.freed[i] > 0) return `${tl.freed[i]} PTE table${tl.freed[i] > 1 ? 's' : ''} freed`;
  if (bp.emptied && f & FLAG_EMPTIED) return 'a PTE table reached 0';
  if (bp.vmPteAbove !== null && tl.vmPte[i] > bp.vmPteAbove && (i === 0 || tl.vmPte[i - 1] <= bp.vmPteAbove)) {
    return `VmPTE ${tl.vmPte[i]} kB > ${bp.vmPteAbove} kB`;
  }
  return null;
}

/** The first step in (from, to] (or [to, from) going back) where a breakpoint hits. */
export function findBreak(tl: Timeline, from: number, to: number, bp: Breakpoints): { index: number; why: string } | null {
  const dir = to >= from ? 1 : -1;
  for (let i = from + dir; dir > 0 ? i <= to : i >= to; i += dir) {
    if (i < 0 || i >= tl.n) break;
    const why = breakAt(tl, i, bp);
    if (why) return { index: i, why };
  }
  return null;
}

export type Marker = 'freed' | 'alloc' | 'emptied';

export function hasMarker(tl: Timeline, i: number, m: Marker): boolean {
  if (m === 'freed') return tl.freed[i] > 0;
  if (m === 'alloc') return tl.alloc[i] > 0;
  return (tl.flags[i] & FLAG_EMPTIED) !== 0;
}

/** The next (dir 1) or previous (dir -1) step from `from` carrying the marker, or null. */
export function nextMarker(tl: Timeline, from: number, dir: 1 | -1, m: Marker): number | null {
  for (let i = from + dir; i >= 0 && i < tl.n; i += dir) if (hasMarker(tl, i, m)) return i;
  return null;
}
