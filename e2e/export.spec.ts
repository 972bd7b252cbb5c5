// Export: the page-table view and the charts as PNG (real PNG bytes) and SVG
// (parses, standalone, with the table rects), the run as the CLI's JSON, the
// scenario as a file; and opening a .ptlab file by picker and by drop.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { compile } from '../src/scenario/index.ts';
import { runFlat } from '../src/core/index.ts';
import { toJson } from '../src/share/runJson.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function exported(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const dialog = page.getByRole('dialog', { name: 'Export' });
  if (!(await dialog.isVisible())) await page.getByRole('button', { name: 'Export', exact: true }).click();
  const [dl] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: button, exact: true }).click()]);
  return { name: (dl as Download).suggestedFilename(), bytes: readFileSync((await dl.path())!) };
}

/** Keep an exported file beside the screenshots, to look at. */
function keep(name: string, bytes: Buffer): void {
  mkdirSync('test-results/screens', { recursive: true });
  writeFileSync(`test-results/screens/${name}`, bytes);
}

function expectPng(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Parse an SVG in the page; count elements; render it standalone as an <img>. */
async function inspectSvg(page: Page, svg: string, selector: string) {
  return page.evaluate(
    async ([text, sel]) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      await img.decode();
      const first = doc.querySelector(sel);
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.tagName,
        count: doc.querySelectorAll(sel).length,
        fill: first?.getAttribute('fill') ?? null,
        styled: doc.querySelectorAll('text[style*="font-family"]').length,
        width: img.naturalWidth,
      };
    },
    [svg, selector] as const,
  );
}

test('the node view exports as PNG and as a standalone SVG with the table rects', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  await page.waitForTimeout(700); // the new table's fade-in
  const png = await exported(page, 'Page tables as PNG');
  expect(png.name).toBe('ptlab-01-first-touch-pt-reclaim-step2.png');
  const size = expectPng(png.bytes);
  keep('export-tree.png', png.bytes);
  expect(size.width).toBeGreaterThan(300);
  const svg = await exported(page, 'Page tables as SVG');
  const text = svg.bytes.toString('utf8');
  const r = await inspectSvg(page, text, 'g.tbl > rect'); // the table's own rect (a step's mark tag has one too)
  expect(r).toMatchObject({ error: null, root: 'svg', count: 1, fill: 'rgb(10, 50, 106)' });
  expect(r.styled).toBeGreaterThan(5);
  expect(r.width).toBeGreaterThan(300);
  expect(text).toContain('step 2: touch X 0 4K');
});

test('the charts export as PNG and SVG', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Compare mechanisms');
  const png = await exported(page, 'Charts as PNG');
  expectPng(png.bytes);
  keep('export-charts.png', png.bytes);
  const svg = await exported(page, 'Charts as SVG');
  const r = await inspectSvg(page, svg.bytes.toString('utf8'), 'svg > svg path');
  expect(r.error).toBeNull();
  expect(r.count).toBe(12); // 2 charts x 3 mechanisms x (band + line)
  expect(svg.bytes.toString('utf8')).toContain('pt-reclaim');
});

test('the strip view exports its canvas as PNG and every table as an SVG rect', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('baseline');
  await ptlab.choosePreset(/2021 series' test at 1 GiB/);
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(600));
  await ptlab.waitReady();
  await ptlab.press('strips');
  await expect(page.locator('.pt-view')).toHaveAttribute('data-mode', 'strip');
  expectPng((await exported(page, 'Page tables as PNG')).bytes);
  const svg = await exported(page, 'Page tables as SVG');
  keep('export-strips.svg', svg.bytes);
  const r = await inspectSvg(page, svg.bytes.toString('utf8'), 'rect.tbl');
  expect(r.error).toBeNull();
  expect(r.count).toBe(300); // baseline keeps every table touched so far
  await ptlab.shot('export-strips');
});

test('the run exports as the CLI JSON; the scenario as a .ptlab file; files open by picker and by drop', async ({ ptlab, page }) => {
  await ptlab.open();
  const json = await exported(page, 'Run as JSON');
  expect(json.name).toBe('ptlab-01-first-touch-pt-reclaim.json');
  const src = readFileSync('scenarios/01-first-touch.ptlab', 'utf8');
  const c = compile(src);
  if (!c.ok) throw new Error('preset does not compile');
  const cli = { results: [toJson(runFlat(c.ops, { mechanism: 'pt-reclaim' }, c.initialExpects), 'all')] };
  expect(JSON.parse(json.bytes.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(cli)));

  const file = await exported(page, 'Scenario as .ptlab');
  expect(file.name).toBe('01-first-touch.ptlab');
  expect(file.bytes.toString('utf8')).toBe(src);

  // The picker.
  const picked = '# Picked\nmmap P 2M at 0x100000000000\ntouch P 0 8K\n';
  await page.getByRole('dialog', { name: 'Export' }).getByLabel('Scenario file').setInputFiles({ name: 'picked.ptlab', mimeType: 'text/plain', buffer: Buffer.from(picked) });
  await page.waitForFunction(() => window.__ptlab.ready && window.__ptlab.steps === 2);
  await expect(page.getByRole('status', { name: 'Notice' })).toContainText('Opened picked.ptlab');
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toContainText('# Picked');

  // Drag and drop onto the editor (opening a file closed the dialog).
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['# Dropped\nmmap D 4M at 0x100000000000\ntouch D 0 4K\ntouch D 2M 4K\n'], 'dropped.ptlab', { type: 'text/plain' }));
    const target = document.querySelector('.cm-content')!;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => window.__ptlab.ready && window.__ptlab.steps === 3);
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toContainText('# Dropped');
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).not.toContainText('# Picked');
});
