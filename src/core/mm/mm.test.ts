// Behaviour of the modelled kernel functions, one rule per test. Each
// expectation is a figure the running kernel gives (kernel/FINDINGS.md).
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../scenario/ast.ts';
import { run, rss, vmpte } from '../test/helpers.ts';

const X = '0x100000000000';

describe('handle_mm_fault', () => {
  it('allocates PUD, PMD and PTE tables lazily on the first write (__pud_alloc, __pmd_alloc, pmd_install)', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 4M at ${X}\ntouch A 0 4K\ntouch A 4K 4K`, m);
      expect(vmpte(r)).toEqual([0, 12, 12]);
      expect(rss(r)).toEqual([0, 4, 8]);
      expect(r.steps[1].path).toEqual(expect.arrayContaining(['handle_mm_fault', '__pud_alloc', '__pmd_alloc', 'pmd_install', 'do_anonymous_page']));
      expect(r.steps[2].allocated).toEqual({ pud: 0, pmd: 0, pte: 0 });
    }
  });
  it('maps the zero page on a read (no RssAnon) and copies it on a later write (wp_page_copy)', () => {
    const r = run(`mmap A 2M at ${X}\nread A 0 2M\ntouch A 0 4K`, 'baseline');
    expect(vmpte(r)).toEqual([0, 12, 12]);
    expect(rss(r)).toEqual([0, 0, 4]);
    expect(r.steps[2].path).toContain('wp_page_copy');
  });
  it('maps a real page on a read when the kernel has no zero page', () => {
    const r = run(`mmap A 2M at ${X}\nread A 0 2M\ntouch A 0 4K`, 'pt-reclaim', { zeroPage: false });
    expect(rss(r)).toEqual([0, 2048, 2048]);
  });
  it('raises SIGSEGV on a write to a read-only range and keeps the state up to the faulting page', () => {
    const r = run(`mmap A 2M at ${X} prot r\nmmap B 2M at 0x100000200000\ntouch B 0 8K\ntouch A 0 4K`, 'baseline', { allowError: true });
    expect(r.error?.line).toBe(4);
    expect(r.error?.error.kind).toBe('segv');
    expect(r.error?.error.message).toMatch(/write to 0x100000000000: the page is read-only/);
    expect(r.final.RssAnon).toBe(8);
  });
  it('stops a touch at the first unmapped page, after faulting the pages before it', () => {
    const r = run(`mmap A 1M at ${X}\ntouch A 0 2M`, 'baseline', { allowError: true });
    expect(r.error?.error.kind).toBe('segv');
    expect(r.final.RssAnon).toBe(1024);
  });
});

describe('zap_pte_range under each mechanism', () => {
  const partial = `mmap A 4M at ${X}\ntouch A 0 2M\nmadvise A 0 1M dontneed\nmadvise A 1M 1M dontneed\nmadvise A 0 2M dontneed`;
  it('baseline never frees a table on DONTNEED', () => {
    expect(vmpte(run(partial, 'baseline'))).toEqual([0, 12, 12, 12, 12]);
  });
  it('pte-ref frees the table when the second partial zap empties it', () => {
    const r = run(partial, 'pte-ref');
    expect(vmpte(r)).toEqual([0, 12, 12, 8, 8]);
    expect(r.steps[3].reasons[0]).toMatchObject({ verdict: 'freed', code: 'refcount_zero', by: 'free_user_pte_table' });
    expect(r.steps[2].reasons[0].text).toBe('kept: refcount 256: 256 entries still mapped');
  });
  it('pt-reclaim frees only on a zap covering the whole slot', () => {
    const r = run(partial, 'pt-reclaim');
    expect(vmpte(r)).toEqual([0, 12, 12, 12, 8]);
    expect(r.steps[3].reasons[0]).toMatchObject({ verdict: 'kept', code: 'partial_cover' });
    expect(r.steps[3].reasons[0].text).toMatch(/covered 1 MiB of this 2 MiB slot/);
    expect(r.steps[4].reasons[0]).toMatchObject({ verdict: 'freed', code: 'whole_slot_empty', by: 'free_pte' });
  });
  it('pt-reclaim keeps a slot two VMAs share even when one DONTNEED spans both', () => {
    const r = run(`mmap A 1M at ${X}\nmmap B 1M at 0x100000100000 prot r\ntouch A 0 1M\nread B 0 1M\nmadvise A 0 2M dontneed`, 'pt-reclaim');
    expect(vmpte(r)[4]).toBe(12);
    expect(r.steps[4].reasons.map((x) => x.code)).toEqual(['shared_slot', 'shared_slot']);
  });
  it('MADV_FREE keeps PTEs, RSS and tables under every mechanism', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 2M free`, m);
      expect(vmpte(r)[2]).toBe(12);
      expect(rss(r)[2]).toBe(2048);
      expect(r.steps[2].reasons[0].code).toBe('madv_free');
    }
  });
  it('pte-ref counts refcount atomics per fault; the others none', () => {
    const src = `mmap A 2M at ${X}\ntouch A 0 2M`;
    expect(run(src, 'pte-ref').counters.refcountAtomics).toBeGreaterThanOrEqual(3 * 512);
    expect(run(src, 'pt-reclaim').counters.refcountAtomics).toBe(0);
  });
});

