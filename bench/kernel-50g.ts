// npm run kernel:50g: the 2021 series' full test (50 GiB, 25,600 x {touch 2M;
// DONTNEED 2M}) on the running kernel and in ptlab, step by step. Prints both
// final VmPTE changes, both wall times and their ratio. Minutes on the kernel:
// outside npm test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareWithKernel } from '../kernel/compare.ts';
import { compile } from '../src/scenario/index.ts';

const file = fileURLToPath(new URL('../kernel/cases/33-loop-50g-full-scale.ptlab', import.meta.url));
const c = compile(readFileSync(file, 'utf8'));
if (!c.ok) throw new Error(c.errors[0].message);
console.log('running 51,201 statements on the kernel (a few minutes here) and in ptlab...');
const r = compareWithKernel(c);
if (r.status === 'skipped' || r.status === 'refused') {
  console.log(`skipped: ${r.reason}`);
  process.exit(0);
}
// The last loop step: before the final munmap.
const last = r.steps.length >= 2 ? r.steps[r.steps.length - 2] : r.steps[r.steps.length - 1];
const show = (v: (typeof last)['kernel']) => ('error' in v ? v.error : `${v.VmPTE} kB`);
console.log(`mechanism: ${r.mechanism} (${r.why})`);
console.log(`after the loop: kernel ΔVmPTE ${show(last.kernel)}, ptlab ΔVmPTE ${show(last.sim)}`);
console.log(`wall time: kernel ${(r.kernelMs / 1000).toFixed(1)} s, ptlab ${(r.simMs / 1000).toFixed(2)} s, ratio ${(r.kernelMs / r.simMs).toFixed(0)}x`);
console.log(`steps compared: ${r.steps.length}; result: ${r.status}${r.first ? ` at line ${r.first.line} (${r.first.text})` : ''}`);
process.exit(r.status === 'match' ? 0 : 1);
