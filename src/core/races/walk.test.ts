// Page walkers (mincore, pagemap) racing a free: every interleaving is safe
// under pte-ref, pt-reclaim and baseline; broken is caught; pte-ref's walker
// backs off from a dying table (pte_tryget fails) or frees it itself (X1).
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import type { FlatOp, MechanismVariant } from '../../scenario/ast.ts';
import { Run, runFlat } from '../trace/run.ts';
import { checkInvariants } from '../trace/invariants.ts';
import { exploreSchedules } from './explore.ts';
import { createRace, runSchedule, type Race } from './index.ts';

const SLOT = 'thp never\nmmap A 2M at 0x100000000000\ntouch A 0 8K\n';

function raceOf(walker: 'mincore' | 'pagemap', mech: MechanismVariant): () => Race {
  const c = compile(`${SLOT}cpu 0: ${walker} A 0 2M\ncpu 1: madvise A 0 2M dontneed\n`);
  if (!c.ok) throw new Error('parse');
  const run = new Run(c.ops, { mechanism: mech, checkpoints: true });
  const index = c.ops.findIndex((o) => o.op.op === 'race');
  const base = run.stateAt(index - 1);
  const op = c.ops[index].op as Extract<FlatOp, { op: 'race' }>;
  return () => createRace(base.mm.clone(), new Map(base.names), op, mech) as Race;
}

describe('page walkers racing MADV_DONTNEED', () => {
  for (const walker of ['mincore', 'pagemap'] as const) {
    for (const mech of ['pte-ref', 'pt-reclaim', 'baseline'] as const) {
      it(`${walker} under ${mech}: no interleaving with up to 3 preemptions trips the checker; the invariants hold after each`, () => {
        let bad = 0;
        let freedByWalker = 0;
        let backedOff = 0;
        // CHESS-style preemption bounding (explore.ts): ~500-1,100 schedules each, complete within the bound.
        const res = exploreSchedules(raceOf(walker, mech), {
          maxRuns: 20_000,
          maxPreemptions: 3,
          onRun: (r) => {
            if (r.violation || r.deadlock || r.limit) bad++;
            else expect(checkInvariants(r.mm)).toEqual([]);
            const out = r.cpus[0].outcome.join('; ');
            if (out.includes('the walker frees it')) freedByWalker++;
            if (out.includes('pte_tryget failed')) backedOff++;
          },
        });
        expect(res.complete).toBe(true);
        expect(res.runs).toBeGreaterThan(50);
        expect(bad).toBe(0);
        // pte-ref shows both of its cases somewhere among the schedules; the others never count.
        if (mech === 'pte-ref') {
          expect(freedByWalker).toBeGreaterThan(0);
          expect(backedOff).toBeGreaterThan(0);
        } else expect(freedByWalker + backedOff).toBe(0);
      });
    }
    it(`${walker} under broken: the checker catches the use-after-free`, () => {
      let caught = 0;
      exploreSchedules(raceOf(walker, 'broken'), { maxRuns: 20_000, maxPreemptions: 2, onRun: (r) => void (r.violation?.kind === 'use-after-free' && caught++) });
      expect(caught).toBeGreaterThan(0);
      const r = raceOf(walker, 'broken')();
      runSchedule(r, { kind: 'list', items: [{ cpu: 0, count: 3 }, { cpu: 1, count: 'run' }, { cpu: 0, count: 'run' }] });
      expect(r.violation).toMatchObject({ kind: 'use-after-free', cpu: 0, step: 'spin_lock(PTE lock)' });
    });
  }

  it('pte-ref: a walker that meets a count of 0 backs off and reads the slot as empty', () => {
    const r = raceOf('mincore', 'pte-ref')();
    runSchedule(r, { kind: 'list', items: [{ cpu: 0, count: 3 }, { cpu: 1, count: 'run' }, { cpu: 0, count: 'run' }, { cpu: 1, count: 'run' }] });
    expect(r.violation).toBeUndefined();
    expect(r.cpus[0].outcome.join('; ')).toMatch(/pte_refcount at 0 .*pte_tryget failed.*0 of 512 pages present, 1 table skipped/);
    // CPU 1's free had to wait for CPU 0's RCU section: the page was freed after the walker backed off.
    const at = (cpu: number, prefix: string) => r.trace.findIndex((t) => t.cpu === cpu && t.microStep.startsWith(prefix));
    expect(at(1, '__tlb_remove_table')).toBeGreaterThan(at(0, 'pte_tryget_map_lock: atomic_inc_not_zero'));
    expect(at(0, 'pte_tryget_map_lock: atomic_inc_not_zero')).toBeGreaterThan(at(1, 'pmd_clear'));
  });
});

