// Drawing the strip view on a canvas. Each PMD table's 512 slots are first
// painted into an atlas, 64x8 pixels a table (one pixel per slot), then every
// frame draws it scaled: panning 25,600 tables is 53 drawImage calls.
// Zoomed in far enough, per-cell detail (hatching, counts) is drawn only for
// the cells on screen.
import type { ZoomTransform } from 'd3';
import { countColour, EMPTY_COLOUR, HUGE_COLOUR, NONE_IN_VMA, NONE_OUTSIDE, textOn } from '../../layout/colour.ts';
import { BLOCK_H, BLOCK_W, CELL, GAP_X, GAP_Y, LABEL_H, STRIP_COLS, STRIP_ROWS, visibleBlocks, type StripLayout } from '../../layout/strip.ts';
import { CELL_HUGE_ZERO } from '../../worker/protocol.ts';
import type { TableItem } from '../../layout/tables.ts';
import type { NamedVma } from '../../layout/vmas.ts';

import { formatAddr } from '../../scenario/index.ts';

const SLOT_BYTES = 2 * 1024 * 1024;

function rgb(c: string): [number, number, number] {
  if (c.startsWith('#')) return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
  const m = /(\d+), (\d+), (\d+)/.exec(c);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}
const colourCache = new Map<string, [number, number, number]>();
const rgbOf = (c: string) => {
  let v = colourCache.get(c);
  if (!v) colourCache.set(c, (v = rgb(c)));
  return v;
};

/**
 * All PMD tables' slots in one small canvas, a pixel per slot: block k is the
 * 64x8 pixels at ((k % cols) * 64, floor(k / cols) * 8), so tens of
 * thousands of blocks stay within a canvas's size limits. With many blocks
 * (a production-size state), `overview` holds one pixel per block, laid out
 * as the blocks are (layout.perRow a row): each the mean of its 512 slots,
 * drawn in one call when blocks are too small to tell slots apart.
 */
export interface Atlas {
  canvas: HTMLCanvasElement;
  row: Map<number, number>;
  cols: number;
  overview: HTMLCanvasElement | null;
  /** Production size (slot cells): blocks are painted when first drawn, into a bounded cache (no full atlas). */
  lazy?: LazyBlocks;
}

/** Blocks the lazy cache holds (64x8 pixels each: 8 MB). */
const LAZY_CAPACITY = 4096;
/** Production size: blocks drawn narrower than this show their mean colour, wider ones their slots. */
export const LAZY_SLOT_PX = 64;

/**
 * The slots of a production-size state (tens of thousands of PMD tables):
 * each block's mean colour up front, and its 512 slots painted on demand into
 * a canvas of LAZY_CAPACITY blocks, the least recently drawn making room.
 */
export class LazyBlocks {
  readonly means: Uint8ClampedArray;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly where = new Map<number, number>();
  private readonly img = new ImageData(STRIP_COLS, STRIP_ROWS);
  private next = 0;
  constructor(
    private readonly n: number,
    private readonly paintBlock: (k: number, px: Uint8ClampedArray) => void,
    means: Uint8ClampedArray,
  ) {
    this.means = means;
    this.canvas = document.createElement('canvas');
    this.canvas.width = STRIP_COLS * 64;
    this.canvas.height = STRIP_ROWS * Math.ceil(Math.min(n, LAZY_CAPACITY) / 64);
    this.ctx = this.canvas.getContext('2d')!;
  }
  /** The cache canvas and block k's place in it (painted now if it was not there). */
  get(k: number): [HTMLCanvasElement, number, number] {
    let at = this.where.get(k);
    if (at === undefined) {
      if (this.where.size >= Math.min(this.n, LAZY_CAPACITY)) {
        // Oldest first (a Map keeps insertion order; get() re-inserts what it draws).
        const [old, place] = this.where.entries().next().value!;
        this.where.delete(old);
        at = place;
      } else at = this.next++;
      this.paintBlock(k, this.img.data);
      this.ctx.putImageData(this.img, (at % 64) * STRIP_COLS, Math.floor(at / 64) * STRIP_ROWS);
    } else this.where.delete(k);
    this.where.set(k, at);
    return [this.canvas, (at % 64) * STRIP_COLS, Math.floor(at / 64) * STRIP_ROWS];
  }
}

/** Blocks drawn narrower than this many pixels show the overview (a pixel per PMD table). */
export const OVERVIEW_BLOCK_PX = 12;
/** Below this many blocks every block is drawn itself at any zoom. */
const OVERVIEW_MIN_BLOCKS = 1024;

