// The possible saving at a step, from the lanes' timelines: the minimum comes
// from an `alloc` workload's live slots when the step is one, else from
// pte-ref's PTE tables (every table holding a present page: the fewest the
// resident pages need). Needs the baseline lane.
import type { MechanismName } from '../core/index.ts';
import { capturedPercent, minimumVmPte } from '../share/saving.ts';
import type { LaneState } from './state.ts';

export interface Saving {
  minimum: number;
  possible: number;
  /** Where the minimum came from. */
  basis: 'live set' | 'pte-ref';
  captures: Partial<Record<MechanismName, number | null>>;
}

export function savingAt(lanes: Partial<Record<MechanismName, LaneState | null>>, mechanisms: readonly MechanismName[], step: number): Saving | null {
  const base = lanes.baseline?.timeline;
  if (step < 0 || !base || base.n === 0) return null;
  const k = Math.min(step, base.n - 1);
  let live = -1;
  let basis: Saving['basis'] = 'live set';
  for (const m of mechanisms) {
    const v = lanes[m]?.timeline?.liveSlots?.[k];
    if (v !== undefined && v >= 0) live = v;
  }
  if (live < 0) {
    const pr = lanes['pte-ref']?.timeline;
    if (!pr || pr.n <= k) return null;
    live = pr.ptes[k];
    basis = 'pte-ref';
  }
  const minimum = minimumVmPte(base.vmPte[k], base.ptes[k], live);
  const captures: Saving['captures'] = {};
  for (const m of mechanisms) {
    const tl = lanes[m]?.timeline;
    if (tl && tl.n > k) captures[m] = capturedPercent(base.vmPte[k], tl.vmPte[k], minimum);
  }
  return { minimum, possible: base.vmPte[k] - minimum, basis, captures };
}
