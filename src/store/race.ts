// The race lab's state: a small zustand store of its own, beside the main
// one. When the step on screen is a race (`cpu 0: ...` / `cpu 1: ...`), the
// page opens it here: the same source is compiled on the main thread and
// replayed up to the state before the race (races are small scenarios; the
// lane's Run stays in its worker), then the two CPUs are stepped micro-step
// by micro-step with the core's race engine. Stepping back replays one
// micro-step less from that state (the engine is deterministic).
import { create } from 'zustand';
import { PMD_SIZE, Run, canStep, createRace, raceSnapshot, stepCpu, type CpuId, type MechanismName, type Race, type RaceSnapshot } from '../core/index.ts';
import { describeSchedule, runSchedule, runToEnd, scheduleFor, type RaceOp } from '../core/races/index.ts';
import type { MechanismVariant } from '../scenario/ast.ts';
import { compile } from '../scenario/index.ts';

/** Under which design the race runs: the lane's own, or the unsafe one (offered here only). */
export type RaceChoice = 'lane' | 'broken';

export interface RaceOpen {
  /** The source the lane ran, and the race's step in it. */
  source: string;
  index: number;
  lane: MechanismName;
}

export interface RaceLabState {
  open: RaceOpen | null;
  choice: RaceChoice;
  /** The design the race runs under now (the lane's, or 'broken'). */
  mechanism: MechanismVariant | null;
  /** The micro-steps taken so far: which CPU took each. */
  cpus: CpuId[];
  /** The scenario's interleaving under this design, as the CPU of each micro-step. */
  plan: CpuId[];
  /** The interleaving as an `interleave` line. */
  schedule: string;
  snap: RaceSnapshot | null;
  /** The race could not be set up (the error the core gave). */
  error: string | null;
  /** Why the last step asked for did not move. */
  message: string | null;
}

export interface RaceLabActions {
  /** Open the race of step `index` of `source` (no-op when it is already open). */
  openRace(source: string, index: number, lane: MechanismName): void;
  closeRace(): void;
  setRaceChoice(c: RaceChoice): void;
  /** One micro-step of that CPU (or the reason it cannot move, in `message`). */
  stepRace(cpu: CpuId): void;
  /** Back one micro-step: the same CPU order, one shorter. */
  backRace(): void;
  resetRace(): void;
  /** The next micro-step of the scenario's interleaving (when the steps so far follow it). */
  planNext(): void;
  /** The scenario's interleaving to its end (from the start). */
  planRun(): void;
}

export type RaceLab = RaceLabState & RaceLabActions;

const MAX_WORK = 24_000_000;

const closed: RaceLabState = { open: null, choice: 'lane', mechanism: null, cpus: [], plan: [], schedule: '', snap: null, error: null, message: null };

// ---- the race objects (mutable, outside the store) ----

type Base = ReturnType<Run['stateAt']> & { op: RaceOp };
const bases = new Map<string, Base>();
const MAX_BASES = 4;

/** The state before the race, compiled and replayed once per (design, step, source). */
function baseFor(source: string, index: number, mech: MechanismVariant): Base | string {
  const key = `${mech}\n${index}\n${source}`;
  const hit = bases.get(key);
  if (hit) return hit;
  const c = compile(source);
  if (!c.ok) return `line ${c.errors[0].line}: ${c.errors[0].message}`;
  const st = c.program.at(index);
  if (!st || st.op.op !== 'race') return `step ${index} is not a race`;
  const run = new Run(c.program, { mechanism: mech, checkpoints: false, maxWork: MAX_WORK }, c.initialExpects);
  const base: Base = { ...run.stateAt(index - 1), op: st.op };
  if (bases.size >= MAX_BASES) bases.delete(bases.keys().next().value!);
  bases.set(key, base);
  return base;
}

/** A fresh race at its start (raceAt, from the cached state before it). */
function freshRace(b: Base, mech: MechanismVariant): Race | string {
  const r = createRace(b.mm.clone(), new Map(b.names), b.op, mech);
  return 'cpus' in r ? r : r.message;
}

/** When no CPU can move and the race is not over: the engine reports the deadlock. */
function settle(r: Race): void {
  if (r.stopped || r.cpus.every((c) => c.done)) return;
  if (!r.cpus.some((c) => canStep(r, c))) runToEnd(r);
}

const cpuOrder = (r: Race): CpuId[] => r.trace.filter((e) => e.pc >= 0).map((e) => e.cpu);

/** The steps so far are the start of the interleaving. */
export function onPlan(s: Pick<RaceLabState, 'cpus' | 'plan'>): boolean {
  return s.cpus.length <= s.plan.length && s.cpus.every((c, k) => c === s.plan[k]);
}

