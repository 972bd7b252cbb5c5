// What a statement touches, from its resolved operation (core/resolved.ts):
// the address ranges it acts on and the 2 MiB slots in them. The views use it
// to draw a fault's walk (PGD -> PUD -> PMD -> PTE table) and to link a
// statement in the editor to the tables it touches. Pure numbers, no React.
import type { ResolvedOp } from '../core/index.ts';
import { PMD_BYTES } from './tables.ts';

/** The address ranges [start, end) an operation acts on (none: thp, zeropage, process). */
export function opRanges(op: ResolvedOp | undefined): [number, number][] {
  if (!op) return [];
  switch (op.op) {
    case 'touch':
    case 'read':
    case 'madvise':
    case 'munmap':
    case 'mprotect':
    case 'populate':
    case 'mmap':
      return [[op.addr, op.addr + op.len]];
    case 'mremap':
      return [[op.addr, op.addr + op.len], [op.to, op.to + op.len]];
    case 'faults':
      return op.runs.map((r) => [r.addr, r.addr + r.len] as [number, number]);
    case 'brk':
      return op.end > op.start ? [[op.start, op.end]] : [];
    default:
      return [];
  }
}

/** Does the operation fault pages in (so the kernel walks PGD -> PTE for each)? */
export const faultsIn = (op: ResolvedOp | undefined): boolean => !!op && (op.op === 'touch' || op.op === 'read' || op.op === 'faults' || op.op === 'populate');

/**
 * The slots (address / 2 MiB) an operation's ranges overlap, in order, at most
 * `max` of them (a 50 GiB munmap spans 25,600: the views only mark what they draw).
 */
export function opSlots(op: ResolvedOp | undefined, max = 4096): number[] {
  const out: number[] = [];
  for (const [a, b] of opRanges(op)) {
    if (b <= a) continue;
    const last = Math.floor((b - 1) / PMD_BYTES);
    for (let s = Math.floor(a / PMD_BYTES); s <= last && out.length < max; s++) out.push(s);
  }
  return out;
}

/** Does the operation's range overlap slot s? */
export function opTouchesSlot(op: ResolvedOp | undefined, slot: number): boolean {
  const a0 = slot * PMD_BYTES;
  const a1 = a0 + PMD_BYTES;
  return opRanges(op).some(([a, b]) => a < a1 && b > a0);
}
