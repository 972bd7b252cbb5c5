// The designs compared from one pass each (designs.ts, designsFormat.ts): the
// same figures as a full run, step by step; the minimum from the workload's
// live slots or from pte-ref's tables; captured saving, CSV and JSON.
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { capturesAt, designPass, designsCsv, designsJson, largestSavingStep, minimumSeries, type DesignRun } from './designs.ts';
import { minimumVmPte } from './saving.ts';

const files = import.meta.glob('/scenarios/*.ptlab', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const preset = (id: string) => files[`/scenarios/${id}.ptlab`];

describe('designPass', () => {
  const src = preset('15-virt-res-010');
  const runs: DesignRun[] = MECHANISMS.map((m) => designPass(src, m));

  it('keeps the VmPTE and PTE tables of every step that a full run has, and its end figures and counters', () => {
    const c = compile(src);
    if (!c.ok) throw new Error(c.errors[0].message);
    for (const r of runs) {
      const full = runFlat(c.program, { mechanism: r.mechanism }, c.initialExpects);
      expect(r.error).toBeUndefined();
      expect(r.steps).toBe(full.steps.length);
      expect(Array.from(r.vmPte)).toEqual(full.steps.map((s) => s.figures.VmPTE));
      expect(Array.from(r.ptes)).toEqual(full.steps.map((s) => s.figures.tables.pte));
      expect(r.final).toEqual(full.final);
      expect(r.counters).toEqual(full.counters);
      const peak = Math.max(...full.steps.map((s) => s.figures.VmPTE));
      expect(r.peak.vmPte).toBe(peak);
      expect(r.vmPte[r.peak.step]).toBe(peak);
    }
    // The preset's own expects.
    expect(runs.map((r) => r.final.VmPTE)).toEqual([520, 324, 520]);
  });

  it('takes the minimum from the workload\'s live slots: pte-ref captures all of a page-granular purge\'s saving, pt-reclaim none', () => {
    const min = minimumSeries(runs)!;
    const base = runs[0];
    const last = base.steps - 1;
    expect(base.liveSlots[last]).toBeGreaterThan(0);
    expect(min[last]).toBe(minimumVmPte(base.vmPte[last], base.ptes[last], base.liveSlots[last]));
    expect(min[last]).toBe(324);
    expect(capturesAt(runs, min, last)).toEqual({ baseline: 0, 'pte-ref': 100, 'pt-reclaim': 0 });
    const k = largestSavingStep(runs, min);
    for (let i = 0; i < base.steps; i++) expect(base.vmPte[i] - min[i]).toBeLessThanOrEqual(base.vmPte[k] - min[k]);
  });

  it('takes the minimum from pte-ref\'s tables where no step says its live slots (the 2021 test)', () => {
    const test = preset('02-2021-test-1g');
    const r = MECHANISMS.map((m) => designPass(test, m));
    const min = minimumSeries(r)!;
    for (let i = 0; i < r[0].steps; i++) expect(min[i]).toBe(minimumVmPte(r[0].vmPte[i], r[0].ptes[i], r[1].ptes[i]));
    // Without pte-ref there is nothing to take it from.
    expect(minimumSeries([r[0], r[2]])).toBeNull();
    // Where baseline keeps the most empty tables, both freeing designs have freed every one of them.
    const k = largestSavingStep(r, min);
    expect(r[0].vmPte[k] - min[k]).toBeGreaterThan(0);
    expect(capturesAt(r, min, k)).toEqual({ baseline: 0, 'pte-ref': 100, 'pt-reclaim': 100 });
  });

  it('stops when progress says so, and says where', () => {
    const seen: number[] = [];
    const r = designPass(src, 'baseline', { every: 10, progress: (done, total) => (seen.push(done), expect(total).toBe(runs[0].steps), done >= 30) });
    expect(seen).toEqual([10, 20, 30]);
    expect(r.steps).toBe(30);
    expect(r.error).toMatch(/stopped after 30 of/);
  });

  it('refuses a source that does not compile, with its line', () => {
    expect(() => designPass('mmap A 1G\ntouch B 0 4K\nbogus', 'baseline')).toThrow(/line 3/);
  });

  it('writes CSV rows at evenly spaced steps and JSON with the captured saving and costs', () => {
    const min = minimumSeries(runs);
    const csv = designsCsv(runs, min, 11).trim().split('\n');
    expect(csv[0]).toBe('percent of run,step,baseline VmPTE kB,pte-ref VmPTE kB,pt-reclaim VmPTE kB,minimum VmPTE kB');
    expect(csv).toHaveLength(12);
    expect(csv[11]).toBe(`100,${runs[0].steps},520,324,520,324`);
    const j = JSON.parse(designsJson(runs, min));
    expect(j.steps).toBe(runs[0].steps);
    expect(j.minimumVmPteKb).toBe(324);
    expect(j.designs.map((d: { capturesPercentAtEnd: number }) => d.capturesPercentAtEnd)).toEqual([0, 100, 0]);
    expect(j.designs[1].costs['refcount atomics']).toBe(runs[1].counters.refcountAtomics);
    expect(j.designs[1].costs['refcount atomics']).toBeGreaterThan(0);
    expect(j.designs[0].costs['PTE tables freed']).toBe(0);
  });
});
