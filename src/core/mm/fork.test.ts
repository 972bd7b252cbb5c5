// fork and exit, function by function: dup_mmap, copy_page_range
// (copy_pte_range, copy_huge_pmd), do_wp_page (wp_page_copy / wp_page_reuse),
// do_huge_pmd_wp_page and exit_mmap, through scenarios run on every design.
import { describe, expect, it } from 'vitest';
import { MECHANISMS, type MechanismName } from '../../scenario/ast.ts';
import { compile } from '../../scenario/expand.ts';
import { Run } from '../trace/run.ts';
import { PTE_ANON, PTE_ANON_COW, HUGE_ANON, HUGE_ANON_WP } from './pgtable.ts';

const X = '0x100000000000';

function run(src: string, mechanism: MechanismName = 'baseline'): Run {
  const c = compile(src);
  if (!c.ok) throw new Error(c.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  const r = new Run(c.program, { mechanism, checkInvariants: true });
  r.advance();
  expect(r.error).toBeUndefined();
  expect(r.invariantViolations).toEqual([]);
  expect(r.expectFailures).toEqual([]);
  return r;
}
const fig = (r: Run, name: string) => r.procs.find((p) => p.name === name)!.mm.figures();
const last = (r: Run) => r.step(r.stepsRun - 1);

describe('dup_mmap', () => {
  it('copies the VMAs; MADV_DONTFORK leaves one out, MADV_WIPEONFORK copies it empty', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 2M at ${X}\nmmap B 2M at 0x100000400000\nmmap C 2M at 0x100000800000\ntouch A 0 2M\ntouch B 0 2M\ntouch C 0 2M\nmadvise B 0 2M dontfork\nmadvise C 0 2M wipeonfork\nfork`, m);
      const child = r.procs[1].mm;
      expect(child.vmas.map((v) => [v.start.toString(16), v.end - v.start])).toEqual([['100000000000', 2 << 20], ['100000800000', 2 << 20]]);
      expect(child.vmas[1].anonVma).toBe(0); // WIPEONFORK: no anon_vma in the child
      // Only A's table is copied: PUD + PMD + 1 PTE table; only A's pages.
      expect(fig(r, 'child')).toMatchObject({ VmPTE: 12, RssAnon: 2048, VmSize: 4096 });
      expect(fig(r, 'parent')).toMatchObject({ VmPTE: 20, RssAnon: 6144 });
    }
  });
  it('dofork and keeponfork undo the flags, and the VMAs merge back', () => {
    const r = run(`mmap A 4M at ${X}\ntouch A 0 4M\nmadvise A 0 2M dontfork\nmadvise A 2M 2M wipeonfork\nmadvise A 0 2M dofork\nmadvise A 2M 2M keeponfork\nfork`);
    expect(r.mm.vmas.length).toBe(1);
    expect(fig(r, 'child')).toMatchObject({ VmPTE: 16, RssAnon: 4096 });
  });
  it('the system-wide settings (swap, khugepaged limits) reach the child at fork and after it', () => {
    const r = run(`swap on\nkhugepaged max_ptes_none 64\nmmap A 2M at ${X}\ntouch A 0 2M\nfork\nin child: touch A 0 2M\nin child: madvise A 0 2M pageout`);
    const child = r.procs[1].mm;
    expect([child.swap, child.khugepaged.maxPtesNone]).toEqual([true, 64]);
    // With swap on, the child's pageout of its own copies (written after the fork: not shared) made them swap entries.
    expect(fig(r, 'child')).toMatchObject({ RssAnon: 0, VmSwap: 2048 });
    const later = run(`mmap A 2M at ${X}\ntouch A 0 2M\nfork\nswap on\nin child: touch A 0 2M\nin child: madvise A 0 2M pageout`);
    expect(later.procs[1].mm.swap).toBe(true);
    expect(fig(later, 'child')).toMatchObject({ RssAnon: 0, VmSwap: 2048 });
  });
  it('wipeonfork of a file mapping is EINVAL', () => {
    const c = compile(`mmap F 8K at ${X} file "lib.so"\nmadvise F 0 8K wipeonfork`);
    if (!c.ok) throw new Error('parse');
    const r = new Run(c.program, { mechanism: 'baseline' });
    r.advance();
    expect(r.error?.error.message).toMatch(/wipeonfork.*EINVAL/);
  });
});

describe('copy_page_range', () => {
  it('copies the tables of a VMA with an anon_vma and write-protects anonymous PTEs in both', () => {
    const r = run(`mmap A 4M at ${X}\ntouch A 0 1M\nfork\nexpect child VmPTE 12\nexpect child RssAnon 1024\nexpect VmPTE 12`);
    const p = r.mm.pteAt(Math.floor(Number(X) / (2 << 20)))!;
    const c = r.procs[1].mm.pteAt(p.slot)!;
    expect([p.entry(0), c.entry(0), c.entry(255), c.entry(256)]).toEqual([PTE_ANON_COW, PTE_ANON_COW, PTE_ANON_COW, 0]);
    expect(c.nonNone).toBe(256);
    expect(last(r).path).toEqual(expect.arrayContaining(['dup_mmap', 'copy_page_range', 'copy_pte_range', 'copy_present_ptes']));
    expect(last(r).allocated).toEqual({ pud: 1, pmd: 1, pte: 1 });
  });
  it('does not copy a VMA without an anon_vma: read faults (the zero page) fault in again in the child', () => {
    const r = run(`mmap A 2M at ${X}\nread A 0 2M\nfork\nexpect child VmPTE 0\nin child: read A 0 4K\nexpect child VmPTE 12\nexpect child RssAnon 0`);
    expect(fig(r, 'parent').VmPTE).toBe(12);
  });
  it('copies the zero page as it is (the VMA has an anon_vma from a write)', () => {
    const r = run(`mmap A 2M at ${X}\nread A 0 2M\ntouch A 0 4K\nfork\nexpect child RssAnon 4\nexpect child VmPTE 12`);
    expect(r.procs[1].mm.pteAt(Math.floor(Number(X) / (2 << 20)))!.nonNone).toBe(512);
  });
  it('allocates a table for a present PMD entry even when its entries in the VMA are none; pte-ref frees it at once', () => {
    const src = `mmap A 2M at ${X}\ntouch A 0 2M\nmadvise A 0 1M dontneed\nmadvise A 1M 1M dontneed\nfork`;
    // baseline keeps the emptied table and the child gets an empty copy; pt-reclaim freed it (each DONTNEED was partial: kept); pte-ref freed it at 0.
    expect(fig(run(src, 'baseline'), 'child').VmPTE).toBe(12);
    expect(fig(run(src, 'pt-reclaim'), 'child').VmPTE).toBe(12);
    expect(fig(run(src, 'pte-ref'), 'child').VmPTE).toBe(8);
  });
  it('copy_huge_pmd shares the THP write-protected and deposits a table in the child', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 4M at ${X} hugepage\ntouch A 0 2M\nfork\nexpect child VmPTE 12\nexpect child RssAnon 2048`, m);
      const slot = Math.floor(Number(X) / (2 << 20));
      expect([r.mm.pteAt(slot)!.huge, r.procs[1].mm.pteAt(slot)!.huge]).toEqual([HUGE_ANON_WP, HUGE_ANON_WP]);
      expect(last(r).path).toContain('copy_huge_pmd');
    }
  });
});

