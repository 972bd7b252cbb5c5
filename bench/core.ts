// npm run bench: every speed and memory figure of the core and the CLI,
// each beside a yardstick measured in the same run (absolute times drift on
// shared machines), with its target and the ratio:
//   in this process   the floor loop, parse + expand, each mechanism (src/cli/bench.ts)
//   whole processes   `node -e 0`, `node bench/floor.mjs`, the CLI as users run it
//                     (bin/ptlab.mjs, no npx), and each mechanism's peak RSS.
// A benchmark, not a test: it never fails on time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MECHANISMS } from '../src/scenario/index.ts';
import { coreRows, median, printRows, repoFile, PRESET_50G, type Row } from '../src/cli/bench.ts';

const REPS = 7;
const node = process.execPath;
const bin = repoFile('bin/ptlab.mjs');
const preset = repoFile(PRESET_50G);

function wall(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(node, args, { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
/** Median wall time of a whole process, after one unmeasured run (disk cache). */
function process_(args: string[], reps = REPS): number {
  wall(args);
  const xs: number[] = [];
  for (let k = 0; k < reps; k++) xs.push(wall(args));
  return median(xs);
}
function peakRssMiB(args: string[]): number {
  const r = spawnSync(node, ['-r', repoFile('bench/rss-probe.cjs'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /PTLAB_MAXRSS_KB (\d+)/.exec(r.stderr);
  if (!m) throw new Error('no peak RSS reported');
  return Number(m[1]) / 1024;
}

console.log('npm run bench: the 2021 series test (mmap 50G; 25,600 x {touch 2M; DONTNEED 2M}) and the CLI\n');
console.log('In one process (median of 5 runs each, interleaved with the floor):');
printRows(await coreRows());

console.log('\nWhole processes (median of 7 runs each, after one warm-up):');
const dir = mkdtempSync(join(tmpdir(), 'ptlab-bench-'));
const small = join(dir, 'two-lines.ptlab');
writeFileSync(small, 'mmap A 2M\ntouch A 0 4K\n');
const rows: Row[] = [];
const nodeE = process_(['-e', '0']);
rows.push({ what: 'node -e 0', measured: `${nodeE.toFixed(0)} ms`, target: 'yardstick' });
for (const cmd of ['check', 'run'] as const) {
  const ms = process_([bin, cmd, small]);
  rows.push({ what: `ptlab ${cmd} of a two-line scenario`, measured: `${ms.toFixed(0)} ms`, target: '<= 2x node -e 0', ratio: ms / nodeE, limit: 2, met: ms / nodeE <= 2 });
}
const floorWhole = process_([repoFile('bench/floor.mjs')]);
rows.push({ what: 'node bench/floor.mjs (whole process)', measured: `${floorWhole.toFixed(0)} ms`, target: 'yardstick' });
const run50 = process_([bin, 'run', preset, '--mechanism', 'pt-reclaim', '--steps', 'final']);
rows.push({ what: 'ptlab run 50 GiB --mechanism pt-reclaim --steps final', measured: `${run50.toFixed(0)} ms`, target: '<= 2.5x floor process', ratio: run50 / floorWhole, limit: 2.5, met: run50 / floorWhole <= 2.5 });
for (const m of MECHANISMS) {
  const mib = peakRssMiB([bin, 'run', preset, '--mechanism', m, '--steps', 'final']);
  rows.push({ what: `peak RSS: ptlab run 50 GiB --mechanism ${m}`, measured: `${mib.toFixed(0)} MiB`, target: '<= 250 MB', met: mib * 2 ** 20 <= 250e6 });
}
const floorRss = peakRssMiB([repoFile('bench/floor.mjs')]);
rows.push({ what: 'peak RSS: node bench/floor.mjs', measured: `${floorRss.toFixed(0)} MiB`, target: 'yardstick' });
printRows(rows);

// The 2021 cover letter's process: VIRT 55 TiB, RES 590 GiB at the end, ~110 GiB of PTE tables kept.
console.log('\nThe 55 TiB production workload (scenarios/29-production-55t.ptlab), one run per design:');
const prod = repoFile('scenarios/29-production-55t.ptlab');
const big: Row[] = [];
for (const m of MECHANISMS) {
  const t = performance.now();
  const r = spawnSync(node, ['-r', repoFile('bench/rss-probe.cjs'), bin, 'run', prod, '--mechanism', m, '--steps', 'final', '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = (performance.now() - t) / 1000;
  const kb = Number(/PTLAB_MAXRSS_KB (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const fin = r.status === 0 ? JSON.parse(r.stdout).results[0].final : null;
  big.push({ what: `55 TiB ${m}: ${fin ? `VmPTE ${(fin.VmPTE / 2 ** 20).toFixed(2)} GiB, RssAnon ${(fin.RssAnon / 2 ** 20).toFixed(0)} GiB` : `failed: ${r.stderr.split('\n')[0]}`}`, measured: `${s.toFixed(1)} s`, target: '<= 20 s', met: s <= 20 });
  big.push({ what: `55 TiB ${m}: peak RSS`, measured: `${(kb / 1024).toFixed(0)} MiB`, target: '<= 2 GiB', met: kb * 1024 <= 2 ** 31 });
}
printRows(big);

// ptlab inspect of a 64 GiB-VIRT, 1 GiB-resident process (real child: mmap 64 GiB, write every page of 1 GiB).
console.log('\nptlab inspect of a live process with 64 GiB mapped and 1 GiB resident (median of 5, in this process):');
{
  const c = join(dir, 'fill.c');
  writeFileSync(c, `#include <stdio.h>
#include <sys/mman.h>
int main(void) {
  char *p = mmap(0, 64UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return 1;
  for (unsigned long o = 0; o < (1UL << 30); o += 4096) p[o] = 1;
  puts("filled"); fflush(stdout);
  getchar();
  return 0;
}
`);
  const exe = join(dir, 'fill');
  const cc = spawnSync('cc', ['-O2', '-o', exe, c], { encoding: 'utf8' });
  if (cc.status !== 0 || process.platform !== 'linux') console.log(`  skipped: ${cc.status !== 0 ? 'no C compiler' : 'not Linux'}`);
  else {
    const { spawn } = await import('node:child_process');
    const { inspect } = await import('../src/inspect/inspect.ts');
    const child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    const xs: number[] = [];
    for (let k = 0; k < 6; k++) {
      const t = performance.now();
      inspect(child.pid!);
      if (k > 0) xs.push(performance.now() - t);
    }
    child.stdin.end();
    const ms = median(xs);
    printRows([{ what: 'inspect(PID): status, smaps, pagemap of 64 GiB / 1 GiB', measured: `${ms.toFixed(0)} ms`, target: '<= 2 s', met: ms <= 2000 }]);
  }
}
