// VmPTE over a run, for two or more scenarios side by side (curvesFormat.ts:
// the curves, the recorded allocators' generator pairs, CSV): this file runs
// the core. The CLI prints it (`ptlab curves`), the app draws it (a worker
// runs curveOf for CurvesDialog).
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS, type MechanismName } from '../scenario/index.ts';
import type { Curve } from './curvesFormat.ts';

export * from './curvesFormat.ts';

/** Runs a scenario under every design and keeps VmPTE and RssAnon after each step. Throws an Error (one line) when it does not compile or stops early. */
export function curveOf(label: string, source: string): Curve {
  const c = compile(source);
  if (!c.ok) throw new Error(`${label}:${c.errors[0].line}: ${c.errors[0].message}`);
  const vmPte = {} as Record<MechanismName, number[]>;
  let rssAnon: number[] = [];
  let steps = 0;
  for (const m of MECHANISMS) {
    const r = runFlat(c.program, { mechanism: m }, c.initialExpects);
    if (r.error) throw new Error(`${label}: the ${m} run stopped at line ${r.error.line}: ${r.error.error.message}`);
    vmPte[m] = r.steps.map((s) => s.figures.VmPTE);
    if (m === 'pt-reclaim') rssAnon = r.steps.map((s) => s.figures.RssAnon);
    steps = r.steps.length;
  }
  return { label, steps, vmPte, rssAnon };
}

