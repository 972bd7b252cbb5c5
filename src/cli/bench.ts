// npm run bench: the 2021 series' full test (50 GiB, 25,600 x {touch 2M;
// DONTNEED 2M}: 13.1 million faults) under each mechanism. A benchmark, not
// a test: it prints figures and never fails on time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MECHANISMS } from '../scenario/index.ts';
import { compile } from '../scenario/index.ts';
import { runFlat } from '../core/index.ts';

export function runBench(): number {
  const file = fileURLToPath(new URL('../../scenarios/03-2021-test-50g.ptlab', import.meta.url));
  const t0 = performance.now();
  const c = compile(readFileSync(file, 'utf8'));
  if (!c.ok) throw new Error(c.errors[0].message);
  console.log(`parse + expand: ${(performance.now() - t0).toFixed(0)} ms, ${c.ops.length} statements`);
  // One warm-up pass so the figures measure steady-state code, not the JIT.
  runFlat(c.ops.slice(0, 2000), { mechanism: 'baseline' });
  for (const m of MECHANISMS) {
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const start = performance.now();
    const r = runFlat(c.ops, { mechanism: m }, c.initialExpects);
    const ms = performance.now() - start;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const faults = r.counters.faults;
    console.log(
      `${m.padEnd(10)} ${ms.toFixed(0).padStart(5)} ms  ${((faults / ms) * 1000 / 1e6).toFixed(1).padStart(5)} M faults/s  ` +
        `final VmPTE ${r.final.VmPTE} kB  peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (+${((peak - rss0) / 2 ** 20).toFixed(0)})` +
        (r.expectFailures.length ? `  EXPECT FAILED: ${r.expectFailures[0].message}` : ''),
    );
  }
  return 0;
}
