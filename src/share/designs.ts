// One design's pass over a scenario for the designs compared
// (designsFormat.ts): no checkpoints, no step log, two numbers a step kept.
// A 55 TiB pass holds only the live state (~450 MB under baseline), so the
// app can compare the designs of a production-size run that side-by-side
// lanes (a gigabyte each, with time travel) could not. This file runs the core.
import { Run, copyCounters } from '../core/index.ts';
import { compile, type MechanismName } from '../scenario/index.ts';
import type { DesignRun } from './designsFormat.ts';

export * from './designsFormat.ts';

export interface DesignPassOptions {
  /** The work budget (the worker's backstop). */
  maxWork?: number;
  /** Called every `every` steps with the steps run and the total; return true to stop. */
  progress?: (done: number, total: number) => boolean | void;
  every?: number;
}

/** Runs `source` under `mechanism` once. Throws an Error (one line) when the source does not compile. */
export function designPass(source: string, mechanism: MechanismName, opts: DesignPassOptions = {}): DesignRun {
  const t0 = performance.now();
  const c = compile(source);
  if (!c.ok) throw new Error(`line ${c.errors[0].line}: ${c.errors[0].message}`);
  const total = c.program.length;
  const run = new Run(c.program, { mechanism, keepSteps: false, maxReasons: 0, ...(opts.maxWork ? { maxWork: opts.maxWork } : {}) }, c.initialExpects);
  const vmPte = new Float64Array(total);
  const ptes = new Int32Array(total);
  const liveSlots = new Int32Array(total);
  const peak = { vmPte: -1, step: -1 };
  const every = opts.every ?? 4096;
  let k = 0;
  while (!run.done) {
    run.advance(1);
    const s = run.lastStep!;
    const v = s.figures.VmPTE;
    vmPte[k] = v;
    ptes[k] = s.figures.tables.pte;
    liveSlots[k] = run.lastStatement?.live?.slots ?? -1;
    if (v > peak.vmPte) {
      peak.vmPte = v;
      peak.step = k;
    }
    k++;
    if (opts.progress && k % every === 0 && opts.progress(k, total) === true) break;
  }
  const s = run.summary(false);
  const e = s.error ? `line ${s.error.line}: ${s.error.error.message}` : s.stopped ? `line ${s.stopped.line}: ${s.stopped.reason}` : undefined;
  return {
    mechanism,
    steps: k,
    vmPte: vmPte.subarray(0, k),
    ptes: ptes.subarray(0, k),
    liveSlots: liveSlots.subarray(0, k),
    peak,
    final: s.final,
    counters: copyCounters(s.counters),
    ...(e ? { error: e } : k < total ? { error: `stopped after ${k} of ${total} steps` } : {}),
    ms: Math.round(performance.now() - t0),
  };
}
