// The strip view's geometry: each PMD table (1 GiB) is a strip of its 512
// PMD entries, one cell per 2 MiB slot, folded into 8 rows of 64 so the 50
// blocks of the 50 GiB test fit a screen; blocks are laid out in address
// order, as many per row as suits the viewport's shape. Pure numbers in
// world units; the canvas view scales them with the zoom transform.
export const CELL = 8;
export const STRIP_COLS = 64;
export const STRIP_ROWS = 8;
export const BLOCK_W = STRIP_COLS * CELL;
/** Room above each strip for its label (world units: 3 cells, readable from a zoom of ~0.3). */
export const LABEL_H = 30;
export const BLOCK_H = LABEL_H + STRIP_ROWS * CELL;
export const GAP_X = 28;
export const GAP_Y = 16;

export interface StripBlock {
  /** The PMD table's 1 GiB region index (address / 1 GiB). */
  region: number;
  pmdId: number;
  x: number;
  y: number;
  status: 'live' | 'freed';
}

export interface StripLayout {
  blocks: StripBlock[];
  perRow: number;
  width: number;
  height: number;
  /** Block index by region. */
  index: Map<number, number>;
}

/** Blocks per row so the whole reads at the viewport's aspect ratio. */
export function blocksPerRow(n: number, aspect: number): number {
  if (n <= 1) return 1;
  const c = Math.round(Math.sqrt((aspect * n * (BLOCK_H + GAP_Y)) / (BLOCK_W + GAP_X)));
  return Math.max(1, Math.min(n, c));
}

export function layoutStrips(pmds: { id: number; addr: number; status?: 'live' | 'freed' }[], aspect: number): StripLayout {
  const sorted = [...pmds].sort((a, b) => a.addr - b.addr);
  const perRow = blocksPerRow(sorted.length, aspect);
  const index = new Map<number, number>();
  const blocks = sorted.map((p, k) => {
    const region = Math.floor(p.addr / 2 ** 30);
    index.set(region, k);
    return { region, pmdId: p.id, x: (k % perRow) * (BLOCK_W + GAP_X), y: Math.floor(k / perRow) * (BLOCK_H + GAP_Y), status: p.status ?? 'live' };
  });
  const rows = Math.ceil(sorted.length / perRow);
  return {
    blocks,
    perRow,
    width: Math.max(0, perRow * (BLOCK_W + GAP_X) - GAP_X),
    height: Math.max(0, rows * (BLOCK_H + GAP_Y) - GAP_Y),
    index,
  };
}

/** World position of a slot's cell, or null when its PMD table is not laid out. */
export function cellOf(l: StripLayout, slot: number): { x: number; y: number } | null {
  const k = l.index.get(Math.floor(slot / 512));
  if (k === undefined) return null;
  const b = l.blocks[k];
  const i = slot % 512;
  return { x: b.x + (i % STRIP_COLS) * CELL, y: b.y + LABEL_H + Math.floor(i / STRIP_COLS) * CELL };
}

/** The slot under a world point, or null. */
export function slotAt(l: StripLayout, wx: number, wy: number): number | null {
  if (wx < 0 || wy < 0) return null;
  const col = Math.floor(wx / (BLOCK_W + GAP_X));
  const row = Math.floor(wy / (BLOCK_H + GAP_Y));
  if (col >= l.perRow) return null;
  const k = row * l.perRow + col;
  const b = l.blocks[k];
  if (!b) return null;
  const lx = wx - b.x;
  const ly = wy - b.y - LABEL_H;
  if (lx >= BLOCK_W || ly < 0 || ly >= STRIP_ROWS * CELL) return null;
  return b.region * 512 + Math.floor(ly / CELL) * STRIP_COLS + Math.floor(lx / CELL);
}

/** Blocks that intersect a world rectangle (for drawing only what is on screen). */
export function visibleBlocks(l: StripLayout, x0: number, y0: number, x1: number, y1: number): StripBlock[] {
  return l.blocks.filter((b) => b.x < x1 && b.x + BLOCK_W > x0 && b.y < y1 && b.y + BLOCK_H > y0);
}
