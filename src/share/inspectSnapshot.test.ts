// The inspect snapshot: every damaged or foreign file gets its own message,
// and the view's bins account for every slot and page.
import { describe, expect, it } from 'vitest';
import { checkInspectSnapshot, encodeSlots, mappingBins, slotNumbers, type InspectSnapshot } from './inspectSnapshot.ts';

const G = 2 ** 30;
function snapshot(): InspectSnapshot {
  const pages = new Map<number, number>([
    [(0x100000000000 / 2 ** 21) + 0, 512],
    [(0x100000000000 / 2 ** 21) + 3, 7],
    [(0x100000000000 + G) / 2 ** 21, 1],
    [0x7ffff0000000 / 2 ** 21, 20],
  ]);
  return {
    format: 'ptlab-inspect', version: 1, pid: 42, name: 'server', taken: '2026-12-02T12:00:00.000Z',
    kernel: { mechanism: 'pt-reclaim', why: 'probe' }, VmPTE: 4096, VmRSS: 2160, presentPages: 540, swappedPages: 0,
    minimum: { pud: 2, pmd: 3, pte: 4, kB: 36 },
    mappings: [
      { start: 0x100000000000, end: 0x100000000000 + 2 * G, prot: 'rw', shared: false, path: '', rssKb: 2080, swapKb: 0 },
      { start: 0x7ffff0000000, end: 0x7ffff0021000, prot: 'rw', shared: false, path: '[stack]', rssKb: 80, swapKb: 0 },
    ],
    slots: encodeSlots(pages),
  };
}
const text = (s: unknown) => JSON.stringify(s);
const message = (t: string) => {
  const r = checkInspectSnapshot(t);
  if (r.ok) throw new Error('expected a refusal');
  return r.message;
};

describe('inspect snapshots', () => {
  it('round-trip: slots come back in order with their pages', () => {
    const r = checkInspectSnapshot(text(snapshot()));
    if (!r.ok) throw new Error(r.message);
    expect(Array.from(slotNumbers(r.snapshot))).toEqual([0x100000000000 / 2 ** 21, 0x100000000000 / 2 ** 21 + 3, (0x100000000000 + G) / 2 ** 21, 0x7ffff0000000 / 2 ** 21]);
  });

  it('bins hold every slot and page of each mapping, at any width', () => {
    for (const width of [1, 3, 64, 5000]) {
      const [arena, stack] = mappingBins(snapshot(), width);
      expect(arena.slots).toBe(1024);
      expect(Array.from(arena.bins.slots).reduce((a, b) => a + b, 0)).toBe(1024);
      expect(arena.withPages).toBe(3);
      expect(Array.from(arena.bins.withPages).reduce((a, b) => a + b, 0)).toBe(3);
      expect(Array.from(arena.bins.pages).reduce((a, b) => a + b, 0)).toBe(520);
      expect(arena.bins.slots.length).toBe(Math.min(width, 1024));
      expect(stack.slots).toBe(1);
      expect(stack.bins.pages[0]).toBe(20);
    }
    const [one] = mappingBins(snapshot(), 5000);
    expect([one.bins.pages[0], one.bins.pages[1], one.bins.pages[3], one.bins.pages[512]]).toEqual([512, 0, 7, 1]);
  });

  it('refuses what is not a snapshot, or is damaged, saying what is wrong', () => {
    expect(message('mmap A 4M')).toMatch(/^not valid JSON/);
    expect(message('{"a":1}')).toMatch(/^not a ptlab inspect snapshot/);
    expect(message(text({ ...snapshot(), version: 9 }))).toMatch(/version 9, made by a newer ptlab/);
    expect(message(text({ ...snapshot(), VmPTE: -4 }))).toBe('damaged snapshot: VmPTE is not a count');
    const s = snapshot();
    s.mappings[1].start = 0x100000000000;
    expect(message(text(s))).toMatch(/mapping 2 overlaps/);
    const t = snapshot();
    t.slots.pages[1] = 513;
    expect(message(text(t))).toBe('damaged snapshot: slot 2 has 513 pages (1 to 512)');
    const u = snapshot();
    u.slots.delta[2] = 0;
    expect(message(text(u))).toMatch(/slot 3 is not after/);
    const w = snapshot();
    w.slots.delta[0] = 2 ** 27;
    expect(message(text(w))).toMatch(/above 128 TiB/);
    expect(message(text({ ...snapshot(), mappings: [{ start: 0, end: 2 ** 48, prot: 'rw', shared: false, path: '', rssKb: 0, swapKb: 0 }] }))).toMatch(/mapping 1 has no valid start/);
  });
});
