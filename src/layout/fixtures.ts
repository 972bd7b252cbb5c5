// Hand-made snapshots for layout tests.
import type { ViewSnapshot } from '../worker/protocol.ts';

export const GIB = 2 ** 30;
export const SLOT = 2 ** 21;

export function snap(index: number, tables: { id: number; slot: number; nonNone?: number; refcount?: number; kind?: number }[], extra: Partial<ViewSnapshot> = {}): ViewSnapshot {
  const n = tables.length;
  const pte = { id: new Int32Array(n), slot: new Int32Array(n), nonNone: new Uint16Array(n), refcount: new Uint16Array(n), kind: new Uint8Array(n) };
  tables.forEach((t, k) => {
    pte.id[k] = t.id;
    pte.slot[k] = t.slot;
    pte.nonNone[k] = t.nonNone ?? 1;
    pte.refcount[k] = t.refcount ?? t.nonNone ?? 1;
    pte.kind[k] = t.kind ?? 0;
  });
  const regions = [...new Set(tables.map((t) => Math.floor(t.slot / 512)))];
  return {
    index,
    puds: [{ id: 1, addr: 0 }],
    pmds: regions.map((r, k) => ({ id: 100 + k, addr: r * GIB })),
    pte,
    vmas: [],
    names: [],
    figures: { VmPTE: (n + regions.length + 1) * 4, RssAnon: 0, VmSize: 0, tables: { pud: 1, pmd: regions.length, pte: n } },
    ...extra,
  };
}
