// A plain-data picture of a race between two micro-steps, for the UI: each
// CPU's program with its pc, what it holds and what it read; each PTE table
// the race can reach with its life ('linked', detached and waiting for the
// TLB flush or for RCU, 'freed'); the locks; the figures; and the checker's
// verdict. Built on demand; nothing here is on the race's own path.
import type { MechanismVariant, ViolationKind } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import type { PteTable } from '../mm/pgtable.ts';
import { forEachPresentSlot } from '../mm/walk.ts';
import type { Figures } from '../types.ts';
import { blockedReason } from './engine.ts';
import { slotOf } from './program.ts';
import type { Cpu, CpuId, Race, TableLife, TraceEntry } from './state.ts';
import { IPI_WAIT, lockName } from './sync.ts';

export interface RaceCpuView {
  id: CpuId;
  /** The statement as written: `cpu 0: touch A 16K 4K`. */
  statement: string;
  /** Index of the next micro-step in microSteps (microSteps.length once finished). */
  pc: number;
  /** The statement's program: every micro-step it may take, in order (retries jump back). */
  microSteps: string[];
  /** The micro-step it takes next, or null once finished. */
  current: string | null;
  status: 'ready' | 'blocked' | 'finished';
  /** Why it cannot move (a held lock, an unacknowledged IPI, an unfinished grace period). */
  blocked?: string;
  /** What it holds: mmap_lock, PMD and PTE locks, rcu_read_lock, pte_refcount references. */
  holds: string[];
  irqsOff: boolean;
  view: {
    mmapLock: 'read' | 'write' | null;
    rcuReadLock: boolean;
    /** What its last PMD read found: 'none', 'table #N', or null if it has not read it. */
    pmd: string | null;
    /** The table it works on (mapped or locked), by id. */
    table: number | null;
    /** A table it allocated and has not installed yet. */
    newTable: number | null;
    /** pte-ref: tables it holds a reference on. */
    refs: number[];
    /** The page its fault or gup is at. */
    page: number | null;
    /** Another CPU's TLB-flush IPI waits for this one to enable interrupts. */
    pendingIpi: boolean;
  };
  outcome: string[];
  error?: string;
}

export interface RaceTableView {
  id: number;
  /** Start of the 2 MiB slot it maps. */
  addr: number;
  state: TableLife;
  nonNone: number;
  /** pte-ref's pte_refcount (entries + visitors); 0 under the other designs. */
  refcount: number;
  /** Who holds its PTE lock. */
  lockedBy: CpuId | null;
  detachedBy?: { cpu: CpuId; microStep: number; by: string };
  freedBy?: { cpu: CpuId; microStep: number; by: string };
}

export interface RaceSnapshot {
  mechanism: MechanismVariant;
  /** Micro-steps taken so far. */
  microStep: number;
  status: 'running' | 'done' | 'violation' | 'deadlock' | 'livelock';
  cpus: RaceCpuView[];
  tables: RaceTableView[];
  mmapLock: { readers: CpuId[]; writer: CpuId | null };
  /** Locks held, by name. */
  locks: { name: string; holder: CpuId }[];
  figures: Figures;
  trace: TraceEntry[];
  violation?: { microStep: number; cpu: CpuId; tableId: number; kind: ViolationKind; step: string; message: string };
  deadlock?: string;
}

function cpuView(r: Race, c: Cpu): RaceCpuView {
  const why = c.done ? null : blockedReason(r, c);
  const holds: string[] = [];
  if (c.mmap) holds.push(`mmap_lock (${c.mmap})`);
  for (const k of c.locks) holds.push(lockName(k));
  if (c.rcuDepth) holds.push('rcu_read_lock');
  for (const t of c.refs) holds.push(`a pte_refcount reference on table #${t.id}`);
  const v = c.v;
  const page = v.pages.length && v.pi < v.pages.length ? v.pages[v.pi] : null;
  const view: RaceCpuView = {
    id: c.id,
    statement: c.text,
    pc: c.pc,
    microSteps: c.prog.instrs.map((i) => i.name),
    current: c.done ? null : c.prog.instrs[c.pc].name,
    status: c.done ? 'finished' : why ? 'blocked' : 'ready',
    holds,
    irqsOff: c.irqsOff,
    view: {
      mmapLock: c.mmap,
      rcuReadLock: c.rcuDepth > 0,
      pmd: c.pmdSeen === undefined ? null : c.pmdSeen ? `table #${c.pmdSeen.id}` : 'none',
      table: c.table ? c.table.id : null,
      newTable: c.newTable ? c.newTable.id : null,
      refs: c.refs.map((t) => t.id),
      page,
      pendingIpi: c.irqsOff && r.others(c).some((o) => blockedReason(r, o)?.startsWith(IPI_WAIT) ?? false),
    },
    outcome: [...c.outcome],
  };
  if (why) view.blocked = why;
  if (c.error) view.error = c.error.message;
  return view;
}

function tableView(r: Race, t: PteTable): RaceTableView {
  const tr = r.tracks.get(t);
  const holder = r.locks.get(`ptl:${t.id}`);
  const out: RaceTableView = { id: t.id, addr: t.slot * PMD_SIZE, state: r.life(t), nonNone: t.nonNone, refcount: t.refcount, lockedBy: holder ?? null };
  if (tr?.detached) out.detachedBy = { cpu: tr.detached.cpu, microStep: tr.detached.n, by: tr.detached.by };
  if (tr?.freed) out.freedBy = { cpu: tr.freed.cpu, microStep: tr.freed.n, by: tr.freed.by };
  return out;
}

/** The PTE tables the race can reach: linked ones under the CPUs' ranges, and every table it detached. */
function tablesOf(r: Race): PteTable[] {
  const seen = new Set<PteTable>();
  for (const c of r.cpus) {
    const v = c.v;
    if (v.pages.length) {
      for (const s of new Set(v.pages.map(slotOf))) {
        const t = r.mm.pteAt(s);
        if (t && !t.huge) seen.add(t);
      }
    } else if (v.end > v.start) {
      forEachPresentSlot(r.mm, v.start, v.end, (_s, t) => void (t.huge || seen.add(t)));
    }
    for (const t of [c.table, c.pmdSeen]) if (t) seen.add(t);
  }
  for (const t of r.tracks.keys()) seen.add(t);
  return [...seen].sort((a, b) => a.slot - b.slot || a.id - b.id);
}

export function raceSnapshot(r: Race): RaceSnapshot {
  const status = r.violation ? 'violation' : r.deadlock ? 'deadlock' : r.limit ? 'livelock' : r.cpus.every((c) => c.done) ? 'done' : 'running';
  const snap: RaceSnapshot = {
    mechanism: r.mech,
    microStep: r.n,
    status,
    cpus: r.cpus.map((c) => cpuView(r, c)),
    tables: tablesOf(r).map((t) => tableView(r, t)),
    mmapLock: { readers: [...r.mmapReaders].sort(), writer: r.mmapWriter },
    locks: [...r.locks].map(([k, holder]) => ({ name: lockName(k), holder })),
    figures: r.mm.figures(),
    trace: [...r.trace],
  };
  if (r.violation) snap.violation = { ...r.violation };
  if (r.deadlock) snap.deadlock = r.deadlock;
  return snap;
}
