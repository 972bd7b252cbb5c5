// loadPreset skips the main thread's compile and size check (store.ts): every preset must pass them.
import { describe, expect, it } from 'vitest';
import { compile } from '../scenario/index.ts';
import { LIMITS, measure, tooLarge, tooManyChars } from './limits.ts';
import { PRESETS, loadPresetSource } from './presets.ts';

describe('presets', () => {
  it('are bundled; the recorded programs load on demand, with their titles at hand', () => {
    expect(PRESETS.length).toBeGreaterThan(3);
    const recorded = PRESETS.filter((p) => p.id.includes('-recorded-'));
    expect(recorded.length).toBeGreaterThan(0);
    for (const p of recorded) {
      expect(p.load).toBeTypeOf('function');
      expect(p.title).not.toBe(p.id);
    }
  });
  for (const p of PRESETS) {
    it(`${p.id} compiles and fits the browser's limits`, async () => {
      const source = await loadPresetSource(p);
      expect(source.startsWith(`# ${p.title}`)).toBe(true);
      expect(tooManyChars(source.length)).toBeNull();
      const c = compile(source, { maxStatements: LIMITS.steps });
      expect(c.ok ? [] : c.errors).toEqual([]);
      if (c.ok) expect(tooLarge(measure(c.ops))).toBeNull();
    });
  }
});
