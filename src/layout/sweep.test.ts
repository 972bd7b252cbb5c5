import { describe, expect, it } from 'vitest';
import { sweepChart } from './sweep.ts';

describe('sweep chart', () => {
  it('puts VIRT/RES on a log axis from 2 to 100 and VmPTE from 0', () => {
    const m = sweepChart([{ key: 'baseline', label: 'baseline', points: [[2, 1000], [10, 1000], [100, 1000]] }, { key: 'min', label: 'minimum', dashed: true, points: [[2, 900], [10, 500], [100, 100]] }], 400, 200);
    const [b, min] = m.paths;
    expect(b.dots[0].x).toBeCloseTo(60);
    expect(b.dots[2].x).toBeCloseTo(388);
    expect(b.dots[1].x).toBeCloseTo(60 + (328 * Math.log(5)) / Math.log(50)); // a log axis
    expect(min.dashed).toBe(true);
    expect(min.dots[2].y).toBeGreaterThan(b.dots[2].y);
    expect(m.xTicks.map((t) => t.value)).toEqual([2, 5, 10, 20, 50, 100]);
    expect(m.yTicks[0]).toMatchObject({ value: 0, label: '0 kB' });
  });
});