/** Slot cells (core slotCells) for the atlas: the cells and each region's row in them. */
export interface CellSource {
  cells: Uint16Array;
  rowOf: Map<number, number>;
}

export function itemFill(t: TableItem): string {
  return t.kind ? HUGE_COLOUR : countColour(t.value);
}

/** Paint every slot (holes, mapped slots, tables) into the atlas; `reuse` is the previous atlas's canvas. */
export function paintAtlas(layout: StripLayout, items: TableItem[], vmas: NamedVma[], reuse?: HTMLCanvasElement, cells?: CellSource): Atlas {
  if (cells) return lazyAtlas(layout, vmas, cells, reuse);
  const n = Math.max(1, layout.blocks.length);
  // Blocks per atlas row: a square-ish atlas (a canvas side is limited to ~32k pixels).
  const cols = Math.max(1, Math.ceil(Math.sqrt((n * STRIP_ROWS) / STRIP_COLS)));
  const rows = Math.ceil(n / cols);
  const W = cols * STRIP_COLS;
  const img = new ImageData(W, rows * STRIP_ROWS);
  const px = img.data;
  const row = new Map<number, number>();
  layout.blocks.forEach((b, k) => row.set(b.region, k));
  /** Byte offset of slot i of block k. */
  const at = (k: number, i: number) => ((Math.floor(k / cols) * STRIP_ROWS + Math.floor(i / STRIP_COLS)) * W + (k % cols) * STRIP_COLS + (i % STRIP_COLS)) * 4;
  const put = (region: number, i: number, [r, g, b]: [number, number, number]) => {
    const k = row.get(region);
    if (k === undefined) return;
    const o = at(k, i);
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
    px[o + 3] = 255;
  };
  const [r0, g0, b0] = rgbOf(NONE_OUTSIDE);
  for (let o = 0; o < px.length; o += 4) {
    px[o] = r0;
    px[o + 1] = g0;
    px[o + 2] = b0;
    px[o + 3] = 255;
  }
  // Slots inside a mapping: walk the VMAs, not the slots.
  const inVma = rgbOf(NONE_IN_VMA);
  for (const v of vmas) {
    const s0 = Math.floor(v.start / SLOT_BYTES);
    const s1 = Math.floor((v.end - 1) / SLOT_BYTES);
    for (let r = Math.floor(s0 / 512); r <= Math.floor(s1 / 512); r++) {
      if (!row.has(r)) continue;
      for (let i = Math.max(s0, r * 512) - r * 512, e = Math.min(s1, r * 512 + 511) - r * 512; i <= e; i++) put(r, i, inVma);
    }
  }
  for (const t of items) if (t.status !== 'freed') put(Math.floor(t.slot / 512), t.slot % 512, rgbOf(itemFill(t)));
  const canvas = reuse ?? document.createElement('canvas');
  canvas.width = W;
  canvas.height = rows * STRIP_ROWS;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  return { canvas, row, cols, overview: layout.blocks.length >= OVERVIEW_MIN_BLOCKS ? paintOverview(layout, px, at) : null };
}

/** Slot colours of one block from the cells: holes, mapped slots without a table, tables by value. */
function blockPainter(layout: StripLayout, vmas: NamedVma[], cells: CellSource): (k: number, px: Uint8ClampedArray) => void {
  const outside = rgbOf(NONE_OUTSIDE);
  const inVma = rgbOf(NONE_IN_VMA);
  const huge = rgbOf(HUGE_COLOUR);
  const lut: [number, number, number][] = [];
  const spans = vmas.map((v) => [Math.floor(v.start / SLOT_BYTES), Math.floor((v.end - 1) / SLOT_BYTES)] as const).sort((a, b) => a[0] - b[0]);
  return (k, px) => {
    const region = layout.blocks[k].region;
    const base0 = region * 512;
    for (let i = 0; i < 512; i++) {
      px[i * 4] = outside[0];
      px[i * 4 + 1] = outside[1];
      px[i * 4 + 2] = outside[2];
      px[i * 4 + 3] = 255;
    }
    for (const [s0, s1] of spans) {
      if (s1 < base0 || s0 > base0 + 511) continue;
      for (let i = Math.max(s0, base0) - base0, e = Math.min(s1, base0 + 511) - base0; i <= e; i++) {
        px[i * 4] = inVma[0];
        px[i * 4 + 1] = inVma[1];
        px[i * 4 + 2] = inVma[2];
      }
    }
    const c = cells.rowOf.get(region);
    if (c === undefined) return;
    const base = c * 512;
    for (let i = 0; i < 512; i++) {
      const v = cells.cells[base + i];
      if (v === 0) continue;
      const rgbv = v >= CELL_HUGE_ZERO ? huge : (lut[v] ??= rgbOf(countColour(v - 1)));
      px[i * 4] = rgbv[0];
      px[i * 4 + 1] = rgbv[1];
      px[i * 4 + 2] = rgbv[2];
    }
  };
}

