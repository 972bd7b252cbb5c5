import { describe, expect, it } from 'vitest';
import { tooltipPlace } from './Tooltip.tsx';

describe('the hover card stays inside the view', () => {
  it('goes right-below the pointer when it fits', () => {
    expect(tooltipPlace(100, 100, 200, 120, 800, 500)).toEqual({ left: 114, top: 114 });
  });
  it('flips up near the bottom and left near the right edge', () => {
    const p = tooltipPlace(700, 480, 200, 120, 800, 500);
    expect(p.top + 120).toBeLessThanOrEqual(496);
    expect(p.top).toBe(480 - 14 - 120);
    expect(p.left + 200).toBeLessThanOrEqual(796);
  });
  it('a card taller than the view is pinned to its top', () => {
    expect(tooltipPlace(10, 10, 200, 600, 800, 500).top).toBe(4);
  });
});
