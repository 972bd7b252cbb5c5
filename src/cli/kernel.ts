// ptlab kernel FILE: the scenario on the running kernel and in ptlab, side
// by side, step by step (see kernel/compare.ts).
import { writeFileSync } from 'node:fs';
import { compareWithKernel, refuseReason, type CompareStep } from '../../kernel/compare.ts';
import { emitC } from '../../kernel/twin.ts';
import { runFlat } from '../core/index.ts';
import { compileFile } from './load.ts';

const cell = (v: CompareStep['kernel']): [string, string] => ('error' in v ? [v.error.slice(0, 40), ''] : [`${v.VmPTE}`, `${v.RssAnon}`]);
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function cmdKernel(positional: string[], opts: Map<string, string>): number {
  const file = positional[0];
  if (!file) {
    console.error('ptlab kernel: which file?');
    return 2;
  }
  const c = compileFile(file);
  if (!c.ok) {
    console.error(c.message);
    return 2;
  }
  const emit = opts.get('--emit-c');
  if (emit) {
    const refused = refuseReason(c.result);
    if (refused) {
      console.error(`ptlab kernel: ${file}:${refused.reason}`);
      return 2;
    }
    const sim = runFlat(c.result.program, { mechanism: 'baseline' });
    const steps = sim.steps.filter((s) => s.op);
    writeFileSync(emit, emitC(steps.map((s) => s.op!), { title: file, lines: steps.map((s) => s.line) }));
    console.log(`wrote ${emit}: cc -O2 -o twin ${emit} && ./twin`);
    return 0;
  }
  const r = compareWithKernel(c.result);
  const json = opts.get('--format') === 'json';
  if (r.status === 'skipped') {
    console.log(json ? JSON.stringify({ status: 'skipped', reason: r.reason }) : `ptlab kernel: skipped: ${r.reason}`);
    return 0;
  }
  if (r.status === 'refused') {
    console.error(`ptlab kernel: ${file}:${r.reason}`);
    return 2;
  }
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    console.log(`mechanism: ${r.mechanism} (${r.why})`);
    if (!r.zeroPage.zeroPage) console.log(`zero page: off on this kernel (${r.zeroPage.why}); simulating without it`);
    console.log(`${lpad('line', 5)}  ${'statement'.padEnd(34)} ${lpad('kernel ΔVmPTE', 14)} ${lpad('ptlab', 6)} ${lpad('kernel ΔRss', 12)} ${lpad('ptlab', 8)}  match`);
    for (const s of r.steps) {
      const [kp, kr] = cell(s.kernel);
      const [sp, sr] = cell(s.sim);
      const text = s.iter !== undefined ? `${s.text} (i=${s.iter})` : s.text;
      console.log(`${lpad(String(s.line), 5)}  ${(text.length > 34 ? text.slice(0, 33) + '…' : text).padEnd(34)} ${lpad(kp, 14)} ${lpad(sp, 6)} ${lpad(kr, 12)} ${lpad(sr, 8)}  ${s.inconclusive ? 'inconclusive' : s.match ? 'yes' : 'NO'}`);
      // After a fork: one row per child (changes since the fork of a process with no scenario mappings).
      for (const p of s.procs ?? []) {
        const [ckp, ckr] = cell(p.kernel);
        const [csp, csr] = cell(p.sim);
        console.log(`${lpad('', 5)}  ${`  └ ${p.name}`.padEnd(34)} ${lpad(ckp, 14)} ${lpad(csp, 6)} ${lpad(ckr, 12)} ${lpad(csr, 8)}  ${p.match ? 'yes' : 'NO'}`);
      }
    }
    console.log(`kernel ${r.kernelMs.toFixed(0)} ms, ptlab ${r.simMs.toFixed(1)} ms`);
  }
  if (r.status === 'mismatch' && r.first) {
    console.error(`${file}:${r.first.line}: mismatch at \`${r.first.text}\`${r.first.iter !== undefined ? ` (i=${r.first.iter})` : ''}: kernel ${JSON.stringify(r.first.kernel)}, ptlab ${JSON.stringify(r.first.sim)}`);
    return 1;
  }
  if (r.status === 'error' && r.first) {
    console.error(`${file}:${r.first.line}: the comparison stopped at \`${r.first.text}\`: ${'error' in r.first.sim ? r.first.sim.error : 'the kernel twin stopped early'}`);
    return 1;
  }
  if (r.status === 'inconclusive' && r.first) {
    console.log(`inconclusive: line ${r.first.line}: the kernel could not allocate a huge page (RssAnon grew less than a 2 MiB THP); this says nothing about ptlab`);
    return 0;
  }
  console.log(`${r.steps.length} steps: the kernel and ptlab agree`);
  return 0;
}
