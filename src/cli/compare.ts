// `ptlab compare FILE|- [--format table|csv|json] [--points N]`: the designs
// compared from one pass each (src/share/designs.ts), as the app's dialog for
// a production-size run shows them: VmPTE at the end and at its peak, what
// each design captures of the possible saving, the costs it paid.
import { MECHANISMS } from '../scenario/index.ts';
import { DESIGN_COSTS, capturesAt, designPass, designsCsv, designsJson, largestSavingStep, minimumSeries } from '../share/designs.ts';
import { compileFile, readScenario } from './load.ts';

export const COMPARE_USAGE = `  ptlab compare FILE|- [--format table|csv|json] [--points N]
                                the three designs from one pass each: VmPTE, the saving each captures, costs`;

const num = (v: number): string => v.toLocaleString('en-US');
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${v}%`);

/** Returns the exit status. */
export function cmdCompare(positional: string[], opts: Map<string, string>): number {
  const fail = (m: string): number => {
    console.error(`ptlab compare: ${m}`);
    return 2;
  };
  const format = opts.get('--format') ?? 'table';
  if (!['table', 'csv', 'json'].includes(format)) return fail(`--format must be table, csv or json, not '${format}'`);
  const points = Number(opts.get('--points') ?? 101);
  if (!Number.isInteger(points) || points < 2 || points > 100001) return fail('--points must be a whole number from 2 to 100001');
  const file = positional[0];
  if (!file) return fail('which file? (- reads standard input)');
  if (positional.length > 1) return fail(`one scenario at a time (got ${positional.length})`);
  const c = compileFile(file);
  if (!c.ok) {
    console.error(c.message);
    return 2;
  }
  const source = readScenario(file === '-' ? '-' : file);
  const runs = MECHANISMS.map((m) => designPass(source, m));
  const min = minimumSeries(runs);
  if (format === 'csv') process.stdout.write(designsCsv(runs, min, points));
  else if (format === 'json') process.stdout.write(designsJson(runs, min));
  else {
    const n = runs[0].steps;
    const most = largestSavingStep(runs, min);
    const end = capturesAt(runs, min, n - 1);
    const atMost = capturesAt(runs, min, most);
    const rows: string[][] = [
      ['', ...MECHANISMS],
      ['VmPTE at the end, kB', ...runs.map((r) => num(r.final.VmPTE))],
      ['VmPTE at its peak, kB', ...runs.map((r) => num(r.peak.vmPte))],
      [`captures of the possible saving, at the end`, ...runs.map((r) => pct(end[r.mechanism]))],
      [most >= 0 ? `... where the most could be saved (step ${num(most + 1)})` : '... where the most could be saved', ...runs.map((r) => pct(atMost[r.mechanism]))],
      ...DESIGN_COSTS.map(([label, f]) => [label, ...runs.map((r) => num(f(r.counters)))]),
      ['time of the pass, ms', ...runs.map((r) => num(r.ms))],
    ];
    const w = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
    const out = [`${file}: ${num(n)} steps, one pass per design${min ? `; minimum at the end ${num(min[n - 1])} kB (one PTE table per 2 MiB slot with a resident page)` : ''}`, ''];
    for (const r of rows) out.push(r.map((c, k) => (k === 0 ? c.padEnd(w[k]) : c.padStart(w[k]))).join('  '));
    for (const r of runs) if (r.error) out.push('', `${r.mechanism}: ${r.error}`);
    process.stdout.write(out.join('\n') + '\n');
  }
  return runs.some((r) => r.error) ? 1 : 0;
}
