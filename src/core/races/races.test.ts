// The race engine, micro-step protocol by protocol: what each CPU does under
// each design, where it waits (locks, the flush IPI, RCU grace periods), what
// the checker catches, the interleaving rules, the snapshot the app draws, and
// how a race sits inside an ordinary run.
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import type { FlatOp, MechanismVariant } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import { mechanismOf } from '../mechanisms/index.ts';
import { Mm } from '../mm/mm.ts';
import { Run, runFlat } from '../trace/run.ts';
import { checkInvariants } from '../trace/invariants.ts';
import { access, detach, refAdd, setPte } from './checker.ts';
import { exploreSchedules } from './explore.ts';
import { raceAt, replayRace, stepCpu, runSchedule, raceSnapshot, blockedReason, canStep, createRace, MAX_MICRO_STEPS, type Race } from './index.ts';
import { ProgramBuilder } from './program.ts';
import { Race as RaceState, newCpu } from './state.ts';
import { lock, lockWait } from './sync.ts';

const X = 0x100000000000;

/** The race in `src` (its first race statement), at its start, under `mech`. */
function setup(src: string, mech: MechanismVariant): { race: Race; run: Run; index: number } {
  const c = compile(src);
  if (!c.ok) throw new Error(c.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  const run = new Run(c.ops, { mechanism: mech, checkpoints: true });
  const index = c.ops.findIndex((o) => o.op.op === 'race');
  const race = raceAt(run, index);
  if (!('cpus' in race)) throw new Error(race.message);
  return { race, run, index };
}

const names = (r: Race, cpu = 0): string[] => r.trace.filter((t) => t.cpu === cpu && t.pc >= 0).map((t) => t.microStep);
const runAlone = (r: Race, cpu: number): void => void runSchedule(r, { kind: 'list', items: [{ cpu, count: 'run' }] });
/** Step one CPU n times, or until it blocks or finishes (no tail, unlike runSchedule). */
function steps(r: Race, cpu: number, n = Infinity): void {
  for (let k = 0; k < n && stepCpu(r, cpu).kind === 'ran'; k++);
}
const SLOT = `mmap A 4M at 0x${X.toString(16)}\ntouch A 0 8K\n`;

describe('the fault protocol', () => {
  it('baseline and pt-reclaim: pte_offset_map_lock under RCU, then the pmd_same recheck under the PTE lock (B20)', () => {
    for (const mech of ['baseline', 'pt-reclaim'] as const) {
      const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K`, mech);
      runAlone(race, 0);
      expect(names(race)).toEqual([
        'page fault: mmap_read_lock', 'read the PMD (__handle_mm_fault)', 'pte_offset_map_lock: rcu_read_lock, read the PMD',
        'spin_lock(PTE lock)', 'recheck the PMD under the PTE lock (pmd_same)', 'do_anonymous_page: pte_none? set_pte_at',
        'pte_unmap_unlock: spin_unlock(PTE lock), rcu_read_unlock', 'mmap_read_unlock',
      ]);
      expect(race.mm.figures().RssAnon).toBe(12);
      expect(checkInvariants(race.mm)).toEqual([]);
    }
  });

  it('pte-ref: pte_tryget_map, pte_put_vmf, pte_alloc_try_get, pte_get and the final pte_put (R9)', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K`, 'pte-ref');
    const t = race.mm.pteAt(X / PMD_SIZE)!;
    expect(t.refcount).toBe(2);
    runAlone(race, 0);
    expect(names(race)).toEqual([
      'page fault: mmap_read_lock', 'read the PMD (__handle_mm_fault)',
      'pte_tryget_map: rcu_read_lock, read the PMD', 'pte_tryget_map: atomic_inc_not_zero(pte_refcount)', 'read the PTE: none, so pte_put_vmf (drop the reference)',
      'pte_alloc_try_get: rcu_read_lock, read the PMD', 'pte_alloc_try_get: atomic_inc_not_zero(pte_refcount)',
      'pte_offset_map_lock: spin_lock(PTE lock)', 'do_anonymous_page: pte_none? set_pte_at', 'pte_unmap_unlock: spin_unlock(PTE lock)',
      "pte_put (drop the fault's reference)", 'mmap_read_unlock',
    ]);
    expect(t.refcount).toBe(3);
    expect(race.mm.counters.refcountAtomics).toBeGreaterThan(0);
  });

  it('an empty slot: pte_alloc_one, then pmd_install links the table under the PMD lock (B2)', () => {
    const { race } = setup(`mmap A 4M at 0x${X.toString(16)}\ntouch A 2M 4K\ncpu 0: touch A 0 4K`, 'baseline');
    runAlone(race, 0);
    expect(names(race).slice(1, 6)).toEqual(['read the PMD (__handle_mm_fault)', 'pte_alloc_one: allocate a PTE table', 'pmd_install: spin_lock(PMD lock)', 'pmd_install: PMD still none? link our table (mm_inc_nr_ptes)', 'pmd_install: spin_unlock(PMD lock)']);
    expect(race.mm.figures().VmPTE).toBe(16);
  });

  it('two faults into one empty slot link exactly one table: the loser frees its own (B2)', () => {
    for (const mech of ['baseline', 'pte-ref', 'pt-reclaim', 'broken'] as const) {
      const { race } = setup(`mmap A 4M at 0x${X.toString(16)}\ncpu 0: touch A 0 4K\ncpu 1: touch A 4K 4K`, mech);
      runSchedule(race, { kind: 'list', items: [{ cpu: 0, count: 3 }, { cpu: 1, count: 3 }] });
      expect(race.mm.nr.pte, mech).toBe(1);
      expect(race.mm.counters.tablesAllocated.pte, mech).toBe(1);
      expect(race.trace.some((t) => /pte_free our table/.test(t.note ?? '')), mech).toBe(true);
      expect(checkInvariants(race.mm), mech).toEqual([]);
    }
  });

  it('a fault on a page already mapped takes no fault at all', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 0 4K`, 'baseline');
    runAlone(race, 0);
    expect(race.trace).toHaveLength(1);
    expect(race.trace[0].note).toMatch(/mapped already: no fault/);
  });
});

describe('the zap protocol', () => {
  const zap = `${SLOT}cpu 1: madvise A 0 2M dontneed`;
  it('baseline keeps the empty table', () => {
    const { race } = setup(zap, 'baseline');
    runAlone(race, 1);
    expect(race.mm.nr.pte).toBe(1);
    expect(race.reasons.map((x) => x.code)).toEqual(['baseline_keeps']);
  });

  it('pt-reclaim: the fast path trylocks the PMD lock under the PTE lock, clears the PMD, frees after flush and RCU (P5, P7)', () => {
    const { race } = setup(zap, 'pt-reclaim');
    runAlone(race, 1);
    const n = names(race, 1);
    expect(n).toContain('try_get_and_clear_pmd: spin_trylock(PMD lock)');
    expect(n.indexOf('pmd_clear; spin_unlock(PMD lock)')).toBeLessThan(n.indexOf('pte_unmap_unlock: spin_unlock(PTE lock), rcu_read_unlock'));
    expect(n.slice(-3)).toEqual(['mmap_read_unlock', 'tlb_remove_table: wait for an RCU grace period', '__tlb_remove_table: free the table pages']);
    expect(raceSnapshot(race).tables.map((t) => t.state)).toEqual(['freed']);
    expect(race.mm.figures().VmPTE).toBe(8);
  });

  it('pt-reclaim: a partial DONTNEED never reclaims (P3)', () => {
    const { race } = setup(`${SLOT}cpu 1: madvise A 0 1M dontneed`, 'pt-reclaim');
    runAlone(race, 1);
    expect(race.mm.nr.pte).toBe(1);
    expect(race.reasons[0].code).toBe('partial_cover');
  });

  it('pt-reclaim: after a lock drop the fix sends an empty slot to the slow path, which rescans and frees it (P6)', () => {
    const { race } = setup(`${SLOT}cpu 1: madvise A 0 2M dontneed lockbreak 1M`, 'pt-reclaim');
    runAlone(race, 1);
    expect(names(race, 1)).toEqual(expect.arrayContaining(['need_resched: drop the PTE lock mid-slot (pte_unmap_unlock)', 'try_to_free_pte: spin_lock(PMD lock)', 'scan all 512 entries (pte_none?)', 'pmd_clear; spin_unlock(PTE lock), spin_unlock(PMD lock)']));
    expect(names(race, 1)).not.toContain('try_get_and_clear_pmd: spin_trylock(PMD lock)');
    expect(race.mm.nr.pte).toBe(0);
  });

  it('pt-reclaim unfixed: with nothing refilled, the fast path after a lock drop is harmless', () => {
    const { race } = setup(`${SLOT}cpu 1: madvise A 0 2M dontneed lockbreak 1M unfixed`, 'pt-reclaim');
    runAlone(race, 1);
    expect(names(race, 1)).toContain('try_get_and_clear_pmd: spin_trylock(PMD lock)');
    expect(race.violation).toBeUndefined();
  });

  it('pt-reclaim: a contended PMD trylock falls back to the slow path, which waits for the lock (P5, P6)', () => {
    // CPU 0 installs a table in slot 1 of the same PMD table and holds the PMD lock.
    const { race } = setup(`${SLOT}cpu 0: touch A 2M 4K\ncpu 1: madvise A 0 2M dontneed`, 'pt-reclaim');
    steps(race, 0, 4);
    steps(race, 1);
    expect(race.trace.some((t) => /trylock failed/.test(t.note ?? ''))).toBe(true);
    expect(blockedReason(race, race.cpu(1)!)).toMatch(/spinning: the PMD lock .* is held by CPU 0/);
    runSchedule(race, undefined);
    expect(names(race, 1)).toContain('scan all 512 entries (pte_none?)');
    expect(race.mm.figures().VmPTE).toBe(12);
    expect(checkInvariants(race.mm)).toEqual([]);
  });

  it('pte-ref: a visitor reference around zap_pte_range; the final pte_put frees the table through the gather (R8, R10)', () => {
    const { race } = setup(zap, 'pte-ref');
    runAlone(race, 1);
    expect(names(race, 1).slice(2, 9)).toEqual([
      'pte_try_get (zap_pmd_range takes a visitor reference)', 'pte_offset_map_lock: spin_lock(PTE lock)', 'zap_pte_range: clear the entries',
      'pte_unmap_unlock: spin_unlock(PTE lock)', 'pte_put (zap_pmd_range drops its reference)', 'free_user_pte_table: spin_lock(PMD lock)', 'pmd_clear; pte_free_tlb (into the mmu_gather)',
    ]);
    expect(race.mm.nr.pte).toBe(0);
  });

  it('broken frees at once, with no flush and no grace period', () => {
    const { race } = setup(zap, 'broken');
    runAlone(race, 1);
    expect(names(race, 1)).toContain('it looked empty: pmd_clear and free the page at once');
    expect(raceSnapshot(race).tables[0]).toMatchObject({ state: 'freed', freedBy: { cpu: 1, by: 'broken_free_table' } });
  });
});

describe('waiting', () => {
  it('the TLB-flush IPI waits while the other CPU has interrupts off (gup-fast), and goes through when it enables them', () => {
    const { race } = setup(`${SLOT}cpu 0: gup A 0 8K\ncpu 1: madvise A 0 2M dontneed`, 'baseline');
    steps(race, 0, 2);
    steps(race, 1);
    const c1 = race.cpu(1)!;
    expect(blockedReason(race, c1)).toBe('the TLB-flush IPI waits: CPU 0 has interrupts off');
    const snap = raceSnapshot(race);
    expect(snap.cpus[0]).toMatchObject({ irqsOff: true, view: { pendingIpi: true } });
    expect(snap.cpus[1]).toMatchObject({ status: 'blocked', current: 'tlb_finish_mmu: flush the TLB (IPI to the other CPU)' });
    while (race.cpu(0)!.irqsOff) stepCpu(race, 0);
    expect(canStep(race, c1)).toBe(true);
  });

  it('an RCU grace period waits for a read-side section that began before it, not for a later one', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed`, 'pt-reclaim');
    steps(race, 0, 3);
    steps(race, 1);
    const c1 = race.cpu(1)!;
    expect(blockedReason(race, c1)).toBe('waiting for an RCU grace period: CPU 0 is still inside rcu_read_lock()');
    expect(raceSnapshot(race).tables.find((t) => t.state !== 'linked')).toMatchObject({ state: 'detached-waiting-rcu', detachedBy: { cpu: 1, by: 'try_get_and_clear_pmd' } });
    // CPU 0 leaves that section (its recheck fails) and enters new ones while re-faulting: the grace period is over.
    while (blockedReason(race, c1)) stepCpu(race, 0);
    expect(race.cpu(0)!.done).toBe(false);
  });

  it('mmap_lock: munmap waits for a reader, a fault waits for the writer', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: munmap A 0 4M`, 'baseline');
    stepCpu(race, 0);
    expect(blockedReason(race, race.cpu(1)!)).toBe('mmap_lock is held for read by CPU 0');
    const r2 = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: munmap A 0 4M`, 'baseline').race;
    stepCpu(r2, 1);
    expect(blockedReason(r2, r2.cpu(0)!)).toBe('mmap_lock is held for write by CPU 1');
    runSchedule(r2, undefined);
    expect(r2.cpu(0)!.error?.kind).toBe('segv');
    expect(r2.mm.figures().VmPTE).toBe(0);
  });
});

