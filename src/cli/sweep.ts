// `ptlab sweep`: the saving of each design as VIRT/RES grows (src/share/sweep.ts),
// as a table, CSV or JSON.
import { MECHANISMS, formatSize, parseNumber } from '../scenario/index.ts';
import { DEFAULT_RATIOS, SWEEP_PURGES, sweep, sweepCsv, sweepJson, type SweepPoint, type SweepPurge } from '../share/sweep.ts';

export const SWEEP_USAGE = `  ptlab sweep [--purge dontneed|decay|free|hugepage|all] [--format table|csv|json]
              [--arena 512M] [--ratios 2,5,10,100] [--seed N] [--ticks N]
                                the saving each design captures as VIRT/RES grows`;

function table(points: readonly SweepPoint[]): string {
  const head = ['purge', 'VIRT/RES', 'VIRT', 'RES', 'live', ...MECHANISMS.map((m) => `VmPTE ${m}`), 'minimum', ...MECHANISMS.filter((m) => m !== 'baseline').map((m) => `${m} captures`)];
  const rows = points.map((p) => [
    p.purge, String(p.ratio), `${p.virt} kB`, `${p.res} kB`, `${p.live} kB`, ...MECHANISMS.map((m) => `${p.vmPte[m]} kB`), `${p.minimum} kB`,
    ...MECHANISMS.filter((m) => m !== 'baseline').map((m) => (p.captures[m] === null ? '-' : `${p.captures[m]}%`)),
  ]);
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => r.map((c, k) => (k < 1 ? c.padEnd(w[k]) : c.padStart(w[k]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** Returns the exit status; `opts` are the parsed --flags. */
export function cmdSweep(opts: Map<string, string>): number {
  const fail = (m: string) => {
    console.error(`ptlab sweep: ${m}`);
    return 2;
  };
  const purgeArg = opts.get('--purge') ?? 'all';
  const purges: SweepPurge[] = purgeArg === 'all' ? [...SWEEP_PURGES] : purgeArg.split(',') as SweepPurge[];
  for (const p of purges) if (!SWEEP_PURGES.includes(p)) return fail(`--purge must be one of ${SWEEP_PURGES.join(', ')} or all, not '${p}'`);
  const format = opts.get('--format') ?? 'table';
  if (!['table', 'csv', 'json'].includes(format)) return fail(`--format must be table, csv or json, not '${format}'`);
  let arena: number | undefined;
  if (opts.has('--arena')) {
    const a = parseNumber(opts.get('--arena')!);
    if (typeof a === 'string') return fail(`--arena must be a size like 512M, not '${opts.get('--arena')}'`);
    arena = a.value;
  }
  const ratios = opts.has('--ratios') ? opts.get('--ratios')!.split(',').map(Number) : [...DEFAULT_RATIOS];
  if (ratios.some((r) => !Number.isInteger(r) || r < 2 || r > 10000)) return fail('--ratios must be whole numbers from 2 (next-fit needs room) to 10000, like 2,5,10,100');
  const int = (k: string): number | undefined | string => {
    if (!opts.has(k)) return undefined;
    const v = Number(opts.get(k));
    return Number.isSafeInteger(v) && v >= 1 ? v : `${k} must be a whole number ≥ 1`;
  };
  const seed = int('--seed');
  const ticks = int('--ticks');
  if (typeof seed === 'string') return fail(seed);
  if (typeof ticks === 'string') return fail(ticks);
  const points: SweepPoint[] = [];
  try {
    for (const purge of purges) {
      points.push(...sweep({ purge, ratios, ...(arena !== undefined ? { arena } : {}), ...(seed !== undefined ? { seed } : {}), ...(ticks !== undefined ? { ticks } : {}) }));
    }
  } catch (err) {
    return fail((err as Error).message);
  }
  if (format === 'csv') process.stdout.write(sweepCsv(points));
  else if (format === 'json') process.stdout.write(JSON.stringify(sweepJson(points)) + '\n');
  else {
    process.stdout.write(`arena ${formatSize(arena ?? 512 * 2 ** 20)}; VIRT/RES = arena / the live set at the end (RES = RssAnon: dirty pages not yet purged count); minimum = the upper tables + one PTE table per 2 MiB slot holding a live page; "captures" = share of (baseline - minimum) saved\n`);
    process.stdout.write(table(points));
  }
  return 0;
}