describe('VMA merging (vma_merge, anon_vma_prepare)', () => {
  it('merges adjacent anonymous mmaps so a DONTNEED across the boundary is one zap', () => {
    const r = run(`mmap B 3M at ${X}\nmmap C 4M at 0x100000300000\ntouch B 0 3M\ntouch C 0 4M\nmadvise B 2M 2M dontneed`, 'pt-reclaim');
    expect(vmpte(r)[3]).toBe(24);
    expect(vmpte(r)[4]).toBe(20);
  });
  it('does not merge mappings with different protections', () => {
    const r = run(`mmap B 3M at ${X}\nmmap C 4M at 0x100000300000 prot r\ntouch B 0 3M\nread C 0 4M\nmadvise B 2M 2M dontneed`, 'pt-reclaim');
    expect(vmpte(r)[4]).toBe(24);
  });
  it('merges back after mprotect r then rw, so whole-slot DONTNEED reclaims again', () => {
    const r = run(`mmap A 8M at ${X}\ntouch A 0 8M\nmprotect A 3M 2M r\nmadvise A 2M 2M dontneed\nmprotect A 3M 2M rw\nmadvise A 2M 2M dontneed`, 'pt-reclaim');
    expect(vmpte(r)).toEqual([0, 24, 24, 24, 24, 20]);
  });
  it('MADV_HUGEPAGE over part of a mapping splits the VMA', () => {
    const r = run(`mmap A 6M at ${X}\nthp never\nmadvise A 1M 2M hugepage\ntouch A 0 6M\nmadvise A 0 6M dontneed`, 'pt-reclaim');
    expect(vmpte(r)[4] - vmpte(r)[3]).toBe(-4);
  });
});

describe('free_pgtables floor and ceiling', () => {
  it('keeps slots shared with surviving pieces and frees whole ones', () => {
    const r = run(`mmap X 8M at ${X}\ntouch X 0 8M\nmunmap X 4K 4K\nmunmap X 2M 2M\nmunmap X 5M 2M\nmunmap X 0 8M`, 'baseline');
    expect(vmpte(r)).toEqual([0, 24, 24, 20, 20, 0]);
    expect(rss(r)).toEqual([0, 8192, 8188, 6140, 4092, 0]);
    expect(r.steps[4].reasons.every((x) => x.code === 'free_pgtables_kept')).toBe(true);
  });
  it('frees a PMD table when its 1 GiB region has no VMA left, and the PUD table at 512 GiB', () => {
    const r = run(`mmap A 2G at 0x100040000000\ntouch A 0 4K\ntouch A 1G 4K\nmunmap A 0 1G\nmunmap A 1G 1G`, 'baseline');
    expect(vmpte(r)).toEqual([0, 12, 20, 12, 0]);
  });
  it('keeps tables over a hole until the last VMA in their range goes', () => {
    const r = run(`mmap X 4M at 0x7f0000000000\nmmap Y 4M at 0x7f0000600000\ntouch X 0 4M\ntouch Y 0 4M\nmunmap X 0 4M`, 'baseline');
    expect(vmpte(r)).toEqual([0, 0, 16, 24, 16]);
  });
});

