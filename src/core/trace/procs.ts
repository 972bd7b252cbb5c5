// Several processes in one run: the first (`parent`) and the children its
// forks made, each with its own mm (page tables, VMAs, counters) and its own
// mapping names (a child starts with a copy of its parent's). A statement
// runs in one process: the first, or the one `in NAME:` names; `fork` makes a
// child of the process it runs in (dup_mmap), `exit NAME` runs the child's
// exit_mmap and drops it. The system-wide settings (`thp`, `zeropage`, `swap`,
// and `khugepaged`, whose scan visits every mm) reach every process. A single-process run never comes here but for
// prepare()'s first test, so its fast path is unchanged.
import { FIRST_PROCESS, type FlatOp } from '../../scenario/ast.ts';
import { dup_mmap, exit_mmap } from '../mm/fork.ts';
import { Mm } from '../mm/mm.ts';
import { packMm, unpackMm, type PackedMm } from '../mm/pack.ts';
import type { Figures, SimError } from '../types.ts';
import { execute, type Executed, type Names } from './execute.ts';

export interface Proc {
  name: string;
  mm: Mm;
  names: Names;
}

/** A process's figures after a step (StepResult.procs). */
export interface ProcFigures {
  name: string;
  figures: Figures;
}

/** What a step will run: `mm` is the process whose kernel path, reasons and counters the step reports. */
export interface Prepared {
  mm: Mm;
  run(maxWork?: number): Executed;
}

const fail = (error: SimError): Executed => ({ error });

/** After the process list changed: every mm sees the others (copy-on-write asks them), or none when one is left. */
export function setFamily(procs: Proc[]): void {
  const family = procs.length > 1 ? procs.map((p) => p.mm) : null;
  for (const p of procs) p.mm.family = family;
}

function find(procs: Proc[], name: string): Proc | SimError {
  const p = procs.find((x) => x.name === name);
  if (p) return p;
  return { kind: 'unknown_mapping', message: `no process named ${name} (processes: ${procs.map((x) => x.name).join(', ')})` };
}

/** Bind a step to its process. `procs[0]` is the first process; the list changes on fork and exit. */
export function prepare(procs: Proc[], op: FlatOp): Prepared {
  const first = procs[0];
  switch (op.op) {
    case 'fork':
      return prepareFork(procs, first, op.child, (r) => r);
    case 'exit': {
      const p = find(procs, op.proc);
      if (!('mm' in p)) return { mm: first.mm, run: () => fail(p) };
      if (p === first) return { mm: first.mm, run: () => fail({ kind: 'einval', message: `${FIRST_PROCESS} cannot exit` }) };
      return {
        mm: p.mm,
        run() {
          exit_mmap(p.mm);
          procs.splice(procs.indexOf(p), 1);
          setFamily(procs);
          p.mm.family = null;
          return { op: { op: 'exit', proc: p.name } };
        },
      };
    }
    case 'in': {
      const p = find(procs, op.proc);
      if (!('mm' in p)) return { mm: first.mm, run: () => fail(p) };
      const wrap = (r: Executed): Executed => (r.op ? { ...r, op: { op: 'in', proc: p.name, body: r.op } } : r);
      if (op.body.op === 'fork') return prepareFork(procs, p, op.body.child, wrap);
      if (op.body.op === 'exit' || op.body.op === 'in' || op.body.op === 'race') {
        return { mm: p.mm, run: () => fail({ kind: 'einval', message: `in ${p.name}: ${op.body.op} cannot run in another process` }) };
      }
      const body = op.body;
      return { mm: p.mm, run: (maxWork) => wrap(execute(p.mm, p.names, body, maxWork)) };
    }
    case 'thp':
    case 'zeropage':
    case 'swap':
    case 'khugepaged':
      if (procs.length > 1) {
        return {
          mm: first.mm,
          run(maxWork) {
            for (const p of procs.slice(1)) execute(p.mm, p.names, op, maxWork);
            return execute(first.mm, first.names, op, maxWork);
          },
        };
      }
      return { mm: first.mm, run: (maxWork) => execute(first.mm, first.names, op, maxWork) };
    case 'race':
      if (procs.length > 1) return { mm: first.mm, run: () => fail({ kind: 'einval', message: 'races run in a single process: exit the children first' }) };
      return { mm: first.mm, run: (maxWork) => execute(first.mm, first.names, op, maxWork) };
    default:
      return { mm: first.mm, run: (maxWork) => execute(first.mm, first.names, op, maxWork) };
  }
}

/** fork in process `parent`: a child mm made by dup_mmap, with a copy of the parent's names. */
function prepareFork(procs: Proc[], parent: Proc, name: string, wrap: (r: Executed) => Executed): Prepared {
  if (procs.some((p) => p.name === name)) {
    return { mm: parent.mm, run: () => fail({ kind: 'exists', message: `a process named ${name} already exists; exit it first or pick another name` }) };
  }
  const child = new Mm(parent.mm.mech);
  return {
    mm: child,
    run() {
      dup_mmap(parent.mm, child);
      procs.push({ name, mm: child, names: new Map(parent.names) });
      setFamily(procs);
      return wrap({ op: { op: 'fork', child: name } });
    },
  };
}

/** Every process's figures, in order (the first's first). */
export function procFigures(procs: Proc[]): ProcFigures[] {
  return procs.map((p) => ({ name: p.name, figures: p.mm.figures() }));
}

/** The processes after the first, packed for a checkpoint. */
export interface PackedProc {
  name: string;
  mm: PackedMm;
  names: Names;
}
export function packProcs(procs: Proc[]): PackedProc[] | undefined {
  return procs.length > 1 ? procs.slice(1).map((p) => ({ name: p.name, mm: packMm(p.mm), names: new Map(p.names) })) : undefined;
}
/** The process list of a checkpoint: `first` (already unpacked) and the others. */
export function unpackProcs(first: Proc, packed: PackedProc[] | undefined, mech: Mm['mech']): Proc[] {
  const procs: Proc[] = [first];
  for (const p of packed ?? []) procs.push({ name: p.name, mm: unpackMm(p.mm, mech), names: new Map(p.names) });
  setFamily(procs);
  return procs;
}
