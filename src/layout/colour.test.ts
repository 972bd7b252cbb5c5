import { describe, expect, it } from 'vitest';
import { countColour, EMPTY_COLOUR, legendStops, legendTicks, tableValue, textOn, valueName } from './colour.ts';

const lum = (c: string) => {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(c)!;
  return 0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3]);
};

describe('table colours', () => {
  it('colour by refcount under pte-ref and by entries otherwise', () => {
    expect(tableValue('pte-ref', 3, 5)).toBe(5);
    expect(tableValue('baseline', 3, 0)).toBe(3);
    expect(tableValue('pt-reclaim', 512, 0)).toBe(512);
    expect(valueName('pte-ref')).toBe('refcount');
    expect(valueName('baseline')).toBe('entries');
  });

  it('an empty table is off the scale, in the warning colour', () => {
    expect(countColour(0)).toBe(EMPTY_COLOUR);
    expect(countColour(1)).not.toBe(EMPTY_COLOUR);
  });

  it('the scale is sequential: more entries, lighter (cividis), monotonic in luminance', () => {
    const ls = [1, 2, 8, 64, 256, 512].map((v) => lum(countColour(v)));
    for (let k = 1; k < ls.length; k++) expect(ls[k]).toBeGreaterThan(ls[k - 1]);
  });

  it('is log-scaled: 1 and 2 entries are told apart as well as 256 and 512', () => {
    const d = (a: number, b: number) => lum(countColour(b)) - lum(countColour(a));
    expect(d(1, 2)).toBeGreaterThan(d(256, 512) * 0.5);
  });

  it('labels are white on dark fills and black on light ones', () => {
    expect(textOn(countColour(1))).toBe('#fff');
    expect(textOn(countColour(512))).toBe('#000');
    expect(textOn('#111111')).toBe('#fff');
  });

  it('the legend spans the scale with ticks at powers of 8', () => {
    const stops = legendStops(8);
    expect(stops[0]).toEqual([0, countColour(1)]);
    expect(stops.at(-1)![1]).toBe(countColour(512));
    expect(legendTicks().map((t) => t.value)).toEqual([1, 8, 64, 512]);
    expect(legendTicks().at(-1)!.at).toBeCloseTo(1);
  });
});
