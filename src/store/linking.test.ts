// Two-way linking from the store's side: a line's step, the slots it touches, a table's lines and history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from './store.ts';
import { freshStore, ready, until } from './testing.ts';
import { linkLine, linkTable, loadHistory, stepOfLine, useLinkStore } from './linking.ts';

const SRC = 'mmap X 8M at 0x100000000000\nrepeat 3 { touch X i*2M 4K }\nmadvise X 0 4K dontneed\n';
const SLOT = 0x100000000000 / 2 ** 21;
const st = () => useStore.getState();
const link = () => useLinkStore.getState();

beforeEach(() => {
  freshStore();
  useLinkStore.setState({ line: null, lineStep: null, lineSlots: new Set(), tableSlot: null, tableLines: [], history: null });
});
afterEach(freshStore);

describe('statement -> tables', () => {
  it("a line's step is its last run up to the cursor, else its first after", () => {
    const lines = Int32Array.from([1, 2, 2, 2, 3]);
    expect(stepOfLine(lines, 5, 2, 4)).toBe(3);
    expect(stepOfLine(lines, 5, 2, 2)).toBe(2);
    expect(stepOfLine(lines, 5, 2, -1)).toBe(1);
    expect(stepOfLine(lines, 5, 9, 4)).toBeNull();
  });

  it('hovering a repeated touch outlines the slot of its run at the cursor', async () => {
    st().setSource(SRC);
    st().setMechanism('pt-reclaim');
    await ready();
    st().seek(2); // the second pass: touch X 2M 4K
    await linkLine(2);
    expect(link().lineStep).toBe(2);
    expect([...link().lineSlots]).toEqual([SLOT + 1]);
    st().seek(4);
    await linkLine(3); // the madvise, which is the step on screen
    expect([...link().lineSlots]).toEqual([SLOT]);
    await linkLine(null);
    expect(link().lineSlots.size).toBe(0);
  });
});

describe('table -> statements, and its history', () => {
  it('a hovered table lights the lines that changed it; the history follows the step on screen', async () => {
    st().setSource(SRC);
    st().setMechanism('baseline');
    await ready();
    st().seek(4);
    linkTable(SLOT);
    await until(() => link().tableLines.length > 0, 'table lines');
    expect(link().tableLines).toEqual([2, 3]);
    linkTable(null);
    expect(link().tableLines).toEqual([]);
    await loadHistory(SLOT);
    expect(link().history?.data?.entries.map((e) => [e.what, e.step])).toEqual([['allocated', 1], ['emptied', 4]]);
    st().seek(1);
    await loadHistory(SLOT);
    expect(link().history?.data?.entries.map((e) => e.what)).toEqual(['allocated']);
  });
});
