// The core's benchmark on the 2021 series' full test (50 GiB, 25,600 x
// {touch 2M; DONTNEED 2M}: 13.1 million faults) under each mechanism, in
// this process, beside the floor (a bare typed-array loop doing only the
// entry writes of the same test, bench/floor.mjs). Prints each figure with
// its target and the measured ratio. A benchmark, not a test: it never
// fails on time. `ptlab bench` prints this part; `npm run bench` adds the
// whole-process and peak-memory figures (bench/core.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MECHANISMS, compile, type MechanismName } from '../scenario/index.ts';
import { Run } from '../core/index.ts';

export const PRESET_50G = 'scenarios/03-2021-test-50g.ptlab';

/** The checkout's file `rel`, found from this module upwards (sources or a build). */
export function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    const p = join(dir, rel);
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return rel;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface Row {
  what: string;
  measured: string;
  target: string;
  ratio?: number;
  /** The ratio's limit (ratio <= limit meets the target). */
  limit?: number;
  met?: boolean;
}

export function printRows(rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r.what.length));
  const m = Math.max(...rows.map((r) => r.measured.length));
  const t = Math.max(...rows.map((r) => r.target.length));
  for (const r of rows) {
    const ratio = r.ratio !== undefined ? `${r.ratio.toFixed(2)}x`.padStart(7) : ''.padStart(7);
    const met = r.met === undefined ? '' : r.met ? '  met' : '  NOT MET';
    console.log(`${r.what.padEnd(w)}  ${r.measured.padStart(m)}  ${r.target.padEnd(t)}  ${ratio}${met}`);
  }
}

type FloorFn = () => number[];

/** The in-process figures: floor, parse + expand, each mechanism (median of `reps` runs after a warm-up). */
export async function coreRows(reps = 5): Promise<Row[]> {
  const { floorRun } = (await import(/* @vite-ignore */ pathToFileURL(repoFile('bench/floor.mjs')).href)) as { floorRun: FloorFn };
  const source = readFileSync(repoFile(PRESET_50G), 'utf8');
  const rows: Row[] = [];

  let t0 = performance.now();
  const c0 = compile(source);
  const coldMs = performance.now() - t0;
  if (!c0.ok) throw new Error(c0.errors[0].message);
  const expandMs: number[] = [];
  for (let k = 0; k < reps; k++) {
    t0 = performance.now();
    compile(source);
    expandMs.push(performance.now() - t0);
  }
  const c = c0;
  rows.push({ what: 'parse + expand, first (50 GiB preset)', measured: `${coldMs.toFixed(1)} ms`, target: '<= 20 ms', met: coldMs <= 20 });
  rows.push({ what: 'parse + expand, warm', measured: `${median(expandMs).toFixed(1)} ms`, target: '<= 20 ms', met: median(expandMs) <= 20 });

  const timeFloor = (): number => {
    const t = performance.now();
    floorRun();
    return performance.now() - t;
  };
  // Two ways to run: one pass keeping only the final figures (`ptlab run
  // --steps final`), and keeping every step's result and checkpoints for
  // time travel, reading each step's result after it ran as the app's worker
  // does (src/worker/host.ts: advance(1), then lastStep).
  const modes = [
    { name: 'one pass', keepSteps: false, checkpoints: false },
    { name: 'every step kept and read, checkpoints', keepSteps: true, checkpoints: true },
  ];
  let read = 0;
  const timeMech = (m: MechanismName, mode: (typeof modes)[number]): number => {
    const t = performance.now();
    const run = new Run(c.program, { mechanism: m, keepSteps: mode.keepSteps, checkpoints: mode.checkpoints }, c.initialExpects);
    if (mode.keepSteps) {
      while (!run.done) {
        run.advance(1);
        read += run.lastStep!.figures.VmPTE;
      }
    } else run.advance();
    const r = run.summary(false);
    const ms = performance.now() - t;
    if (r.expectFailures.length || r.error) throw new Error(`${m}: ${r.expectFailures[0]?.message ?? r.error?.error.message}`);
    return ms;
  };
  // Warm-up, then interleave the floor and the mechanisms so drift on a shared machine hits both alike.
  timeFloor();
  for (const m of MECHANISMS) for (const mode of modes) timeMech(m, mode);
  const floor: number[] = [];
  const mech = new Map<string, number[]>();
  for (let k = 0; k < reps; k++) {
    floor.push(timeFloor());
    for (const mode of modes) {
      for (const m of MECHANISMS) {
        const key = `${m} ${mode.name}`;
        if (!mech.has(key)) mech.set(key, []);
        mech.get(key)!.push(timeMech(m, mode));
      }
    }
  }
  const f = median(floor);
  rows.push({ what: 'floor: typed-array loop of the 50 GiB test', measured: `${f.toFixed(1)} ms`, target: 'yardstick' });
  for (const mode of modes) {
    for (const m of MECHANISMS) {
      const ms = median(mech.get(`${m} ${mode.name}`)!);
      rows.push({ what: `core ${m}, ${mode.name}`, measured: `${ms.toFixed(1)} ms`, target: '<= 2x floor', ratio: ms / f, limit: 2, met: ms / f <= 2 });
    }
  }
  return rows;
}

export async function runBench(): Promise<number> {
  console.log('ptlab bench: the core on the 2021 test at 50 GiB (median of 5 runs each)');
  printRows(await coreRows());
  return 0;
}
