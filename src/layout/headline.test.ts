import { describe, expect, it } from 'vitest';
import { formatRatio, headline, headlineText } from './headline.ts';

describe('the VmPTE headline', () => {
  it("states each design's VmPTE and the ratio of the 50 GiB test", () => {
    const h = headline([
      { mechanism: 'baseline', kB: 102640 },
      { mechanism: 'pte-ref', kB: 240 },
      { mechanism: 'pt-reclaim', kB: 240 },
    ]);
    expect(headlineText(h)).toBe('baseline 102,640 kB · pte-ref 240 kB · pt-reclaim 240 kB: 428× less than baseline');
    expect(h.ratio).toBeCloseTo(102640 / 240);
    expect(h.parts.map((p) => p.least)).toEqual([false, true, true]);
  });

  it('says when the values are equal, and names no ratio', () => {
    const h = headline([
      { mechanism: 'baseline', kB: 12 },
      { mechanism: 'pte-ref', kB: 12 },
      { mechanism: 'pt-reclaim', kB: 12 },
    ]);
    expect(headlineText(h)).toBe('baseline 12 kB · pte-ref 12 kB · pt-reclaim 12 kB: all equal');
    expect(h.ratio).toBeNull();
    expect(h.parts.some((p) => p.least)).toBe(false);
  });

  it('one design alone: its value, no verdict', () => {
    expect(headlineText(headline([{ mechanism: 'pt-reclaim', kB: 8 }]))).toBe('pt-reclaim 8 kB');
  });

  it('small ratios keep a decimal; the designs at the top are named, or "the others"', () => {
    expect(headlineText(headline([{ mechanism: 'pt-reclaim', kB: 12 }, { mechanism: 'baseline', kB: 12 }, { mechanism: 'pte-ref', kB: 8 }]))).toBe(
      'pt-reclaim 12 kB · baseline 12 kB · pte-ref 8 kB: 1.5× less than the others',
    );
    expect(headline([{ mechanism: 'baseline', kB: 16 }, { mechanism: 'pte-ref', kB: 8 }, { mechanism: 'pt-reclaim', kB: 12 }]).verdict).toBe('2× less than baseline');
    expect(headline([{ mechanism: 'baseline', kB: 12 }, { mechanism: 'pte-ref', kB: 0 }]).verdict).toBe('12 kB less than baseline');
    expect(formatRatio(427.67)).toBe('428×');
    expect(formatRatio(1.04)).toBe('1.04×');
    expect(formatRatio(9.96)).toBe('10×');
    expect(formatRatio(12345.4)).toBe('12,345×');
  });
});
