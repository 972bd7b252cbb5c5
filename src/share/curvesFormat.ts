// VmPTE over a run, for two or more scenarios side by side: above all a
// recorded real allocator (presets 30-32, `ptlab record`) beside the `alloc`
// generator at the recorded program's parameters, with the same purge
// policy. Runs differ in length (a recording has a step per system call, the
// generator a few per tick), so each curve is read at the same fractions of
// its own run: 0% is its first step, 100% its last.
// Pure, no core import (the app's dialog and chart panel import it): curves.ts runs the core.
import { MECHANISMS, type MechanismName } from '../scenario/ast.ts';

export interface Curve {
  label: string;
  /** Steps of the run (each series has one value per step). */
  steps: number;
  /** VmPTE (kB) after each step, per design. */
  vmPte: Record<MechanismName, number[]>;
  /** RssAnon (kB) after each step (the same under every design for these workloads; pt-reclaim's). */
  rssAnon: number[];
}

/** The step read at fraction f (0..1) of a run of n steps. */
export function stepAt(n: number, f: number): number {
  return Math.max(0, Math.min(n - 1, Math.round(f * (n - 1))));
}

/** The value at fraction f of the run. */
export function valueAt(values: readonly number[], f: number): number {
  return values.length ? values[stepAt(values.length, f)] : 0;
}

/** `points` evenly spaced fractions from 0 to 1. */
export function fractions(points: number): number[] {
  return Array.from({ length: points }, (_, k) => (points === 1 ? 1 : k / (points - 1)));
}

/** The figures a developer reads first: at the start, the peak, at the end; per design. */
export function keyFigures(c: Curve): { start: number; peak: number; end: number; mechanism: MechanismName }[] {
  return MECHANISMS.map((m) => {
    const v = c.vmPte[m];
    let peak = 0;
    for (const x of v) if (x > peak) peak = x;
    return { mechanism: m, start: v[0] ?? 0, peak, end: v[v.length - 1] ?? 0 };
  });
}

/**
 * A recorded real allocator and the generator at its parameters. The
 * parameters are read off the recording (presets' headers say how it was
 * made): ticks = the program's requests, arena = the anonymous address space
 * the allocator mapped (whole 2 MiB slots), live = its usual RssAnon
 * between the ticks, end = its RssAnon at exit, extent = the program's
 * request sizes (16 KiB to its largest, 1 MiB), purge = the allocator's
 * policy.
 */
export interface GeneratorPair {
  /** The recorded preset (file name without .ptlab). */
  recorded: string;
  /** The generator's scenario text. */
  generator: string;
  /** Where the two part ways, and why (measured: kernel/FINDINGS.md "The generator beside the recorded jemalloc"). */
  note: string;
}

export const GENERATOR_PAIRS: readonly GeneratorPair[] = [
  {
    recorded: '31-recorded-jemalloc',
    generator:
      '# The alloc generator at the recorded jemalloc server\'s parameters\n' +
      '# alloc-server 200 32 under jemalloc (dirty_decay_ms:0): 200 requests; jemalloc mapped 57 MiB of anonymous memory;\n' +
      '# RssAnon about 6 MiB between requests, 4.3 MiB at exit; requests up to 1 MiB; every freed extent DONTNEEDed at once.\n' +
      'alloc J arena 56M live 6M end 4M ticks 200 extent 16K 1M churn 10 purge dontneed seed 1\n',
    note:
      'Both end with pt-reclaim equal to baseline (a per-extent DONTNEED never covers a whole slot) and pte-ref far below. ' +
      'They part ways in shape: next-fit walks the whole arena, so the generator adds a PTE table per slot steadily until it has one in every slot; ' +
      'jemalloc reuses its lowest addresses first and touches new slots only when its live set grows (the noon peak), ' +
      'so its tables arrive in one step and some slots of its address space are never touched.',
  },
];

/** The generator paired with a recorded preset (by its id or file name), if any. */
export function generatorFor(recorded: string): GeneratorPair | undefined {
  const id = recorded.replace(/^.*\//, '').replace(/\.ptlab$/, '');
  return GENERATOR_PAIRS.find((p) => p.recorded === id);
}

/** One row per fraction: the run's percentage, then each curve's VmPTE under `mechanism`. */
export function curveRows(curves: readonly Curve[], mechanism: MechanismName, points: number): { percent: number; vmPte: number[] }[] {
  return fractions(points).map((f) => ({ percent: Math.round(f * 100), vmPte: curves.map((c) => valueAt(c.vmPte[mechanism], f)) }));
}

/** CSV: percent of the run, then `LABEL MECHANISM VmPTE kB` and `LABEL RssAnon kB` per curve. */
export function curvesCsv(curves: readonly Curve[], points: number, mechanisms: readonly MechanismName[] = MECHANISMS): string {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head = ['percent of run', ...curves.flatMap((c) => [...mechanisms.map((m) => `${c.label} ${m} VmPTE kB`), `${c.label} RssAnon kB`])];
  const rows = fractions(points).map((f) => [String(Math.round(f * 100)), ...curves.flatMap((c) => [...mechanisms.map((m) => String(valueAt(c.vmPte[m], f))), String(valueAt(c.rssAnon, f))])]);
  return [head, ...rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
