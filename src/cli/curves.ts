// `ptlab curves FILE|STATEMENT... [--generator]`: VmPTE over each run, read at
// the same fractions of each (src/share/curves.ts), side by side: a recorded
// real allocator beside the `alloc` generator at its parameters.
import { existsSync } from 'node:fs';
import { MECHANISMS, type MechanismName } from '../scenario/index.ts';
import { curveOf, curveRows, curvesCsv, generatorFor, keyFigures, type Curve } from '../share/curves.ts';
import { readScenario } from './load.ts';

export const CURVES_USAGE = `  ptlab curves FILE|'alloc ...'... [--generator] [--mechanism M|all] [--points N] [--format table|csv|json]
                                VmPTE over each run side by side (a recording beside the generator: --generator)`;

function table(curves: Curve[], mechs: MechanismName[], points: number, notes: string[]): string {
  const out: string[] = [];
  const names = curves.map((c, k) => `[${k + 1}] ${c.label} (${c.steps} steps)`);
  out.push(...names);
  for (const m of mechs) {
    out.push('', `VmPTE under ${m}, kB, at the same fractions of each run:`);
    const head = ['% of run', ...curves.map((_, k) => `[${k + 1}]`)];
    const rows = curveRows(curves, m, points).map((r) => [`${r.percent}%`, ...r.vmPte.map(String)]);
    const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
    const line = (r: string[]): string => r.map((c, k) => c.padStart(w[k])).join('  ');
    out.push(line(head), ...rows.map(line));
  }
  out.push('', 'start / peak / end VmPTE, kB:');
  curves.forEach((c, k) => out.push(`[${k + 1}] ` + keyFigures(c).filter((f) => mechs.includes(f.mechanism)).map((f) => `${f.mechanism} ${f.start} / ${f.peak} / ${f.end}`).join('; ')));
  for (const n of notes) out.push('', n);
  return out.join('\n') + '\n';
}

/** Returns the exit status; `positional` are the files or statements, `opts` the parsed --flags. */
export function cmdCurves(positional: string[], opts: Map<string, string>): number {
  const fail = (m: string): number => {
    console.error(`ptlab curves: ${m}`);
    return 2;
  };
  const format = opts.get('--format') ?? 'table';
  if (!['table', 'csv', 'json'].includes(format)) return fail(`--format must be table, csv or json, not '${format}'`);
  const mechArg = opts.get('--mechanism') ?? 'pt-reclaim';
  const mechs = mechArg === 'all' ? [...MECHANISMS] : [mechArg as MechanismName];
  if (!mechs.every((m) => MECHANISMS.includes(m))) return fail(`--mechanism must be one of ${MECHANISMS.join(', ')} or all, not '${mechArg}'`);
  const points = Number(opts.get('--points') ?? 11);
  if (!Number.isInteger(points) || points < 2 || points > 1001) return fail('--points must be a whole number from 2 to 1001');
  if (!positional.length) return fail("which runs? give scenario files or an 'alloc ...' statement (--generator adds the generator beside a recorded allocator preset)");
  const inputs: { label: string; source: string }[] = [];
  const notes: string[] = [];
  for (const p of positional) {
    if (/^\s*alloc\s/.test(p)) {
      inputs.push({ label: p.trim(), source: p + '\n' });
      continue;
    }
    if (p !== '-' && !existsSync(p)) return fail(`cannot read ${p}: no such file`);
    let source: string;
    try {
      source = readScenario(p);
    } catch (err) {
      return fail(`cannot read ${p}: ${(err as Error).message}`);
    }
    inputs.push({ label: p, source });
    if (opts.has('--generator')) {
      const pair = generatorFor(p);
      if (!pair) return fail(`--generator: no generator is paired with ${p} (paired: the recorded jemalloc preset, 31-recorded-jemalloc)`);
      inputs.push({ label: `generator at ${pair.recorded}'s parameters`, source: pair.generator });
      notes.push(pair.note);
    }
  }
  let curves: Curve[];
  try {
    curves = inputs.map((i) => curveOf(i.label, i.source));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (format === 'csv') process.stdout.write(curvesCsv(curves, points, mechs));
  else if (format === 'json') console.log(JSON.stringify({ curves: curves.map((c) => ({ label: c.label, steps: c.steps, key: keyFigures(c).filter((f) => mechs.includes(f.mechanism)) })), rows: Object.fromEntries(mechs.map((m) => [m, curveRows(curves, m, points)])), notes }, null, 1));
  else process.stdout.write(table(curves, mechs, points, notes));
  return 0;
}
