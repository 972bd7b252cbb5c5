// ptlab inspect against real child processes with a known layout. Skipped,
// with the reason, where there is no /proc or no C compiler.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InspectError, inspect } from './inspect.ts';
import { checkInspectSnapshot, mappingBins } from '../share/inspectSnapshot.ts';
import { toSnapshot } from '../cli/inspect.ts';

const why = process.platform !== 'linux' || !existsSync('/proc/self/pagemap') ? 'no /proc (not Linux)' : spawnSync('cc', ['--version']).status !== 0 ? 'no C compiler (cc)' : '';
const dir = mkdtempSync(join(tmpdir(), 'ptlab-inspect-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Maps LEN GiB at 0x100000000000 (a 512 GiB region of its own); on each line
// of input does the next phase and prints its name:
//   1: one page written in each 2 MiB slot of the first TOUCH GiB, then that
//      page MADV_DONTNEEDed (4 KiB: no design frees the table)  -> "emptied"
//   or, with a third argument, every page of the first TOUCH GiB written -> "filled"
const CHILD = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
  size_t len = (size_t)atol(argv[1]) << 30, touch = (size_t)atol(argv[2]) << 30;
  char *p = mmap((void *)0x100000000000UL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  char line[16];
  puts("mapped"); fflush(stdout);
  if (!fgets(line, sizeof line, stdin)) return 0;
  if (argc > 3) { for (size_t o = 0; o < touch; o += 4096) p[o] = 1; puts("filled"); }
  else { for (size_t o = 0; o < touch; o += 2 << 20) { p[o] = 1; madvise(p + o, 4096, MADV_DONTNEED); } puts("emptied"); }
  fflush(stdout);
  fgets(line, sizeof line, stdin);
  return 0;
}
`;

async function child(args: string[]): Promise<{ proc: ChildProcessWithoutNullStreams; next: () => Promise<string> }> {
  const bin = join(dir, 'child');
  if (!existsSync(bin)) {
    writeFileSync(join(dir, 'child.c'), CHILD);
    const r = spawnSync('cc', ['-O2', '-o', bin, join(dir, 'child.c')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const proc = spawn(bin, args);
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value as string;
  expect(await next()).toBe('mapped');
  return { proc, next };
}

describe.skipIf(!!why)(`ptlab inspect${why ? ` (skipped: ${why})` : ''}`, () => {
  it('counts the 512 PTE tables a 1 GiB mapping leaves empty, and their PMD and PUD table', async () => {
    const { proc, next } = await child(['1', '1']);
    const before = inspect(proc.pid!);
    proc.stdin.write('go\n');
    expect(await next()).toBe('emptied');
    const after = inspect(proc.pid!);
    proc.stdin.end();
    expect(after.VmPTE - before.VmPTE).toBe(4 * 514);
    expect(after.min).toEqual(before.min); // no page of the mapping is present
    expect(after.beyondTables - before.beyondTables).toBe(514);
    const v = after.vmas.find((x) => x.start === 0x100000000000)!;
    expect({ slots: v.slots, slotsWithPages: v.slotsWithPages }).toEqual({ slots: 512, slotsWithPages: 0 });
  });

  it('inspects a 64 GiB process with 1 GiB resident within 2 s', async () => {
    const { proc, next } = await child(['64', '1', 'fill']);
    proc.stdin.write('go\n');
    expect(await next()).toBe('filled');
    const t0 = performance.now();
    const r = inspect(proc.pid!);
    const ms = performance.now() - t0;
    proc.stdin.end();
    expect(r.presentPages).toBeGreaterThanOrEqual(262144);
    const v = r.vmas.find((x) => x.start === 0x100000000000)!;
    expect(v.slotsWithPages).toBe(512);
    console.log(`inspect of a 64 GiB / 1 GiB process: ${ms.toFixed(0)} ms (npm run bench measures it)`);
    // The snapshot the app opens: the mapping's first 512 slots full, the other 32,256 without a page.
    const snap = checkInspectSnapshot(JSON.stringify(toSnapshot(r, { mechanism: 'pt-reclaim', why: 'test' })));
    if (!snap.ok) throw new Error(snap.message);
    expect(snap.snapshot.presentPages).toBe(r.presentPages);
    const m = mappingBins(snap.snapshot, 64).find((x) => x.mapping.start === 0x100000000000)!;
    expect({ slots: m.slots, withPages: m.withPages, bins: m.bins.slots.length }).toEqual({ slots: 32768, withPages: 512, bins: 64 });
    expect(Array.from(m.bins.withPages.slice(0, 2))).toEqual([512, 0]); // 512 slots a bin: the first holds the resident GiB
    expect(m.bins.pages[0]).toBe(512 * 512);
  }, 60_000);

  it('says so when the process is gone', () => {
    expect(() => inspect(2 ** 22 + 12345)).toThrow(InspectError);
    expect(() => inspect(2 ** 22 + 12345)).toThrow(/no process/);
  });

  it('runs as a command: --self prints its report, a gone PID exits 2 with one line', () => {
    const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
    const self = spawnSync(process.execPath, [bin, 'inspect', '--self'], { encoding: 'utf8' });
    expect(self.status, self.stderr).toBe(0);
    expect(self.stdout).toMatch(/VmPTE [\d,]+ kB[\s\S]*minimum tables for them: \d+ PUD \+ \d+ PMD \+ [\d,]+ PTE = [\d,]+ kB/);
    const json = JSON.parse(spawnSync(process.execPath, [bin, 'inspect', '--self', '--json'], { encoding: 'utf8' }).stdout);
    expect(json.VmPTE).toBe(json.minimum.kB + json.beyondMinimum.kB);
    const file = join(dir, 'self.json');
    const saved = spawnSync(process.execPath, [bin, 'inspect', '--self', '--save', file], { encoding: 'utf8' });
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/saved a snapshot of process \d+ to /);
    const snap = checkInspectSnapshot(readFileSync(file, 'utf8'));
    if (!snap.ok) throw new Error(snap.message);
    expect(snap.snapshot.mappings.some((m) => m.path === '[stack]')).toBe(true);
    expect(snap.snapshot.slots.pages.reduce((a, b) => a + b, 0)).toBe(snap.snapshot.presentPages + snap.snapshot.swappedPages);
    const unwritable = spawnSync(process.execPath, [bin, 'inspect', '--self', '--save', join(dir, 'no-such-dir', 'x.json')], { encoding: 'utf8' });
    expect([unwritable.status, unwritable.stderr.trim()]).toEqual([2, expect.stringMatching(/^ptlab inspect: cannot write .*no-such-dir/)]);
    const gone = spawnSync(process.execPath, [bin, 'inspect', String(2 ** 22 + 12345)], { encoding: 'utf8' });
    expect([gone.status, gone.stderr.trim().split('\n').length]).toEqual([2, 1]);
  });
});
