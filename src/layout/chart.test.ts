import { describe, expect, it } from 'vitest';
import { chartModel, envelope, formatKiB, formatTick, logScaleWanted, valueSpan } from './chart.ts';

describe('figures chart', () => {
  it('the envelope keeps every spike when 51,200 steps fold into a few hundred buckets', () => {
    const v = new Float64Array(51200);
    for (let i = 0; i < v.length; i++) v[i] = i % 2 ? 72 : 2120;
    v[33333] = 99999;
    const e = envelope(v, v.length, 400);
    expect(e.x.length).toBeLessThanOrEqual(400);
    expect(Math.max(...e.max)).toBe(99999);
    expect(Math.min(...e.min)).toBe(72);
  });

  it('a ramp stays a ramp', () => {
    const v = Float64Array.from({ length: 1000 }, (_, i) => i * 4);
    const m = chartModel([{ key: 'a', label: 'a', values: v }], 1000, 400, 100);
    expect(m.paths[0].line.startsWith('M')).toBe(true);
    expect(m.y(0)).toBeGreaterThan(m.y(3996));
    expect(m.x(-1)).toBeLessThan(m.x(999));
  });

  it('ticks fall on round numbers of the unit shown', () => {
    const v = Float64Array.from([0, 102640]);
    const m = chartModel([{ key: 'a', label: 'a', values: v }], 2, 400, 100);
    for (const t of m.yTicks) expect(t.value % (1024 * 10)).toBe(0);
    expect(formatKiB(240)).toBe('240 kB');
    expect(formatKiB(102640)).toBe('100.2 MiB');
    expect(formatKiB(52431252)).toBe('50.0 GiB');
  });
});

describe('one scale for every lane', () => {
  const ramp = (n: number, top: number) => Float64Array.from({ length: n }, (_, i) => ((i + 1) * top) / n);

  it('a lane of an older, shorter run draws no NaN on the longer axis (a preset switched in compare)', () => {
    const long = ramp(51202, 102640);
    const short = ramp(5, 12);
    for (const log of [false, true]) {
      const m = chartModel([{ key: 'a', label: 'a', values: long }, { key: 'b', label: 'b', values: short }], 51202, 400, 100, undefined, { log });
      for (const p of m.paths) {
        expect(p.line).not.toMatch(/NaN|Infinity/);
        expect(p.band).not.toMatch(/NaN|Infinity/);
      }
    }
    // And the other way: the axis is the 5-step run's, a lane holds 51,202 values.
    const m = chartModel([{ key: 'a', label: 'a', values: long }, { key: 'b', label: 'b', values: short }], 5, 400, 100);
    expect(m.paths[0].line).not.toMatch(/NaN/);
  });

  it('lanes share one y scale: the same value is drawn at the same height whichever lane holds it', () => {
    const base = Float64Array.from([40, 51344, 102640]);
    const reclaim = Float64Array.from([40, 144, 240]);
    const m = chartModel([{ key: 'baseline', label: 'b', values: base }, { key: 'pt-reclaim', label: 'r', values: reclaim }], 3, 400, 110);
    const alone = chartModel([{ key: 'pt-reclaim', label: 'r', values: reclaim }], 3, 400, 110);
    // pt-reclaim's 240 kB is near the floor beside baseline's 102,640 kB, not at the top of its own axis.
    expect(m.y(240)).toBeGreaterThan(m.y(102640) + 60);
    expect(alone.y(240)).toBeLessThan(alone.y(40));
    expect(m.y(240)).toBeGreaterThan(alone.y(240) + 50);
  });

  it('log is wanted when compared lanes span two orders of magnitude, and a user choice wins', () => {
    const big = [{ key: 'a', label: 'a', values: Float64Array.from([40, 102640]) }, { key: 'b', label: 'b', values: Float64Array.from([40, 240]) }];
    const small = [{ key: 'a', label: 'a', values: Float64Array.from([0, 12]) }, { key: 'b', label: 'b', values: Float64Array.from([0, 8]) }];
    expect(valueSpan(big, 2)).toBeCloseTo(102640 / 40);
    expect(logScaleWanted(big, 2)).toBe(true);
    expect(logScaleWanted(small, 2)).toBe(false);
    expect(logScaleWanted([big[0]], 2)).toBe(false); // one lane alone: linear unless asked
    expect(logScaleWanted(big, 2, 'linear')).toBe(false);
    expect(logScaleWanted(small, 2, 'log')).toBe(true);
  });

  it('the log scale separates 240 kB from 102,640 kB by most of the height, with round ticks', () => {
    const s = [{ key: 'a', label: 'a', values: Float64Array.from([0, 40, 102640]) }, { key: 'b', label: 'b', values: Float64Array.from([0, 40, 240]) }];
    const m = chartModel(s, 3, 400, 110, undefined, { log: true });
    expect(m.log).toBe(true);
    const span = m.y(16) - m.y(102640);
    expect(m.y(240) - m.y(102640)).toBeGreaterThan(span / 3);
    expect(m.y(0)).toBe(m.y(16)); // 0 sits on the floor, not at -Infinity
    for (const t of m.yTicks) expect(Math.log(t.value) / Math.log(4) % 1).toBeCloseTo(0);
    expect(m.yTicks.length).toBeLessThanOrEqual(6);
    expect(m.yTicks.map((t) => formatTick(t.value))).toContain('1 MiB');
  });
});

describe('formatTick at production scale', () => {
  it('a decimal tick of a large scale stays short (the y axis has room for ~9 characters)', () => {
    expect(formatTick(2_000_000)).toBe('1.9 GiB');
    expect(formatTick(1_000_000_000)).toBe('954 GiB');
    expect(formatTick(50_000)).toBe('48.8 MiB');
    expect(formatTick(600_000)).toBe('586 MiB');
    expect(formatTick(1024 * 1024 * 4)).toBe('4 GiB');
    expect(formatTick(500)).toBe('500 kB');
  });
});
