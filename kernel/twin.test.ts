// Runs the twin on this machine's kernel. Skipped (with the reason in the
// suite's name) where there is no Linux, no C compiler or no /proc.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedOp } from '../src/core/resolved.ts';
import {
  compileC,
  detectMechanism,
  detectZeroPage,
  emitC,
  kernelSupport,
  opsToText,
  parseTwinOutput,
  probeMechanism,
  runTwin,
  type Figures,
  type TwinRun,
} from './twin.ts';

const K = 1024;
const M = 1024 * K;
const X = 0x100000000000; // a 512 GiB region of its own

const support = kernelSupport();
const title = support.ok ? 'kernel twin' : `kernel twin (skipped: ${support.reason})`;

function deltas(run: TwinRun, figure: keyof Figures): (number | string)[] {
  return run.steps.map((s) => (s.ok ? s[figure] - run.base[figure] : s.kind));
}

const partialThenWhole: ResolvedOp[] = [
  { op: 'mmap', addr: X, len: 4 * M, prot: 'rw', hugepage: false, fixed: true },
  { op: 'touch', addr: X, len: 4 * K },
  { op: 'madvise', addr: X, len: 4 * K, advice: 'dontneed' },
  { op: 'madvise', addr: X, len: 2 * M, advice: 'dontneed' },
  { op: 'munmap', addr: X, len: 4 * M },
];

describe('twin input and output formats (no kernel needed)', () => {
  it('writes one line per operation, process as nop', () => {
    expect(
      opsToText([
        { op: 'mmap', addr: X, len: 4 * M, prot: 'rw', hugepage: true, fixed: true },
        { op: 'mremap', addr: X, len: 4 * M, to: 0x180000000000 },
        { op: 'madvise', addr: X, len: 2 * M, advice: 'free' },
        { op: 'process', kind: 'small-c' },
        { op: 'thp', mode: 'never' },
      ]),
    ).toBe(
      'mmap 0x100000000000 0x400000 rw 1\nmremap 0x100000000000 0x400000 0x180000000000\n' +
        'madvise 0x100000000000 0x200000 free\nnop\nthp never\n',
    );
  });
  it('refuses addresses that are not non-negative integers', () => {
    expect(() => opsToText([{ op: 'touch', addr: -4096, len: 4096 }])).toThrow(/non-negative/);
  });
  it('parses every kind of output line', () => {
    const out = parseTwinOutput('base 40 240 4000\nstep 1 40 240 8096\nerr 2 EEXIST mmap 0x1000 0x1000\n');
    expect(out.base).toEqual({ VmPTE: 40, RssAnon: 240, VmSize: 4000 });
    expect(out.steps).toEqual([
      { ok: true, VmPTE: 40, RssAnon: 240, VmSize: 8096 },
      { ok: false, kind: 'errno', message: 'EEXIST mmap 0x1000 0x1000' },
    ]);
  });
});