describe('the checker', () => {
  const bare = (): { r: Race; c: ReturnType<typeof newCpu> } => {
    const mm = new Mm(mechanismOf('pte-ref'));
    const r = new RaceState(mm, new Map(), 'pte-ref');
    const b = new ProgramBuilder().add({ name: 'the step', fn: 'x', run: () => undefined }).build();
    const c = newCpu(0, 'cpu 0: test', { op: 'touch', name: 'A', off: 0, len: 4096 }, b);
    r.cpus.push(c);
    return { r, c };
  };

  it('flags a refcount that goes negative', () => {
    const { r, c } = bare();
    const t = r.mm.pmd_install(r.mm.pmd_alloc(X), X / PMD_SIZE);
    refAdd(r, c, t, -1, 'pte_put');
    expect(r.violation).toMatchObject({ kind: 'negative-refcount', cpu: 0, tableId: t.id, step: 'the step' });
  });

  it('flags a PTE written into a detached table (a lost write) and a touch of a freed one', () => {
    const { r, c } = bare();
    const t = r.mm.pmd_install(r.mm.pmd_alloc(X), X / PMD_SIZE);
    detach(r, c, t, 'test_clear', true);
    setPte(r, c, t, X, true);
    expect(r.violation?.kind).toBe('lost-write');
    const b = bare();
    const t2 = b.r.mm.pmd_install(b.r.mm.pmd_alloc(X), X / PMD_SIZE);
    detach(b.r, b.c, t2, 'test_clear', true);
    b.r.tracks.get(t2)!.life = 'freed';
    expect(access(b.r, b.c, t2, 'read')).toBe(false);
    expect(b.r.violation?.kind).toBe('use-after-free');
  });

  it('flags a non-empty table whose PMD is cleared', () => {
    const { r, c } = bare();
    const t = r.mm.pmd_install(r.mm.pmd_alloc(X), X / PMD_SIZE);
    r.mm.vmas.push({ start: X, end: X + PMD_SIZE, prot: 'rw', hugepage: false, nohugepage: false, account: true, anonVma: 0, pgoff: 0, kind: 'anon' });
    setPte(r, c, t, X, true);
    detach(r, c, t, 'try_get_and_clear_pmd', true);
    expect(r.violation).toMatchObject({ kind: 'non-empty-freed', message: expect.stringMatching(/still maps a page: it is lost/) });
  });
});