describe('mremap (move_page_tables)', () => {
  it('moves whole PTE tables to an aligned destination (move_normal_pmd)', () => {
    const r = run(`mmap X 4M at ${X}\ntouch X 0 4M\nmremap X to 0x180000000000\ntouch X 0 4M`, 'baseline');
    expect(vmpte(r)).toEqual([0, 16, 16, 16]);
    expect(r.steps[2].path).toContain('move_normal_pmd');
    expect(r.steps[3].faults).toBe(0);
  });
  it('copies entries into new tables at an unaligned destination (move_ptes)', () => {
    const r = run(`mmap X 4M at ${X}\ntouch X 0 4M\nmremap X to 0x180000100000`, 'baseline');
    expect(vmpte(r)[2]).toBe(20);
    expect(r.steps[2].path).toContain('move_ptes');
  });
  it('moves a whole PMD table between 1 GiB-aligned addresses (move_normal_pud)', () => {
    const r = run(`mmap X 2G at 0x100040000000\ntouch X 0 4K\nmremap X to 0x180040000000`, 'baseline');
    expect(r.steps[2].path).toContain('move_normal_pud');
    expect(vmpte(r)[2]).toBe(vmpte(r)[1]); // new PUD table, old one freed by free_pgtables
  });
});

describe('THP', () => {
  it('maps a huge page with a deposited table, splits on a partial zap, frees the deposit on a whole one', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap X 4M at ${X} hugepage\ntouch X 0 4K\nmadvise X 0 4K dontneed\ntouch X 2M 4K\nmadvise X 2M 2M dontneed`, m);
      expect(vmpte(r)).toEqual([0, 12, 12, 16, 12]);
      expect(rss(r)).toEqual([0, 2048, 2044, 4092, 2044]);
      expect(r.steps[2].path).toContain('__split_huge_pmd');
      expect(r.steps[4].reasons[0]).toMatchObject({ code: 'huge_zapped', by: 'zap_deposited_table' });
    }
  });
  it('does not map a huge page with thp never, nor without MADV_HUGEPAGE in madvise mode', () => {
    expect(rss(run(`mmap X 4M at ${X} hugepage\nthp never\ntouch X 0 4K`, 'baseline'))[2]).toBe(4);
    expect(rss(run(`mmap X 4M at ${X}\ntouch X 0 4K`, 'baseline'))[1]).toBe(4);
    expect(rss(run(`thp always\nmmap X 4M at ${X}\ntouch X 0 4K`, 'baseline'))[2]).toBe(2048);
  });
});

describe('get_unmapped_area', () => {
  it('places mappings top-down below mmap_base, 2 MiB-multiples 2 MiB aligned', () => {
    const r = run('mmap A 4K\nmmap B 2M\nmmap C 3M', 'baseline');
    const [a, b, c] = r.steps.map((s) => (s.op && 'addr' in s.op ? s.op.addr : -1));
    expect(a).toBe(0x7ffff7ffe000);
    expect(b % (2 << 20)).toBe(0);
    expect(b + (2 << 20)).toBeLessThanOrEqual(a);
    expect(c + (3 << 20)).toBe(b);
  });
  it('places 50 GiB below the small C program\'s libraries with 50 new PMD tables', () => {
    const r = run('process small-c\nmmap A 50G', 'baseline');
    expect(vmpte(r)).toEqual([40, 40]);
    const op = r.steps[1].op!;
    expect(op.op === 'mmap' && op.addr % (2 << 20)).toBe(0);
  });
});
