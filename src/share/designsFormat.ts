// The three designs over one scenario, compared from one pass of each (for a
// production-size run, where side-by-side lanes would hold a gigabyte each):
// VmPTE after every step, the minimum the resident pages need, what each
// design captures of the possible saving, and the costs it paid.
// Pure, no core import (the app's dialog imports it): designs.ts runs the core.
import type { Counters, Figures } from '../core/types.ts';
import type { MechanismName } from '../scenario/ast.ts';
import { capturedPercent, minimumVmPte } from './saving.ts';
import { fractions, stepAt } from './curvesFormat.ts';

/** One design's pass over the scenario. */
export interface DesignRun {
  mechanism: MechanismName;
  /** Steps run (each series has one value per step). */
  steps: number;
  /** VmPTE (kB) after each step. */
  vmPte: Float64Array;
  /** PTE tables after each step. */
  ptes: Int32Array;
  /** An `alloc` workload's live 2 MiB slots after each step (-1: not a workload step). */
  liveSlots: Int32Array;
  /** Most VmPTE (kB) at any step, and the step. */
  peak: { vmPte: number; step: number };
  final: Figures;
  counters: Counters;
  /** The run stopped early: where and why (one line). */
  error?: string;
  /** Wall time of the pass. */
  ms: number;
}

/**
 * The minimum (kB) after each step: baseline's VmPTE with its PTE tables cut
 * to one per live 2 MiB slot. The live slots are the workload's own count
 * where a step is an `alloc` tick, else pte-ref's tables (every table it keeps
 * holds a present page: the fewest the resident pages need). Null without a
 * baseline run, or without pte-ref where no step says its live slots.
 */
export function minimumSeries(runs: readonly DesignRun[]): Float64Array | null {
  const base = runs.find((r) => r.mechanism === 'baseline');
  if (!base) return null;
  const pteRef = runs.find((r) => r.mechanism === 'pte-ref');
  const out = new Float64Array(base.steps);
  for (let k = 0; k < base.steps; k++) {
    let live = base.liveSlots[k];
    if (live < 0) {
      if (!pteRef || k >= pteRef.steps) return null;
      live = pteRef.ptes[k];
    }
    out[k] = minimumVmPte(base.vmPte[k], base.ptes[k], live);
  }
  return out;
}

/** What each design captures of the possible saving at step k (null: nothing to save there, or no baseline). */
export function capturesAt(runs: readonly DesignRun[], minimum: Float64Array | null, k: number): Partial<Record<MechanismName, number | null>> {
  const base = runs.find((r) => r.mechanism === 'baseline');
  const out: Partial<Record<MechanismName, number | null>> = {};
  if (!base || !minimum || k < 0 || k >= base.steps) return out;
  for (const r of runs) out[r.mechanism] = k < r.steps ? capturedPercent(base.vmPte[k], r.vmPte[k], minimum[k]) : null;
  return out;
}

/** The step where baseline's possible saving is largest (the question's moment: how much of it does each design capture?). */
export function largestSavingStep(runs: readonly DesignRun[], minimum: Float64Array | null): number {
  const base = runs.find((r) => r.mechanism === 'baseline');
  if (!base || !minimum) return -1;
  let best = -1;
  let most = 0;
  for (let k = 0; k < base.steps; k++) {
    const possible = base.vmPte[k] - minimum[k];
    if (possible > most) {
      most = possible;
      best = k;
    }
  }
  return best;
}

/** The cost counters a reviewer weighs, in the order the compare table shows them. */
export const DESIGN_COSTS: readonly [string, (c: Counters) => number][] = [
  ['PTE tables allocated', (c) => c.tablesAllocated.pte],
  ['PTE tables freed', (c) => c.tablesFreed.pte],
  ['refcount atomics', (c) => c.refcountAtomics],
  ['PTE locks', (c) => c.pteLocks],
  ['PMD locks', (c) => c.pmdLocks],
  ['TLB flushes', (c) => c.tlbFlushes],
  ['RCU frees', (c) => c.rcuFrees],
];

/** CSV: percent of the run and step, each design's VmPTE, and the minimum, read at `points` evenly spaced steps. */
export function designsCsv(runs: readonly DesignRun[], minimum: Float64Array | null, points: number): string {
  const n = Math.max(0, ...runs.map((r) => r.steps));
  const head = ['percent of run', 'step', ...runs.map((r) => `${r.mechanism} VmPTE kB`), ...(minimum ? ['minimum VmPTE kB'] : [])];
  const rows = fractions(points).map((f) => {
    const k = stepAt(n, f);
    return [String(Math.round(f * 100)), String(k + 1), ...runs.map((r) => String(k < r.steps ? r.vmPte[k] : '')), ...(minimum ? [String(minimum[k] ?? '')] : [])];
  });
  return [head, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** JSON: each design's end figures, peak, costs and captured saving (at the end and at the largest possible saving). */
export function designsJson(runs: readonly DesignRun[], minimum: Float64Array | null): string {
  const n = Math.max(0, ...runs.map((r) => r.steps));
  const end = capturesAt(runs, minimum, n - 1);
  const kMax = largestSavingStep(runs, minimum);
  const atMax = capturesAt(runs, minimum, kMax);
  return (
    JSON.stringify(
      {
        steps: n,
        minimumVmPteKb: minimum && n ? minimum[n - 1] : null,
        largestSaving: kMax >= 0 && minimum ? { step: kMax + 1, possibleKb: runs.find((r) => r.mechanism === 'baseline')!.vmPte[kMax] - minimum[kMax] } : null,
        designs: runs.map((r) => ({
          mechanism: r.mechanism,
          final: r.final,
          peakVmPteKb: r.peak.vmPte,
          peakStep: r.peak.step + 1,
          capturesPercentAtEnd: end[r.mechanism] ?? null,
          capturesPercentAtLargestSaving: atMax[r.mechanism] ?? null,
          costs: Object.fromEntries(DESIGN_COSTS.map(([label, f]) => [label, f(r.counters)])),
          ...(r.error ? { error: r.error } : {}),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
