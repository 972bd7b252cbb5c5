// The twin's processes: the input lines for fork/exit/in, the output's child
// lines, and a child's figures compared step by step (a wrong child figure is
// a mismatch even when the first process agrees).
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../src/core/index.ts';
import { compareStep } from './compare.ts';
import { kernelSupport, opLine, parseTwinOutput, runTwin } from './twin.ts';

const fig = (VmPTE: number, RssAnon: number) => ({ VmPTE, RssAnon, VmSize: 0, tables: { pud: 0, pmd: 0, pte: 0 } });

describe('twin processes', () => {
  it('writes fork, exit and in lines, and refuses what it cannot replay', () => {
    expect(opLine({ op: 'fork', child: 'child' })).toBe('fork child');
    expect(opLine({ op: 'exit', proc: 'B' })).toBe('exit B');
    expect(opLine({ op: 'in', proc: 'B', body: { op: 'touch', addr: 0x1000, len: 0x1000 } })).toBe('in B touch 0x1000 0x1000');
    expect(() => opLine({ op: 'fork', child: 'a b' })).toThrow(/process name/);
  });
  it('reads the children lines of the output', () => {
    const r = parseTwinOutput('cbase 40 240 100\nbase 40 240 100\nstep 1 52 1264 200\nproc 1 child 52 1264 200\nstep 2 52 1264 200\n');
    expect(r.cbase).toEqual({ VmPTE: 40, RssAnon: 240, VmSize: 100 });
    expect(r.steps[0]).toEqual({ ok: true, VmPTE: 52, RssAnon: 1264, VmSize: 200, procs: [{ name: 'child', VmPTE: 52, RssAnon: 1264, VmSize: 200 }] });
    expect(r.steps[1]).toEqual({ ok: true, VmPTE: 52, RssAnon: 1264, VmSize: 200 });
    expect(() => parseTwinOutput('base 1 2 3\nproc 1 child 1 2 3\n')).toThrow(/unexpected output line/);
  });
  it("compares every child's changes: one wrong child figure is a mismatch", () => {
    const s = { index: 0, line: 3, text: 'fork', figures: fig(12, 1024), path: [], reasons: [], allocated: { pud: 0, pmd: 0, pte: 0 }, freed: { pud: 0, pmd: 0, pte: 0 }, faults: 0, procs: [{ name: 'parent', figures: fig(12, 1024) }, { name: 'child', figures: fig(12, 1024) }] } as StepResult;
    const base = { VmPTE: 40, RssAnon: 240 };
    const good = compareStep(0, s, { ok: true, VmPTE: 52, RssAnon: 1264, VmSize: 0, procs: [{ name: 'child', VmPTE: 52, RssAnon: 1264, VmSize: 0 }] }, { VmPTE: 0, RssAnon: 0 }, base, base);
    expect(good.match).toBe(true);
    expect(good.procs).toEqual([{ name: 'child', kernel: { VmPTE: 12, RssAnon: 1024 }, sim: { VmPTE: 12, RssAnon: 1024 }, match: true }]);
    const bad = compareStep(0, s, { ok: true, VmPTE: 52, RssAnon: 1264, VmSize: 0, procs: [{ name: 'child', VmPTE: 48, RssAnon: 1264, VmSize: 0 }] }, { VmPTE: 0, RssAnon: 0 }, base, base);
    expect(bad.match).toBe(false);
    const missing = compareStep(0, s, { ok: true, VmPTE: 52, RssAnon: 1264, VmSize: 0 }, { VmPTE: 0, RssAnon: 0 }, base, base);
    expect(missing.match).toBe(false);
  });
  const support = kernelSupport();
  it.skipIf(!support.ok)('forks on the running kernel: the child starts with the parent’s copied tables and pages, measured', () => {
    const A = 0x100000000000;
    const r = runTwin([
      { op: 'mmap', addr: A, len: 4 << 20, prot: 'rw', hugepage: false, fixed: true },
      { op: 'touch', addr: A, len: 1 << 20 },
      { op: 'fork', child: 'kid' },
      { op: 'in', proc: 'kid', body: { op: 'munmap', addr: A, len: 4 << 20 } },
      { op: 'exit', proc: 'kid' },
    ]);
    const cb = r.cbase!;
    const [, , fork, unmap, exit] = r.steps;
    if (!fork.ok || !unmap.ok || !exit.ok) throw new Error('twin failed');
    const kid = (s: typeof fork) => (s.ok ? s.procs?.find((p) => p.name === 'kid') : undefined);
    expect([kid(fork)!.VmPTE - cb.VmPTE, kid(fork)!.RssAnon - cb.RssAnon]).toEqual([fork.VmPTE - r.base.VmPTE, fork.RssAnon - r.base.RssAnon]);
    expect([kid(unmap)!.VmPTE - cb.VmPTE, kid(unmap)!.RssAnon - cb.RssAnon]).toEqual([0, 0]);
    expect(exit.procs).toBeUndefined();
  });
});
