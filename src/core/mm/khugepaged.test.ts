// THP collapse, one rule per test: MADV_COLLAPSE (madvise_collapse) and the
// khugepaged statement (khugepaged_scan_mm_slot), both through
// hpage_collapse_scan_pmd -> collapse_huge_page. Figures as measured on 6.18
// (kernel/FINDINGS.md, kernel cases 41 and 42).
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../scenario/ast.ts';
import { run, rss, vmpte } from '../test/helpers.ts';

const X = '0x100000000000';

describe('madvise_collapse', () => {
  it('collapses a slot with one written page into a THP: the PTE table is deposited (VmPTE unchanged), RssAnon becomes 2 MiB', () => {
    for (const m of MECHANISMS) {
      const r = run(`thp madvise\nmmap A 4M at ${X}\ntouch A 0 4K\nmadvise A 0 2M collapse`, m);
      expect(vmpte(r), m).toEqual([0, 0, 12, 12]);
      expect(rss(r), m).toEqual([0, 0, 4, 2048]);
      const s = r.steps[3];
      expect(s.path).toEqual(expect.arrayContaining(['madvise_collapse', 'hpage_collapse_scan_pmd', 'collapse_huge_page', 'pgtable_trans_huge_deposit']));
      expect(s.reasons).toHaveLength(1);
      expect(s.reasons[0]).toMatchObject({ verdict: 'kept', code: 'collapsed' });
      expect(s.reasons[0].text).toMatch(/511 none or zero-page entries became zero-filled memory/);
      expect(s.allocated).toEqual({ pud: 0, pmd: 0, pte: 0 });
      expect(s.freed).toEqual({ pud: 0, pmd: 0, pte: 0 });
    }
  });

  it('a later partial DONTNEED splits the new THP again, and a second collapse refills it', () => {
    const r = run(`mmap A 4M at ${X}\ntouch A 0 4K\nmadvise A 0 2M collapse\nmadvise A 0 4K dontneed\nmadvise A 0 2M collapse\nmadvise A 0 2M dontneed`, 'pt-reclaim');
    expect(rss(r)).toEqual([0, 4, 2048, 2044, 2048, 0]);
    expect(vmpte(r)).toEqual([0, 12, 12, 12, 12, 8]); // the whole-slot zap of the huge PMD frees its deposit
    expect(r.steps[3].path).toContain('__split_huge_pmd');
  });

  it('ignores the THP sysfs mode and VM_HUGEPAGE, but not MADV_NOHUGEPAGE or thp never (EINVAL)', () => {
    expect(run(`thp madvise\nmmap A 2M at ${X}\ntouch A 0 4K\nmadvise A 0 2M collapse`, 'baseline').final.RssAnon).toBe(2048);
    for (const refuse of ['madvise A 0 2M nohugepage', 'thp never']) {
      const r = run(`mmap A 2M at ${X}\ntouch A 0 4K\n${refuse}\nmadvise A 0 2M collapse`, 'baseline', { allowError: true });
      expect(r.error?.error.kind, refuse).toBe('einval');
      expect(r.final.RssAnon).toBe(4);
    }
  });

  it('needs no writable PTE on 6.18: a read-only mapping collapses', () => {
    const r = run(`mmap A 2M at ${X}\ntouch A 0 4K\nmprotect A 0 2M r\nmadvise A 0 2M collapse`, 'baseline');
    expect(r.final.RssAnon).toBe(2048);
  });

  it('a PTE table with every entry none collapses into 2 MiB of zeros where the design kept it', () => {
    const src = `mmap A 4M at ${X}\ntouch A 0 8K\nmadvise A 0 4K dontneed\nmadvise A 4K 4K dontneed\nmadvise A 0 2M collapse`;
    for (const m of ['baseline', 'pt-reclaim'] as const) expect(run(src, m).final.RssAnon, m).toBe(2048);
    // pte-ref freed the table when its count reached 0: nothing to collapse (SCAN_PMD_NONE -> EINVAL).
    const r = run(src, 'pte-ref', { allowError: true });
    expect(r.error?.error.kind).toBe('einval');
    expect(r.error?.error.message).toMatch(/PMD entry is none/);
    expect(r.final.RssAnon).toBe(0);
  });

  it('stops at the first slot whose PMD entry is none: slots before it stay collapsed, later ones are not looked at', () => {
    const first = run(`mmap A 6M at ${X}\ntouch A 0 4K\ntouch A 4M 4K\nmadvise A 0 6M collapse`, 'baseline', { allowError: true });
    expect(first.error?.error.kind).toBe('einval');
    expect(first.final.RssAnon).toBe(2048 + 4); // slot 0 collapsed, slot 1 (none) ended it, slot 2 untouched
  });

  it('collapses only the 2 MiB slots wholly inside the range and the VMA; an already huge slot counts as done', () => {
    const r = run(`mmap A 4M at ${X} hugepage\ntouch A 0 4K\nmadvise A 0 2M collapse\nmadvise A 4K 3M collapse`, 'baseline');
    expect(rss(r)).toEqual([0, 2048, 2048, 2048]);
    expect(r.steps[2].reasons).toEqual([]);
  });

  it('swaps swap entries in first (__collapse_huge_page_swapin): VmSwap returns to 0', () => {
    const r = run(`swap on\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 1M pageout\nmadvise A 0 2M collapse`, 'baseline');
    expect(r.steps[3].figures.VmSwap).toBe(1024);
    expect(r.steps[3].figures.RssAnon).toBe(1024);
    expect(r.final.VmSwap).toBeUndefined();
    expect(r.final.RssAnon).toBe(2048);
    expect(r.steps[4].path).toEqual(expect.arrayContaining(['__collapse_huge_page_swapin', 'do_swap_page']));
  });

  it('pte-ref: the deposited table is not counted; the next split counts its 512 entries again', () => {
    const r = run(`mmap A 2M at ${X}\ntouch A 0 4K\nmadvise A 0 2M collapse\nmadvise A 0 4K dontneed\nmadvise A 4K 2044K dontneed`, 'pte-ref');
    // The scan's visitor reference (pte_tryget_map_lock) comes and goes; the split sets 512, the zaps put 511 + 1.
    expect(vmpte(r)).toEqual([0, 12, 12, 12, 8]);
    expect(r.steps[4].reasons[0].text).toMatch(/pte_refcount reached 0/);
  });
});