/** Production size: block means and the overview now, slots when a block is first drawn large enough. */
function lazyAtlas(layout: StripLayout, vmas: NamedVma[], cells: CellSource, reuse?: HTMLCanvasElement): Atlas {
  const n = layout.blocks.length;
  const paint = blockPainter(layout, vmas, cells);
  const px = new Uint8ClampedArray(512 * 4);
  const means = new Uint8ClampedArray(Math.max(1, n) * 3);
  // A block's colour far out: its tables' mean colour over the mean of its other slots, weighted so that a
  // PMD table with a few PTE tables still shows them (at least 40%), and a full one is all tables.
  for (let k = 0; k < n; k++) {
    paint(k, px);
    const c = cells.rowOf.get(layout.blocks[k].region);
    const base = c === undefined ? -1 : c * 512;
    const sum = [0, 0, 0];
    const bg = [0, 0, 0];
    let tables = 0;
    for (let i = 0; i < 512; i++) {
      const into = base >= 0 && cells.cells[base + i] !== 0 ? (tables++, sum) : bg;
      into[0] += px[i * 4];
      into[1] += px[i * 4 + 1];
      into[2] += px[i * 4 + 2];
    }
    const w = tables ? 0.4 + (0.6 * tables) / 512 : 0;
    for (let j = 0; j < 3; j++) means[k * 3 + j] = (tables ? (w * sum[j]) / tables : 0) + (tables < 512 ? ((1 - w) * bg[j]) / (512 - tables) : 0);
  }
  const rows = Math.ceil(Math.max(1, n) / layout.perRow);
  const img = new ImageData(layout.perRow, rows);
  for (let k = 0; k < n; k++) {
    const o = k * 4;
    img.data[o] = means[k * 3];
    img.data[o + 1] = means[k * 3 + 1];
    img.data[o + 2] = means[k * 3 + 2];
    img.data[o + 3] = layout.blocks[k].status === 'freed' ? 90 : 255;
  }
  const overview = reuse ?? document.createElement('canvas');
  overview.width = layout.perRow;
  overview.height = rows;
  overview.getContext('2d')!.putImageData(img, 0, 0);
  return { canvas: overview, row: new Map(layout.blocks.map((b, k) => [b.region, k])), cols: 1, overview, lazy: new LazyBlocks(n, paint, means) };
}

