// The README's examples are real: every `alloc` example compiles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../scenario/index.ts';

describe('README', () => {
  it('every alloc example compiles', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = readme.split('\n').filter((l) => /^alloc /.test(l));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const e of examples) expect(compile(e).ok, e).toBe(true);
  });
});