describe('khugepaged', () => {
  const slot = (thp: string, flag: string) => `thp ${thp}\nmmap A 2M at ${X}${flag}\ntouch A 0 4K\nmadvise A 4K 2044K dontneed\nkhugepaged`;

  it('collapses where the THP mode allows it: always, or madvise with MADV_HUGEPAGE; never under thp never', () => {
    expect(run(slot('always', ''), 'baseline').final.RssAnon).toBe(2048);
    expect(run(slot('madvise', ''), 'baseline').final.RssAnon).toBe(4);
    expect(run(slot('never', ' hugepage'), 'baseline').final.RssAnon).toBe(4);
    const r = run(slot('madvise', ' hugepage'), 'baseline');
    expect(r.final.RssAnon).toBe(2048);
    expect(r.final.VmPTE).toBe(12);
    expect(r.steps[4].op).toEqual({ op: 'khugepaged', collapsed: 1 });
    expect(r.steps[4].reasons[0].text).toMatch(/^kept: khugepaged collapsed this slot/);
  });

  it('respects max_ptes_none (511 by default: one present page is enough; 0: every entry must be present)', () => {
    // The page is faulted with THP off (a 4 KiB page and a PTE table), then THP goes to always.
    const r = run(`thp never\nmmap A 2M at ${X}\ntouch A 0 4K\nthp always\nkhugepaged max_ptes_none 0\nkhugepaged max_ptes_none 511`, 'pt-reclaim');
    expect(rss(r)).toEqual([0, 0, 4, 4, 4, 2048]);
    expect(r.steps[4].reasons[0].text).toMatch(/more than max_ptes_none = 0 entries are none/);
  });

  it('respects max_ptes_swap (64 by default) and needs half the pages young when it swaps in', () => {
    const base = `swap on\nthp always\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 400K pageout`;
    const r = run(`${base}\nkhugepaged\nkhugepaged max_ptes_swap 100`, 'baseline');
    expect(rss(r).slice(-2)).toEqual([2048 - 400, 2048]);
    expect(r.steps[5].reasons[0].text).toMatch(/more than max_ptes_swap = 64/);
    const few = run(`swap on\nthp always\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 1200K pageout\nkhugepaged max_ptes_swap 511`, 'baseline');
    expect(few.final.RssAnon).toBe(2048 - 1200); // 212 young pages < 256: SCAN_LACK_REFERENCED_PAGE
  });

  it('needs a young page: a table of lazily freed pages only stays as it is', () => {
    const r = run(`thp never\nmmap A 2M at ${X}\ntouch A 0 8K\nmadvise A 0 2M free\nthp always\nkhugepaged`, 'baseline');
    expect(r.final.RssAnon).toBe(8);
    expect(r.steps[5].reasons[0].text).toMatch(/too few of its pages were used lately/);
  });

  it('under every design, a slot DONTNEEDed but for one page comes back whole', () => {
    for (const m of MECHANISMS) {
      const r = run(`thp always\nmmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 4K 2044K dontneed\nkhugepaged`, m);
      expect(rss(r), m).toEqual([0, 0, 2048, 4, 2048]);
    }
  });
});
