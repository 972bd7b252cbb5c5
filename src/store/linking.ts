// Two-way linking between the scenario text and the page tables (Compiler
// Explorer style), in a small store of its own beside the main one:
// - a statement hovered (or holding the caret) in the editor -> the 2 MiB
//   slots its step touches (the step that ran that line last at or before the
//   cursor, else its first run), outlined in the page-table view;
// - a PTE table hovered -> the lines of the statements that changed it;
// - the selected table's history (the detail panel).
// Histories and steps come from the primary lane's worker on demand
// (worker/queries.ts); a run never computes them.
import { create } from 'zustand';
import type { HistoryEntry, TableHistory } from '../core/index.ts';
import { opSlots } from '../layout/touches.ts';
import { primaryOf } from './cursor.ts';
import { laneClient, useStore } from './store.ts';

export interface LinkingState {
  /** The editor line (1-based) under the pointer or holding the caret. */
  line: number | null;
  /** The step of that line the view links to, and the slots it touches. */
  lineStep: number | null;
  lineSlots: ReadonlySet<number>;
  /** The table under the pointer: the lines of the statements that changed it (so far). */
  tableSlot: number | null;
  tableLines: readonly number[];
  /** The selected table's history, for the detail panel. */
  history: { slot: number; step: number; source: string; data: TableHistory | null } | null;
}

const EMPTY: ReadonlySet<number> = new Set();
/** Hovering tables in a run longer than this asks for no history (a selection still does). */
export const HOVER_HISTORY_MAX_STEPS = 20_000;

export const useLinkStore = create<LinkingState>(() => ({ line: null, lineStep: null, lineSlots: EMPTY, tableSlot: null, tableLines: [], history: null }));

const main = () => useStore.getState();

/** The step that ran `line`: the last at or before the cursor, else the first after it. */
export function stepOfLine(lines: Int32Array, n: number, line: number, cursor: number): number | null {
  let after: number | null = null;
  for (let i = Math.min(cursor, n - 1); i >= 0; i--) if (lines[i] === line) return i;
  for (let i = Math.max(0, cursor + 1); i < n; i++) {
    if (lines[i] === line) {
      after = i;
      break;
    }
  }
  return after;
}

let lineReq = 0;
/** The editor's line under the pointer (or the caret's); null: none. */
export async function linkLine(line: number | null): Promise<void> {
  const s = main();
  const m = primaryOf(s);
  const tl = s.lanes[m]?.timeline;
  if (line === null || !tl) {
    useLinkStore.setState({ line: null, lineStep: null, lineSlots: EMPTY });
    return;
  }
  const step = stepOfLine(tl.line, tl.n, line, s.step);
  if (step === useLinkStore.getState().lineStep && line === useLinkStore.getState().line) return;
  const req = ++lineReq;
  if (step === null) {
    useLinkStore.setState({ line, lineStep: null, lineSlots: EMPTY });
    return;
  }
  // The step on screen is already here; another one is asked for.
  const frame = s.lanes[m]?.frame;
  let op = frame?.step?.index === step ? frame.step.op : undefined;
  if (!(frame?.step?.index === step)) {
    const r = await laneClient(m)?.query({ kind: 'step', index: step });
    if (req !== lineReq) return;
    op = r?.kind === 'step' ? r.step?.op : undefined;
  }
  useLinkStore.setState({ line, lineStep: step, lineSlots: new Set(opSlots(op)) });
}

/** The history of the table at `slot` up to the step on screen (null when there is no run). */
async function historyOf(slot: number): Promise<TableHistory | null> {
  const s = main();
  const r = await laneClient(primaryOf(s))?.query({ kind: 'history', index: s.step, slot });
  return r?.kind === 'history' ? r.history : null;
}

let tableReq = 0;
let tableTimer: ReturnType<typeof setTimeout> | undefined;
/** Moving across tables asks for the one the pointer rests on, after this pause. */
export const HOVER_HISTORY_DELAY_MS = 80;

/** A table under the pointer (null: none): the lines that changed it light up in the editor. */
export function linkTable(slot: number | null): void {
  clearTimeout(tableTimer);
  if (slot === null) {
    ++tableReq;
    if (useLinkStore.getState().tableSlot !== null) useLinkStore.setState({ tableSlot: null, tableLines: [] });
    return;
  }
  tableTimer = setTimeout(() => void linkTableNow(slot), HOVER_HISTORY_DELAY_MS);
}

async function linkTableNow(slot: number | null): Promise<void> {
  const req = ++tableReq;
  const s = main();
  const n = s.lanes[primaryOf(s)]?.timeline?.n ?? 0;
  if (slot === null || n > HOVER_HISTORY_MAX_STEPS) {
    useLinkStore.setState({ tableSlot: null, tableLines: [] });
    return;
  }
  useLinkStore.setState({ tableSlot: slot });
  const h = await historyOf(slot);
  if (req !== tableReq) return;
  useLinkStore.setState({ tableLines: linesOf(h?.entries ?? []) });
}

export const linesOf = (entries: readonly HistoryEntry[]): number[] => [...new Set(entries.map((e) => e.line))];

let historyReq = 0;
/** The selected table's history, for the step on screen (again when either changes). */
export async function loadHistory(slot: number | null): Promise<void> {
  const req = ++historyReq;
  const s = main();
  if (slot === null) {
    useLinkStore.setState({ history: null });
    return;
  }
  const key = { slot, step: s.step, source: s.goodSource ?? '' };
  const data = await historyOf(slot);
  if (req !== historyReq) return;
  useLinkStore.setState({ history: { ...key, data } });
}
