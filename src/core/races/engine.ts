// The race engine: build each CPU's micro-step program for its statement,
// step a CPU by one micro-step (or report why it cannot move), and run a
// schedule (an `interleave` list, a seeded random order, or none).
//
// Schedule semantics (documented in README.md):
//   `0`, `1`  one micro-step of that CPU. If it is blocked or finished, the
//             other CPU steps instead and the trace says so;
//   `1*`      CPU 1 runs until it finishes or blocks (nothing if it already is);
//   `0*3`     three entries `0`;
//   the tail  after the list (or with no list) each CPU runs to completion in
//             turn, CPU 0 first, switching only when the running one blocks;
//   random    at every micro-step, a seeded choice among the CPUs that can move.
// A state where no unfinished CPU can move is a deadlock, reported, never a
// hang; every run is bounded by MAX_MICRO_STEPS (a livelock is reported).
import type { FlatOp, MechanismVariant, RaceSchedule } from '../../scenario/ast.ts';
import { PAGE_SIZE, alignUp } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { resolve, type Names } from '../trace/execute.ts';
import type { SimError } from '../types.ts';
import { faultProgram } from './fault.ts';
import { zapTail } from './free.ts';
import { gupProgram, munmapProgram } from './gup_munmap.ts';
import { ProgramBuilder } from './program.ts';
import { END, Race, newCpu, type Cpu, type CpuId, type TraceEntry } from './state.ts';
import { lockName } from './sync.ts';
import { walkProgram } from './walk.ts';
import { pagesOf, zapProgram } from './zap.ts';
import { prng } from '../../scenario/prng.ts';
export { prng };

export type RaceOp = Extract<FlatOp, { op: 'race' }>;

/** Micro-steps a race may take before it is declared a livelock. */
export const MAX_MICRO_STEPS = 200_000;
/** Pages one race statement may cover (a fault is ~10 micro-steps). */
export const MAX_RACE_PAGES = 4096;

/** Set up the race on mm (the state the ordinary statements before it left). */
export function createRace(mm: Mm, names: Names, op: RaceOp, mech: MechanismVariant): Race | SimError {
  const r = new Race(mm, names, mech);
  // The checker follows table objects: from here on this mm keeps them (no compact tables).
  mm.compactTables = false;
  for (const th of op.threads) {
    const o = th.op;
    const res = resolve(names, o.name, o.off, o.len, o.op);
    if ('kind' in res) return { ...res, message: `CPU ${th.cpu}: ${res.message}` };
    const addr = res.addr;
    if ((o.op === 'madvise' || o.op === 'munmap') && addr % PAGE_SIZE) {
      return { kind: 'einval', message: `CPU ${th.cpu}: ${o.op} at 0x${addr.toString(16)}: not page aligned (EINVAL)` };
    }
    if (o.len / PAGE_SIZE > MAX_RACE_PAGES && o.op !== 'madvise' && o.op !== 'munmap') {
      return { kind: 'limit', message: `CPU ${th.cpu}: a race statement covers at most ${MAX_RACE_PAGES} pages (16 MiB); this one covers ${Math.ceil(o.len / PAGE_SIZE)}` };
    }
    const b = new ProgramBuilder();
    switch (o.op) {
      case 'touch':
      case 'read':
        faultProgram(b, mech);
        break;
      case 'gup':
        gupProgram(b);
        faultProgram(b, mech);
        break;
      case 'madvise':
        zapProgram(b, mech, 'madvise');
        zapTail(b, mech);
        break;
      case 'munmap':
        munmapProgram(b, mech);
        break;
      case 'mincore':
      case 'pagemap':
        walkProgram(b, mech, o.op);
        break;
    }
    const c = newCpu(th.cpu, th.text, o, b.build());
    const v = c.v;
    if (o.op === 'madvise' || o.op === 'munmap') {
      v.start = addr;
      v.end = addr + alignUp(o.len, PAGE_SIZE);
      if (o.op === 'madvise') {
        v.unfixed = o.unfixed;
        if (o.lockbreak !== undefined) v.lockbreak = addr - o.off + o.lockbreak - ((addr - o.off + o.lockbreak) % PAGE_SIZE);
      }
    } else {
      v.pages = pagesOf(addr, o.len);
      v.write = o.op !== 'read';
    }
    r.cpus.push(c);
  }
  return r;
}

/** Why c cannot take its next micro-step, or null if it can (finished CPUs cannot either). */
export function blockedReason(r: Race, c: Cpu): string | null {
  if (c.done) return null;
  const ins = c.prog.instrs[c.pc];
  return ins.wait ? ins.wait(r, c) : null;
}

export const canStep = (r: Race, c: Cpu): boolean => !c.done && !r.stopped && blockedReason(r, c) === null;

export type StepResult =
  | { kind: 'ran'; entry: TraceEntry }
  | { kind: 'blocked'; why: string }
  | { kind: 'finished' }
  | { kind: 'stopped'; why: string };

function stopReason(r: Race): string {
  if (r.violation) return `the checker stopped the race at micro-step ${r.violation.microStep}`;
  return r.deadlock ?? r.limit ?? '';
}

