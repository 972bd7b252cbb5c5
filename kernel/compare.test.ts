// The comparison's verdicts, without a kernel: a THP the kernel could not
// allocate is inconclusive, never a pass or a mismatch; errors on both sides
// agree; and a machine without a C compiler gets a one-line skip.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../src/core/index.ts';
import { compareStep } from './compare.ts';

const base = { VmPTE: 0, RssAnon: 0 };
const step = (over: Partial<StepResult>): StepResult => ({
  index: 0, line: 7, text: 'touch X 0 4K', figures: { VmPTE: 12, RssAnon: 2048, VmSize: 4096, tables: { pud: 1, pmd: 1, pte: 1 } },
  path: ['handle_mm_fault', 'create_huge_pmd'], reasons: [], allocated: { pud: 1, pmd: 1, pte: 1 }, freed: { pud: 0, pmd: 0, pte: 0 }, faults: 1, ...over,
});

describe('compareStep', () => {
  it('calls a THP fault the kernel served with 4 KiB pages inconclusive', () => {
    const r = compareStep(0, step({}), { ok: true, VmPTE: 12, RssAnon: 4, VmSize: 4096 }, base, base);
    expect(r.match).toBe(false);
    expect(r.inconclusive).toBe(true);
  });
  it('calls a THP fault the kernel also served with a huge page a match', () => {
    const r = compareStep(0, step({}), { ok: true, VmPTE: 12, RssAnon: 2048, VmSize: 4096 }, base, base);
    expect(r).toMatchObject({ match: true });
    expect(r.inconclusive).toBeUndefined();
  });
  it('calls a differing VmPTE on a 4 KiB fault a mismatch', () => {
    const r = compareStep(0, step({ path: ['handle_mm_fault'], figures: { VmPTE: 8, RssAnon: 4, VmSize: 4096, tables: { pud: 1, pmd: 1, pte: 0 } } }), { ok: true, VmPTE: 12, RssAnon: 4, VmSize: 4096 }, base, base);
    expect(r.match).toBe(false);
    expect(r.inconclusive).toBeUndefined();
  });
  it('agrees when both sides fail at the same statement', () => {
    const r = compareStep(0, step({ error: { kind: 'segv', message: 'SIGSEGV' } }), { ok: false, kind: 'segv', message: 'segv 0x1000' }, base, base);
    expect(r.match).toBe(true);
  });
  it('counts changes from each side\'s own base', () => {
    const r = compareStep(0, step({ path: [], figures: { VmPTE: 52, RssAnon: 76, VmSize: 1, tables: { pud: 0, pmd: 0, pte: 0 } } }), { ok: true, VmPTE: 56, RssAnon: 104, VmSize: 1 }, { VmPTE: 40, RssAnon: 72 }, { VmPTE: 44, RssAnon: 100 });
    expect(r.sim).toEqual({ VmPTE: 12, RssAnon: 4 });
    expect(r.match).toBe(true);
  });
});

describe('ptlab kernel without a C compiler', () => {
  it('prints a one-line reason and skips, exit 0', () => {
    const bin = fileURLToPath(new URL('../bin/ptlab.mjs', import.meta.url));
    const preset = fileURLToPath(new URL('../scenarios/01-first-touch.ptlab', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'kernel', preset], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('ptlab kernel: skipped: no C compiler: `cc --version` failed');
  });
});
