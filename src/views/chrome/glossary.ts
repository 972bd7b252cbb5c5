// The words the lab uses, for the help overlay: what a newcomer needs to read the view.
export const GLOSSARY: { term: string; text: string }[] = [
  { term: 'PTE table', text: 'The last level of an x86-64 page table: a 4 kB page of 512 entries (PTEs), each mapping one 4 KiB page, so one table maps a 2 MiB slot. Drawn as a box (nodes) or a cell (strips).' },
  { term: 'PMD, PUD, PGD', text: 'The levels above: a PMD table has 512 entries, each pointing to a PTE table (or mapping a 2 MiB huge page); a PUD table holds PMD tables; the PGD is the root (mm->pgd). P4D is folded on 4-level paging.' },
  { term: 'slot', text: 'The 2 MiB of address space one PTE table maps (one PMD entry). A slot shared by two mappings keeps its table while either needs it.' },
  { term: 'refcount', text: "pte-ref's count on a PTE table (the 2021 series): one per non-none entry plus one per walker inside it. At 0 the table is freed at once." },
  { term: 'entries', text: 'Non-none PTEs in a table: the colour under baseline and pt-reclaim. A hatched vermillion 0 is a table allocated but empty: kernel memory that maps nothing.' },
  { term: 'VmPTE', text: 'Memory used by page tables (PTE, PMD and PUD tables), in kB, as /proc/PID/status reports it: 4 kB a table.' },
  { term: 'RssAnon', text: 'Resident anonymous memory (kB): the pages the program wrote. Equal under every design; only the tables differ.' },
  { term: 'zap', text: 'Clearing PTEs (zap_pte_range): MADV_DONTNEED, munmap and MADV_FREE zap a range. Baseline never frees the emptied table on a zap; pt-reclaim frees it when a whole empty slot was zapped; pte-ref when its refcount reaches 0.' },
  { term: 'fault', text: 'The first touch of a page: handle_mm_fault allocates the missing tables on the way down (__pud_alloc, __pmd_alloc, pmd_install) and sets the PTE.' },
  { term: 'THP', text: 'Transparent huge pages: a 2 MiB page mapped by one PMD entry, with no PTE table (a deposited table is kept for a later split). Drawn black.' },
  { term: 'free_pgtables', text: 'What munmap calls to free the tables of an unmapped range: the only way baseline gives PTE tables back.' },
];
