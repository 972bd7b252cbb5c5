// npm run bench:alloc: the allocator workload's figures. The 55 TiB
// production workload (scenarios/29-production-55t.ptlab) as the
// generator lays it out (expansion time, statements, RES, and the PTE tables
// baseline keeps vs the minimum: the cover letter's 110 GiB vs 1.2 GiB), then
// the VIRT/RES sweep's captures-% per design and purge policy. A benchmark,
// not a test: it never fails on time. (Running the 55 TiB workload through
// the core waits for the compact page-table core: today it stops at 1 TiB faulted.)
import { readFileSync } from 'node:fs';
import { compile, MECHANISMS } from '../src/scenario/index.ts';
import { sweep, SWEEP_PURGES } from '../src/share/sweep.ts';
import { repoFile } from '../src/cli/bench.ts';

const GiB = 2 ** 30;
const src = readFileSync(repoFile('scenarios/29-production-55t.ptlab'), 'utf8');
const t = performance.now();
const c = compile(src);
const ms = performance.now() - t;
if (!c.ok) throw new Error(c.errors[0].message);
const last = c.program.at(c.program.length - 1)!;
const m = /tick (\d+)\/(\d+)/.exec(c.program.at(0)!.say?.join(' ') ?? '');
let touched = 0;
// Slots ever touched: baseline's PTE tables at the end (tables stay until munmap).
{
  const seen = new Uint8Array(Math.ceil((56 * 2 ** 40) / 2 ** 21));
  for (let i = 0; i < c.program.length; i++) {
    const o = c.program.at(i)!.op;
    if (o.op !== 'touch') continue;
    for (let s = Math.floor(o.off / 2 ** 21); s * 2 ** 21 < o.off + o.len; s++) {
      if (!seen[s]) {
        seen[s] = 1;
        touched++;
      }
    }
  }
}
console.log('55 TiB production workload (generator)');
console.log(`  expand: ${(ms / 1000).toFixed(1)} s, ${c.program.length.toLocaleString('en-US')} statements${m ? `, ${m[2]} ticks` : ''}`);
console.log(`  RES at the end: ${((last.live!.pages * 4096) / GiB).toFixed(1)} GiB (cover letter: 590 GiB)`);
console.log(`  baseline PTE tables (slots touched): ${((touched * 4096) / GiB).toFixed(1)} GiB (cover letter VmPTE: 110 GiB)`);
console.log(`  minimum (slots holding a live page): ${((last.live!.slots * 4096) / GiB).toFixed(2)} GiB (cover letter: 1.2 GiB)`);
console.log('\nVIRT/RES sweep, 256 MiB arena: captures % of the possible saving (pte-ref / pt-reclaim)');
for (const purge of SWEEP_PURGES) {
  const t0 = performance.now();
  const pts = sweep({ purge, arena: 256 * 2 ** 20 });
  const row = pts.map((p) => `${p.ratio}: ${MECHANISMS.slice(1).map((k) => (p.captures[k] === null ? '-' : `${p.captures[k]}%`)).join(' / ')}`);
  console.log(`  ${purge.padEnd(9)} ${row.join('  ')}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
