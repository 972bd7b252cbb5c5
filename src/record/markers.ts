// The recorder library's marker system calls (ptlab_rec.c): madvise(MARK_BASE
// + n pages, 0, MADV_NORMAL), a no-op the kernel accepts, that perf
// records in order with the faults. n = 0/1: start of the recording (before
// and after the snapshot), 2/3: exit (around the measurement), 16 + 2k /
// 17 + 2k: checkpoint k (ptlab_checkpoint(k)).
export const MARK_BASE = 0x70746c610000;
export const MARK_PAGES = 1 << 22;
