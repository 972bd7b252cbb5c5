// The PTE tables of a snapshot as a list the views draw, with what changed
// since the frame shown before: a table allocated in this step fades in, one
// freed fades out in place (so it stays in the list, marked 'freed').
import type { MechanismName } from '../core/index.ts';
import type { ViewSnapshot } from '../worker/protocol.ts';
import { tableValue } from './colour.ts';

export const PMD_BYTES = 2 * 1024 * 1024;
export const SLOTS_PER_PMD = 512;

export type TableStatus = 'live' | 'new' | 'freed';

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
  const before = adjacent ? new Set(prev.pte.id) : null;
  for (let k = 0; k < n; k++) {
    items[k] = {
      id: p.id[k],
      slot: p.slot[k],
      kind: p.kind[k],
      nonNone: p.nonNone[k],
      refcount: p.refcount[k],
      value: p.kind[k] ? p.nonNone[k] : tableValue(mechanism, p.nonNone[k], p.refcount[k]),
      status: before && !before.has(p.id[k]) ? 'new' : 'live',
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
