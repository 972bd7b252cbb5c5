// The race lab's store against the real race presets: stepping CPUs, blocked
// reasons, back, the scenario's interleaving, the checker's catch, and the
// switch to 'broken'. The core's own path (Run + raceAt/replayRace) is the
// reference for every state the store shows.
import { afterEach, describe, expect, it } from 'vitest';
import { Run, raceSnapshot, replayRace, type CpuId, type RaceSnapshot, type MechanismName } from '../core/index.ts';
import type { MechanismVariant } from '../scenario/ast.ts';
import { compile } from '../scenario/index.ts';
import { presetById } from './presets.ts';
import { cpuBlocked, onPlan, racedTable, resetRaceStore, selectRaceSlot, useRaceStore, violationAt } from './race.ts';

const src = (id: string) => presetById(id)!.source;
const F20 = '20-race-fault-vs-dontneed';
const F25 = '25-race-lockbreak-unfixed';

/** The index of the n-th race step of a source. */
function raceIndex(source: string, n = 0): number {
  const c = compile(source);
  if (!c.ok) throw new Error(c.errors[0].message);
  return c.ops.map((o, i) => (o.op.op === 'race' ? i : -1)).filter((i) => i >= 0)[n];
}

/** The core's own snapshot of the same point (a Run, replayRace). */
function coreSnap(source: string, index: number, mech: MechanismVariant, cpus: CpuId[]) {
  const c = compile(source);
  if (!c.ok) throw new Error('compile');
  const r = replayRace(new Run(c.ops, { mechanism: mech }, c.initialExpects), index, cpus);
  if (!('cpus' in r)) throw new Error(r.message);
  return raceSnapshot(r);
}

const withoutNotes = (snap: RaceSnapshot): RaceSnapshot => ({ ...snap, trace: snap.trace.filter((e) => e.pc >= 0) });

const lab = () => useRaceStore.getState();
const open = (id: string, lane: MechanismName, n = 0) => {
  const s = src(id);
  const i = raceIndex(s, n);
  lab().openRace(s, i, lane);
  return { s, i };
};
const stepAll = (cpus: CpuId[]) => cpus.forEach((c) => lab().stepRace(c));
/** `0*3 1* 0`: CPU 0 three times, CPU 1 until it cannot move, then CPU 0 once. */
function stepPreset20Broken(): void {
  stepAll([0, 0, 0]);
  while (cpuBlocked(lab().snap!, 1) === null) lab().stepRace(1);
  lab().stepRace(0);
}

afterEach(resetRaceStore);

