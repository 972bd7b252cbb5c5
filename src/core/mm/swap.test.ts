// MADV_PAGEOUT (madvise_pageout -> reclaim_pages -> shrink_folio_list ->
// try_to_unmap_one), swap entries and do_swap_page, one rule per test.
// Without swap, as measured on 6.18 (kernel/FINDINGS.md, kernel case 38);
// with swap, the model of mm/vmscan.c (kernel case 39 runs where swap exists).
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../scenario/ast.ts';
import { run, rss, vmpte } from '../test/helpers.ts';

const X = '0x100000000000';
const swap = (s: { figures: { VmSwap?: number } }[]): number[] => s.map((x) => x.figures.VmSwap ?? 0);

describe('MADV_PAGEOUT without swap (the default)', () => {
  it('leaves dirty anonymous pages mapped: nothing can take them', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 2M pageout`, m);
      expect(rss(r), m).toEqual([0, 2048, 2048]);
      expect(vmpte(r), m).toEqual([0, 12, 12]);
      expect(r.steps[2].path).toEqual(expect.arrayContaining(['madvise_pageout', 'shrink_folio_list']));
    }
  });

  it('discards lazily freed pages (MADV_FREE, not written since): RssAnon drops, the table stays but for pte-ref', () => {
    const src = `mmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 2M free\ntouch A 0 4K\nmadvise A 0 2M pageout\nmadvise A 0 4K dontneed`;
    const [base, ref, rec] = MECHANISMS.map((m) => run(src, m));
    for (const r of [base, ref, rec]) expect(rss(r)).toEqual([0, 2048, 2048, 2048, 4, 0]);
    expect(vmpte(base)).toEqual([0, 12, 12, 12, 12, 12]);
    expect(vmpte(rec)).toEqual([0, 12, 12, 12, 12, 12]);
    // pte-ref: reclaim's try_to_unmap drops the count of each discarded page; the last zap frees the table.
    expect(vmpte(ref)).toEqual([0, 12, 12, 12, 12, 8]);
    expect(base.steps[4].path).toContain('try_to_unmap_one');
  });

  it('pte-ref frees a table from reclaim when reclaim discards its last entries', () => {
    const r = run(`mmap A 2M at ${X}\ntouch A 0 8K\nmadvise A 0 8K free\nmadvise A 0 2M pageout`, 'pte-ref');
    expect(vmpte(r)).toEqual([0, 12, 12, 8]);
    expect(r.steps[3].reasons[0].text).toBe('freed: pte_refcount reached 0 when reclaim discarded its last 2 entries');
  });

  it('splits a THP (partly or wholly covered): its never-written subpages go to the zero page and leave RssAnon', () => {
    for (const len of ['64K', '2M']) {
      const r = run(`mmap A 2M at ${X} hugepage\ntouch A 4K 4K\nmadvise A 0 ${len} pageout\ntouch A 8K 4K`, 'pt-reclaim');
      expect(rss(r), len).toEqual([0, 2048, 4, 8]);
      expect(vmpte(r), len).toEqual([0, 12, 12, 12]);
      expect(r.steps[2].path).toEqual(expect.arrayContaining(['__split_huge_pmd', 'split_folio']));
    }
  });

  it('discards a whole lazily freed THP', () => {
    const r = run(`mmap A 2M at ${X} hugepage\ntouch A 4K 4K\nmadvise A 0 2M free\nmadvise A 0 2M pageout`, 'baseline');
    expect(rss(r)).toEqual([0, 2048, 2048, 0]);
    expect(vmpte(r)).toEqual([0, 12, 12, 12]);
  });

  it('a write after MADV_FREE makes a THP dirty again: pageout then only splits it', () => {
    const r = run(`mmap A 2M at ${X} hugepage\ntouch A 4K 4K\nmadvise A 0 2M free\ntouch A 4K 4K\nmadvise A 0 2M pageout`, 'baseline');
    expect(rss(r)).toEqual([0, 2048, 2048, 2048, 4]);
  });
});

describe('MADV_PAGEOUT with swap on', () => {
  it('turns present PTEs into swap entries: RssAnon falls, VmSwap rises, the table stays under every design', () => {
    for (const m of MECHANISMS) {
      const r = run(`swap on\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 1M pageout\nmadvise A 1M 1M pageout`, m);
      expect(rss(r), m).toEqual([0, 0, 2048, 1024, 0]);
      expect(swap(r.steps), m).toEqual([0, 0, 0, 1024, 2048]);
      expect(vmpte(r), m).toEqual([0, 0, 12, 12, 12]);
      expect(r.steps[4].path).toContain('add_to_swap');
    }
  });

  it('an access swaps the page back in (do_swap_page), read or write', () => {
    const r = run(`swap on\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 2M pageout\nread A 0 4K\ntouch A 1M 8K\ntouch A 0 2M`, 'pte-ref');
    expect(rss(r)).toEqual([0, 0, 2048, 0, 4, 12, 2048]);
    expect(swap(r.steps)).toEqual([0, 0, 0, 2048, 2044, 2036, 0]);
    expect(r.steps[4].path).toEqual(expect.arrayContaining(['handle_mm_fault', 'do_swap_page']));
    expect(r.steps[4].faults).toBe(1);
    expect(r.steps[6].faults).toBe(509);
  });

  it('pte-ref counts swap entries like present ones: DONTNEED of the range clears them and frees the table', () => {
    const src = `swap on\nmmap A 4M at ${X}\ntouch A 0 8K\nmadvise A 0 2M pageout\nmadvise A 0 4K dontneed\nmadvise A 4K 4K dontneed`;
    const [base, ref, rec] = MECHANISMS.map((m) => run(src, m));
    expect(vmpte(ref)).toEqual([0, 0, 12, 12, 12, 8]);
    expect(vmpte(base)).toEqual([0, 0, 12, 12, 12, 12]);
    expect(vmpte(rec)).toEqual([0, 0, 12, 12, 12, 12]);
    for (const r of [base, ref, rec]) expect(swap(r.steps)).toEqual([0, 0, 0, 8, 4, 0]);
  });

  it('MADV_FREE clears swap entries (the only entries it makes none)', () => {
    const r = run(`swap on\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 1M pageout\nmadvise A 0 2M free`, 'pte-ref');
    expect(swap(r.steps)).toEqual([0, 0, 0, 1024, 0]);
    expect(rss(r)).toEqual([0, 0, 2048, 1024, 1024]);
    expect(vmpte(r)).toEqual([0, 0, 12, 12, 12]);
  });

  it('pt-reclaim frees a whole-slot DONTNEED of swap entries (they are cleared, not skipped)', () => {
    const r = run(`swap on\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 2M pageout\nmadvise A 0 2M dontneed`, 'pt-reclaim');
    expect(vmpte(r)).toEqual([0, 0, 12, 12, 8]);
    expect(swap(r.steps)).toEqual([0, 0, 0, 2048, 0]);
  });

  it('skips the zero page: only anonymous pages go to swap', () => {
    const r = run(`swap on\nmmap A 2M at ${X}\nread A 0 2M\ntouch A 0 4K\nmadvise A 0 2M pageout`, 'baseline');
    expect(swap(r.steps)).toEqual([0, 0, 0, 0, 4]);
  });
});

describe('MADV_PAGEOUT with swap, as measured on 6.18 with a swap file (kernel/FINDINGS.md)', () => {
  const figs = (r: ReturnType<typeof run>) => r.steps.slice(2).map((s) => [s.figures.VmPTE, s.figures.RssAnon, s.figures.VmSwap ?? 0]);
  it('4 KiB pages: out, back in one by one, out again, DONTNEED frees the table with its swap entries (pt-reclaim)', () => {
    const r = run(`swap on\nmmap A 4M at ${X}\ntouch A 0 2M\nmadvise A 0 2M pageout\nread A 0 4K\ntouch A 1M 8K\ntouch A 0 2M\nmadvise A 0 2M pageout\nmadvise A 0 2M dontneed`, 'pt-reclaim');
    expect(figs(r)).toEqual([[12, 2048, 0], [12, 0, 2048], [12, 4, 2044], [12, 12, 2036], [12, 2048, 0], [12, 0, 2048], [8, 0, 0]]);
  });
  it('a THP with one written subpage: split, the subpage swapped, the others on the zero page', () => {
    for (const len of ['2M', '64K']) {
      const r = run(`swap on\nmmap A 4M at ${X} hugepage\ntouch A 4K 4K\nmadvise A 0 ${len} pageout\nread A 8K 4K\ntouch A 4K 4K`, 'baseline');
      expect(figs(r), len).toEqual([[12, 2048, 0], [12, 0, 4], [12, 0, 4], [12, 4, 0]]);
    }
  });
  it('a THP written whole: all 512 subpages swapped; a read brings back one page', () => {
    const r = run(`swap on\nmmap A 4M at ${X} hugepage\ntouch A 0 2M\nmadvise A 0 2M pageout\nread A 0 4K`, 'baseline');
    expect(figs(r)).toEqual([[12, 2048, 0], [12, 0, 2048], [12, 4, 2044]]);
  });
  it('MADV_FREE drops swap entries', () => {
    const r = run(`swap on\nmmap A 4M at ${X}\ntouch A 0 8K\nmadvise A 0 2M pageout\nmadvise A 0 2M free`, 'baseline');
    expect(figs(r)).toEqual([[12, 8, 0], [12, 0, 8], [12, 0, 0]]);
  });
});
