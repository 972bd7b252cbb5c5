// The three designs as the page names them wherever one is chosen: which
// kernels have each, so a newcomer knows pt-reclaim is what runs today and
// pte-ref is a series that was never merged.
import type { MechanismName } from '../core/index.ts';

export const DESIGN_ERA: Record<MechanismName, string> = {
  baseline: 'Linux ≤ 6.13',
  'pte-ref': '2021 series, not merged',
  'pt-reclaim': 'Linux ≥ 6.14',
};

/** "pt-reclaim — Linux ≥ 6.14" */
export const designLabel = (m: MechanismName): string => `${m} — ${DESIGN_ERA[m]}`;

export const DESIGN_TITLE: Record<MechanismName, string> = {
  baseline: 'baseline (Linux ≤ 6.13): zaps never free PTE tables; only munmap does',
  'pte-ref': 'pte-ref (the 2021 refcount series, never merged): a table is freed when its refcount reaches 0',
  'pt-reclaim': 'pt-reclaim (mainline since Linux 6.14): MADV_DONTNEED of a whole empty slot frees the table',
};