describe('the race store', () => {
  it('opens a race at its start, with the scenario interleaving as a CPU order', () => {
    const { s, i } = open(F20, 'pt-reclaim');
    const st = lab();
    expect(st.error).toBeNull();
    expect(st.mechanism).toBe('pt-reclaim');
    expect(st.cpus).toEqual([]);
    expect(st.schedule).toBe('interleave 0*3 1* 0* 1*');
    expect(st.plan.slice(0, 4)).toEqual([0, 0, 0, 1]);
    expect(st.snap!.status).toBe('running');
    expect(st.snap!.microStep).toBe(0);
    expect(st.snap!.cpus.map((c) => c.statement)).toEqual(['cpu 0: touch A 16K 4K', 'cpu 1: madvise A 0 2M dontneed']);
    expect(st.snap).toEqual(coreSnap(s, i, 'pt-reclaim', []));
    // Opening the same race again keeps the steps taken.
    lab().stepRace(0);
    lab().openRace(s, i, 'pt-reclaim');
    expect(lab().cpus).toEqual([0]);
  });

  it('steps one CPU at a time, and each state is the core replay of the same order', () => {
    const { s, i } = open(F20, 'pt-reclaim');
    stepAll([0, 0, 0, 1, 1]);
    expect(lab().cpus).toEqual([0, 0, 0, 1, 1]);
    expect(lab().snap!.microStep).toBe(5);
    expect(lab().snap!.cpus[0].current).toBe('spin_lock(PTE lock)');
    expect(lab().snap).toEqual(coreSnap(s, i, 'pt-reclaim', [0, 0, 0, 1, 1]));
  });

  it('a blocked CPU says why, does not move, and the other one can', () => {
    open(F20, 'pt-reclaim');
    stepAll([0, 0, 0, 1, 1, 1, 1]); // CPU 1 now holds table #3's PTE lock
    const snap = lab().snap!;
    expect(cpuBlocked(snap, 0)).toBe('spinning: the PTE lock of table #3 is held by CPU 1');
    expect(cpuBlocked(snap, 1)).toBeNull();
    expect(snap.locks).toEqual([{ name: 'PTE lock of table #3', holder: 1 }]);
    expect(snap.cpus[1].holds).toContain('PTE lock of table #3');
    lab().stepRace(0);
    expect(lab().cpus).toHaveLength(7);
    expect(lab().message).toBe('CPU 0 is blocked: spinning: the PTE lock of table #3 is held by CPU 1');
    lab().stepRace(1);
    expect(lab().cpus).toHaveLength(8);
    expect(lab().message).toBeNull();
  });

  it('RCU: the zapper waits for a grace period the faulting CPU holds up', () => {
    open(F20, 'pt-reclaim');
    const plan = lab().plan;
    let k = 0;
    while (cpuBlocked(lab().snap!, 1)?.startsWith('waiting for an RCU grace period') !== true) lab().stepRace(plan[k++]);
    const snap = lab().snap!;
    expect(cpuBlocked(snap, 1)).toBe('waiting for an RCU grace period: CPU 0 is still inside rcu_read_lock()');
    expect(snap.cpus[0].view.rcuReadLock).toBe(true);
    const old = snap.tables.find((t) => t.id === 3)!;
    expect(old.state).toBe('detached-waiting-rcu');
    expect(racedTable(snap)).toBe(3);
  });

  it('back replays one micro-step less; reset goes to the start', () => {
    const { s, i } = open(F20, 'pte-ref');
    stepAll([0, 0, 0, 1, 1, 0]);
    lab().backRace();
    expect(lab().cpus).toEqual([0, 0, 0, 1, 1]);
    expect(lab().snap).toEqual(coreSnap(s, i, 'pte-ref', [0, 0, 0, 1, 1]));
    lab().resetRace();
    expect(lab().cpus).toEqual([]);
    expect(lab().snap!.microStep).toBe(0);
    lab().backRace(); // nothing to go back to
    expect(lab().cpus).toEqual([]);
  });

  it('runs the scenario interleaving, at once or one micro-step at a time, to the lane result', () => {
    const { s, i } = open(F20, 'pt-reclaim');
    lab().planRun();
    const whole = lab().snap!;
    expect(whole.status).toBe('done');
    expect(whole.violation).toBeUndefined();
    expect(lab().cpus).toEqual(lab().plan);
    // The figures after the race are the lane's after the step.
    const c = compile(s);
    if (!c.ok) throw new Error('compile');
    const run = new Run(c.ops, { mechanism: 'pt-reclaim' }, c.initialExpects);
    run.advance(i + 1);
    expect(whole.figures).toEqual(run.steps[i].figures);
    expect(whole.tables.find((t) => t.id === 3)?.state).toBe('freed');
    lab().resetRace();
    while (lab().cpus.length < lab().plan.length) lab().planNext();
    expect(withoutNotes(lab().snap!)).toEqual(withoutNotes(whole));
    // Off the interleaving, planNext does nothing.
    lab().resetRace();
    lab().stepRace(1);
    expect(onPlan(lab())).toBe(false);
    lab().planNext();
    expect(lab().cpus).toEqual([1]);
  });

  it("'broken': the checker catches the use-after-free, marks CPU 0's micro-step and stops both CPUs", () => {
    const { s, i } = open(F20, 'pt-reclaim');
    lab().stepRace(0);
    lab().setRaceChoice('broken');
    expect(lab().mechanism).toBe('broken');
    expect(lab().cpus).toEqual([]);
    stepPreset20Broken();
    const snap = lab().snap!;
    expect(snap.status).toBe('violation');
    expect(snap.violation).toMatchObject({ microStep: 14, cpu: 0, kind: 'use-after-free', tableId: 3 });
    expect(snap.violation!.message).toBe('use-after-free: CPU 0 spun on the PTE lock of table #3, but CPU 1 freed it at micro-step 10 (broken_free_table)');
    const at = violationAt(snap)!;
    expect(at.cpu).toBe(0);
    expect(snap.cpus[0].microSteps[at.pc]).toBe('spin_lock(PTE lock)');
    expect(cpuBlocked(snap, 0)).toBe('the checker stopped the race');
    expect(cpuBlocked(snap, 1)).toBe('the checker stopped the race');
    expect(snap).toEqual(coreSnap(s, i, 'broken', lab().cpus));
    expect(selectRaceSlot(lab())).toBe(Math.floor(snap.tables[0].addr / 2 ** 21));
    lab().stepRace(1);
    expect(lab().message).toMatch(/^the race has stopped: the checker stopped the race at micro-step 14/);
    // Back out of the violation: running again.
    lab().backRace();
    expect(lab().snap!.status).toBe('running');
    // The same race under another lane keeps 'broken'; back to the lane's design.
    lab().openRace(s, i, 'pte-ref');
    expect(lab().mechanism).toBe('broken');
    lab().setRaceChoice('lane');
    expect(lab().mechanism).toBe('pte-ref');
  });

  it('preset 25: pt-reclaim as merged for 6.14-rc1 frees a table that maps a page', () => {
    open(F25, 'pt-reclaim');
    lab().planRun();
    const snap = lab().snap!;
    expect(snap.status).toBe('violation');
    expect(snap.violation!.kind).toBe('non-empty-freed');
    expect(violationAt(snap)!.cpu).toBe(0);
    resetRaceStore();
    open(F25, 'pte-ref');
    lab().planRun();
    expect(lab().snap!.status).toBe('done');
  });

  it('every race of every race preset runs its interleaving under every design like the core', () => {
    for (const id of ['20-race-fault-vs-dontneed', '21-race-walker-reference', '22-race-pmd-install', '23-race-gup-fast', '24-race-lockbreak-fixed', F25]) {
      const s = src(id);
      const c = compile(s);
      if (!c.ok) throw new Error(id);
      c.ops.forEach((o, i) => {
        if (o.op.op !== 'race') return;
        for (const m of ['baseline', 'pte-ref', 'pt-reclaim'] as const) {
          for (const choice of ['lane', 'broken'] as const) {
            lab().openRace(s, i, m);
            lab().setRaceChoice(choice);
            lab().planRun();
            const st = lab();
            expect(st.error, `${id} ${i} ${m}`).toBeNull();
            expect(['done', 'violation'], `${id} ${i} ${m} ${choice}`).toContain(st.snap!.status);
            // The same state as the core's replay of the same CPU order (runSchedule's notes aside).
            expect(withoutNotes(st.snap!)).toEqual(withoutNotes(coreSnap(s, i, st.mechanism!, st.cpus)));
            lab().closeRace();
          }
        }
      });
    }
  });

  it('a step that is not a race, or a broken source, says so', () => {
    lab().openRace(src(F20), 0, 'pte-ref');
    expect(lab().error).toBe('step 0 is not a race');
    expect(lab().snap).toBeNull();
    lab().stepRace(0);
    expect(lab().cpus).toEqual([]);
    lab().closeRace();
    expect(lab().open).toBeNull();
  });
});
