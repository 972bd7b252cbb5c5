// The race presets (scenarios/2x-race-*.ptlab) as tests of the designs, not
// of one interleaving: every race in them is run under every interleaving
// where their number is small (exhaustive), else under every interleaving
// with at most three preemptions plus 200 seeded random ones. The three real
// designs must never trip the checker, deadlock or leave the invariants
// broken; `broken` must be caught at the micro-step its interleave line
// names; pt-reclaim `unfixed` (6.14-rc1) must be caught by some
// interleavings, and the fix by none.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Run, checkInvariants, mechanismOf, runFlat } from '../core/index.ts';
import { createRace, exploreSchedules, runSchedule, scheduleFor, type Race, type RaceOp } from '../core/races/index.ts';
import { compile, MECHANISMS, type FlatStatement, type MechanismVariant } from '../scenario/index.ts';

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const presets = readdirSync(dir).filter((f) => /^\d+-race-.*\.ptlab$/.test(f)).sort();

/** Where `broken` must be caught in each race (in file order), under its own interleaving. */
const BROKEN: Record<string, ({ microStep: number; cpu: number; step: string; kind: string } | null)[]> = {
  '20-race-fault-vs-dontneed.ptlab': [{ microStep: 14, cpu: 0, step: 'spin_lock(PTE lock)', kind: 'use-after-free' }],
  '21-race-walker-reference.ptlab': [{ microStep: 14, cpu: 0, step: 'spin_lock(PTE lock)', kind: 'use-after-free' }],
  // Two faults installing a table: the PMD lock protects every design (B2).
  '22-race-pmd-install.ptlab': [null, { microStep: 14, cpu: 0, step: 'spin_lock(PTE lock)', kind: 'use-after-free' }],
  '23-race-gup-fast.ptlab': [
    { microStep: 11, cpu: 0, step: 'gup_fast_pte_range: pte_offset_map, read the PTEs', kind: 'use-after-free' },
    { microStep: 14, cpu: 0, step: 'gup_fast_pte_range: pte_offset_map, read the PTEs', kind: 'use-after-free' },
  ],
  '24-race-lockbreak-fixed.ptlab': [{ microStep: 18, cpu: 0, step: 'it looked empty: pmd_clear and free the page at once', kind: 'non-empty-freed' }],
  '25-race-lockbreak-unfixed.ptlab': [{ microStep: 18, cpu: 0, step: 'it looked empty: pmd_clear and free the page at once', kind: 'non-empty-freed' }],
  // mincore read the PMD, the zap freed the table at once, mincore's spin_lock touches it; pagemap already holds the PTE lock.
  '26-race-walkers.ptlab': [{ microStep: 14, cpu: 0, step: 'spin_lock(PTE lock)', kind: 'use-after-free' }, null],
};

interface Tally {
  runs: number;
  exhaustive: boolean;
  violations: NonNullable<Race['violation']>[];
  bad: string[];
}

/** Every interleaving if there are at most 10,000, else the preemption-bounded ones and 200 seeds. */
function everyInterleaving(make: () => Race, check: (r: Race) => string | null): Tally {
  const fresh = (exhaustive: boolean): Tally => ({ runs: 0, exhaustive, violations: [], bad: [] });
  const record = (t: Tally) => (r: Race): void => {
    t.runs++;
    if (r.violation) t.violations.push(r.violation);
    const why = r.violation ? null : check(r);
    if (why && t.bad.length < 5) t.bad.push(why);
  };
  const all = fresh(true);
  if (exploreSchedules(make, { maxRuns: 10_000, onRun: record(all) }).complete) return all;
  const t = fresh(false);
  if (!exploreSchedules(make, { maxRuns: 50_000, maxPreemptions: 3, onRun: record(t) }).complete) t.bad.push('the preemption-bounded search did not finish');
  for (let seed = 1; seed <= 200; seed++) {
    const r = make();
    runSchedule(r, { kind: 'random', seed });
    record(t)(r);
  }
  return t;
}

/** What must hold after every interleaving under a real design. */
function clean(r: Race): string | null {
  if (r.deadlock || r.limit) return r.deadlock ?? r.limit!;
  const err = r.cpus.find((c) => c.error);
  if (err) return err.error!.message;
  if (!r.cpus.every((c) => c.done)) return 'a CPU did not finish';
  for (const tr of r.tracks.values()) if (tr.life !== 'freed') return `table #${tr.t.id} was left ${tr.life}`;
  const inv = checkInvariants(r.mm);
  return inv.length ? inv.join('; ') : null;
}

function races(ops: FlatStatement[]): { index: number; op: RaceOp }[] {
  return ops.flatMap((st, index) => (st.op.op === 'race' ? [{ index, op: st.op }] : []));
}

