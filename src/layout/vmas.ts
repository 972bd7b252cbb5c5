// Which mapping a table serves, in the scenario's words: the core's VMAs
// carry no scenario names, but the frame carries the scenario's name -> range
// map at that step (the same map the core resolves statements with).
import type { VmaView } from '../core/index.ts';
import type { ViewSnapshot } from '../worker/protocol.ts';
import { PMD_BYTES } from './tables.ts';

export interface NamedVma extends VmaView {
  /** The scenario's name, the process image's label, or "anon". */
  name: string;
}

export function nameVmas(snap: Pick<ViewSnapshot, 'vmas' | 'names'>): NamedVma[] {
  return snap.vmas.map((v) => {
    const n = snap.names.find((m) => v.start < m.start + m.len && m.start < v.end);
    return { ...v, name: n ? n.name : v.label ?? (v.kind === 'stack' ? '[stack]' : 'anon') };
  });
}

/** The VMAs that intersect a 2 MiB slot (binary search; VMAs are sorted). */
export function vmasOfSlot(vmas: NamedVma[], slot: number): NamedVma[] {
  const a = slot * PMD_BYTES;
  const b = a + PMD_BYTES;
  let lo = 0;
  let hi = vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vmas[mid].end <= a) lo = mid + 1;
    else hi = mid;
  }
  const out: NamedVma[] = [];
  for (let i = lo; i < vmas.length && vmas[i].start < b; i++) out.push(vmas[i]);
  return out;
}

/** Is the slot inside some mapping (for shading slots with no table)? */
export const slotMapped = (vmas: NamedVma[], slot: number): boolean => vmasOfSlot(vmas, slot).length > 0;
