// The page-table tree for the node view: PGD -> PUD tables -> PMD tables,
// laid out top-down with d3's tidy tree (Reingold-Tilford as refined by
// Buchheim et al., d3-hierarchy tree.js), node widths fed in through
// separation(). Under each PMD table sits the block of its PTE tables, in
// address order, as a grid. Output is plain numbers and path strings: React
// draws them.
import { hierarchy, linkVertical, tree, type HierarchyPointNode } from 'd3';
import type { ViewSnapshot } from '../worker/protocol.ts';
import { regionOf, type TableItem, type TableStatus } from './tables.ts';

export const TABLE_W = 100;
export const TABLE_H = 50;
export const TABLE_GAP = 10;
export const NODE_W = 178;
export const NODE_H = 46;
const LEVEL_Y = { pgd: 0, pud: 76, pmd: 152 } as const;
const BLOCK_Y = 230;
const BLOCK_PAD = 12;
const BLOCK_HEAD = 20;
const SIBLING_GAP = 28;
const PUD_SPAN = 512 * 2 ** 30;
const PMD_SPAN = 2 ** 30;

export interface TreeNode {
  key: string;
  level: 'pgd' | 'pud' | 'pmd';
  id: number;
  addr: number;
  x: number;
  y: number;
  w: number;
  h: number;
  status: TableStatus;
  /** On the walk of this step's faults (PGD -> PUD -> PMD). */
  walk?: boolean;
}

export interface TreeBlock {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  count: number;
}

export interface PlacedTable {
  item: TableItem;
  x: number;
  y: number;
  /** The end of a walk: a table this step's faults reached. */
  walk?: boolean;
}

export interface TreeLayout {
  x0: number;
  y0: number;
  width: number;
  height: number;
  nodes: TreeNode[];
  /** walk: the level of the walk this link is on (0 PGD->PUD, 1 PUD->PMD, 2 PMD->PTE tables), drawn in that order. */
  links: { key: string; d: string; status: TableStatus; walk?: number }[];
  blocks: TreeBlock[];
  tables: PlacedTable[];
}

interface Datum {
  key: string;
  level: 'pgd' | 'pud' | 'pmd';
  id: number;
  addr: number;
  status: TableStatus;
  w: number;
  tables: TableItem[];
  children?: Datum[];
}

/** Columns for a block of n tables: wide rather than tall, at least 8 when there are 8. */
export const blockColumns = (n: number): number => Math.max(1, Math.min(n, Math.max(8, Math.ceil(Math.sqrt(2 * n)))));

export function blockSize(n: number): { w: number; h: number; cols: number } {
  if (n === 0) return { w: 0, h: 0, cols: 0 };
  const cols = blockColumns(n);
  const rows = Math.ceil(n / cols);
  return {
    cols,
    w: cols * TABLE_W + (cols - 1) * TABLE_GAP + 2 * BLOCK_PAD,
    h: rows * TABLE_H + (rows - 1) * TABLE_GAP + 2 * BLOCK_PAD + BLOCK_HEAD,
  };
}

/** The upper tables, with ghosts of those freed since `prev` (same rule as tableItems). */
function upper(snap: ViewSnapshot, prev: ViewSnapshot | null | undefined) {
  const adjacent = prev && prev !== snap && Math.abs(prev.index - snap.index) <= 1;
  const mark = <T extends { id: number }>(now: T[], before: T[] | undefined) => {
    const ids = new Set(now.map((t) => t.id));
    const old = new Set((before ?? []).map((t) => t.id));
    const out = now.map((t) => ({ ...t, status: (adjacent && !old.has(t.id) ? 'new' : 'live') as TableStatus }));
    if (adjacent) for (const t of before ?? []) if (!ids.has(t.id)) out.push({ ...t, status: 'freed' });
    return out.sort((a, b) => (a as unknown as { addr: number }).addr - (b as unknown as { addr: number }).addr);
  };
  return { puds: mark(snap.puds, adjacent ? prev.puds : undefined), pmds: mark(snap.pmds, adjacent ? prev.pmds : undefined) };
}

/**
 * `walk`: the slots this step's faults walked to (layout/touches.ts); the
 * nodes, links and tables on their paths are marked.
 */
