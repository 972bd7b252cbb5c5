// What the hover card and the detail panel say about a PTE table.
import type { MechanismName } from '../../core/index.ts';
import type { TableItem } from '../../layout/tables.ts';
import { vmasOfSlot, type NamedVma } from '../../layout/vmas.ts';
import { formatAddr, formatSize } from '../../scenario/index.ts';

const SLOT = 2 * 1024 * 1024;

/** "0x100000200000–0x100000400000": the 2 MiB a slot's table maps. */
export const slotRange = (slot: number): string => `${formatAddr(slot * SLOT)}–${formatAddr((slot + 1) * SLOT)}`;

export interface InfoLine {
  k: string;
  v: string;
}

export function tableInfo(t: TableItem, mechanism: MechanismName, vmas: NamedVma[]): { title: string; lines: InfoLine[] } {
  const a = t.slot * SLOT;
  const served = vmasOfSlot(vmas, t.slot);
  const lines: InfoLine[] = [
    { k: 'maps', v: `${formatAddr(a)} – ${formatAddr(a + SLOT)} (2 MiB, one slot)` },
    { k: 'level', v: t.kind ? 'huge PMD entry (deposited PTE table)' : `PTE table, entry ${t.slot % 512} of PMD table at ${formatAddr(Math.floor(t.slot / 512) * 2 ** 30)}` },
    { k: 'entries', v: t.kind ? '512 (one 2 MiB page)' : `${t.nonNone} of 512 non-none` },
  ];
  if (mechanism === 'pte-ref') lines.push({ k: 'refcount', v: String(t.refcount) });
  lines.push({
    k: served.length > 1 ? `VMAs (${served.length}, shared slot)` : 'VMA',
    v: served.length ? served.map((v) => `${v.name} [${formatAddr(v.start)}, +${formatSize(v.end - v.start)})`).join('; ') : 'none (no mapping covers it)',
  });
  if (t.status === 'new') lines.push({ k: 'this step', v: 'allocated' });
  if (t.status === 'freed') lines.push({ k: 'this step', v: 'freed' });
  // Named by what it maps, not by its id (an id reads like an index); the id, the order tables were allocated in, comes second.
  if (t.id >= 0) lines.push({ k: t.kind ? 'deposited table' : 'table id', v: `#${t.id} (allocation order in this run)` });
  const range = slotRange(t.slot);
  const title = t.kind ? `Huge page at ${range}` : t.kind === 0 && t.value === 0 ? `PTE table for ${range}: empty, still allocated` : `PTE table for ${range}`;
  return { title, lines };
}
