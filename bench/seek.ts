// npm run bench:seek: time travel on the 50 GiB test. A run with checkpoints
// (as the app's worker keeps it), then seeks to random steps: the cost of
// rebuilding a step's state and of replaying it with its full event list.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Run } from '../src/core/index.ts';
import { compile, MECHANISMS } from '../src/scenario/index.ts';

const file = fileURLToPath(new URL('../scenarios/03-2021-test-50g.ptlab', import.meta.url));
const c = compile(readFileSync(file, 'utf8'));
if (!c.ok) throw new Error(c.errors[0].message);
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
for (const mechanism of MECHANISMS) {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const run = new Run(c.program, { mechanism, checkpoints: true }, c.initialExpects);
  run.advance();
  const runMs = performance.now() - t0;
  const heap = process.memoryUsage().heapUsed - heap0;
  const seeks: number[] = [];
  const recorded: number[] = [];
  for (let k = 0; k < 20; k++) {
    const i = Math.floor(rand() * run.steps.length);
    let t = performance.now();
    run.view(i);
    seeks.push(performance.now() - t);
    t = performance.now();
    run.view(i, true);
    recorded.push(performance.now() - t);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
  const max = (a: number[]) => Math.max(...a).toFixed(1);
  // Playing forward: one step at a time from the last frame.
  const start = Math.floor(run.steps.length / 2);
  run.view(start);
  let t = performance.now();
  for (let i = start + 1; i <= start + 200; i++) run.view(i);
  const playMs = (performance.now() - t) / 200;
  t = performance.now();
  const copy = run.stateAt(run.steps.length - 1);
  const cloneMs = performance.now() - t;
  void copy;
  console.log(`${mechanism.padEnd(10)} play ${playMs.toFixed(2)} ms/step, stateAt(last) ${cloneMs.toFixed(0)} ms;`);
  console.log(`${mechanism.padEnd(10)} run ${runMs.toFixed(0)} ms, ${run.checkpoints.length} checkpoints, heap +${(heap / 2 ** 20).toFixed(0)} MiB; random seek median ${med(seeks)} ms (max ${max(seeks)}); seek+events median ${med(recorded)} ms (max ${max(recorded)})`);
}
