// Pictures of what is on screen, as standalone files: an SVG clone with every
// style inlined (so it renders without our stylesheet, in any viewer), and a
// PNG drawn from it or from the strip canvas. Text goes through the DOM
// (textContent) and XMLSerializer, which escapes it: scenario names and
// captions from strangers' links never become markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Presentation properties worth inlining (the rest are defaults or layout). */
const PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'letter-spacing', 'text-transform',
];

/** A copy of an SVG element with computed styles inlined; animation ghosts (tables fading out) left out. */
export function inlineClone(src: SVGSVGElement): SVGSVGElement {
  const clone = src.cloneNode(true) as SVGSVGElement;
  const from = [src, ...Array.from(src.querySelectorAll('*'))];
  const to = [clone, ...Array.from(clone.querySelectorAll('*'))];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = PROPS.map((p) => [p, cs.getPropertyValue(p)] as const)
      .filter(([, v]) => v !== '')
      .map(([p, v]) => `${p}:${v}`)
      .join(';');
    const t = to[i];
    if (style) t.setAttribute('style', style);
    t.removeAttribute('tabindex');
  });
  clone.querySelectorAll('.tbl-freed').forEach((n) => n.remove());
  clone.setAttribute('xmlns', SVG_NS);
  return clone;
}

function text(x: number, y: number, s: string, size: number, weight = 'normal', fill = '#1f2328'): SVGTextElement {
  const t = document.createElementNS(SVG_NS, 'text');
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  t.setAttribute('style', `font-family:system-ui,sans-serif;font-size:${size}px;font-weight:${weight};fill:${fill}`);
  t.textContent = s;
  return t;
}

function frame(w: number, h: number): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(Math.ceil(w)));
  svg.setAttribute('height', String(Math.ceil(h)));
  svg.setAttribute('viewBox', `0 0 ${Math.ceil(w)} ${Math.ceil(h)}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  svg.appendChild(bg);
  return svg;
}

export interface SvgFile {
  text: string;
  width: number;
  height: number;
}

const TITLE_H = 30;
const PAD = 16;

/** The whole node view at this step (not just the part on screen), with a title line. */
export function treeSvg(view: SVGSVGElement, title: string): SvgFile {
  const g = view.querySelector(':scope > g') as SVGGElement | null;
  const clone = inlineClone(view);
  const cg = clone.querySelector(':scope > g') as SVGGElement | null;
  let box = { x: 0, y: 0, width: view.clientWidth, height: view.clientHeight };
  try {
    if (g) box = g.getBBox();
  } catch {
    // Not laid out (hidden): the viewport's box.
  }
  const w = Math.max(320, box.width + 2 * PAD);
  const h = box.height + 2 * PAD + TITLE_H;
  cg?.setAttribute('transform', `translate(${PAD - box.x + Math.max(0, (w - 2 * PAD - box.width) / 2)},${PAD + TITLE_H - box.y})`);
  const out = frame(w, h);
  out.appendChild(text(PAD, 22, title, 14, '600'));
  // The clone's own <svg> becomes a group: its defs (the hatch pattern) and its content.
  const inner = document.createElementNS(SVG_NS, 'g');
  while (clone.firstChild) inner.appendChild(clone.firstChild);
  out.appendChild(inner);
  return { text: new XMLSerializer().serializeToString(out), width: Math.ceil(w), height: Math.ceil(h) };
}

/** The charts stacked, with their titles and, in compare mode, a key of mechanisms. */
export function chartsSvg(charts: SVGSVGElement[], titles: string[], key: { label: string; colour: string }[], title: string): SvgFile {
  const w = Math.max(320, ...charts.map((c) => c.clientWidth || Number(c.getAttribute('width')) || 360)) + 2 * PAD;
  let y = TITLE_H + 8;
  const parts: { svg: SVGSVGElement; y: number; title: string }[] = [];
  charts.forEach((c, i) => {
    parts.push({ svg: inlineClone(c), y: y + 18, title: titles[i] ?? '' });
    y += 18 + (c.clientHeight || Number(c.getAttribute('height')) || 110) + 12;
  });
  if (key.length > 1) y += 20;
  const out = frame(w, y + PAD);
  out.appendChild(text(PAD, 22, title, 14, '600'));
  for (const p of parts) {
    out.appendChild(text(PAD, p.y - 5, p.title, 12, '600'));
    p.svg.setAttribute('x', String(PAD));
    p.svg.setAttribute('y', String(p.y));
    out.appendChild(p.svg);
  }
  let x = PAD;
  for (const k of key.length > 1 ? key : []) {
    out.appendChild(text(x, y, `— ${k.label}`, 12, '600', k.colour));
    x += 14 + k.label.length * 8;
  }
  return { text: new XMLSerializer().serializeToString(out), width: Math.ceil(w), height: Math.ceil(y + PAD) };
}

/** Render an SVG file to PNG (twice the size, for screens and slides). */
export async function svgToPng(svg: SvgFile, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(svg.width * scale));
    c.height = Math.max(1, Math.round(svg.height * scale));
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(img, 0, 0, c.width, c.height);
    return await canvasBlob(c);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A canvas as PNG on white (the strip view clears to transparent). */
export function canvasPng(src: HTMLCanvasElement): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(src, 0, 0);
  return canvasBlob(c);
}

function canvasBlob(c: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}