/** One pixel per block, in the blocks' own layout: the mean colour of its 512 slots. */
function paintOverview(layout: StripLayout, px: Uint8ClampedArray, at: (k: number, i: number) => number): HTMLCanvasElement {
  const rows = Math.ceil(layout.blocks.length / layout.perRow);
  const img = new ImageData(layout.perRow, rows);
  const out = img.data;
  layout.blocks.forEach((b, k) => {
    let r = 0;
    let g = 0;
    let bl = 0;
    for (let i = 0; i < 512; i++) {
      const o = at(k, i);
      r += px[o];
      g += px[o + 1];
      bl += px[o + 2];
    }
    const o = (Math.floor(k / layout.perRow) * layout.perRow + (k % layout.perRow)) * 4;
    out[o] = r / 512;
    out[o + 1] = g / 512;
    out[o + 2] = bl / 512;
    out[o + 3] = b.status === 'freed' ? 90 : 255;
  });
  const c = document.createElement('canvas');
  c.width = layout.perRow;
  c.height = rows;
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

export interface DrawOpts {
  width: number;
  height: number;
  dpr: number;
  t: ZoomTransform;
  selectedSlot: number | null;
  hoverSlot: number | null;
  /** 0..1 through the fade of tables allocated (in) and freed (out) this step; 1 = done. */
  fade: number;
  changed: TableItem[];
  /** Production size (slot cells, no table list): the table at a slot, read from the cells. */
  cellItem?: (slot: number) => TableItem | null;
}

export function drawStrips(ctx: CanvasRenderingContext2D, layout: StripLayout, atlas: Atlas, bySlot: Map<number, TableItem>, o: DrawOpts): void {
  const { t, dpr } = o;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, o.width, o.height);
  const [wx0, wy0] = t.invert([0, 0]);
  const [wx1, wy1] = t.invert([o.width, o.height]);
  const cellPx = CELL * t.k;
  ctx.imageSmoothingEnabled = false;
  ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
  if (atlas.overview && BLOCK_W * t.k < OVERVIEW_BLOCK_PX) {
    // Far out over a production-size state: a pixel per PMD table (1 GiB), in one call.
    const ov = atlas.overview;
    ctx.drawImage(ov, 0, 0, ov.width, ov.height, 0, 0, ov.width * (BLOCK_W + GAP_X), ov.height * (BLOCK_H + GAP_Y));
    drawMarks(ctx, layout, o);
    return;
  }
  const blocks = visibleBlocks(layout, wx0, wy0, wx1, wy1);
  const lazy = atlas.lazy;
  const slotsShown = !lazy || BLOCK_W * t.k >= LAZY_SLOT_PX;
  for (const b of blocks) {
    const k = atlas.row.get(b.region);
    if (k === undefined) continue;
    if (lazy && !slotsShown) {
      // A block too small to show its slots: its mean colour.
      ctx.fillStyle = `rgb(${lazy.means[k * 3]}, ${lazy.means[k * 3 + 1]}, ${lazy.means[k * 3 + 2]})`;
      ctx.fillRect(b.x, b.y + LABEL_H, BLOCK_W, STRIP_ROWS * CELL);
    } else if (lazy) {
      const [src, sx, sy] = lazy.get(k);
      ctx.drawImage(src, sx, sy, STRIP_COLS, STRIP_ROWS, b.x, b.y + LABEL_H, BLOCK_W, STRIP_ROWS * CELL);
    } else ctx.drawImage(atlas.canvas, (k % atlas.cols) * STRIP_COLS, Math.floor(k / atlas.cols) * STRIP_ROWS, STRIP_COLS, STRIP_ROWS, b.x, b.y + LABEL_H, BLOCK_W, STRIP_ROWS * CELL);
    ctx.strokeStyle = '#9aa4b1';
    ctx.lineWidth = 1 / t.k;
    ctx.strokeRect(b.x, b.y + LABEL_H, BLOCK_W, STRIP_ROWS * CELL);
  }
  // Fades: a table allocated this step rises from the background, one freed sinks into it.
  if (o.fade < 1) {
    for (const it of o.changed) {
      const x = blockCellX(layout, it.slot);
      if (!x) continue;
      ctx.globalAlpha = 1 - o.fade;
      ctx.fillStyle = it.status === 'new' ? NONE_IN_VMA : it.kind ? HUGE_COLOUR : countColour(it.value);
      ctx.fillRect(x.x, x.y, CELL, CELL);
      if (it.status === 'freed') {
        ctx.strokeStyle = EMPTY_COLOUR;
        ctx.lineWidth = 2 / t.k;
        ctx.strokeRect(x.x + 1 / t.k, x.y + 1 / t.k, CELL - 2 / t.k, CELL - 2 / t.k);
      }
      ctx.globalAlpha = 1;
    }
  }
  if (cellPx >= 5) drawDetail(ctx, blocks, bySlot, cellPx, t.k, wx0, wy0, wx1, wy1, o.cellItem);
  drawMarks(ctx, layout, o);
  // Labels in screen space, so they stay readable at any zoom.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const labelPx = Math.min(12, LABEL_H * t.k * 0.85);
  if (labelPx < 6) return;
  ctx.font = `${labelPx}px system-ui, sans-serif`;
  ctx.fillStyle = '#333';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  // Labels are never clipped: the long form only where it fits (~0.62 em a character).
  const charW = labelPx * 0.62;
  for (const b of blocks) {
    const sw = BLOCK_W * t.k;
    const addr = formatAddr(b.region * 2 ** 30);
    const long = `PMD table #${b.pmdId}  ${addr} +1 GiB`;
    const text = long.length * charW <= sw ? long : addr.length * charW <= sw ? addr : null;
    if (text) ctx.fillText(text, t.x + b.x * t.k, t.y + (b.y + LABEL_H) * t.k - 2);
  }
}

