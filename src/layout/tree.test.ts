import { describe, expect, it } from 'vitest';
import { blockColumns, blockSize, layoutTree, NODE_W, TABLE_W } from './tree.ts';
import { tableItems } from './tables.ts';
import { GIB, snap } from './fixtures.ts';

describe('layoutTree', () => {
  it('lays PGD, PUD and PMD nodes top-down and the PTE tables in a block under their PMD', () => {
    const s = snap(0, [{ id: 5, slot: 0 }, { id: 6, slot: 1 }]);
    const l = layoutTree(s, tableItems(s, 'baseline'));
    expect(l.nodes.map((n) => n.level)).toEqual(['pgd', 'pud', 'pmd']);
    const [pgd, pud, pmd] = l.nodes;
    expect(pgd.y).toBeLessThan(pud.y);
    expect(pud.y).toBeLessThan(pmd.y);
    expect(l.blocks).toHaveLength(1);
    expect(l.tables.map((t) => t.item.id)).toEqual([5, 6]);
    // In address order, left to right, inside the block.
    expect(l.tables[0].x).toBeLessThan(l.tables[1].x);
    for (const t of l.tables) {
      expect(t.x).toBeGreaterThanOrEqual(l.blocks[0].x);
      expect(t.x + TABLE_W).toBeLessThanOrEqual(l.blocks[0].x + l.blocks[0].w);
      expect(t.y).toBeGreaterThan(pmd.y);
    }
    expect(l.links).toHaveLength(3);
  });

  it('sibling PMD subtrees never overlap, whatever the width of their blocks', () => {
    const tables = [...Array.from({ length: 40 }, (_, k) => ({ id: k + 1, slot: k })), { id: 99, slot: 512 }];
    const s = snap(0, tables);
    const l = layoutTree(s, tableItems(s, 'baseline'));
    const [a, b] = l.blocks.sort((p, q) => p.x - q.x);
    expect(a.x + a.w).toBeLessThanOrEqual(b.x - 10);
    const pmds = l.nodes.filter((n) => n.level === 'pmd');
    expect(pmds[1].x - pmds[0].x).toBeGreaterThanOrEqual(NODE_W);
    expect(l.width).toBeGreaterThan(a.w + b.w);
  });

  it('PMD tables go under the PUD table whose 512 GiB they lie in', () => {
    const s = { ...snap(0, []), puds: [{ id: 1, addr: 0 }, { id: 2, addr: 512 * GIB }], pmds: [{ id: 3, addr: 4 * GIB }, { id: 4, addr: 600 * GIB }] };
    const l = layoutTree(s, []);
    const byKey = Object.fromEntries(l.links.map((k) => [k.key, k]));
    expect(byKey['pud-1>pmd-3']).toBeDefined();
    expect(byKey['pud-2>pmd-4']).toBeDefined();
  });

  it('blocks are wide rather than tall', () => {
    expect(blockColumns(1)).toBe(1);
    expect(blockColumns(8)).toBe(8);
    expect(blockColumns(512)).toBe(32);
    expect(blockSize(0).w).toBe(0);
  });

  it('a freed PMD table stays as a ghost for the step that freed it', () => {
    const before = snap(4, [{ id: 5, slot: 0 }]);
    const after = { ...snap(5, []), pmds: [] };
    const l = layoutTree(after, tableItems(after, 'baseline', before), before);
    expect(l.nodes.find((n) => n.level === 'pmd')?.status).toBe('freed');
    expect(l.tables[0].item.status).toBe('freed');
  });

  it("a fault's walk marks the path PGD -> PUD -> PMD -> the tables it reached, and nothing in another 1 GiB", () => {
    const s = snap(2, [{ id: 5, slot: 0 }, { id: 6, slot: 1 }, { id: 7, slot: 512 }]);
    const l = layoutTree(s, tableItems(s, 'baseline'), null, [1]);
    const walkedNodes = l.nodes.filter((n) => n.walk).map((n) => n.key);
    expect(walkedNodes).toEqual(['pgd', 'pud-1', 'pmd-100']);
    expect(l.links.filter((k) => k.walk !== undefined).map((k) => [k.key, k.walk])).toEqual([['pgd>pud-1', 0], ['pud-1>pmd-100', 1], ['pmd-100>block', 2]]);
    expect(l.tables.filter((t) => t.walk).map((t) => t.item.id)).toEqual([6]);
    // No walk: nothing marked.
    const none = layoutTree(s, tableItems(s, 'baseline'));
    expect(none.nodes.some((n) => n.walk) || none.links.some((k) => k.walk !== undefined) || none.tables.some((t) => t.walk)).toBe(false);
  });

  it('the same state lays out the same positions (a step that changes only counts moves nothing)', () => {
    const a = snap(2, [{ id: 5, slot: 0, nonNone: 3 }, { id: 6, slot: 1 }]);
    const b = snap(3, [{ id: 5, slot: 0, nonNone: 0 }, { id: 6, slot: 1, nonNone: 9 }]);
    const la = layoutTree(a, tableItems(a, 'baseline'));
    const lb = layoutTree(b, tableItems(b, 'baseline', a), a);
    expect(lb.nodes.map((n) => [n.key, n.x, n.y])).toEqual(la.nodes.map((n) => [n.key, n.x, n.y]));
    expect(lb.tables.map((t) => [t.item.id, t.x, t.y])).toEqual(la.tables.map((t) => [t.item.id, t.x, t.y]));
  });
});
