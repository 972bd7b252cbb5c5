// The strip view as SVG rectangles (the canvas has no vector form): one strip
// of 512 slot cells per PMD table, mapped slots shaded, every PTE table a rect
// coloured as on screen. The 50 GiB run's 25,600 tables make ~2.5 MB of SVG.
// Built as a string, so every piece of text goes through escapeXml.
import { EMPTY_COLOUR, HUGE_COLOUR, NONE_IN_VMA, NONE_OUTSIDE, countColour } from '../../layout/colour.ts';
import { BLOCK_W, CELL, LABEL_H, STRIP_COLS, STRIP_ROWS, cellOf, layoutStrips } from '../../layout/strip.ts';
import { formatAddr } from '../../scenario/index.ts';
import type { Shown } from '../useShown.ts';
import { escapeXml } from './clipboard.ts';
import type { SvgFile } from './svgExport.ts';

const SLOT_BYTES = 2 * 1024 * 1024;
const PAD = 16;
const TITLE_H = 30;

export function stripSvg(shown: Shown, aspect: number, title: string): SvgFile {
  const layout = layoutStrips(shown.snapshot.pmds, aspect);
  const w = Math.max(320, layout.width + 2 * PAD);
  const h = layout.height + 2 * PAD + TITLE_H;
  const out: string[] = [];
  const rect = (x: number, y: number, rw: number, rh: number, fill: string, extra = '') =>
    out.push(`<rect x="${x}" y="${y}" width="${rw}" height="${rh}" fill="${fill}"${extra}/>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(w)}" height="${Math.ceil(h)}" viewBox="0 0 ${Math.ceil(w)} ${Math.ceil(h)}">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${PAD}" y="22" style="font-family:system-ui,sans-serif;font-size:14px;font-weight:600;fill:#1f2328">${escapeXml(title)}</text>`);
  out.push(`<g transform="translate(${PAD},${PAD + TITLE_H})" style="font-family:system-ui,sans-serif;font-size:12px;fill:#333">`);
  for (const b of layout.blocks) {
    out.push(`<text x="${b.x}" y="${b.y + LABEL_H - 6}">${escapeXml(`PMD table #${b.pmdId}  ${formatAddr(b.region * 2 ** 30)} +1 GiB`)}</text>`);
    rect(b.x, b.y + LABEL_H, BLOCK_W, STRIP_ROWS * CELL, NONE_OUTSIDE, ' stroke="#9aa4b1" stroke-width="1"');
  }
  // Mapped slots without a table: runs along each row of a strip.
  for (const v of shown.vmas) {
    const s0 = Math.floor(v.start / SLOT_BYTES);
    const s1 = Math.floor((v.end - 1) / SLOT_BYTES);
    let s = s0;
    while (s <= s1) {
      const region = Math.floor(s / 512);
      if (!layout.index.has(region)) {
        s = (region + 1) * 512;
        continue;
      }
      const c = cellOf(layout, s);
      const rowEnd = Math.min(s1, s - (s % STRIP_COLS) + STRIP_COLS - 1);
      if (c) rect(c.x, c.y, (rowEnd - s + 1) * CELL, CELL, NONE_IN_VMA);
      s = rowEnd + 1;
    }
  }
  for (const t of shown.items) {
    if (t.status === 'freed') continue;
    const c = cellOf(layout, t.slot);
    if (!c) continue;
    const empty = t.kind === 0 && t.value === 0;
    const fill = t.kind ? HUGE_COLOUR : countColour(t.value);
    const stroke = empty ? ` stroke="${EMPTY_COLOUR}" stroke-width="1.5"` : ' stroke="rgba(0,0,0,0.35)" stroke-width="0.5"';
    rect(c.x, c.y, CELL, CELL, fill, `${stroke} class="tbl" data-slot="${t.slot}" data-value="${t.value}"`);
  }
  out.push('</g></svg>');
  return { text: out.join('\n'), width: Math.ceil(w), height: Math.ceil(h) };
}
