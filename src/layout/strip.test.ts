import { describe, expect, it } from 'vitest';
import { BLOCK_W, blocksPerRow, CELL, cellOf, layoutStrips, slotAt, visibleBlocks } from './strip.ts';
import { GIB } from './fixtures.ts';

const pmds = (n: number) => Array.from({ length: n }, (_, k) => ({ id: k + 1, addr: (100 + k) * GIB }));

describe('strip layout', () => {
  it('fits the 50 GiB test\'s 53 PMD tables in rows to the viewport\'s shape', () => {
    expect(blocksPerRow(53, 3)).toBeGreaterThan(blocksPerRow(53, 1));
    const l = layoutStrips(pmds(53), 2.5);
    expect(l.blocks).toHaveLength(53);
    expect(l.width / l.height).toBeGreaterThan(1.2);
    expect(l.width / l.height).toBeLessThan(5);
  });

  it('cellOf and slotAt are inverse for every slot', () => {
    const l = layoutStrips(pmds(3), 2);
    for (const slot of [100 * 512, 100 * 512 + 63, 100 * 512 + 64, 101 * 512 + 511, 102 * 512 + 300]) {
      const c = cellOf(l, slot)!;
      expect(slotAt(l, c.x + CELL / 2, c.y + CELL / 2)).toBe(slot);
    }
    expect(cellOf(l, 7)).toBeNull();
  });

  it('slotAt is null between blocks and on labels', () => {
    const l = layoutStrips(pmds(3), 10);
    expect(slotAt(l, BLOCK_W + 3, 30)).toBeNull();
    expect(slotAt(l, 5, 2)).toBeNull();
    expect(slotAt(l, -1, 30)).toBeNull();
  });

  it('only blocks in the visible rectangle are drawn', () => {
    const l = layoutStrips(pmds(20), 4);
    const vis = visibleBlocks(l, 0, 0, BLOCK_W / 2, 10);
    expect(vis.map((b) => b.region)).toEqual([100]);
  });
});
