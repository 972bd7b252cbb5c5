// `process small-c`: the tables of a small dynamically linked C program, as
// measured on our machines (see real-kernel-facts.md: VmPTE 40 kB in a run
// where the libraries shared a 512 GiB region with the stack). One such
// address-space-randomised layout, fixed so runs are deterministic:
//   executable (5 pages) and heap near 0x55e2...,  libc, vvar, vdso and ld.so
//   in two 2 MiB slots below mmap_base near 0x7fd1...,  stack near 0x7ffd....
// That is 2 PUD + 3 PMD + 5 PTE tables = 40 kB. New mappings are placed below
// the libraries, as the kernel did for the 2021 test (a 50 GiB mapping then
// adds 50 PMD tables and no PUD table).
import { PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import type { Mm } from './mm.ts';
import { PTE_ANON, PTE_FILE, PTE_NONE } from './pgtable.ts';
import { anon_vma_prepare, findVma, type Vma } from './vma.ts';

interface Region {
  start: number;
  pages: number;
  label: string;
  kind: Vma['kind'];
  prot: Vma['prot'];
  /** Pages already mapped, from the start: [count, anonymous?]. */
  mapped: number;
  anon: boolean;
}

const MMAP_BASE = 0x7fd1e6b27000;

const REGIONS: Region[] = [
  { start: 0x55e2b8a3f000, pages: 1, label: 'small-c (r)', kind: 'file', prot: 'r', mapped: 1, anon: false },
  { start: 0x55e2b8a40000, pages: 1, label: 'small-c (r-x)', kind: 'file', prot: 'r', mapped: 1, anon: false },
  { start: 0x55e2b8a41000, pages: 1, label: 'small-c (r)', kind: 'file', prot: 'r', mapped: 1, anon: false },
  { start: 0x55e2b8a42000, pages: 1, label: 'small-c (r) relro', kind: 'file', prot: 'r', mapped: 1, anon: false },
  { start: 0x55e2b8a43000, pages: 1, label: 'small-c (rw)', kind: 'file', prot: 'rw', mapped: 1, anon: true },
  { start: 0x55e2ba1d7000, pages: 33, label: '[heap]', kind: 'file', prot: 'rw', mapped: 1, anon: true },
  { start: 0x7fd1e6907000, pages: 40, label: 'libc.so.6 (r)', kind: 'file', prot: 'r', mapped: 12, anon: false },
  { start: 0x7fd1e692f000, pages: 341, label: 'libc.so.6 (r-x)', kind: 'file', prot: 'r', mapped: 90, anon: false },
  { start: 0x7fd1e6a84000, pages: 84, label: 'libc.so.6 (r)', kind: 'file', prot: 'r', mapped: 20, anon: false },
  { start: 0x7fd1e6ad8000, pages: 4, label: 'libc.so.6 (r) relro', kind: 'file', prot: 'r', mapped: 4, anon: true },
  { start: 0x7fd1e6adc000, pages: 2, label: 'libc.so.6 (rw)', kind: 'file', prot: 'rw', mapped: 2, anon: true },
  { start: 0x7fd1e6ade000, pages: 13, label: 'libc bss', kind: 'file', prot: 'rw', mapped: 3, anon: true },
  { start: 0x7fd1e6aed000, pages: 4, label: '[vvar]', kind: 'file', prot: 'r', mapped: 0, anon: false },
  { start: 0x7fd1e6af1000, pages: 2, label: '[vdso]', kind: 'file', prot: 'r', mapped: 2, anon: false },
  { start: 0x7fd1e6af3000, pages: 1, label: 'ld-linux-x86-64.so.2 (r)', kind: 'file', prot: 'r', mapped: 1, anon: false },
  { start: 0x7fd1e6af4000, pages: 37, label: 'ld-linux-x86-64.so.2 (r-x)', kind: 'file', prot: 'r', mapped: 30, anon: false },
  { start: 0x7fd1e6b19000, pages: 10, label: 'ld-linux-x86-64.so.2 (r)', kind: 'file', prot: 'r', mapped: 8, anon: false },
  { start: 0x7fd1e6b23000, pages: 2, label: 'ld-linux-x86-64.so.2 (r) relro', kind: 'file', prot: 'r', mapped: 2, anon: true },
  { start: 0x7fd1e6b25000, pages: 2, label: 'ld-linux-x86-64.so.2 (rw)', kind: 'file', prot: 'rw', mapped: 2, anon: true },
  { start: 0x7ffd4b8f2000, pages: 33, label: '[stack]', kind: 'stack', prot: 'rw', mapped: 3, anon: true },
];

/** Lay out the small C program's VMAs and tables on an empty mm. */
export function setupSmallC(mm: Mm): void {
  mm.enter('load_elf_binary');
  mm.mmapBase = MMAP_BASE;
  for (const r of REGIONS) {
    const end = r.start + r.pages * PAGE_SIZE;
    // The stack occupies the top of its VMA; the others their start.
    const first = r.kind === 'stack' ? end - r.mapped * PAGE_SIZE : r.start;
    mm.vmas.push({ start: r.start, end, prot: r.prot, hugepage: false, nohugepage: false, account: false, anonVma: r.anon ? mm.nextAnonVma++ : 0, pgoff: 0, kind: r.kind, label: r.label });
    for (let p = 0; p < r.mapped; p++) {
      const addr = first + p * PAGE_SIZE;
      const slot = Math.floor(addr / PMD_SIZE);
      let t = mm.pteAt(slot);
      if (!t) t = mm.pmd_install(mm.pmd_alloc(addr), slot);
      const k = (addr - slot * PMD_SIZE) / PAGE_SIZE;
      t.ents[k] = r.anon ? PTE_ANON : PTE_FILE;
      t.nonNone++;
      mm.mech.tableFilled(mm, t, 'load_elf_binary');
      if (r.anon) mm.rssAnonPages++;
    }
  }
  mm.vmas.sort((a, b) => a.start - b.start);
}

/**
 * `populate`: pages a recorded program had present when recording began
 * (its recorder read them from /proc/self/pagemap), set as they were: an
 * anonymous page (counted in RssAnon) or a file page. No fault, no
 * permission check. Present pages stay as they are, except a file page the
 * snapshot saw as an anonymous copy (a write perf did not report).
 */
export function populate(mm: Mm, start: number, end: number, anon: boolean): string | null {
  mm.enter('load_elf_binary');
  const touched = new Set<PteTableOf>();
  for (let addr = start; addr < end; addr += PAGE_SIZE) {
    const vi = findVma(mm, addr);
    if (vi < 0) return `populate: 0x${addr.toString(16)} is not mapped`;
    const slot = Math.floor(addr / PMD_SIZE);
    let t = mm.pteAt(slot);
    if (!t) t = mm.pmd_install(mm.pmd_alloc(addr), slot);
    const k = (addr - slot * PMD_SIZE) / PAGE_SIZE;
    const e = t.entry(k);
    if (anon && e === PTE_FILE) {
      // The snapshot saw an anonymous copy where the replay has the file page: a write the trace did not show.
      anon_vma_prepare(mm, vi);
      t.ents[k] = PTE_ANON;
      mm.rssAnonPages++;
      mm.emit({ kind: 'pte_set', addr, tableId: t.id, value: 'anon', by: 'load_elf_binary' });
      continue;
    }
    if (e !== PTE_NONE) continue;
    t.ents[k] = anon ? PTE_ANON : PTE_FILE;
    t.nonNone++;
    touched.add(t);
    mm.emit({ kind: 'pte_set', addr, tableId: t.id, value: anon ? 'anon' : 'file', by: 'load_elf_binary' });
    if (anon) {
      anon_vma_prepare(mm, vi);
      mm.rssAnonPages++;
    }
  }
  for (const t of touched) {
    const from = t.refcount;
    mm.mech.tableFilled(mm, t, 'load_elf_binary');
    if (t.refcount !== from) mm.emit({ kind: 'refcount', tableId: t.id, addr: t.slot * PMD_SIZE, from, to: t.refcount, by: 'load_elf_binary' });
  }
  return null;
}
type PteTableOf = NonNullable<ReturnType<Mm['pteAt']>>;
