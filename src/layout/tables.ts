// The PTE tables of a snapshot as a list the views draw, with what changed
// since the frame shown before (the step's marks): a table allocated in this
// step is 'new' (fades in), one whose entries this step cleared is 'emptied',
// one freed stays in the list as a ghost marked 'freed' (it fades, labelled
// "freed", never with its stale count).
import type { MechanismName } from '../core/index.ts';
import { CELL_HUGE, CELL_HUGE_ZERO, type ViewSnapshot } from '../worker/protocol.ts';
import { tableValue } from './colour.ts';

export const PMD_BYTES = 2 * 1024 * 1024;
export const SLOTS_PER_PMD = 512;

export type TableStatus = 'live' | 'new' | 'emptied' | 'freed';

/** The marks a step leaves on tables, with their legend text (the node view draws each as a tag). */
export const STEP_MARKS = [
  { status: 'new', label: 'new', text: 'allocated by this step' },
  { status: 'emptied', label: 'emptied', text: 'this step cleared its last entry (the table stays)' },
  { status: 'freed', label: 'freed', text: 'freed by this step' },
] as const satisfies readonly { status: TableStatus; label: string; text: string }[];

export interface TableItem {
  id: number;
  /** 2 MiB slot index: address / 2 MiB. */
  slot: number;
  /** 0 table, 1 huge PMD, 2 huge zero page. */
  kind: number;
  nonNone: number;
  refcount: number;
  /** What the colour shows: refcount under pte-ref, entries otherwise. */
  value: number;
  status: TableStatus;
}

export const slotAddr = (slot: number): number => slot * PMD_BYTES;
/** The 1 GiB region (PMD table) a slot belongs to. */
export const regionOf = (slot: number): number => Math.floor(slot / SLOTS_PER_PMD);

/**
 * The tables to draw. `prev` is the snapshot shown just before; when it is
 * the step before (or after) this one, tables missing now come back as ghosts.
 */
export function tableItems(snap: ViewSnapshot, mechanism: MechanismName, prev?: ViewSnapshot | null): TableItem[] {
  const p = snap.pte;
  const n = p.id.length;
  const items: TableItem[] = new Array(n);
  const adjacent = prev && Math.abs(prev.index - snap.index) <= 1 && prev !== snap;
  // id -> entries before, for tables (kind 0): 'new' when absent, 'emptied' when it had entries and has none now.
  let before: Map<number, number> | null = null;
  if (adjacent) {
    before = new Map();
    const q = prev.pte;
    for (let k = 0; k < q.id.length; k++) before.set(q.id[k], q.kind[k] ? -1 : q.nonNone[k]);
  }
  for (let k = 0; k < n; k++) {
    const was = before?.get(p.id[k]);
    items[k] = {
      id: p.id[k],
      slot: p.slot[k],
      kind: p.kind[k],
      nonNone: p.nonNone[k],
      refcount: p.refcount[k],
      value: p.kind[k] ? p.nonNone[k] : tableValue(mechanism, p.nonNone[k], p.refcount[k]),
      status: !before ? 'live' : was === undefined ? 'new' : p.kind[k] === 0 && p.nonNone[k] === 0 && was > 0 ? 'emptied' : 'live',
    };
  }
  if (adjacent && prev.pte.id.length) {
    const now = new Set(p.id);
    const q = prev.pte;
    let ghosts = false;
    for (let k = 0; k < q.id.length; k++) {
      if (now.has(q.id[k])) continue;
      ghosts = true;
      items.push({ id: q.id[k], slot: q.slot[k], kind: q.kind[k], nonNone: q.nonNone[k], refcount: q.refcount[k], value: tableValue(mechanism, q.nonNone[k], q.refcount[k]), status: 'freed' });
    }
    if (ghosts) items.sort((a, b) => a.slot - b.slot || (a.status === 'freed' ? 1 : -1));
  }
  return items;
}

/** Tables with the same slot can exist once live and once as a ghost: a map slot -> live item. */
export function bySlot(items: TableItem[]): Map<number, TableItem> {
  const m = new Map<number, TableItem>();
  for (const t of items) if (t.status !== 'freed' || !m.has(t.slot)) m.set(t.slot, t);
  return m;
}

/** A production-size snapshot's cells: the row (PMD table) of each 1 GiB region. */
export function cellRows(snap: ViewSnapshot): Map<number, number> | null {
  if (!snap.cells) return null;
  const m = new Map<number, number>();
  snap.pmds.forEach((p, k) => m.set(Math.floor(p.addr / (PMD_BYTES * SLOTS_PER_PMD)), k));
  return m;
}

/**
 * The table at a slot of a production-size snapshot, read from its cells: its
 * value is exact; it has no id (the frame carries none), so id is -1.
 */
export function cellItem(snap: ViewSnapshot, rows: Map<number, number>, slot: number, mechanism: MechanismName): TableItem | null {
  const r = rows.get(regionOf(slot));
  if (r === undefined || !snap.cells) return null;
  const v = snap.cells[r * SLOTS_PER_PMD + (slot % SLOTS_PER_PMD)];
  if (v === 0) return null;
  if (v === CELL_HUGE || v === CELL_HUGE_ZERO) return { id: -1, slot, kind: v === CELL_HUGE ? 1 : 2, nonNone: 512, refcount: 0, value: 512, status: 'live' };
  const value = v - 1;
  return { id: -1, slot, kind: 0, nonNone: value, refcount: mechanism === 'pte-ref' ? value : 0, value, status: 'live' };
}
