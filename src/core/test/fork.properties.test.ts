// Property tests with several processes: random sequences that fork, run
// statements in the child (`in child:`), write in both and exit the child.
// After every step, under every design: the invariant checker passes in
// every process; each process's RssAnon is the same under all three designs;
// and each process's VmPTE keeps pte-ref <= pt-reclaim <= baseline.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MECHANISMS, type Advice, type FlatOp, type FlatStatement } from '../../scenario/ast.ts';
import { Run } from '../trace/run.ts';

const K4 = 4096;
const NAMES = ['A', 'B', 'C'];
const pages = (max: number) => fc.integer({ min: 1, max }).map((n) => n * K4);
const range = fc.record({ name: fc.constantFrom(...NAMES), off: fc.integer({ min: 0, max: 767 }).map((n) => n * K4), len: pages(1024) });

const memOp = (thp: boolean): fc.Arbitrary<FlatOp> =>
  fc.oneof(
    range.map((r) => ({ op: 'touch' as const, ...r })),
    range.map((r) => ({ op: 'touch' as const, ...r })),
    range.map((r) => ({ op: 'read' as const, ...r })),
    fc.tuple(range, fc.constantFrom<Advice>(...(['dontneed', 'dontneed', 'free', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork', ...(thp ? ['hugepage' as const] : [])] as const))).map(([r, advice]) => ({ op: 'madvise' as const, ...r, advice })),
    range.map((r) => ({ op: 'munmap' as const, ...r })),
    fc.tuple(range, fc.constantFrom('r' as const, 'rw' as const)).map(([r, prot]) => ({ op: 'mprotect' as const, ...r, prot })),
  );

const op = (thp: boolean): fc.Arbitrary<FlatOp> =>
  fc.oneof(
    { weight: 4, arbitrary: memOp(thp) },
    { weight: 4, arbitrary: memOp(thp).map((body) => ({ op: 'in' as const, proc: 'child', body })) },
    { weight: 1, arbitrary: fc.constant({ op: 'fork' as const, child: 'child' }) },
    { weight: 1, arbitrary: fc.constant({ op: 'exit' as const, proc: 'child' }) },
  );

const PROLOGUE: FlatOp[] = [
  { op: 'mmap', name: 'A', size: 6 << 20, at: 0x100000000000 + (1 << 20), hugepage: false, prot: 'rw' },
  { op: 'mmap', name: 'B', size: 3 << 20, at: 0x100000000000 + (7 << 20), hugepage: false, prot: 'rw' },
  { op: 'mmap', name: 'C', size: 4 << 20, at: 0x10003fe00000, hugepage: true, prot: 'rw' },
  { op: 'touch', name: 'A', off: 0, len: 3 << 20 },
  { op: 'fork', child: 'child' },
];

let executed = 0;
let forkedSteps = 0;

function toFlat(all: FlatOp[], thp: 'never' | 'madvise'): FlatStatement[] {
  return [{ line: 1, text: `thp ${thp}`, op: { op: 'thp', mode: thp } }, ...all.map((o, i) => ({ line: i + 2, text: JSON.stringify(o), op: o }))];
}

function runAll(ops: FlatOp[], thp: 'never' | 'madvise') {
  let all = [...PROLOGUE, ...ops];
  for (let tries = 0; tries < ops.length; tries++) {
    const probe = new Run(toFlat(all, thp), { mechanism: 'baseline' });
    probe.advance();
    if (!probe.error) break;
    all = all.filter((_, i) => i !== probe.error!.index - 1);
  }
  const flat = toFlat(all, thp);
  return MECHANISMS.map((m) => {
    const r = new Run(flat, { mechanism: m, checkInvariants: true });
    executed += r.advance();
    return r.summary();
  });
}

describe('random sequences with fork, in child and exit', () => {
  it('keep the invariants in every process, equal RssAnon per process and ordered VmPTE per process (no THP)', () => {
    fc.assert(
      fc.property(fc.array(op(false), { minLength: 8, maxLength: 30 }), (ops) => {
        const [base, ref, rec] = runAll(ops, 'never');
        for (const r of [base, ref, rec]) expect(r.invariantViolations, r.mechanism).toEqual([]);
        expect(ref.steps.length).toBe(base.steps.length);
        expect(rec.steps.length).toBe(base.steps.length);
        for (let i = 0; i < base.steps.length; i++) {
          const [b, p, c] = [base.steps[i], ref.steps[i], rec.steps[i]];
          const procs = b.procs ?? [{ name: 'parent', figures: b.figures }];
          if (b.procs && b.procs.length > 1) forkedSteps++;
          expect((p.procs ?? []).map((x) => x.name)).toEqual((b.procs ?? []).map((x) => x.name));
          procs.forEach((bp, k) => {
            const pp = p.procs?.[k]?.figures ?? p.figures;
            const cp = c.procs?.[k]?.figures ?? c.figures;
            const at = `step ${i} (${b.text}), ${bp.name}`;
            expect(pp.RssAnon, at).toBe(bp.figures.RssAnon);
            expect(cp.RssAnon, at).toBe(bp.figures.RssAnon);
            expect(pp.VmPTE, at).toBeLessThanOrEqual(cp.VmPTE);
            expect(cp.VmPTE, at).toBeLessThanOrEqual(bp.figures.VmPTE);
          });
        }
      }),
      { seed: 1410, numRuns: 150 },
    );
  });

  it('keep the invariants in every process with THP', () => {
    fc.assert(
      fc.property(fc.array(op(true), { minLength: 8, maxLength: 30 }), (ops) => {
        for (const r of runAll(ops, 'madvise')) expect(r.invariantViolations, r.mechanism).toEqual([]);
      }),
      { seed: 1411, numRuns: 120 },
    );
  });

  it('ran long enough, mostly with two processes', () => {
    expect(executed).toBeGreaterThan(3 * 270 * 10);
    expect(forkedSteps).toBeGreaterThan(150 * 5);
  });
});
