// The sweep's points and their CSV and JSON (src/share/sweep.ts computes
// them): no core import, so the app's sweep view can format without it.
import { MECHANISMS, type MechanismName } from '../scenario/ast.ts';

export const SWEEP_PURGES = ['dontneed', 'decay', 'free', 'hugepage'] as const;
export type SweepPurge = (typeof SWEEP_PURGES)[number];
export const DEFAULT_RATIOS: readonly number[] = [2, 3, 5, 10, 20, 50, 100];

export interface SweepOptions {
  /** The arena (VIRT): default 512 MiB. */
  arena?: number;
  purge: SweepPurge;
  ratios?: readonly number[];
  seed?: number;
  ticks?: number;
}

export interface SweepPoint {
  purge: SweepPurge;
  /** VIRT / RES as asked: arena / the live set at the end. */
  ratio: number;
  /** The point's scenario, as text (open it in the app or `ptlab run` it). */
  scenario: string;
  /** kB, as /proc prints them; RES is RssAnon at the end (MADV_FREE'd pages count: they are resident). */
  virt: number;
  res: number;
  live: number;
  vmPte: Record<MechanismName, number>;
  minimum: number;
  possible: number;
  /** Percent of the possible saving each design captures (null when nothing can be saved). */
  captures: Record<MechanismName, number | null>;
}

const CSV_HEAD = ['purge', 'virt_res', 'VIRT_kB', 'RES_kB', 'live_kB', ...MECHANISMS.map((m) => `VmPTE_${m}_kB`), 'minimum_kB', 'possible_kB', ...MECHANISMS.map((m) => `captures_${m}_pct`)];

export function sweepCsv(points: readonly SweepPoint[]): string {
  const rows = points.map((p) => [p.purge, p.ratio, p.virt, p.res, p.live, ...MECHANISMS.map((m) => p.vmPte[m]), p.minimum, p.possible, ...MECHANISMS.map((m) => p.captures[m] ?? '')].join(','));
  return [CSV_HEAD.join(','), ...rows].join('\n') + '\n';
}

export function sweepJson(points: readonly SweepPoint[]): unknown {
  return { points: points.map(({ scenario: _s, ...p }) => p) };
}