describe('race presets', () => {
  it('exist: fault vs DONTNEED, the walker reference, pmd_install, gup-fast, the Feb 2025 bug fixed and unfixed', () => {
    expect(presets.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(BROKEN).sort()).toEqual(presets);
  });

  for (const file of presets) {
    const c = compile(readFileSync(dir + file, 'utf8'));
    if (!c.ok) throw new Error(`${file}: ${c.errors[0].message}`);
    const list = races(c.ops);

    it(`${file}: broken is caught at the expected micro-step`, () => {
      const base = new Run(c.ops, { mechanism: 'baseline', checkpoints: true });
      list.forEach(({ index, op }, k) => {
        const s = base.stateAt(index - 1);
        const r = createRace(s.mm.clone(mechanismOf('broken')), new Map(s.names), op, 'broken') as Race;
        runSchedule(r, scheduleFor(op, 'broken'));
        const want = BROKEN[file][k];
        if (!want) expect(r.violation, `race ${k + 1}`).toBeUndefined();
        else expect(r.violation, `race ${k + 1}`).toMatchObject(want);
      });
      // And the run itself stops there, with the error ptlab prints.
      const first = BROKEN[file].findIndex((w) => w);
      const r = runFlat(c.ops, { mechanism: 'broken' }, c.initialExpects);
      if (first === 0) expect(r.error?.error.message).toMatch(new RegExp(`^race violation at micro-step ${BROKEN[file][0]!.microStep} \\(CPU 0: `));
    });

    for (const mech of MECHANISMS) {
      it(`${file}: ${mech} is safe under every interleaving (all, or all with <= 3 preemptions and 200 seeds)`, () => {
        const run = new Run(c.ops, { mechanism: mech, checkpoints: true });
        for (const { index, op } of list) {
          const s = run.stateAt(index - 1);
          const make = (o: RaceOp = op) => createRace(s.mm.clone(), new Map(s.names), o, mech) as Race;
          const unfixed = mech === 'pt-reclaim' && op.threads.some((t) => t.op.op === 'madvise' && t.op.unfixed);
          const t = everyInterleaving(() => make(), clean);
          expect(t.bad, `${t.runs} interleavings${t.exhaustive ? ' (all)' : ''}`).toEqual([]);
          expect(t.runs).toBeGreaterThan(100);
          if (!unfixed) {
            expect(t.violations, `${t.runs} interleavings`).toEqual([]);
            continue;
          }
          // 6.14-rc1: some interleavings free a table with a page in it, always at the fast path's PMD clear.
          expect(t.violations.length).toBeGreaterThan(0);
          for (const v of t.violations) expect(v).toMatchObject({ kind: 'non-empty-freed', step: 'pmd_clear; spin_unlock(PMD lock)' });
          // The fix: the same race with direct_reclaim cleared on a lock drop is never caught.
          const fixed: RaceOp = { ...op, threads: op.threads.map((th) => (th.op.op === 'madvise' ? { ...th, op: { ...th.op, unfixed: false } } : th)) };
          const f = everyInterleaving(() => make(fixed), clean);
          expect(f.violations).toEqual([]);
          expect(f.bad).toEqual([]);
        }
      });
    }
  }

  it('broken is caught by some interleaving of every race that frees a table', () => {
    for (const file of presets) {
      const c = compile(readFileSync(dir + file, 'utf8'));
      if (!c.ok) throw new Error(file);
      const run = new Run(c.ops, { mechanism: 'baseline', checkpoints: true });
      races(c.ops).forEach(({ index, op }, k) => {
        if (!BROKEN[file][k]) return;
        const s = run.stateAt(index - 1);
        let caught = 0;
        exploreSchedules(() => createRace(s.mm.clone(mechanismOf('broken')), new Map(s.names), op, 'broken' as MechanismVariant) as Race, {
          maxRuns: 5000, maxPreemptions: 2, onRun: (r) => void (r.violation && caught++),
        });
        expect(caught, `${file} race ${k + 1}`).toBeGreaterThan(0);
      });
    }
  });
});

describe('ptlab run --mechanism broken', () => {
  const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
  const ptlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  it('reports the violation (micro-step, CPU, table, what happened) and exits 1', () => {
    const r = ptlab('run', dir + '20-race-fault-vs-dontneed.ptlab', '--mechanism', 'broken');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/20-race-fault-vs-dontneed\.ptlab:12: broken: race violation at micro-step 14 \(CPU 0: spin_lock\(PTE lock\)\), table #3: use-after-free: CPU 0 spun on the PTE lock of table #3, but CPU 1 freed it at micro-step 10/);
  });
  it('is never part of --mechanism all', () => {
    const r = ptlab('run', dir + '24-race-lockbreak-fixed.ptlab', '--format', 'json', '--steps', 'final');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { mechanism: string }) => x.mechanism)).toEqual([...MECHANISMS]);
  });
});