describe('do_wp_page after fork', () => {
  it('a write in the child copies (the page is shared); the parent then reuses its page (now exclusive)', () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 2M at ${X}\ntouch A 0 8K\nfork\nin child: touch A 0 4K\nexpect child RssAnon 8\ntouch A 0 4K\nexpect RssAnon 8`, m);
      const steps = r.steps;
      expect(steps[3].path).toEqual(expect.arrayContaining(['do_wp_page', 'wp_page_copy']));
      expect(steps[3].path).not.toContain('wp_page_reuse');
      expect(steps[4].path).toEqual(expect.arrayContaining(['do_wp_page', 'wp_page_reuse']));
      expect(steps[4].path).not.toContain('wp_page_copy');
      const slot = Math.floor(Number(X) / (2 << 20));
      // Entry 1 is still shared, write-protected in both.
      expect([r.mm.pteAt(slot)!.entry(0), r.mm.pteAt(slot)!.entry(1), r.procs[1].mm.pteAt(slot)!.entry(1)]).toEqual([PTE_ANON, PTE_ANON_COW, PTE_ANON_COW]);
    }
  });
  it('a write to a shared THP splits the writer\'s PMD and copies one page; after the child exits the parent reuses its THP', () => {
    const r = run(`mmap A 4M at ${X} hugepage\ntouch A 0 2M\nfork\nin child: touch A 0 4K\nexpect child VmPTE 12\nexpect child RssAnon 2048\nexit child\ntouch A 0 4K\nexpect VmPTE 12\nexpect RssAnon 2048`);
    const steps = r.steps;
    expect(steps[3].path).toEqual(expect.arrayContaining(['do_huge_pmd_wp_page', '__split_huge_pmd', 'wp_page_copy']));
    expect(steps[5].path).toContain('do_huge_pmd_wp_page');
    expect(steps[5].path).not.toContain('__split_huge_pmd');
    expect(r.mm.pteAt(Math.floor(Number(X) / (2 << 20)))!.huge).toBe(HUGE_ANON);
  });
  it('both processes writing a shared THP split both', () => {
    const r = run(`mmap A 4M at ${X} hugepage\ntouch A 0 2M\nfork\nin child: touch A 0 4K\ntouch A 4K 4K\nexpect VmPTE 12\nexpect RssAnon 2048`);
    expect(r.steps[4].path).toContain('__split_huge_pmd');
  });
});

describe('exit_mmap', () => {
  it("frees every table of the child and leaves the parent's figures as they were", () => {
    for (const m of MECHANISMS) {
      const r = run(`mmap A 8M at ${X}\ntouch A 0 5M\nfork\nin child: munmap A 0 1M\nexit child\nexpect VmPTE 20\nexpect RssAnon 5120`, m);
      const s = last(r);
      expect(s.path).toEqual(expect.arrayContaining(['exit_mmap', 'unmap_vmas', 'free_pgtables']));
      expect(s.freed.pud + s.freed.pmd + s.freed.pte).toBe(5);
      expect(s.procs!.map((p) => p.name)).toEqual(['parent']);
      expect(r.procs.length).toBe(1);
      expect(r.mm.family).toBeNull();
    }
  });
  it('names and errors: a named child, a grandchild, unknown processes, a second child of the same name', () => {
    const r = run(`mmap A 2M at ${X}\ntouch A 0 4K\nfork B\nin B: fork C\nin C: mmap D 2M\nin C: touch D 0 4K\nexpect C RssAnon 8\nexpect B RssAnon 4\nexit B\nexpect C VmPTE 24`);
    expect(r.procs.map((p) => p.name)).toEqual(['parent', 'C']);
    const bad = (src: string) => {
      const c = compile(src);
      if (!c.ok) return c.errors[0].message;
      const x = new Run(c.program, { mechanism: 'baseline' });
      x.advance();
      return x.error?.error.message ?? x.expectFailures[0]?.message;
    };
    expect(bad('in nobody: mmap A 2M')).toBe('no process named nobody (processes: parent)');
    expect(bad('fork\nfork')).toMatch(/a process named child already exists/);
    expect(bad('fork\nexit child\nexit child')).toMatch(/no process named child/);
    expect(bad('exit parent')).toMatch(/cannot exit/);
    expect(bad('in child: repeat 2 { touch A 0 4K }')).toMatch(/what child runs \(mmap, touch, read, madvise, munmap, mprotect, mremap or fork\)/);
    expect(bad('fork\nexpect kid VmPTE 0')).toMatch(/no process named kid/);
  });
});

describe('time travel with processes', () => {
  it('stateAt and view rebuild every process at every step (checkpoints pack the children too)', () => {
    const src = `mmap A 8M at ${X}\ntouch A 0 3M\nfork\nin child: touch A 0 8K\nrepeat 6 { in child: madvise A i*1M 1M dontneed; touch A i*4K 4K }\nfork B\nin B: touch A 4M 4K\nexit child\ntouch A 0 8M`;
    for (const m of MECHANISMS) {
      const c = compile(src);
      if (!c.ok) throw new Error('parse');
      const r = new Run(c.program, { mechanism: m, checkpoints: true, checkpointEvery: 2, checkInvariants: true });
      r.advance();
      expect(r.invariantViolations).toEqual([]);
      expect(r.checkpoints.some((cp) => cp.procs?.length)).toBe(true);
      const want = (i: number) => (r.step(i).procs ?? [{ name: 'parent', figures: r.step(i).figures }]).map((p) => [p.name, p.figures.VmPTE, p.figures.RssAnon]);
      const got = (st: { procs: { name: string; mm: { figures(): { VmPTE: number; RssAnon: number } } }[] }) => st.procs.map((p) => [p.name, p.mm.figures().VmPTE, p.mm.figures().RssAnon]);
      for (let i = r.stepsRun - 1; i >= 0; i--) {
        // Steps without procs had one process: compare only what they list.
        expect(got(r.stateAt(i)), `${m} stateAt ${i}`).toEqual(want(i));
        expect(got(r.view(i)), `${m} view ${i}`).toEqual(want(i));
      }
    }
  });
  it("records a child's step as the child's events", () => {
    const c = compile(`mmap A 2M at ${X}\ntouch A 0 8K\nfork\nin child: touch A 0 4K`);
    if (!c.ok) throw new Error('parse');
    const r = new Run(c.program, { mechanism: 'pte-ref', checkpoints: true });
    r.advance();
    const st = r.view(3, true);
    expect(st.events).toEqual([]); // the first process's view: nothing happened to it
    expect(st.otherEvents?.name).toBe('child');
    expect(st.otherEvents?.events.some((e) => e.kind === 'pte_set' && e.by === 'wp_page_copy')).toBe(true);
  });
});