export function layoutTree(snap: ViewSnapshot, items: TableItem[], prev?: ViewSnapshot | null, walk?: readonly number[]): TreeLayout {
  const { puds, pmds } = upper(snap, prev);
  const walkSlots = new Set(walk ?? []);
  const walkRegions = new Set([...walkSlots].map(regionOf));
  const onWalk = (d: Datum): boolean =>
    d.level === 'pgd' ? walkRegions.size > 0 : d.level === 'pmd' ? walkRegions.has(Math.floor(d.addr / PMD_SPAN)) : [...walkRegions].some((r) => r * PMD_SPAN >= d.addr && r * PMD_SPAN < d.addr + PUD_SPAN);
  const byRegion = new Map<number, TableItem[]>();
  for (const t of items) {
    const r = regionOf(t.slot);
    let list = byRegion.get(r);
    if (!list) byRegion.set(r, (list = []));
    list.push(t);
  }
  const root: Datum = {
    key: 'pgd',
    level: 'pgd',
    id: 0,
    addr: 0,
    status: 'live',
    w: NODE_W,
    tables: [],
    children: puds.map((pud) => ({
      key: `pud-${pud.id}`,
      level: 'pud' as const,
      id: pud.id,
      addr: pud.addr,
      status: pud.status,
      w: NODE_W,
      tables: [],
      children: pmds
        .filter((pmd) => pmd.addr >= pud.addr && pmd.addr < pud.addr + PUD_SPAN)
        .map((pmd) => {
          const tables = byRegion.get(Math.floor(pmd.addr / PMD_SPAN)) ?? [];
          return { key: `pmd-${pmd.id}`, level: 'pmd' as const, id: pmd.id, addr: pmd.addr, status: pmd.status, w: Math.max(NODE_W, blockSize(tables.length).w), tables };
        }),
    })),
  };
  const h = hierarchy(root);
  const laid = tree<Datum>()
    .nodeSize([1, 1])
    .separation((a, b) => (a.data.w + b.data.w) / 2 + SIBLING_GAP)(h);

  const nodes: TreeNode[] = [];
  const links: TreeLayout['links'] = [];
  const blocks: TreeBlock[] = [];
  const tables: PlacedTable[] = [];
  const link = linkVertical<unknown, [number, number]>()
    .source((d) => (d as { s: [number, number] }).s)
    .target((d) => (d as { t: [number, number] }).t);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y1 = LEVEL_Y.pmd + NODE_H;

  laid.each((n: HierarchyPointNode<Datum>) => {
    const d = n.data;
    const y = LEVEL_Y[d.level];
    const walked = d.status !== 'freed' && onWalk(d);
    nodes.push({ key: d.key, level: d.level, id: d.id, addr: d.addr, x: n.x - NODE_W / 2, y, w: NODE_W, h: NODE_H, status: d.status, ...(walked ? { walk: true } : {}) });
    x0 = Math.min(x0, n.x - d.w / 2);
    x1 = Math.max(x1, n.x + d.w / 2);
    if (n.parent) {
      const py = LEVEL_Y[n.parent.data.level] + NODE_H;
      links.push({ key: `${n.parent.data.key}>${d.key}`, d: link({ s: [n.parent.x, py], t: [n.x, y] } as never) ?? '', status: d.status, ...(walked ? { walk: d.level === 'pud' ? 0 : 1 } : {}) });
    }
    if (d.level === 'pmd' && d.tables.length) {
      const b = blockSize(d.tables.length);
      const bx = n.x - b.w / 2;
      blocks.push({ key: `block-${d.key}`, x: bx, y: BLOCK_Y, w: b.w, h: b.h, count: d.tables.filter((t) => t.status !== 'freed').length });
      links.push({ key: `${d.key}>block`, d: link({ s: [n.x, y + NODE_H], t: [n.x, BLOCK_Y] } as never) ?? '', status: d.status, ...(walked ? { walk: 2 } : {}) });
      d.tables.forEach((item, k) => {
        const col = k % b.cols;
        const row = Math.floor(k / b.cols);
        const t: PlacedTable = { item, x: bx + BLOCK_PAD + col * (TABLE_W + TABLE_GAP), y: BLOCK_Y + BLOCK_HEAD + BLOCK_PAD + row * (TABLE_H + TABLE_GAP) };
        if (item.status !== 'freed' && walkSlots.has(item.slot)) t.walk = true;
        tables.push(t);
      });
      y1 = Math.max(y1, BLOCK_Y + b.h);
    }
  });
  return { x0, y0: 0, width: x1 - x0, height: y1, nodes, links, blocks, tables };
}
