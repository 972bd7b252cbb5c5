import { describe, expect, it } from 'vitest';
import { bySlot, tableItems } from './tables.ts';
import { snap } from './fixtures.ts';

describe('tableItems', () => {
  it('takes each table\'s value from the mechanism', () => {
    const s = snap(3, [{ id: 7, slot: 10, nonNone: 4, refcount: 5 }]);
    expect(tableItems(s, 'pte-ref')[0]).toMatchObject({ id: 7, slot: 10, value: 5, status: 'live' });
    expect(tableItems(s, 'baseline')[0].value).toBe(4);
  });

  it('against the step before: new tables are marked, freed ones come back as ghosts in address order', () => {
    const before = snap(3, [{ id: 1, slot: 10 }, { id: 2, slot: 11 }]);
    const after = snap(4, [{ id: 1, slot: 10 }, { id: 3, slot: 12 }]);
    const items = tableItems(after, 'baseline', before);
    expect(items.map((t) => [t.id, t.status])).toEqual([[1, 'live'], [2, 'freed'], [3, 'new']]);
  });

  it('a table whose last entry this step cleared is marked emptied; one that stays empty or keeps entries is not', () => {
    const before = snap(3, [{ id: 1, slot: 10, nonNone: 1 }, { id: 2, slot: 11, nonNone: 0 }, { id: 3, slot: 12, nonNone: 5 }]);
    const after = snap(4, [{ id: 1, slot: 10, nonNone: 0 }, { id: 2, slot: 11, nonNone: 0 }, { id: 3, slot: 12, nonNone: 2 }]);
    expect(tableItems(after, 'pt-reclaim', before).map((t) => t.status)).toEqual(['emptied', 'live', 'live']);
    // Not against a jump: the marks belong to one step.
    expect(tableItems({ ...after, index: 9 }, 'pt-reclaim', before).map((t) => t.status)).toEqual(['live', 'live', 'live']);
  });

  it('no ghosts after a jump, and none against the same frame', () => {
    const before = snap(3, [{ id: 1, slot: 10 }]);
    const far = snap(40, []);
    expect(tableItems(far, 'baseline', before)).toEqual([]);
    expect(tableItems(before, 'baseline', before)[0].status).toBe('live');
  });

  it('bySlot prefers the live table when a ghost shares its slot', () => {
    const before = snap(3, [{ id: 1, slot: 10 }]);
    const after = snap(4, [{ id: 2, slot: 10 }]);
    const m = bySlot(tableItems(after, 'baseline', before));
    expect(m.get(10)?.id).toBe(2);
  });
});
