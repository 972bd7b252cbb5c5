import { describe, expect, it } from 'vitest';
import { rgb } from 'd3';
import { PTE_ANON } from '../core/index.ts';
import { countColour } from './colour.ts';
import { ENTRY_KINDS, entryKind } from './entries.ts';

const dist = (a: string, b: string) => {
  const x = rgb(a);
  const y = rgb(b);
  return Math.hypot(x.r - y.r, x.g - y.g, x.b - y.b);
};

describe('the detail panel colours', () => {
  it("an anonymous page is not drawn in a colour of the count scale's low end (refcount 1 looks different)", () => {
    const anon = entryKind(PTE_ANON).colour;
    for (const v of [1, 2, 4]) expect(dist(anon, countColour(v))).toBeGreaterThan(90);
  });

  it('every kind of entry has its own colour', () => {
    const colours = ENTRY_KINDS.map((k) => k.colour);
    for (let i = 0; i < colours.length; i++) for (let j = i + 1; j < colours.length; j++) expect(dist(colours[i], colours[j])).toBeGreaterThan(60);
  });
});
