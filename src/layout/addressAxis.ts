// The mapping strip's axis: a user address space is 128 TiB wide and a
// process uses a few scattered pieces of it, so the axis is broken: the
// intervals that hold a mapping or a table are grouped into segments, each
// segment gets width by the log of its span (a 4 kB stack and a 50 GiB heap
// both stay visible), and the gaps between them are drawn as breaks.
import type { NamedVma } from './vmas.ts';
import type { TableItem } from './tables.ts';

const SLOT = 2 * 1024 * 1024;
export const BREAK_W = 18;

export interface Segment {
  start: number;
  end: number;
  x0: number;
  x1: number;
}

export interface AxisModel {
  segments: Segment[];
  /** Screen x of an address (clamped into its segment), or null outside every segment. */
  x(addr: number): number | null;
  /** Address under a screen x, or null in a break. */
  addrAt(px: number): number | null;
}

/** Segments: intervals padded to whole 2 MiB slots, joined when the gap is under `join` bytes. */
export function segmentsOf(ranges: [number, number][], join = 64 * SLOT): [number, number][] {
  const r = ranges
    .map(([a, b]) => [Math.floor(a / SLOT) * SLOT, Math.ceil(b / SLOT) * SLOT] as [number, number])
    .sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const [a, b] of r) {
    const last = out[out.length - 1];
    if (last && a - last[1] <= join) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function axisModel(vmas: NamedVma[], tables: TableItem[], width: number): AxisModel {
  const ranges: [number, number][] = vmas.map((v) => [v.start, v.end]);
  // Tables come sorted by slot: one range per run of neighbours (25,600 tables -> 1 range).
  let run: [number, number] | null = null;
  for (const t of tables) {
    if (run && t.slot <= run[1] + 1) run[1] = Math.max(run[1], t.slot);
    else {
      if (run) ranges.push([run[0] * SLOT, (run[1] + 1) * SLOT]);
      run = [t.slot, t.slot];
    }
  }
  if (run) ranges.push([run[0] * SLOT, (run[1] + 1) * SLOT]);
  const spans = segmentsOf(ranges);
  const avail = Math.max(10, width - BREAK_W * Math.max(0, spans.length - 1));
  const weights = spans.map(([a, b]) => 1 + Math.log2((b - a) / SLOT + 1));
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  let x = 0;
  const segments: Segment[] = spans.map(([start, end], k) => {
    const w = (avail * weights[k]) / total;
    const seg = { start, end, x0: x, x1: x + w };
    x += w + BREAK_W;
    return seg;
  });
  return {
    segments,
    x(addr) {
      for (const s of segments) {
        if (addr >= s.start && addr <= s.end) return s.x0 + ((addr - s.start) / (s.end - s.start)) * (s.x1 - s.x0);
      }
      return null;
    },
    addrAt(px) {
      for (const s of segments) {
        if (px >= s.x0 && px <= s.x1) return s.start + ((px - s.x0) / (s.x1 - s.x0 || 1)) * (s.end - s.start);
      }
      return null;
    },
  };
}

export interface SlotRun {
  x0: number;
  x1: number;
  /** 'table': a PTE table with entries; 'empty': allocated with none; 'huge': a huge PMD. */
  state: 'table' | 'empty' | 'huge';
  from: number;
  to: number;
}

/** Consecutive slots in the same state, merged into one run (25,600 tables -> one rectangle). */
export function slotRuns(axis: AxisModel, tables: TableItem[]): SlotRun[] {
  const runs: SlotRun[] = [];
  for (const t of tables) {
    if (t.status === 'freed') continue;
    const state: SlotRun['state'] = t.kind ? 'huge' : t.value === 0 ? 'empty' : 'table';
    const last = runs[runs.length - 1];
    if (last && last.state === state && last.to === t.slot) {
      last.to = t.slot + 1;
      continue;
    }
    runs.push({ x0: 0, x1: 0, state, from: t.slot, to: t.slot + 1 });
  }
  for (const r of runs) {
    r.x0 = axis.x(r.from * SLOT) ?? 0;
    r.x1 = Math.max(r.x0 + 1, axis.x(r.to * SLOT) ?? r.x0 + 1);
  }
  return runs;
}

/** Slots that more than one VMA maps into (pt-reclaim's zap is clipped there). */
export function sharedSlots(vmas: NamedVma[]): number[] {
  const seen = new Map<number, number>();
  for (const v of vmas) {
    const a = Math.floor(v.start / SLOT);
    const b = Math.floor((v.end - 1) / SLOT);
    seen.set(a, (seen.get(a) ?? 0) + 1);
    if (b !== a) seen.set(b, (seen.get(b) ?? 0) + 1);
  }
  return [...seen].filter(([, c]) => c > 1).map(([s]) => s).sort((p, q) => p - q);
}
