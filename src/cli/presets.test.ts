// Every preset is a lecture demo, a test and a golden at once: it parses, its
// own `expect` lines hold under all three mechanisms, the invariant checker
// stays quiet after every step, and the table ptlab prints for it matches
// scenarios/golden/NAME.txt. On a mismatch the new output is written beside
// the golden as NAME.golden-changed.txt to diff; UPDATE_GOLDENS=1 rewrites.
import { existsSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { formatTable } from './format.ts';

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const presets = readdirSync(dir).filter((f) => f.endsWith('.ptlab')).sort();
/** Runs longer than this are golden at their final figures only. */
const MAX_GOLDEN_STEPS = 2000;
/** Runs longer than this (the 55 TiB process) keep only their last step, as `ptlab run --steps final` does. */
const PRODUCTION_STEPS = 100_000;

describe('presets', () => {
  it('exist, at least ten of them', () => {
    expect(presets.length).toBeGreaterThanOrEqual(10);
  });
  for (const file of presets) {
    it(file, { timeout: 900_000 }, () => {
      const source = readFileSync(dir + file, 'utf8');
      const lines = source.split('\n');
      expect(lines[0], 'first line: # title').toMatch(/^# \S/);
      expect(lines[1], 'second line: # one-line description').toMatch(/^# \S/);
      const c = compile(source);
      if (!c.ok) throw new Error(`${file}:${c.errors[0].line}:${c.errors[0].col}: ${c.errors[0].message}`);
      expect(c.ops.some((o) => o.expects?.length), 'a preset asserts its figures').toBe(true);
      expect(c.ops.some((o) => o.say?.length), 'a preset has captions').toBe(true);
      const big = c.ops.length > MAX_GOLDEN_STEPS;
      const outputs: string[] = [];
      for (const mechanism of MECHANISMS) {
        const r = runFlat(c.ops, { mechanism, checkInvariants: !big, ...(c.ops.length > PRODUCTION_STEPS ? { keepSteps: false } : {}) }, c.initialExpects);
        expect(r.error?.error.message, `${mechanism}: runtime error`).toBeUndefined();
        expect(r.expectFailures.map((f) => f.message), mechanism).toEqual([]);
        expect(r.invariantViolations, mechanism).toEqual([]);
        outputs.push(formatTable(r, big ? 'final' : 'all'));
      }
      const text = outputs.join('\n\n') + '\n';
      const golden = `${dir}golden/${file.replace(/\.ptlab$/, '.txt')}`;
      const changed = golden.replace(/\.txt$/, '.golden-changed.txt');
      if (process.env.UPDATE_GOLDENS || !existsSync(golden)) {
        writeFileSync(golden, text);
        if (!process.env.UPDATE_GOLDENS) throw new Error(`wrote a new golden ${golden}: check it and commit it`);
      }
      const want = readFileSync(golden, 'utf8');
      if (want !== text) writeFileSync(changed, text);
      else if (existsSync(changed)) rmSync(changed);
      expect(text === want, `output differs from ${golden}; see ${changed}`).toBe(true);
    });
  }
});