export const useRaceStore = create<RaceLab>()((set, get) => {
  let live: { base: Base; mech: MechanismVariant; race: Race } | null = null;

  const publish = (cpus: CpuId[], message: string | null = null) => {
    if (!live) return;
    settle(live.race);
    set({ cpus, snap: raceSnapshot(live.race), message });
  };

  /** Rebuild the race from its start and replay `cpus` (back, reset, a switch of design). */
  const replay = (cpus: CpuId[]) => {
    if (!live) return;
    const r = freshRace(live.base, live.mech);
    if (typeof r === 'string') {
      set({ snap: null, error: r });
      return;
    }
    for (const id of cpus) stepCpu(r, id);
    live.race = r;
    publish(cpus);
  };

  const start = (open: RaceOpen, choice: RaceChoice) => {
    const mech: MechanismVariant = choice === 'broken' ? 'broken' : open.lane;
    live = null;
    const base = baseFor(open.source, open.index, mech);
    const r = typeof base === 'string' ? base : freshRace(base, mech);
    if (typeof base === 'string' || typeof r === 'string') {
      set({ ...closed, open, choice, mechanism: mech, error: typeof r === 'string' ? r : String(base) });
      return;
    }
    // The scenario's own interleaving, run once on a copy: the order the lane's run used.
    const sched = scheduleFor(base.op, mech);
    const probe = freshRace(base, mech);
    let plan: CpuId[] = [];
    if (typeof probe !== 'string') {
      runSchedule(probe, sched);
      plan = cpuOrder(probe);
    }
    live = { base, mech, race: r };
    set({ ...closed, open, choice, mechanism: mech, plan, schedule: describeSchedule(sched), snap: raceSnapshot(r) });
  };

  return {
    ...closed,

    openRace(source, index, lane) {
      const o = get().open;
      if (o && o.source === source && o.index === index && o.lane === lane) return;
      // The same race under another lane keeps the choice of 'broken'.
      const keep = o && o.source === source && o.index === index ? get().choice : 'lane';
      start({ source, index, lane }, keep);
    },

    closeRace() {
      live = null;
      if (get().open) set({ ...closed });
    },

    setRaceChoice(choice) {
      const o = get().open;
      if (!o || choice === get().choice) return;
      start(o, choice);
    },

    stepRace(cpu) {
      if (!live) return;
      const res = stepCpu(live.race, cpu);
      if (res.kind === 'ran') return publish([...get().cpus, cpu]);
      const why = res.kind === 'blocked' ? `CPU ${cpu} is blocked: ${res.why}` : res.kind === 'finished' ? `CPU ${cpu} has finished` : `the race has stopped: ${res.why}`;
      set({ message: why });
    },

    backRace() {
      const cpus = get().cpus;
      if (cpus.length) replay(cpus.slice(0, -1));
    },

    resetRace() {
      replay([]);
    },

    planNext() {
      const s = get();
      if (!live || !onPlan(s) || s.cpus.length >= s.plan.length) return;
      get().stepRace(s.plan[s.cpus.length]);
    },

    planRun() {
      if (!live) return;
      const r = freshRace(live.base, live.mech);
      if (typeof r === 'string') return;
      runSchedule(r, scheduleFor(live.base.op, live.mech));
      live.race = r;
      publish(cpuOrder(r));
    },
  };
});

// ---- derived values (pure, for the views and tests) ----

/** Why CPU `id` cannot take a step now, or null if it can. */
export function cpuBlocked(snap: RaceSnapshot, id: CpuId): string | null {
  if (snap.status === 'violation') return 'the checker stopped the race';
  if (snap.status === 'deadlock') return 'the race is deadlocked';
  if (snap.status === 'livelock') return 'the race ran out of micro-steps';
  const c = snap.cpus.find((x) => x.id === id);
  if (!c) return `there is no CPU ${id} in this race`;
  if (c.status === 'finished') return `CPU ${id} has finished`;
  if (c.status === 'blocked') return c.blocked ?? 'blocked';
  return null;
}

/** The micro-step (CPU and index in its program) the checker caught, if any. */
export function violationAt(snap: RaceSnapshot): { cpu: CpuId; pc: number } | null {
  const v = snap.violation;
  if (!v) return null;
  const e = snap.trace.find((t) => t.n === v.microStep && t.pc >= 0);
  return e ? { cpu: e.cpu, pc: e.pc } : { cpu: v.cpu, pc: -1 };
}

/** The table the race is about: the one the checker caught, else one a CPU detached, else one both CPUs reach. */
export function racedTable(snap: RaceSnapshot): number | null {
  if (snap.violation) return snap.violation.tableId;
  const detached = snap.tables.find((t) => t.state !== 'linked');
  if (detached) return detached.id;
  const uses = (id: number) => snap.cpus.filter((c) => c.view.table === id || c.view.pmd === `table #${id}` || c.view.refs.includes(id)).length;
  const both = snap.tables.find((t) => uses(t.id) >= 2);
  return both?.id ?? snap.tables[0]?.id ?? null;
}

export const selectRaceSnap = (s: RaceLab) => s.snap;
export const selectRaceShown = (s: RaceLab) => s.open !== null;
/** The 2 MiB slot of the raced-over table (the page-table view may outline it). */
export const selectRaceSlot = (s: RaceLab): number | null => {
  if (!s.snap) return null;
  const id = racedTable(s.snap);
  const t = s.snap.tables.find((x) => x.id === id);
  return t ? Math.floor(t.addr / PMD_SIZE) : null;
};

/** Back to closed (tests). */
export function resetRaceStore(): void {
  bases.clear();
  useRaceStore.getState().closeRace();
  useRaceStore.setState({ ...closed });
}
