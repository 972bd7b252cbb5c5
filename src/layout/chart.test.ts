import { describe, expect, it } from 'vitest';
import { chartModel, envelope, formatKiB } from './chart.ts';

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