describe('schedules', () => {
  const src = `${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed`;
  it('naming a blocked CPU steps the other one and says so', () => {
    const { race } = setup(src, 'pt-reclaim');
    runSchedule(race, { kind: 'list', items: [{ cpu: 0, count: 4 }, { cpu: 1, count: 6 }] });
    const notes = race.trace.filter((t) => t.pc < 0).map((t) => t.note);
    expect(notes).toContain('CPU 1 is blocked (spinning: the PTE lock of table #3 is held by CPU 0): CPU 0 steps instead');
    expect(race.cpus.every((c) => c.done)).toBe(true);
  });

  it('with no interleave line CPU 0 runs to completion first', () => {
    const { race } = setup(src, 'baseline');
    runSchedule(race, undefined);
    const first1 = race.trace.findIndex((t) => t.cpu === 1);
    expect(race.trace.slice(first1).every((t) => t.cpu === 1)).toBe(true);
  });

  it('extra entries after both CPUs finished are ignored, with a note', () => {
    const { race } = setup(src, 'baseline');
    runSchedule(race, { kind: 'list', items: [{ cpu: 0, count: 200 }] });
    expect(race.trace[race.trace.length - 1].note).toBe('both CPUs have finished: the rest of the interleaving is ignored');
  });

  it('a random seed reproduces its order exactly, and seeds differ', () => {
    const order = (seed: number) => {
      const { race } = setup(src, 'pte-ref');
      runSchedule(race, { kind: 'random', seed });
      return race.trace.map((t) => t.cpu).join('');
    };
    expect(order(42)).toBe(order(42));
    expect(new Set([1, 2, 3, 4, 5, 6].map(order)).size).toBeGreaterThan(1);
  });

  it('reports a deadlock instead of hanging', () => {
    const { race } = setup(src, 'baseline');
    const ab = (first: string, second: string) =>
      new ProgramBuilder()
        .add({ name: `lock ${first}`, fn: 'x', wait: (r, c) => lockWait(r, c, first), run: (r, c) => void lock(r, c, first) })
        .add({ name: `lock ${second}`, fn: 'x', wait: (r, c) => lockWait(r, c, second), run: (r, c) => void lock(r, c, second) })
        .build();
    race.cpus[0].prog = ab('ptl:901', 'ptl:902');
    race.cpus[1].prog = ab('ptl:902', 'ptl:901');
    runSchedule(race, { kind: 'list', items: [{ cpu: 0, count: 1 }, { cpu: 1, count: 1 }] });
    expect(race.deadlock).toBe('deadlock: CPU 0 waits: spinning: the PTE lock of table #902 is held by CPU 1; CPU 1 waits: spinning: the PTE lock of table #901 is held by CPU 0');
  });

  it('bounds a livelock', () => {
    const { race } = setup(src, 'baseline');
    race.cpus[0].prog = new ProgramBuilder().add({ label: 'spin', name: 'retry', fn: 'x', run: () => 'spin' }).build();
    runSchedule(race, undefined);
    expect(race.limit).toBe(`livelock: the race did not finish within ${MAX_MICRO_STEPS} micro-steps`);
  });
});

