// The sweep's figures: each design's share of the possible saving, per purge
// policy. These fail if a design, the generator or the minimum is broken.
import { describe, expect, it } from 'vitest';
import { capturedPercent, sweep, sweepCsv, sweepPoint } from './sweep.ts';

const small = { arena: 128 * 2 ** 20, ticks: 60 };

describe('sweep', () => {
  it('page-granular DONTNEED: pte-ref captures 100%, pt-reclaim 0% (no purge covers a whole slot)', () => {
    for (const p of sweep({ ...small, purge: 'dontneed', ratios: [5, 50] })) {
      expect(p.possible).toBeGreaterThan(0);
      expect(p.captures['pte-ref']).toBe(100);
      expect(p.captures['pt-reclaim']).toBe(0);
      expect(p.captures.baseline).toBe(0);
      expect(p.res).toBe(p.live); // every freed page purged at once
    }
  });
  it('hugepage-aware release of whole slots: both pte-ref and pt-reclaim capture 100%', () => {
    const p = sweepPoint({ ...small, purge: 'hugepage' }, 20);
    expect(p.captures['pte-ref']).toBe(100);
    expect(p.captures['pt-reclaim']).toBe(100);
    expect(p.res).toBeGreaterThan(p.live); // partly used slots keep their freed pages dirty
  });
  it('MADV_FREE: no design captures anything', () => {
    const p = sweepPoint({ ...small, purge: 'free' }, 20);
    expect(p.possible).toBeGreaterThan(0);
    expect(p.captures).toEqual({ baseline: 0, 'pte-ref': 0, 'pt-reclaim': 0 });
  });
  it('decayed purging: pte-ref captures part (dirty extents still wait), pt-reclaim at most a little', () => {
    const p = sweepPoint({ ...small, purge: 'decay' }, 20);
    expect(p.captures['pte-ref']).toBeGreaterThan(5);
    expect(p.captures['pte-ref']).toBeLessThan(100);
    expect(p.captures['pt-reclaim']!).toBeLessThan(p.captures['pte-ref']!);
  });
  it('the saving possible grows with VIRT/RES; baseline keeps a table for every slot of the arena', () => {
    const [a, b] = sweep({ ...small, purge: 'dontneed', ratios: [2, 50] });
    expect(b.possible).toBeGreaterThan(a.possible);
    expect(a.vmPte.baseline).toBe(b.vmPte.baseline);
    expect(a.vmPte.baseline).toBeGreaterThanOrEqual((64 * 4) + 8); // 64 slots' PTE tables, a PMD and a PUD table
  });
  it('writes CSV with one row per point', () => {
    const csv = sweepCsv(sweep({ ...small, purge: 'free', ratios: [10] }));
    const [head, row] = csv.trim().split('\n');
    expect(head).toBe('purge,virt_res,VIRT_kB,RES_kB,live_kB,VmPTE_baseline_kB,VmPTE_pte-ref_kB,VmPTE_pt-reclaim_kB,minimum_kB,possible_kB,captures_baseline_pct,captures_pte-ref_pct,captures_pt-reclaim_pct');
    expect(row).toMatch(/^free,10,131072,/);
    expect(row.endsWith(',0,0,0')).toBe(true);
  });
  it('captures nothing when nothing can be saved', () => {
    expect(capturedPercent(100, 100, 100)).toBeNull();
    expect(capturedPercent(100, 60, 20)).toBe(50);
  });
});
