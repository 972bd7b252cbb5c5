// The one-line explanations a student reads next to a table that was kept.
import { PMD_SIZE } from '../constants.ts';
import type { ReasonCode, TableReason } from '../types.ts';
import type { ZapSlot } from '../mm/mechanism.ts';
import { PTE_SWAP } from '../mm/pgtable.ts';

export const kb = (bytes: number): string => {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  return `${bytes / 1024} KiB`;
};

export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const words = (n: number): string => (n < NUMBER_WORDS.length ? NUMBER_WORDS[n] : String(n));

export function describeKept(z: ZapSlot, code: ReasonCode): TableReason {
  const t = z.table;
  const left = t.nonNone;
  const entries = `${words(left)} ${left === 1 ? 'entry' : 'entries'} still mapped`;
  let text: string;
  switch (code) {
    case 'madv_free':
      text = 'kept: MADV_FREE never frees tables: it leaves the PTEs mapped and marks the pages lazy-free';
      break;
    case 'pageout': {
      let swapped = 0;
      if (t.uniform) swapped = t.fill === PTE_SWAP ? left : 0;
      else for (let k = 0; k < 512; k++) if (t.ents[k] === PTE_SWAP) swapped++;
      const parts = [swapped ? plural(swapped, 'swap entry', 'swap entries') : '', left - swapped ? plural(left - swapped, 'page still mapped', 'pages still mapped') : ''].filter(Boolean);
      text = `kept: reclaim (MADV_PAGEOUT, try_to_unmap) never frees a PTE table${parts.length ? `; ${parts.join(' and ')}` : ''}`;
      break;
    }
    case 'baseline_keeps':
      text = left === 0 ? 'kept: baseline never frees a PTE table on a zap; it stays empty until munmap (free_pgtables)' : `kept: ${entries}; baseline never frees a PTE table on a zap`;
      break;
    case 'partial_cover':
      text = `kept: the zap covered ${kb(z.end - z.start)} of this 2 MiB slot; pt-reclaim needs the whole slot${left ? ` (${entries})` : ''}`;
      break;
    case 'shared_slot':
      text = `kept: the slot is not one VMA's alone (another VMA or a hole shares it), so the zap, clipped to the VMA, covered only ${kb(z.end - z.start)} of it`;
      break;
    case 'entries_left':
      text = `kept: ${entries} (any_skipped)`;
      break;
    case 'refcount_left':
      text = `kept: refcount ${t.refcount}: ${entries}`;
      break;
    default:
      text = `kept (${code})`;
  }
  return { addr: z.slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code, text };
}