describe('page walkers on one CPU', () => {
  const src = 'mmap A 4M at 0x100000000000\ntouch A 0 8K\ntouch A 2M 4K\nmincore A 0 2M\npagemap A 0 4M\nmprotect A 0 2M r\n';
  it('change no figure under any design', () => {
    const c = compile(src);
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    for (const m of ['baseline', 'pte-ref', 'pt-reclaim'] as const) {
      const r = runFlat(c.ops, { mechanism: m, checkInvariants: true });
      expect(r.error, m).toBeUndefined();
      expect(r.invariantViolations, m).toEqual([]);
      const f = r.steps.map((s) => s.figures);
      for (let i = 3; i < f.length; i++) expect(f[i], `${m} step ${i}`).toEqual(f[2]);
    }
  });

  it('pte-ref: each table walked sees its count rise by one and fall back, named by the kernel function', () => {
    const c = compile(src.replace('touch A 2M 4K\n', ''));
    if (!c.ok) throw new Error('parse');
    const run = new Run(c.ops, { mechanism: 'pte-ref', checkpoints: true });
    run.advance();
    const i = c.ops.findIndex((o) => o.op.op === 'mincore');
    const ev = run.stateAt(i, true).events.filter((e) => e.kind === 'refcount');
    expect(ev).toEqual([
      expect.objectContaining({ from: 2, to: 3, by: 'pte_tryget_map_lock' }),
      expect.objectContaining({ from: 3, to: 2, by: 'pte_put' }),
    ]);
    expect(run.step(i).path).toEqual(['do_mincore', 'walk_page_range', 'mincore_pte_range']);
    expect(run.step(i).reasons[0].text).toMatch(/pte_tryget_map_lock 2 -> 3, pte_put -> 2/);
    // mprotect's change_pte_range takes the same reference (v3 11/15).
    const j = c.ops.findIndex((o) => o.op.op === 'mprotect');
    expect(run.stateAt(j, true).events.filter((e) => e.kind === 'refcount').map((e) => (e as { by: string }).by)).toEqual(['pte_tryget_map_lock', 'pte_put']);
  });

  it('6.18 designs take no reference: the why-line says RCU and the PTE lock', () => {
    const c = compile(src);
    if (!c.ok) throw new Error('parse');
    for (const m of ['baseline', 'pt-reclaim'] as const) {
      const run = new Run(c.ops, { mechanism: m, checkpoints: true });
      run.advance();
      const i = c.ops.findIndex((o) => o.op.op === 'pagemap');
      expect(run.stateAt(i, true).events.some((e) => e.kind === 'refcount')).toBe(false);
      expect(run.step(i).reasons.map((r) => r.text)).toEqual([expect.stringMatching(/^read by pagemap under RCU and the PTE lock, no reference/), expect.stringMatching(/^read by pagemap/)]);
      expect(run.summary().counters.refcountAtomics).toBe(0);
    }
  });

  it('mincore over a hole is ENOMEM; pagemap over a hole reads it as not present', () => {
    const c = compile('mmap A 2M at 0x100000000000\nmunmap A 1M 4K\npagemap A 0 2M\nmincore A 0 2M\n');
    if (!c.ok) throw new Error('parse');
    const r = runFlat(c.ops, { mechanism: 'pte-ref' });
    expect(r.error).toMatchObject({ index: 3, error: { kind: 'enomem' } });
  });
});