describe('for the app', () => {
  it('raceSnapshot: each CPU\'s program, pc, holds and view; the tables\' lives', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed`, 'pt-reclaim');
    for (let k = 0; k < 4; k++) stepCpu(race, 0);
    const s = raceSnapshot(race);
    expect(s.status).toBe('running');
    expect(s.cpus[0]).toMatchObject({
      id: 0, statement: 'cpu 0: touch A 16K 4K', pc: 8, current: 'recheck the PMD under the PTE lock (pmd_same)', status: 'ready',
      holds: ['mmap_lock (read)', 'PTE lock of table #3', 'rcu_read_lock'], irqsOff: false,
      view: { mmapLock: 'read', rcuReadLock: true, pmd: 'table #3', table: 3, newTable: null, refs: [], page: X + 16384, pendingIpi: false },
    });
    expect(s.cpus[0].microSteps[s.cpus[0].pc]).toBe(s.cpus[0].current);
    expect(s.cpus[1]).toMatchObject({ status: 'ready', pc: 0, current: 'madvise: mmap_read_lock', holds: [] });
    expect(s.tables).toEqual([{ id: 3, addr: X, state: 'linked', nonNone: 2, refcount: 0, lockedBy: 0 }]);
    expect(s.locks).toEqual([{ name: 'PTE lock of table #3', holder: 0 }]);
    expect(s.mmapLock).toEqual({ readers: [0], writer: null });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s); // plain data
  });

  it('raceSnapshot names the violation: micro-step, CPU, table and what happened', () => {
    const { race } = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed`, 'broken');
    runSchedule(race, { kind: 'list', items: [{ cpu: 0, count: 3 }, { cpu: 1, count: 'run' }] });
    const s = raceSnapshot(race);
    expect(s.status).toBe('violation');
    expect(s.violation).toMatchObject({ microStep: 14, cpu: 0, tableId: 3, kind: 'use-after-free', step: 'spin_lock(PTE lock)' });
    expect(stepCpu(race, 1)).toMatchObject({ kind: 'stopped' });
  });

  it('replayRace rebuilds any point; stepping back is replaying one step less', () => {
    const { run, index } = setup(`${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed`, 'pte-ref');
    const path = [0, 0, 0, 1, 1, 1, 1] as const;
    const a = replayRace(run, index, path);
    const b = replayRace(run, index, path.slice(0, -1));
    if (!('cpus' in a) || !('cpus' in b)) throw new Error('no race');
    expect(a.n).toBe(7);
    expect(b.n).toBe(6);
    expect(raceSnapshot(b).cpus[1].pc).toBe(raceSnapshot(a).cpus[1].pc - 1);
    expect(raceAt(run, 0)).toMatchObject({ kind: 'einval' });
  });

  it('exploreSchedules enumerates every interleaving of a small race', () => {
    const { run, index } = setup(`${SLOT}cpu 0: gup A 0 4K\ncpu 1: touch A 16K 4K`, 'baseline');
    const base = run.stateAt(index - 1);
    const op = run.ops.at(index)!.op as Extract<FlatOp, { op: 'race' }>;
    const seen = new Set<string>();
    const res = exploreSchedules(() => createRace(base.mm.clone(), new Map(base.names), op, 'baseline') as Race, { maxRuns: 10_000, onRun: (_r, s) => seen.add(s.join('')) });
    // gup-fast alone is 5 micro-steps, the fault 8: C(13, 5) = 1287 orders, all distinct.
    expect(res).toEqual({ runs: 1287, complete: true });
    expect(seen.size).toBe(1287);
  });
});

