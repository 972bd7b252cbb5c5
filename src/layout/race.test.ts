// The race panel's small picture: per slot, the PMD entry, the linked table
// with an edge from it, then the detached and freed ones (no edge).
import { describe, expect, it } from 'vitest';
import type { RaceTableView } from '../core/index.ts';
import { RACE_BOX_H, layoutRaceTables, lifeLabel } from './race.ts';

const M2 = 2 ** 21;
const t = (id: number, slot: number, state: RaceTableView['state']): RaceTableView => ({ id, addr: slot * M2, state, nonNone: 0, refcount: 0, lockedBy: null });

describe('layoutRaceTables', () => {
  it('puts the linked table first in its slot, with the only edge', () => {
    const lay = layoutRaceTables([t(3, 5, 'freed'), t(4, 5, 'linked')], 3);
    expect(lay.entries).toEqual([expect.objectContaining({ slot: 5, addr: 5 * M2, none: false })]);
    expect(lay.boxes.map((b) => b.table.id)).toEqual([4, 3]);
    expect(lay.boxes[1].y).toBeGreaterThanOrEqual(lay.boxes[0].y + RACE_BOX_H);
    expect(lay.boxes.map((b) => b.raced)).toEqual([false, true]);
    expect(lay.edges.map((e) => e.id)).toEqual([4]);
    expect(lay.edges[0].d).toMatch(/^M/);
    expect(lay.height).toBeGreaterThan(2 * RACE_BOX_H);
  });

  it('a slot whose table was detached has a none entry and no edge; slots go in address order', () => {
    const lay = layoutRaceTables([t(9, 2, 'detached-waiting-rcu'), t(7, 1, 'linked')], null);
    expect(lay.entries.map((e) => [e.slot, e.none])).toEqual([[1, false], [2, true]]);
    expect(lay.edges.map((e) => e.id)).toEqual([7]);
    expect(lifeLabel('detached-waiting-rcu')).toBe('detached, waiting for RCU');
  });

  it('no tables: an empty picture of one row', () => {
    const lay = layoutRaceTables([], null);
    expect(lay.boxes).toEqual([]);
    expect(lay.height).toBeGreaterThan(0);
  });
});
