// What a finished race reports to the Run (and so to the CLI, the goldens and
// the app): the trace of micro-steps, each CPU's outcome, the violation or
// deadlock, and one reason per PTE table the race freed or a zap kept.
import type { FlatOp, MechanismVariant } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import type { Names } from '../trace/execute.ts';
import type { SimError, TableReason } from '../types.ts';
import { createRace, describeSchedule, runSchedule, scheduleFor } from './engine.ts';
import type { CpuId, Race, RaceViolation, TraceEntry } from './state.ts';

export interface RaceReport {
  mechanism: MechanismVariant;
  /** The interleaving used, as an `interleave` line. */
  schedule: string;
  microSteps: number;
  trace: TraceEntry[];
  cpus: { cpu: CpuId; text: string; outcome: string }[];
  violation?: RaceViolation;
  deadlock?: string;
}

/** The line the CLI prints: micro-step, CPU, table and what happened. */
export function violationMessage(v: RaceViolation): string {
  return `race violation at micro-step ${v.microStep} (CPU ${v.cpu}: ${v.step}), table #${v.tableId}: ${v.message}`;
}

function outcome(r: Race, id: CpuId): string {
  const c = r.cpu(id)!;
  const parts = [...c.outcome];
  if (c.error) parts.push(c.error.message);
  if (!c.done && !r.stopped) parts.push('did not finish');
  return parts.join(', ') || (c.done ? 'finished' : 'stopped');
}

export function raceReport(r: Race, schedule: string): RaceReport {
  const rep: RaceReport = {
    mechanism: r.mech,
    schedule,
    microSteps: r.n,
    trace: r.trace,
    cpus: r.cpus.map((c) => ({ cpu: c.id, text: c.text, outcome: outcome(r, c.id) })),
  };
  if (r.violation) rep.violation = r.violation;
  if (r.deadlock) rep.deadlock = r.deadlock;
  return rep;
}

/** One reason per table the race freed (or detached), plus the zaps' kept ones. */
export function raceReasons(r: Race): TableReason[] {
  if (r.violation) {
    const v = r.violation;
    const t = [...r.tracks.keys()].find((x) => x.id === v.tableId);
    const addr = t ? t.slot * PMD_SIZE : 0;
    // The Run keeps this reason only when an `expect violation` line asked for it (else the error says it all).
    return [{ addr, tableId: v.tableId, verdict: t ? 'freed' : 'kept', code: 'race_violation', text: `caught, as expected, at ${violationMessage(v).slice('race violation at '.length)}; the run stops here` }];
  }
  const out: TableReason[] = [];
  for (const tr of r.tracks.values()) {
    const d = tr.detached!;
    const after = !tr.freed ? 'its page not freed yet' : tr.freed.by === 'broken_free_table' || (tr.freed.by === 'free_pte_range' && r.mech === 'broken') ? 'its page freed at once' : tr.rcu ? 'its page freed after the TLB flush and an RCU grace period' : 'its page freed after the TLB flush';
    out.push({ addr: tr.t.slot * PMD_SIZE, tableId: tr.t.id, verdict: 'freed', code: 'race_freed', by: d.by, text: `freed by CPU ${d.cpu} (${d.by}, ${after})` });
  }
  const freed = new Set([...r.tracks.keys()].map((t) => t.id));
  for (const k of r.reasons) if (!freed.has(k.tableId)) out.push(k);
  if (out.length === 1) {
    // One table: tell the whole story on its line (the reasons already say who freed what).
    const said = r.cpus
      .map((c) => ({ c, what: c.outcome.filter((o) => !o.startsWith('freed table') && !o.startsWith("the slow path's rescan")) }))
      .filter((x) => x.what.length)
      .map((x) => `CPU ${x.c.id}: ${x.what.join(', ')}`)
      .join('; ');
    if (said) out[0] = { ...out[0], text: `${out[0].text}; ${said}` };
  }
  return out;
}

export interface RaceResult {
  race?: RaceReport;
  error?: SimError;
}

/** Run a `race` op on mm under its mechanism: the Run's hook (trace/execute.ts). */
export function executeRace(mm: Mm, names: Names, op: Extract<FlatOp, { op: 'race' }>): RaceResult {
  const mech = mm.mech.name;
  const r = createRace(mm, names, op, mech);
  if (!('cpus' in r)) return { error: r };
  const schedule = scheduleFor(op, mech);
  mm.enter('race');
  runSchedule(r, schedule);
  for (const reason of raceReasons(r)) mm.reason(reason);
  const race = raceReport(r, describeSchedule(schedule));
  if (r.deadlock) return { race, error: { kind: 'race', message: r.deadlock } };
  if (r.limit) return { race, error: { kind: 'limit', message: r.limit } };
  const failed = r.cpus.find((c) => c.error);
  if (failed && !r.violation) return { race, error: failed.error };
  return { race };
}
