// Random scenarios, replayed on the running kernel and in ptlab, compared step
// by step: what nobody thought to write by hand. Each seed makes a scenario
// of fixed-address mappings (each in a 512 GiB region of its own) and a mix
// of touch, read, MADV_DONTNEED, MADV_FREE, munmap, mprotect and mremap over
// page-aligned ranges, biased towards 2 MiB boundaries and whole slots (where
// the designs differ). The seeds are fixed so a failure is a regression
// test; PTLAB_FUZZ_SEEDS=N runs N more from PTLAB_FUZZ_FROM (default 1000).
// Some mappings are MADV_HUGEPAGE (THP madvise): a THP the kernel could not
// allocate makes a scenario inconclusive, which proves nothing either way.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/scenario/index.ts';
import { compareWithKernel } from './compare.ts';
import { kernelSupport } from './twin.ts';
import { randomScenario } from './random.ts';

const support = kernelSupport();
const from = Number(process.env.PTLAB_FUZZ_FROM ?? 1000);
const more = Number(process.env.PTLAB_FUZZ_SEEDS ?? 0);
const seeds = [...Array.from({ length: 24 }, (_, i) => i + 1), ...Array.from({ length: more }, (_, i) => from + i)];
/** Forking scenarios: a fork along the way, statements in the child, sometimes its exit (both processes compared). */
const forkSeeds = [...Array.from({ length: 16 }, (_, i) => 101 + i), ...Array.from({ length: more }, (_, i) => from + 5000 + i)];
/** Seeds whose scenarios also page out and collapse (randomScenario's collapseAndPageout). */
const thpSwapSeeds = [...Array.from({ length: 24 }, (_, i) => 101 + i), ...Array.from({ length: more }, (_, i) => from + 100000 + i)];

describe.skipIf(!support.ok)(`random scenarios: the running kernel agrees with ptlab${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  const cases: { seed: number; opts: { fork?: boolean; collapseAndPageout?: boolean } }[] = [
    ...seeds.map((seed) => ({ seed, opts: {} })),
    ...forkSeeds.map((seed) => ({ seed, opts: { fork: true } })),
    ...thpSwapSeeds.map((seed) => ({ seed, opts: { collapseAndPageout: true } })),
  ];
  for (const { seed, opts } of cases) {
    it(`seed ${seed}${opts.fork ? ' (fork)' : ''}${opts.collapseAndPageout ? ' (MADV_PAGEOUT, MADV_COLLAPSE)' : ''}`, () => {
      const text = randomScenario(seed, 24, opts);
      const c = compile(text);
      if (!c.ok) throw new Error(`seed ${seed} did not compile: ${c.errors[0].message}\n${text}`);
      const r = compareWithKernel(c);
      if (r.status === 'skipped' || r.status === 'refused') throw new Error(r.reason);
      if (r.status === 'inconclusive') return; // the kernel could not get a huge page: no verdict
      const first = r.first ? `line ${r.first.line} \`${r.first.text}\`: kernel ${JSON.stringify(r.first.kernel)}, ptlab ${JSON.stringify(r.first.sim)}` : '';
      expect(r.status, `${first}\n${text}`).toBe('match');
    });
  }
});

describe('the random scenario generator', () => {
  it('is a pure function of the seed and makes scenarios that compile', () => {
    expect(randomScenario(7)).toBe(randomScenario(7));
    expect(randomScenario(7)).not.toBe(randomScenario(8));
    for (let s = 1; s <= 50; s++) expect(compile(randomScenario(s)).ok).toBe(true);
    for (let s = 1; s <= 50; s++) expect(compile(randomScenario(s, 24, { fork: true })).ok).toBe(true);
    expect(randomScenario(101, 24, { fork: true })).toMatch(/^fork/m);
    for (let s = 1; s <= 50; s++) expect(compile(randomScenario(s, 24, { collapseAndPageout: true })).ok).toBe(true);
    const extra = Array.from({ length: 50 }, (_, s) => randomScenario(s, 24, { collapseAndPageout: true })).join('');
    expect(extra).toMatch(/ collapse\n/);
    expect(extra).toMatch(/ pageout\n/);
  });
});
