// The race panel's small page-table picture, as plain numbers: one PMD entry
// per 2 MiB slot the race reaches (left), the PTE tables of that slot to its
// right, the linked one first with an edge from its entry, then the ones the
// race detached (waiting for the TLB flush or RCU) and freed, with no edge.
import { linkHorizontal } from 'd3';
import type { RaceTableView } from '../core/index.ts';
import { PMD_SIZE } from '../core/index.ts';

export const RACE_ENTRY_W = 128;
export const RACE_ENTRY_H = 34;
export const RACE_BOX_W = 196;
export const RACE_BOX_H = 70;
const GAP_X = 34;
const GAP_Y = 10;
const PAD = 4;

export interface RaceEntryBox {
  slot: number;
  addr: number;
  x: number;
  y: number;
  /** No table is linked in this slot's PMD entry (pmd_none). */
  none: boolean;
}

export interface RaceTableBox {
  table: RaceTableView;
  slot: number;
  x: number;
  y: number;
  raced: boolean;
}

export interface RaceTreeLayout {
  width: number;
  height: number;
  entries: RaceEntryBox[];
  boxes: RaceTableBox[];
  /** From a slot's PMD entry to the table it links: d attributes. */
  edges: { id: number; d: string }[];
}

const LIFE_ORDER: Record<RaceTableView['state'], number> = { linked: 0, 'detached-waiting-tlb': 1, 'detached-waiting-rcu': 2, freed: 3 };
const link = linkHorizontal<{ s: [number, number]; t: [number, number] }, [number, number]>()
  .source((d) => d.s)
  .target((d) => d.t);

export function layoutRaceTables(tables: readonly RaceTableView[], racedId: number | null): RaceTreeLayout {
  const bySlot = new Map<number, RaceTableView[]>();
  for (const t of tables) {
    const slot = Math.floor(t.addr / PMD_SIZE);
    const list = bySlot.get(slot) ?? [];
    list.push(t);
    bySlot.set(slot, list);
  }
  const slots = [...bySlot.keys()].sort((a, b) => a - b);
  const entries: RaceEntryBox[] = [];
  const boxes: RaceTableBox[] = [];
  const edges: RaceTreeLayout['edges'] = [];
  const bx = PAD + RACE_ENTRY_W + GAP_X;
  let y = PAD;
  for (const slot of slots) {
    const list = bySlot.get(slot)!.sort((a, b) => LIFE_ORDER[a.state] - LIFE_ORDER[b.state] || a.id - b.id);
    const linked = list.find((t) => t.state === 'linked');
    const top = y;
    const ey = top + (RACE_BOX_H - RACE_ENTRY_H) / 2;
    entries.push({ slot, addr: slot * PMD_SIZE, x: PAD, y: ey, none: !linked });
    for (const t of list) {
      boxes.push({ table: t, slot, x: bx, y, raced: t.id === racedId });
      if (t === linked) edges.push({ id: t.id, d: link({ s: [PAD + RACE_ENTRY_W, ey + RACE_ENTRY_H / 2], t: [bx, y + RACE_BOX_H / 2] }) ?? '' });
      y += RACE_BOX_H + GAP_Y;
    }
    y += GAP_Y;
  }
  return { width: bx + RACE_BOX_W + PAD, height: Math.max(y - 2 * GAP_Y + PAD, RACE_BOX_H + 2 * PAD), entries, boxes, edges };
}

/** A table's life as the panel words it. */
export function lifeLabel(state: RaceTableView['state']): string {
  switch (state) {
    case 'linked':
      return 'linked';
    case 'detached-waiting-tlb':
      return 'detached, waiting for the TLB flush';
    case 'detached-waiting-rcu':
      return 'detached, waiting for RCU';
    case 'freed':
      return 'freed';
  }
}
