// loadPreset skips the main thread's compile and size check (store.ts): every preset must pass them.
import { describe, expect, it } from 'vitest';
import { compile } from '../scenario/index.ts';
import { LIMITS, measure, tooLarge, tooManyChars } from './limits.ts';
import { PRESETS, loadPresetSource, parsePreset, presetById } from './presets.ts';

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
  it('`# open: compare` among the leading comments opens a preset side by side; it is neither title nor description', () => {
    const p = parsePreset('/scenarios/x.ptlab', '# Title\n# open: compare\n# What it shows\nmmap X 4M\n');
    expect(p).toMatchObject({ title: 'Title', description: 'What it shows', compare: true });
    expect(parsePreset('/scenarios/y.ptlab', '# Title\n# Says open: compare in prose\nmmap X 4M\n').compare).toBeUndefined();
    // A comment after the first statement is not metadata.
    expect(parsePreset('/scenarios/z.ptlab', '# Title\nmmap X 4M\n# open: compare\n').compare).toBeUndefined();
    expect(presetById('03-2021-test-50g')?.compare).toBe(true);
    expect(presetById('01-first-touch')?.compare).toBeUndefined();
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
