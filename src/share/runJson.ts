// The run as JSON: the documented contract of `ptlab run --format json` (see
// README), shared by the command line and the web app's "Export JSON", so a
// file saved from the browser reads like the CLI's output. Pure: no DOM, no Node.
import type { RunSummary, StepResult } from '../core/index.ts';

export type JsonSteps = 'all' | 'final';

/** One run: one step per executed statement (with `iter` inside a repeat), figures in kB. */
export function toJson(r: RunSummary, stepsMode: JsonSteps): unknown {
  const fig = (s: StepResult['figures']) => ({ VmPTE: s.VmPTE, RssAnon: s.RssAnon, VmSize: s.VmSize, ...(s.VmSwap ? { VmSwap: s.VmSwap } : {}), tables: s.tables });
  const steps = stepsMode === 'all'
    ? r.steps.map((s) => {
        const o: Record<string, unknown> = { line: s.line, text: s.text, ...fig(s.figures) };
        if (s.iter !== undefined) o.iter = s.iter;
        if (s.procs) o.processes = s.procs.map((p) => ({ name: p.name, ...fig(p.figures) }));
        if (s.error) o.error = s.error.message;
        return o;
      })
    : undefined;
  const res: Record<string, unknown> = { mechanism: r.mechanism };
  if (steps) res.steps = steps;
  res.final = fig(r.final);
  // After a fork: every process's final figures (`final` stays the first process's).
  if (r.procs) res.finalProcesses = r.procs.map((p) => ({ name: p.name, ...fig(p.figures) }));
  res.counters = r.counters;
  if (r.error) res.error = { line: r.error.line, message: r.error.error.message };
  if (r.expectFailures.length) res.expectFailures = r.expectFailures;
  return res;
}

/** The whole document the CLI prints: every mechanism's run. */
export const resultsJson = (runs: unknown[]): { results: unknown[] } => ({ results: runs });
