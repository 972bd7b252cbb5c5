// "Captures N% of the possible saving": the question reviewers asked of both
// designs. possible = baseline's VmPTE - the minimum the live pages need (the
// upper-level tables the run keeps anyway plus one PTE table per 2 MiB slot
// holding a live page); a design captures (baseline - its VmPTE) / possible.
// Pure and tiny: the app's compare table and the sweep both use it.

/** Percent of the possible saving captured, rounded to 0.1; null when nothing can be saved. */
export function capturedPercent(baseline: number, design: number, minimum: number): number | null {
  const possible = baseline - minimum;
  if (possible <= 0) return null;
  return Math.round((1000 * (baseline - design)) / possible) / 10;
}

/** The minimum in kB: baseline's VmPTE with its PTE tables cut to one per live slot. */
export function minimumVmPte(baselineVmPte: number, baselinePtes: number, liveSlots: number): number {
  return baselineVmPte - 4 * Math.max(0, baselinePtes - liveSlots);
}
