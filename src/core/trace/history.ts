// One PTE table's life, derived from a run's step log: which statements
// allocated it, emptied it, filled it again, changed its entries and freed it
// (and the kernel function that freed it). Computed on demand for one table
// (the app's worker does it when a table is selected or hovered), never
// during a run: the step log already holds each step's operation, so only
// the steps whose range covers the table's 2 MiB slot are replayed, forward
// from a checkpoint, with the read-only Run.view. Entries stop at `at`: the
// history so far, never the future of a step not shown yet.
import { PMD_SIZE, PTRS_PER_TABLE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import type { ResolvedOp } from '../resolved.ts';
import type { Run } from './run.ts';

export type HistoryWhat = 'allocated' | 'emptied' | 'refilled' | 'changed' | 'freed';

export interface HistoryEntry {
  /** Step index (0-based; the app prints index + 1). */
  step: number;
  line: number;
  text: string;
  what: HistoryWhat;
  /** Freed: the kernel function that freed it (free_pte, pte_put, free_pgtables...); else the statement's operation. */
  by: string;
  /** Non-none entries after the step (0 when freed) and before it. */
  entries: number;
  before: number;
}

export interface TableHistory {
  tableId: number;
  slot: number;
  mechanism: string;
  entries: HistoryEntry[];
  /** Older steps on the slot were left out (more than the scan's limit). */
  truncated: boolean;
}

interface TableState {
  id: number;
  nonNone: number;
}

/** The PTE table at a slot, read without changing the Mm (a compact table is expanded into a throw-away object). */
function tableAt(mm: Mm, slot: number): TableState | null {
  const t = mm.pmdTableAt(slot * PMD_SIZE)?.peek(slot % PTRS_PER_TABLE) ?? null;
  return t ? { id: t.id, nonNone: t.nonNone } : null;
}

/** Can this operation change the tables of [a0, a1)? (A plain mmap cannot; MAP_FIXED over a mapping can.) */
function mayChange(op: ResolvedOp | undefined, a0: number, a1: number): boolean {
  if (!op) return false;
  const over = (a: number, b: number) => a < a1 && b > a0;
  switch (op.op) {
    case 'mmap':
      return !!op.replace && over(op.addr, op.addr + op.len);
    case 'touch':
    case 'read':
    case 'madvise':
    case 'munmap':
    case 'mprotect':
    case 'populate':
      return over(op.addr, op.addr + op.len);
    case 'mremap':
      return over(op.addr, op.addr + op.len) || over(op.to, op.to + op.len);
    case 'faults':
      return op.runs.some((r) => over(r.addr, r.addr + r.len));
    case 'brk':
      return over(Math.min(op.start, op.end), Math.max(op.start, op.end));
    case 'process':
      return true;
    default:
      return false;
  }
}

/** The statement's operation, as "by touch". */
const opWord = (text: string): string => text.trim().split(/\s+/)[0] ?? '';

/**
 * The history of the PTE table at `slot` after step `at` (or, if step `at`
 * freed it, of the table it freed), up to step `at`. Null: no table there.
 * `maxSteps`: at most this many steps on the slot are replayed (the latest).
 */
export function tableHistory(run: Run, slot: number, at: number, maxSteps = 400): TableHistory | null {
  const last = Math.min(at, run.stepsRun - 1);
  if (last < 0) return null;
  let table = tableAt(run.view(last).mm, slot);
  if (!table) table = tableAt(run.view(last - 1).mm, slot);
  if (!table) return null;
  const id = table.id;
  const a0 = slot * PMD_SIZE;
  const a1 = a0 + PMD_SIZE;
  const steps: number[] = [];
  for (let i = 0; i <= last; i++) {
    // A race step carries no operation: it changes tables when it allocated or freed one.
    const op = run.opAt(i);
    if (mayChange(op, a0, a1) || (!op && run.changedPte(i))) steps.push(i);
  }
  const truncated = steps.length > maxSteps;
  const scan = truncated ? steps.slice(steps.length - maxSteps) : steps;
  const out: HistoryEntry[] = [];
  if (scan.length === 0) return { tableId: id, slot, mechanism: run.mechanism, entries: out, truncated };
  let prev = tableAt(run.view(scan[0] - 1).mm, slot);
  for (const i of scan) {
    const now = tableAt(run.view(i).mm, slot);
    const had = prev?.id === id;
    const has = now?.id === id;
    let what: HistoryWhat | null = null;
    if (!had && has) what = 'allocated';
    else if (had && !has) what = 'freed';
    else if (had && has) {
      if (prev!.nonNone > 0 && now!.nonNone === 0) what = 'emptied';
      else if (prev!.nonNone === 0 && now!.nonNone > 0) what = 'refilled';
      else if (prev!.nonNone !== now!.nonNone) what = 'changed';
    }
    if (what) {
      const st = run.step(i);
      let by = opWord(st.text);
      if (what === 'freed') {
        const r = st.reasons.find((x) => x.tableId === id && x.verdict === 'freed');
        by = r?.by ?? (st.path.includes('free_pgtables') ? 'free_pgtables' : by);
      }
      out.push({ step: i, line: st.line, text: st.text, what, by, entries: has ? now!.nonNone : 0, before: had ? prev!.nonNone : 0 });
      if (what === 'freed') break;
    }
    prev = now;
  }
  return { tableId: id, slot, mechanism: run.mechanism, entries: out, truncated };
}

/** "allocated at step 2 by touch, emptied at step 3, freed at step 5 by free_pte under pte-ref". */
export function formatHistory(h: TableHistory): string {
  if (h.entries.length === 0) return `no step so far changed this table under ${h.mechanism}`;
  const parts = h.entries.map((e) => {
    const at = `at step ${e.step + 1}`;
    switch (e.what) {
      case 'allocated':
        return `allocated ${at} by ${e.by}`;
      case 'freed':
        return `freed ${at} by ${e.by}`;
      case 'changed':
        return `${e.before} → ${e.entries} entries ${at} (${e.by})`;
      default:
        return `${e.what} ${at} (${e.by})`;
    }
  });
  return `${h.truncated ? '… ' : ''}${parts.join(', ')} under ${h.mechanism}`;
}
