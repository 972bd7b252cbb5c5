// loadPreset skips the main thread's compile and size check (store.ts): every preset must pass them.
import { describe, expect, it } from 'vitest';
import { compile } from '../scenario/index.ts';
import { LIMITS, measure, tooLarge, tooManyChars } from './limits.ts';
import { PRESETS } from './presets.ts';

describe('presets', () => {
  it('are bundled', () => {
    expect(PRESETS.length).toBeGreaterThan(3);
  });
  for (const p of PRESETS) {
    it(`${p.id} compiles and fits the browser's limits`, () => {
      expect(tooManyChars(p.source.length)).toBeNull();
      const c = compile(p.source, { maxStatements: LIMITS.steps });
      expect(c.ok ? [] : c.errors).toEqual([]);
      if (c.ok) expect(tooLarge(measure(c.ops))).toBeNull();
    });
  }
});
