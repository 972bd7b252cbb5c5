// Real programs recorded on this machine: the replay under pt-reclaim must
// give the kernel's own VmPTE and RssAnon at exit (and at the program's
// checkpoints), through glibc's malloc, jemalloc and tcmalloc. The kernel's
// figures are measured fresh in every run, never stored. Skipped, with the
// reason, where perf, cc, root or the allocator library is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { readFileSync } from 'node:fs';
import { record, recordSupport } from './record.ts';

const support = recordSupport();
const dir = mkdtempSync(join(tmpdir(), 'ptlab-record-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cc(src: string, name: string): string {
  const out = join(dir, name);
  const r = spawnSync('cc', ['-O2', '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

function replay(file: string) {
  const c = compile(readFileSync(file, 'utf8'));
  if (!c.ok) throw new Error(`${file}:${c.errors[0].line}: ${c.errors[0].message}`);
  return Object.fromEntries(MECHANISMS.map((m) => [m, runFlat(c.program, { mechanism: m, keepSteps: false }, c.initialExpects)]));
}

const LIB = '/usr/lib/x86_64-linux-gnu/';
const allocators: { name: string; preload?: string; env?: Record<string, string> }[] = [
  { name: 'glibc' },
  { name: 'jemalloc', preload: `${LIB}libjemalloc.so.2`, env: { MALLOC_CONF: 'dirty_decay_ms:0,muzzy_decay_ms:0' } },
  { name: 'tcmalloc', preload: `${LIB}libtcmalloc_minimal.so.4` },
];

describe.skipIf(!support.ok)(`ptlab record on this machine${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  const server = support.ok ? cc(fileURLToPath(new URL('../../examples/alloc-server.c', import.meta.url)), 'alloc-server') : '';

  for (const a of allocators) {
    const missing = a.preload && !existsSync(a.preload) ? `${a.preload} is missing (Debian: libjemalloc2, libtcmalloc-minimal4)` : '';
    it.skipIf(!!missing)(`replays a server's day through ${a.name} to the kernel's VmPTE and RssAnon${missing ? ` (skipped: ${missing})` : ''}`, async () => {
      const out = join(dir, `${a.name}.ptlab`);
      const rec = await record({ command: [server, '240', '48'], out, preload: a.preload ? [a.preload] : [], env: a.env });
      expect(rec.report).toMatchObject({ started: true, ended: true, lost: 0, refused: null, exitCode: 0 });
      expect([...rec.report.inexact.keys()]).toEqual([]);
      expect(rec.report.checkpoints).toEqual(['cp1', 'cp2', 'cp3']);
      const kernel = rec.snapshot.figures.get('exit')!;
      const r = replay(out);
      const pr = r['pt-reclaim'];
      expect(pr.error).toBeUndefined();
      expect({ VmPTE: pr.final.VmPTE, RssAnon: pr.final.RssAnon }).toEqual(kernel);
      // The start, the three checkpoints and the exit, each as `expect pt-reclaim` lines.
      expect(pr.expectFailures.map((f) => f.message)).toEqual([]);
      for (const m of MECHANISMS) expect(r[m].final.RssAnon, m).toBe(kernel.RssAnon);
      expect(r['pte-ref'].final.VmPTE).toBeLessThanOrEqual(pr.final.VmPTE);
      expect(r.baseline.final.VmPTE).toBeGreaterThanOrEqual(pr.final.VmPTE);
    });
  }

  it('follows four threads into one address space (glibc arenas: the designs part ways)', async () => {
    const bin = join(dir, 'threads');
    const r0 = spawnSync('cc', ['-O2', '-pthread', '-o', bin, fileURLToPath(new URL('../../examples/threads.c', import.meta.url))], { encoding: 'utf8' });
    expect(r0.status, r0.stderr).toBe(0);
    const out = join(dir, 'threads.ptlab');
    const rec = await record({ command: [bin], out });
    expect(rec.report).toMatchObject({ started: true, ended: true, lost: 0, refused: null, exitCode: 0 });
    const r = replay(out);
    // A replay that stopped early says why (with live perf trace it did, under load: kernel/FINDINGS.md).
    expect(r['pt-reclaim'].error, readFileSync(out, 'utf8').slice(0, 4000)).toBeUndefined();
    expect({ VmPTE: r['pt-reclaim'].final.VmPTE, RssAnon: r['pt-reclaim'].final.RssAnon }).toEqual(rec.snapshot.figures.get('exit'));
    expect(r['pt-reclaim'].expectFailures).toEqual([]);
  });

  it('reports a non-zero exit and keeps the recording usable', async () => {
    const src = join(dir, 'exit3.c');
    writeFileSync(src, '#include <stdlib.h>\n#include <string.h>\nint main(void){ char *p = malloc(1 << 20); memset(p, 1, 1 << 20); exit(3); }\n');
    const out = join(dir, 'exit3.ptlab');
    const rec = await record({ command: [cc(src, 'exit3')], out });
    expect(rec.report.exitCode).toBe(3);
    const pr = replay(out)['pt-reclaim'];
    expect({ VmPTE: pr.final.VmPTE, RssAnon: pr.final.RssAnon }).toEqual(rec.snapshot.figures.get('exit'));
  });

  it('says so when the command does not exist', async () => {
    await expect(record({ command: ['./no-such-program-here'], out: join(dir, 'x.ptlab') })).rejects.toThrow('./no-such-program-here: command not found');
  });

  it('names the fix when perf is missing (one line, exit 2)', () => {
    const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'record', '--', 'true'], { encoding: 'utf8', env: { ...process.env, PATH: dir } });
    expect([r.status, r.stderr.trim()]).toEqual([2, 'ptlab record: no `perf` command: install Linux perf (Debian: apt-get install linux-perf)']);
  });

  it('prints the three designs beside the kernel (the command itself)', () => {
    const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
    const out = join(dir, 'cli.ptlab');
    const r = spawnSync(process.execPath, [bin, 'record', '--out', out, '--', server, '40', '8'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /VmPTE at exit: this kernel ([\d,]+) kB; ptlab pt-reclaim ([\d,]+) kB; baseline [\d,]+ kB; pte-ref [\d,]+ kB/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(m![2]).toBe(m![1]);
  });
});
