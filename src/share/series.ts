// The 2021 series patch by patch, in ptlab's terms: the tour panel's data
// (src/views/tour). Titles are the cover letter's list, verbatim: "[PATCH v3
// 00/15] Free user PTE page table pages", Qi Zheng, 10 Nov 2021,
// Message-ID <20211110105428.32458-1-zhengqi.arch@bytedance.com>
// (https://lore.kernel.org/r/ + the Message-ID). Patch N was sent as
// <20211110105428.32458-(N+1)-zhengqi.arch@bytedance.com>; the ids of 6-15
// were read in the archive (../shared/docs/kernel-semantics.md, S2-S11; 9/15
// only as its earlier send 20211110084057.27676-10), those of 1-5 follow the
// numbering and were not opened.
//
// Each entry names where ptlab shows the patch at work: a preset, a step (an
// index into its flat statement stream) and an event of that step under
// pte-ref, which series.test.ts replays to check the event really is there.
// Rules R0-R15 are ../shared/docs/kernel-semantics.md's.

/** A kernel event of a step, as the core records it (SimEvent kind and `by`). */
export interface SeriesEvent {
  kind: 'refcount' | 'table_allocated' | 'table_freed' | 'pte_set' | 'huge_mapped' | 'huge_split' | 'pmd_moved' | 'tlb_flush';
  by: string;
}

export interface SeriesPatch {
  /** 1..15 */
  n: number;
  title: string;
  /** The patch's Message-ID (see the header for which were read). */
  messageId: string;
  /** What it changes, in ptlab's terms (events, rules, files). */
  changes: string;
  /** The rules of kernel-semantics.md it introduced ([] for preparation). */
  rules: string[];
  /** Preparation only: nothing of the design yet; the step shows the code it reworks. */
  preparatory: boolean;
  /** Where it shows: preset, step, event index in that step (pte-ref), and what that event is. */
  at: { preset: string; step: number; event: number; shows: SeriesEvent };
}

const id = (n: number): string => `20211110105428.32458-${n + 1}-zhengqi.arch@bytedance.com`;

export const SERIES_COVER = {
  title: '[PATCH v3 00/15] Free user PTE page table pages',
  author: 'Qi Zheng',
  date: '2021-11-10',
  messageId: '20211110105428.32458-1-zhengqi.arch@bytedance.com',
  basedOn: 'next-20211108',
};