/** The hovered and the selected slot's outlines. */
function drawMarks(ctx: CanvasRenderingContext2D, layout: StripLayout, o: DrawOpts): void {
  const { t } = o;
  for (const [slot, colour, w] of [[o.hoverSlot, '#0060df', 2], [o.selectedSlot, '#000', 3]] as const) {
    if (slot === null) continue;
    const c = blockCellX(layout, slot);
    if (!c) continue;
    ctx.strokeStyle = colour;
    ctx.lineWidth = w / t.k;
    const pad = Math.max(0, (6 / t.k - CELL) / 2);
    ctx.strokeRect(c.x - pad, c.y - pad, CELL + 2 * pad, CELL + 2 * pad);
  }
}

function blockCellX(layout: StripLayout, slot: number): { x: number; y: number } | null {
  const k = layout.index.get(Math.floor(slot / 512));
  if (k === undefined) return null;
  const b = layout.blocks[k];
  const i = slot % 512;
  return { x: b.x + (i % STRIP_COLS) * CELL, y: b.y + LABEL_H + Math.floor(i / STRIP_COLS) * CELL };
}

/** Outlines, hatching for empty tables and, when large enough, the count: one path per kind, few state changes. */
function drawDetail(ctx: CanvasRenderingContext2D, blocks: StripLayout['blocks'], bySlot: Map<number, TableItem>, cellPx: number, k: number, wx0: number, wy0: number, wx1: number, wy1: number, cellItem?: (slot: number) => TableItem | null): void {
  const outline = new Path2D();
  const hatch = new Path2D();
  const grid = new Path2D();
  const labels: { x: number; y: number; s: string; ink: string }[] = [];
  const text = cellPx >= 22;
  for (const b of blocks) {
    const c0 = Math.max(0, Math.floor((wx0 - b.x) / CELL));
    const c1 = Math.min(STRIP_COLS - 1, Math.floor((wx1 - b.x) / CELL));
    const r0 = Math.max(0, Math.floor((wy0 - b.y - LABEL_H) / CELL));
    const r1 = Math.min(STRIP_ROWS - 1, Math.floor((wy1 - b.y - LABEL_H) / CELL));
    // Slot boundaries, so empty slots read as slots when zoomed in.
    for (let c = c0; c <= c1 + 1; c++) {
      grid.moveTo(b.x + c * CELL, b.y + LABEL_H);
      grid.lineTo(b.x + c * CELL, b.y + LABEL_H + STRIP_ROWS * CELL);
    }
    for (let r = r0; r <= r1 + 1; r++) {
      grid.moveTo(b.x, b.y + LABEL_H + r * CELL);
      grid.lineTo(b.x + BLOCK_W, b.y + LABEL_H + r * CELL);
    }
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const slot = b.region * 512 + r * STRIP_COLS + c;
        const it = cellItem ? cellItem(slot) : bySlot.get(slot);
        if (!it || it.status === 'freed') continue;
        const x = b.x + c * CELL;
        const y = b.y + LABEL_H + r * CELL;
        outline.rect(x, y, CELL, CELL);
        const empty = it.kind === 0 && it.value === 0;
        if (empty) {
          // Two strokes off the centre, where the "0" goes.
          hatch.moveTo(x, y + CELL * 0.45);
          hatch.lineTo(x + CELL * 0.45, y);
          hatch.moveTo(x + CELL * 0.55, y + CELL);
          hatch.lineTo(x + CELL, y + CELL * 0.55);
        }
        if (text) labels.push({ x: x + CELL / 2, y: y + CELL / 2, s: it.kind ? 'H' : String(it.value), ink: empty ? '#000' : textOn(it.kind ? HUGE_COLOUR : countColour(it.value)) });
      }
    }
  }
  ctx.lineWidth = 1 / k;
  ctx.strokeStyle = 'rgba(90,100,115,0.25)';
  ctx.stroke(grid);
  ctx.lineWidth = Math.max(1, cellPx / 10) / k;
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  ctx.stroke(hatch);
  ctx.lineWidth = 1 / k;
  ctx.strokeStyle = 'rgba(0,0,0,0.35)';
  ctx.stroke(outline);
  if (!labels.length) return;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `${Math.min(CELL * 0.45, 12 / k)}px system-ui, sans-serif`;
  labels.sort((a, b) => (a.ink < b.ink ? -1 : a.ink > b.ink ? 1 : 0));
  let ink = '';
  for (const l of labels) {
    if (l.ink !== ink) ctx.fillStyle = ink = l.ink;
    ctx.fillText(l.s, l.x, l.y);
  }
}