describe.skipIf(!support.ok)(title, () => {
  const mech = support.ok ? detectMechanism() : { mechanism: 'baseline' as const, why: '' };
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-twin-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detects the mechanism with a reason', () => {
    expect(['pt-reclaim', 'baseline']).toContain(mech.mechanism);
    expect(mech.why.length).toBeGreaterThan(0);
  });

  it('reproduces "partial DONTNEED does not reclaim; a whole 2 MiB slot does"', () => {
    const run = runTwin(partialThenWhole);
    const whole = mech.mechanism === 'pt-reclaim' ? 8 : 12;
    expect(deltas(run, 'VmPTE')).toEqual([0, 12, 12, whole, 0]);
    expect(deltas(run, 'RssAnon')).toEqual([0, 4, 0, 0, 0]);
    expect(deltas(run, 'VmSize')).toEqual([4096, 4096, 4096, 4096, 0]);
  });

  it('the probe agrees with the kernel config', () => {
    expect(probeMechanism().mechanism).toBe(mech.mechanism);
  });

  it('reads map the zero page, or real pages where the kernel disables it', () => {
    const zp = detectZeroPage();
    const run = runTwin([
      { op: 'mmap', addr: X, len: 4 * M, prot: 'rw', hugepage: false, fixed: true },
      { op: 'thp', mode: 'never' },
      { op: 'read', addr: X, len: 2 * M },
      { op: 'touch', addr: X, len: 4 * K },
    ]);
    expect(deltas(run, 'VmPTE')).toEqual([0, 0, 12, 12]);
    expect(deltas(run, 'RssAnon')).toEqual(zp.zeroPage ? [0, 0, 0, 4] : [0, 0, 2048, 2048]);
  });

  it("runs the 2021 series' loop over 1 GiB, aligned and 1 MiB off", () => {
    const loop = (at: number): ResolvedOp[] => [
      { op: 'mmap', addr: at, len: 1024 * M, prot: 'rw', hugepage: false, fixed: true },
      { op: 'thp', mode: 'never' },
      ...Array.from({ length: 512 }, (_, i): ResolvedOp[] => [
        { op: 'touch', addr: at + i * 2 * M, len: 2 * M },
        { op: 'madvise', addr: at + i * 2 * M, len: 2 * M, advice: 'dontneed' },
      ]).flat(),
    ];
    const aligned = deltas(runTwin(loop(X)), 'VmPTE');
    const unaligned = deltas(runTwin(loop(X + M)), 'VmPTE');
    expect(aligned).toHaveLength(1026);
    // PUD + PMD stay; the PTE tables go under pt-reclaim.
    expect(aligned.at(-1)).toBe(mech.mechanism === 'pt-reclaim' ? 8 : 8 + 512 * 4);
    // 513 slots across a 1 GiB boundary: PUD + 2 PMD + 513 PTE tables.
    expect(unaligned.at(-1)).toBe(2064);
  });

  it('reproduces the munmap pieces table (free_pgtables floor and ceiling)', () => {
    const run = runTwin([
      { op: 'mmap', addr: X, len: 8 * M, prot: 'rw', hugepage: false, fixed: true },
      { op: 'thp', mode: 'never' },
      { op: 'touch', addr: X, len: 8 * M },
      { op: 'munmap', addr: X + 4 * K, len: 4 * K },
      { op: 'munmap', addr: X + 2 * M, len: 2 * M },
      { op: 'munmap', addr: X + 5 * M, len: 2 * M },
      { op: 'munmap', addr: X, len: 8 * M },
    ]);
    expect(deltas(run, 'VmPTE')).toEqual([0, 0, 24, 24, 20, 20, 0]);
    expect(deltas(run, 'RssAnon')).toEqual([0, 0, 8192, 8188, 6140, 4092, 0]);
  });

  it('reports a write to a read-only page as segv at that step, and stops', () => {
    const run = runTwin([
      { op: 'mmap', addr: X, len: 4 * K, prot: 'r', hugepage: false, fixed: true },
      { op: 'read', addr: X, len: 4 * K },
      { op: 'touch', addr: X, len: 4 * K },
      { op: 'munmap', addr: X, len: 4 * K },
    ]);
    expect(run.steps).toHaveLength(3);
    expect(run.steps[2]).toEqual({ ok: false, kind: 'segv', message: 'SIGSEGV at 0x100000000000' });
  });

  it('reports an mmap over a taken address as EEXIST', () => {
    const run = runTwin([
      { op: 'mmap', addr: X, len: 2 * M, prot: 'rw', hugepage: false, fixed: true },
      { op: 'mmap', addr: X + M, len: 2 * M, prot: 'rw', hugepage: false, fixed: true },
    ]);
    expect(run.steps[1]).toMatchObject({ ok: false, kind: 'errno' });
    expect(!run.steps[1].ok && run.steps[1].message).toMatch(/^EEXIST mmap 0x100000100000 0x200000/);
  });

  it('reports a THP mode other than the system one as unsupported', () => {
    const sys = spawnSync('cat', ['/sys/kernel/mm/transparent_hugepage/enabled'], { encoding: 'utf8' }).stdout;
    const other = sys.includes('[always]') ? 'madvise' : 'always';
    const run = runTwin([{ op: 'thp', mode: 'never' }, { op: 'thp', mode: other }]);
    expect(run.steps[0].ok).toBe(true);
    expect(run.steps[1]).toMatchObject({ ok: false, kind: 'unsupported' });
  });

  it('emitC output compiles and prints the same changes as runTwin', () => {
    const ops: ResolvedOp[] = [
      ...partialThenWhole,
      { op: 'process', kind: 'small-c' },
      { op: 'mmap', addr: X, len: 2 * M, prot: 'r', hugepage: false, fixed: true },
      { op: 'mprotect', addr: X, len: 2 * M, prot: 'rw' },
      { op: 'read', addr: X, len: 2 * M },
      { op: 'touch', addr: X, len: 4 * K },
      { op: 'mremap', addr: X, len: 2 * M, to: 0x180000000000 },
      { op: 'madvise', addr: 0x180000000000, len: 2 * M, advice: 'free' },
      { op: 'touch', addr: X, len: 4 * K },
    ];
    const src = emitC(ops, { title: 'emitC test */', lines: ops.map((_, i) => i + 3) });
    expect(src).toContain('cc -O2 -o t t.c && ./t');
    const cFile = join(dir, 't.c');
    const bin = join(dir, 't');
    writeFileSync(cFile, src);
    compileC(cFile, bin);
    const r = spawnSync(bin, [], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const emitted = { ...parseTwinOutput(r.stdout), wallMs: 0 };
    const twin = runTwin(ops);
    expect(emitted.steps).toHaveLength(ops.length);
    expect(emitted.steps[ops.length - 1]).toMatchObject({ ok: false, kind: 'segv' });
    for (const f of ['VmPTE', 'RssAnon', 'VmSize'] as const) {
      expect(deltas(emitted, f)).toEqual(deltas(twin, f));
    }
  });
});
