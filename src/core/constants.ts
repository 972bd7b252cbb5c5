// x86-64 4-level paging geometry (arch/x86/include/asm/pgtable_64_types.h).
// P4D is folded: a PGD entry points straight at a PUD table.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const PTRS_PER_TABLE = 512;
/** One PTE table maps a 2 MiB "PMD slot". */
export const PMD_SHIFT = 21;
export const PMD_SIZE = 2 * 1024 * 1024;
/** One PMD table maps 1 GiB. */
export const PUD_SHIFT = 30;
export const PUD_SIZE = 1024 * 1024 * 1024;
/** One PUD table maps 512 GiB. */
export const PGDIR_SHIFT = 39;
export const PGDIR_SIZE = 512 * PUD_SIZE;
/** TASK_SIZE_MAX for 4-level paging: the user address space ends here. */
export const TASK_SIZE = 0x7ffffffff000;
/** mmap_min_addr: the lowest address mmap may use. */
export const MMAP_MIN_ADDR = 0x10000;
/** mmap_base with address-space randomisation off: TASK_SIZE - 128 MiB gap. */
export const DEFAULT_MMAP_BASE = 0x7ffff7fff000;
/** Every page-table page is 4 kB of VmPTE. */
export const TABLE_KB = 4;
export const PAGE_KB = 4;
export const HPAGE_PMD_NR = 512;

// JS bit operators are 32-bit: addresses go through division instead.
export const slotOf = (addr: number): number => Math.floor(addr / PMD_SIZE);
export const pudRegionOf = (addr: number): number => Math.floor(addr / PUD_SIZE);
export const pgdIndexOf = (addr: number): number => Math.floor(addr / PGDIR_SIZE);
export const pageOf = (addr: number): number => Math.floor(addr / PAGE_SIZE);
export const alignDown = (addr: number, size: number): number => Math.floor(addr / size) * size;
export const alignUp = (addr: number, size: number): number => Math.ceil(addr / size) * size;
export const isAligned = (addr: number, size: number): boolean => addr % size === 0;