describe('inside a run', () => {
  const src = `${SLOT}cpu 0: touch A 16K 4K\ncpu 1: madvise A 0 2M dontneed\ninterleave 0*3 1* 0* 1*\nexpect VmPTE 12K\ntouch A 1M 4K\nexpect RssAnon 8K`;
  it('ordinary statements go on from the race\'s state, with the figures and invariants right', () => {
    for (const mech of ['baseline', 'pte-ref', 'pt-reclaim'] as const) {
      const c = compile(src);
      if (!c.ok) throw new Error('parse');
      const r = runFlat(c.ops, { mechanism: mech, checkInvariants: true }, c.initialExpects);
      expect(r.error, mech).toBeUndefined();
      expect(r.expectFailures, mech).toEqual([]);
      expect(r.invariantViolations, mech).toEqual([]);
      expect(r.steps[2].race?.schedule, mech).toBe('interleave 0*3 1* 0* 1*');
      expect(r.steps[2].path, mech).toContain('race');
    }
  });

  it('time travel replays a race exactly', () => {
    const c = compile(src);
    if (!c.ok) throw new Error('parse');
    const run = new Run(c.ops, { mechanism: 'pt-reclaim', checkpoints: true });
    run.advance();
    const again = run.stateAt(2);
    expect(again.mm.figures()).toEqual(run.steps[2].figures);
  });

  it('an unexpected violation is an error naming micro-step, CPU and table; an expected one stops the run cleanly', () => {
    const c = compile(src);
    if (!c.ok) throw new Error('parse');
    const bad = runFlat(c.ops, { mechanism: 'broken' });
    expect(bad.error?.error).toEqual({ kind: 'race', message: expect.stringMatching(/^race violation at micro-step 14 \(CPU 0: spin_lock\(PTE lock\)\), table #3: use-after-free/) });
    const c2 = compile(src.replace('expect VmPTE 12K', 'expect violation use-after-free'));
    if (!c2.ok) throw new Error('parse');
    const ok = runFlat(c2.ops, { mechanism: 'broken' });
    expect(ok.error).toBeUndefined();
    expect(ok.stopped).toMatchObject({ index: 2, line: 3 });
    expect(ok.steps).toHaveLength(3);
    const unmet = runFlat(c2.ops, { mechanism: 'pt-reclaim' });
    expect(unmet.expectFailures[0].message).toBe('line 6: expected the checker to catch a use-after-free in this race, it ran clean (pt-reclaim)');
  });

  it('broken alone, with no second CPU, frees exactly what pte-ref frees', () => {
    const c = compile(`${SLOT}madvise A 0 1M dontneed\nmadvise A 1M 1M dontneed\ntouch A 2M 4K`);
    if (!c.ok) throw new Error('parse');
    const b = runFlat(c.ops, { mechanism: 'broken', checkInvariants: true });
    const p = runFlat(c.ops, { mechanism: 'pte-ref', checkInvariants: true });
    expect(b.steps.map((s) => s.figures)).toEqual(p.steps.map((s) => s.figures));
    expect(b.invariantViolations).toEqual([]);
  });
});