export const SERIES: readonly SeriesPatch[] = [
  {
    n: 1, title: 'mm: do code cleanups to filemap_map_pmd()', messageId: id(1), rules: [], preparatory: true,
    changes: 'Reworks filemap_map_pmd(), the PMD step of file fault-around, so later patches can take a reference there. ptlab models no fault-around; the step shows the PMD-level decision of a fault: this slot gets a huge page, no PTE table.',
    at: { preset: '11-thp-split', step: 1, event: 4, shows: { kind: 'huge_mapped', by: 'do_huge_pmd_anonymous_page' } },
  },
  {
    n: 2, title: 'mm: introduce is_huge_pmd() helper', messageId: id(2), rules: [], preparatory: true,
    changes: 'One test for "this PMD is huge (or a migration entry)", used where a walker must not treat the PMD as a PTE table (pte_try_get returns FAILED_HUGE_PMD). Here: a DONTNEED meets a huge PMD and splits it first.',
    at: { preset: '11-thp-split', step: 2, event: 0, shows: { kind: 'huge_split', by: '__split_huge_pmd' } },
  },
  {
    n: 3, title: 'mm: move pte_offset_map_lock() to pgtable.h', messageId: id(3), rules: [], preparatory: true,
    changes: 'Moves pte_offset_map_lock() so 11/15 can wrap it in pte_tryget_map_lock(). The step shows the fault setting a PTE in the table it mapped and locked that way.',
    at: { preset: '01-first-touch', step: 1, event: 6, shows: { kind: 'pte_set', by: 'do_anonymous_page' } },
  },
  {
    n: 4, title: 'mm: rework the parameter of lock_page_or_retry()', messageId: id(4), rules: ['R9'], preparatory: true,
    changes: 'Passes the vm_fault to lock_page_or_retry() so that 10/15 can drop the fault\'s table reference before mmap_lock is released (R9: after that, khugepaged or mremap may replace the table). ptlab\'s faults never drop mmap_lock; the step shows the fault\'s pte_put.',
    at: { preset: '01-first-touch', step: 1, event: 8, shows: { kind: 'refcount', by: 'pte_put' } },
  },
  {
    n: 5, title: 'mm: add pmd_installed_type return for __pte_alloc() and other friends', messageId: id(5), rules: ['R3'], preparatory: true,
    changes: '__pte_alloc() and pmd_install() say what they found: a table installed now, one already there, or a huge PMD; 7/15 needs this to know whether it holds the installer\'s reference. The step shows pmd_install linking a new PTE table (+4 kB VmPTE).',
    at: { preset: '01-first-touch', step: 1, event: 2, shows: { kind: 'table_allocated', by: 'pmd_install' } },
  },
  {
    n: 6, title: 'mm: introduce refcount for user PTE page table page', messageId: id(6), rules: ['R0', 'R1'], preparatory: false,
    changes: 'Adds pte_refcount (and the pmd back-pointer) to the PTE table\'s struct page, and the helpers pte_get, pte_put, pte_try_get as dummies that 13/15 fills in. In ptlab: every table\'s count (the number in each table box under pte-ref) and the refcount events. The step shows pte_put taking a count to 0.',
    at: { preset: '01-first-touch', step: 2, event: 3, shows: { kind: 'refcount', by: 'pte_put' } },
  },
  {
    n: 7, title: 'mm/pte_ref: add support for user PTE page table page allocation', messageId: id(7), rules: ['R3', 'R4'], preparatory: false,
    changes: 'pmd_install() starts a new table at pte_refcount 1, the installer\'s reference, which the caller drops when done; finding a table whose count is 0 it retries (X3). The step shows the count going 0 -> 1 at pmd_install.',
    at: { preset: '01-first-touch', step: 1, event: 3, shows: { kind: 'refcount', by: 'pmd_install' } },
  },
  {
    n: 8, title: 'mm/pte_ref: initialize the refcount of the withdrawn PTE page table page', messageId: id(8), rules: ['R5'], preparatory: false,
    changes: 'A table withdrawn from under a huge PMD at a split starts at 512 (all entries set, no visitor). The step shows the split table\'s count at 512 when the zap takes its reference right after __split_huge_pmd.',
    at: { preset: '11-thp-split', step: 2, event: 2, shows: { kind: 'refcount', by: 'pte_try_get' } },
  },
  {
    n: 9, title: 'mm/pte_ref: add support for the map/unmap of user PTE page table page', messageId: id(9), rules: ['R6'], preparatory: false,
    changes: 'Every none -> set entry is +1 (pte_get) and every set -> none is -1: zap_pte_range puts all it cleared at once (pte_put_many), move_ptes moves counts. The step shows a whole-slot DONTNEED taking 512 off in one pte_put_many.',
    at: { preset: '02-2021-test-1g', step: 2, event: 2, shows: { kind: 'refcount', by: 'pte_put_many' } },
  },
  {
    n: 10, title: 'mm/pte_ref: add support for page fault path', messageId: id(10), rules: ['R9', 'X2'], preparatory: false,
    changes: 'handle_pte_fault takes a reference (pte_tryget_map) before it reads the PTE and drops it before mmap_lock can be released; a count of 0 makes it read the PMD again (X2). The step shows the fault\'s pte_try_get (then pte_get for the new entry and pte_put).',
    at: { preset: '01-first-touch', step: 1, event: 5, shows: { kind: 'refcount', by: 'pte_try_get' } },
  },
  {
    n: 11, title: 'mm/pte_ref: take a refcount before accessing the PTE page table page', messageId: id(11), rules: ['R7', 'R8', 'X1'], preparatory: false,
    changes: 'Every other walker takes a reference first: mincore, mprotect (change_pte_range), GUP, /proc smaps and pagemap, migration, KSM, khugepaged, zap_pmd_range (R8). In ptlab: the mincore, pagemap and mprotect statements; under pte-ref the count rises by one and falls back, and in the race a walker that meets a count of 0 backs off. The step shows mincore\'s pte_tryget_map_lock.',
    at: { preset: '26-race-walkers', step: 3, event: 0, shows: { kind: 'refcount', by: 'pte_tryget_map_lock' } },
  },
  {
    n: 12, title: 'mm/pte_ref: update the pmd entry in move_normal_pmd()', messageId: id(12), rules: ['R13'], preparatory: false,
    changes: 'mremap moving a whole PTE table to another PMD (move_normal_pmd) updates the table\'s pmd back-pointer, so a later free clears the right PMD entry. The step shows the table moving.',
    at: { preset: '10-mremap-whole-slots', step: 2, event: 3, shows: { kind: 'pmd_moved', by: 'move_normal_pmd' } },
  },
  {
    n: 13, title: 'mm/pte_ref: free user PTE page table pages', messageId: id(13), rules: ['R2', 'R10', 'R14', 'R15'], preparatory: false,
    changes: 'The helpers get their logic: a put that reaches 0 frees the table at once (free_user_pte_table: PMD lock, clear the PMD, -4 kB VmPTE), from whatever path, whatever the alignment; free_pte_range becomes a BUG(). The step shows a 4 KiB DONTNEED freeing its table.',
    at: { preset: '01-first-touch', step: 2, event: 4, shows: { kind: 'table_freed', by: 'free_user_pte_table' } },
  },
  {
    n: 14, title: 'Documentation: add document for pte_ref', messageId: id(14), rules: [], preparatory: false,
    changes: 'Documentation/vm/pte_ref.rst: the design, the helpers and the interleavings they prevent (X1-X4). No code. The step shows the cover letter\'s test: touch 2 MiB, DONTNEED it, the table goes.',
    at: { preset: '02-2021-test-1g', step: 2, event: 4, shows: { kind: 'table_freed', by: 'free_user_pte_table' } },
  },
  {
    n: 15, title: 'mm/pte_ref: use mmu_gather to free PTE page table pages', messageId: id(15), rules: ['R10', 'R11', 'R12'], preparatory: false,
    changes: 'A zap hands the freed table to its mmu_gather (pte_free_tlb); x86 selects MMU_GATHER_RCU_TABLE_FREE, so the page is freed after the TLB flush and an RCU grace period, which keeps pte_try_get and gup-fast safe. The step shows the gather\'s flush at tlb_finish_mmu, after which the page goes.',
    at: { preset: '01-first-touch', step: 2, event: 6, shows: { kind: 'tlb_flush', by: 'tlb_finish_mmu' } },
  },
];