/** One micro-step of CPU `id`: the UI's "step CPU 0" button. */
export function stepCpu(r: Race, id: number): StepResult {
  if (r.stopped) return { kind: 'stopped', why: stopReason(r) };
  const c = r.cpu(id);
  if (!c || c.done) return { kind: 'finished' };
  const why = blockedReason(r, c);
  if (why) return { kind: 'blocked', why };
  if (r.n >= MAX_MICRO_STEPS) {
    r.limit = `livelock: the race did not finish within ${MAX_MICRO_STEPS} micro-steps`;
    return { kind: 'stopped', why: r.limit };
  }
  const pc = c.pc;
  const ins = c.prog.instrs[pc];
  r.n++;
  c.note = undefined;
  r.mm.enter(ins.fn);
  const flow = ins.run(r, c);
  const entry: TraceEntry = { n: r.n, cpu: c.id, pc, microStep: ins.name };
  if (c.note) entry.note = c.note;
  r.trace.push(entry);
  if (flow === END || (flow === undefined && pc + 1 >= c.prog.instrs.length)) finish(c);
  else if (typeof flow === 'string') {
    const to = c.prog.labels.get(flow);
    if (to === undefined) throw new Error(`race model: no label ${flow}`);
    c.pc = to;
  } else c.pc = pc + 1;
  return { kind: 'ran', entry };
}

/** A statement that ends holding anything is a bug in its protocol, not a race: say so loudly. */
function finish(c: Cpu): void {
  c.done = true;
  c.pc = c.prog.instrs.length;
  const held = [...[...c.locks].map(lockName), ...(c.mmap ? ['mmap_lock'] : []), ...(c.rcuDepth ? ['rcu_read_lock'] : []), ...(c.irqsOff ? ['interrupts off'] : []), ...c.refs.map((t) => `a reference on table #${t.id}`)];
  if (held.length) throw new Error(`race model: CPU ${c.id} finished holding ${held.join(', ')}`);
}

function note(r: Race, cpu: CpuId, text: string): void {
  const last = r.trace[r.trace.length - 1];
  if (last && last.pc === -1 && last.note === text) return;
  r.trace.push({ n: r.n, cpu, pc: -1, microStep: '', note: text });
}

/** Nobody can move: say who waits for what. */
function deadlock(r: Race): void {
  const parts = r.cpus.map((c) => (c.done ? `CPU ${c.id} has finished` : `CPU ${c.id} waits: ${blockedReason(r, c)}`));
  r.deadlock = `deadlock: ${parts.join('; ')}`;
  note(r, r.cpus[0].id, r.deadlock);
}

const allDone = (r: Race): boolean => r.cpus.every((c) => c.done);

/** One list entry: step `id`, or the other CPU if `id` cannot move. False when the race cannot go on. */
function stepOrOther(r: Race, id: number): boolean {
  const c = r.cpu(id)!;
  const res = stepCpu(r, id);
  if (res.kind === 'ran') return true;
  if (res.kind === 'stopped') return false;
  const o = r.others(c).find((x) => canStep(r, x));
  if (!o) {
    if (allDone(r)) {
      note(r, c.id, 'both CPUs have finished: the rest of the interleaving is ignored');
    } else deadlock(r);
    return false;
  }
  note(r, c.id, res.kind === 'blocked' ? `CPU ${c.id} is blocked (${res.why}): CPU ${o.id} steps instead` : `CPU ${c.id} has finished: CPU ${o.id} steps instead`);
  return stepCpu(r, o.id).kind === 'ran';
}

/** The tail: each CPU to completion in turn, CPU 0 first, switching only on a block. */
export function runToEnd(r: Race): void {
  let cur = r.cpus.find((c) => !c.done);
  while (cur && !r.stopped) {
    if (allDone(r)) return;
    if (!canStep(r, cur)) {
      const next = r.cpus.find((c) => canStep(r, c));
      if (!next) {
        if (!allDone(r) && !r.stopped) deadlock(r);
        return;
      }
      if (!cur.done) note(r, cur.id, `CPU ${cur.id} is blocked (${blockedReason(r, cur)}): CPU ${next.id} runs`);
      cur = next;
    }
    if (stepCpu(r, cur.id).kind !== 'ran') return;
  }
}


/** Run a schedule to the end of the race. */
export function runSchedule(r: Race, s: RaceSchedule | undefined): void {
  if (s?.kind === 'random') {
    const rnd = prng(s.seed);
    while (!r.stopped && !allDone(r)) {
      const ready = r.cpus.filter((c) => canStep(r, c));
      if (!ready.length) return deadlock(r);
      stepCpu(r, ready[Math.floor(rnd() * ready.length)].id);
    }
    return;
  }
  if (s) {
    outer: for (const it of s.items) {
      if (it.count === 'run') {
        let ran = 0;
        let res = stepCpu(r, it.cpu);
        for (; res.kind === 'ran'; res = stepCpu(r, it.cpu)) ran++;
        if (r.stopped) return;
        if (!ran && res.kind === 'blocked') note(r, it.cpu as CpuId, `CPU ${it.cpu} is blocked (${res.why}): ${it.cpu}* runs nothing`);
        continue;
      }
      for (let k = 0; k < it.count; k++) if (!stepOrOther(r, it.cpu)) break outer;
    }
  }
  runToEnd(r);
}

/** The schedule the race uses under a mechanism: its own `interleave` line, else the default one. */
export function scheduleFor(op: RaceOp, mech: MechanismVariant): RaceSchedule | undefined {
  return (op.orders.find((o) => o.mechanism === mech) ?? op.orders.find((o) => !o.mechanism))?.schedule;
}

/** How a schedule reads in a report. */
export function describeSchedule(s: RaceSchedule | undefined): string {
  if (!s) return 'no interleave line: CPU 0 runs to completion, then CPU 1';
  if (s.kind === 'random') return `interleave random seed ${s.seed}`;
  return `interleave ${s.items.map((i) => (i.count === 'run' ? `${i.cpu}*` : i.count === 1 ? `${i.cpu}` : `${i.cpu}*${i.count}`)).join(' ')}`;
}
