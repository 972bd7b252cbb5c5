// ptlab soak [N] [--seed S] [--jobs J] [--statements K] [--show I]
// (npm run soak): N random operation sequences under each design, the
// invariant checker after every step, the cross-design rules (src/soak/check.ts),
// and for any failure a shrunk .ptlab scenario that reproduces it. Spread
// over worker threads (this same command started as `ptlab soak-worker`).
import { availableParallelism } from 'node:os';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { generate } from '../soak/generate.ts';
import { soak, type SoakTally } from '../soak/soak.ts';
import { formatSequence } from '../soak/text.ts';

export const SOAK_USAGE = `  ptlab soak [N] [--seed S] [--jobs J] [--statements K] [--show I]
                                N random sequences per design (default 1000), checked after every step;
                                a failure prints a shrunk scenario; --show I prints sequence I of seed S`;

interface Job {
  seed: number;
  from: number;
  to: number;
  stride: number;
  statements: number;
}

function parse(args: string[]): { n: number; seed: number; jobs: number; statements: number; show?: number } | string {
  const out = { n: 1000, seed: Date.now() % 0x7fffffff, jobs: Math.max(1, Math.min(availableParallelism(), 8)), statements: 24, show: undefined as number | undefined };
  const num = (v: string | undefined, what: string): number | string => {
    const x = Number((v ?? '').replace(/_/g, ''));
    return v !== undefined && Number.isSafeInteger(x) && x >= 0 ? x : `${what} must be a whole number (got ${v ?? 'nothing'})`;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const key = ({ '--seed': 'seed', '--jobs': 'jobs', '--statements': 'statements', '--show': 'show' } as const)[a];
    const v = key ? num(args[++i], a) : !a.startsWith('-') ? num(a, 'N') : `unknown option ${a}`;
    if (typeof v === 'string') return v;
    out[key ?? 'n'] = v;
  }
  if (out.jobs < 1) return '--jobs must be at least 1';
  return out;
}

export async function cmdSoak(args: string[]): Promise<number> {
  const o = parse(args);
  if (typeof o === 'string') {
    console.error(`ptlab soak: ${o}\n${SOAK_USAGE}`);
    return 2;
  }
  if (o.show !== undefined) {
    process.stdout.write(formatSequence(generate(o.seed, o.show, { statements: o.statements }), [`ptlab soak --seed ${o.seed}: sequence ${o.show}`]));
    return 0;
  }
  const jobs = Math.min(o.jobs, Math.max(1, o.n));
  console.log(`ptlab soak: seed ${o.seed} (--seed ${o.seed} repeats this run), ${o.n.toLocaleString('en')} sequences per design (baseline, pte-ref, pt-reclaim), ${jobs} worker${jobs > 1 ? 's' : ''}`);
  const t0 = performance.now();
  const done = new Array<number>(jobs).fill(0);
  let lastPrint = 0;
  const tallies = await Promise.all(
    Array.from({ length: jobs }, (_, w) => {
      const job: Job = { seed: o.seed, from: w, to: o.n, stride: jobs, statements: o.statements };
      return new Promise<SoakTally>((resolve, reject) => {
        const worker = new Worker(process.argv[1], { argv: ['soak-worker'], workerData: job });
        worker.on('message', (m: { progress?: number; tally?: SoakTally }) => {
          if (m.tally) resolve(m.tally);
          else if (m.progress !== undefined) {
            done[w] = m.progress;
            const now = performance.now();
            if (process.stdout.isTTY && now - lastPrint > 1000) {
              lastPrint = now;
              process.stdout.write(`\r  ${done.reduce((a, b) => a + b, 0).toLocaleString('en')} / ${o.n.toLocaleString('en')} ...`);
            }
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => code !== 0 && reject(new Error(`soak worker ${w} exited with code ${code}`)));
      });
    }),
  );
  if (process.stdout.isTTY) process.stdout.write('\r');
  const secs = (performance.now() - t0) / 1000;
  const sum = (f: (t: SoakTally) => number) => tallies.reduce((a, t) => a + f(t), 0);
  const steps = sum((t) => t.steps);
  const failed = sum((t) => t.failed);
  console.log(`  ${sum((t) => t.sequences).toLocaleString('en')} sequences x 3 designs, ${steps.toLocaleString('en')} steps per design, invariants checked after each (${(3 * steps).toLocaleString('en')} checks); ${sum((t) => t.errored).toLocaleString('en')} sequences ended early at an error all designs agreed on`);
  console.log(`  ${failed} violation${failed === 1 ? '' : 's'} in ${secs.toFixed(1)} s (${((1000 * secs) / Math.max(1, o.n)).toFixed(2)} ms a sequence for the three designs)`);
  for (const t of tallies) {
    for (const f of t.failures) {
      console.log(`\nsequence ${f.index}: ${f.failure.kind}${f.failure.mechanism ? ` (${f.failure.mechanism})` : ''}: ${f.failure.message}`);
      console.log(`shrunk from ${f.statements} to ${f.shrunkStatements} statements; save it as a .ptlab file and run: ptlab run FILE --mechanism all --check\n`);
      process.stdout.write(f.text);
    }
  }
  return failed ? 1 : 0;
}

/** The worker's side: run its share and post the tally. */
export function soakWorker(): number {
  const job = workerData as Job;
  const tally = soak({ ...job, onProgress: (n) => parentPort!.postMessage({ progress: n }) });
  parentPort!.postMessage({ tally });
  return 0;
}
