// The work budget: a run is charged per 2 MiB slot a statement spans (not per
// page), so terabytes of whole-slot work are allowed while an absurd scenario
// stops with a clear message at the statement that passes the budget.
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import { Run, runFlat } from '../index.ts';

const run = (src: string, maxWork?: number) => {
  const c = compile(src);
  if (!c.ok) throw new Error(c.errors[0].message);
  return runFlat(c.program, { mechanism: 'baseline', keepSteps: false, ...(maxWork !== undefined ? { maxWork } : {}) }, c.initialExpects);
};

describe('the work budget', () => {
  it('counts 2 MiB slots, not pages: 4,096 pages in 8 slots fit a budget of 10', () => {
    const r = run('mmap A 16M at 0x100000000000\ntouch A 0 16M', 10);
    expect(r.error).toBeUndefined();
    expect(r.final.RssAnon).toBe(16 * 1024);
  });

  it('stops at the statement that passes it, keeping the state before, with the figures to act on', () => {
    const r = run('mmap A 4G at 0x100000000000\ntouch A 0 2G\ntouch A 2G 2G', 1500);
    expect(r.error?.line).toBe(3);
    expect(r.error?.error.kind).toBe('limit');
    expect(r.error?.error.message).toBe('too much work: this touch brings the run to 2,048 slot operations (2 MiB each); the limit is 1,500 (the 50 GiB test needs 51,200)');
    expect(r.final.RssAnon).toBe(2 * 1024 * 1024);
  });

  it('lets 4 TiB of whole-slot work through by default, with exact figures and compact tables', () => {
    const r = run('mmap A 4T at 0x100000000000\ntouch A 0 4T\nmadvise A 0 4T dontneed');
    expect(r.error).toBeUndefined();
    // 2,097,152 empty PTE tables kept (baseline) + 4,096 PMD tables + 8 PUD tables.
    expect(r.final.tables).toEqual({ pud: 8, pmd: 4096, pte: 2 * 1024 * 1024 });
    expect(r.final.RssAnon).toBe(0);
  });

  it('stops an absurd loop at once by default', () => {
    const r = run('mmap A 100T at 0x100000000000\nrepeat 1000000 { madvise A 0 100T dontneed }');
    expect(r.error?.error.kind).toBe('limit');
    expect(r.error?.error.message).toMatch(/^too much work: this madvise brings the run to 419,430,400 slot operations/);
  });

  it('counts a step past MAX_STEP_REASONS by code instead of one line per table', () => {
    const c = compile('mmap A 16G at 0x100000000000\ntouch A 0 16G\nmadvise A 0 16G dontneed');
    if (!c.ok) throw new Error();
    const r = new Run(c.program, { mechanism: 'baseline' });
    r.advance();
    const s = r.step(2);
    expect(s.reasons.length).toBe(2048);
    expect(s.moreReasons).toEqual([{ verdict: 'kept', code: 'baseline_keeps', count: 8192 - 2048 }]);
  });
});
