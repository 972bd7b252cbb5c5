// Honest comparison: compare lanes share one view mode, one zoom and pan, one
// time axis and one y scale; a headline states each design's VmPTE and the
// ratio, in view at 1024 x 700; the 50 GiB preset opens side by side; switching
// presets in compare mode logs no errors; the race lab works there too.
import { test, expect } from './fixtures.ts';
import type { Locator, Page } from '@playwright/test';

const LANES = ['baseline', 'pte-ref', 'pt-reclaim'] as const;
const views = (page: Page) => LANES.map((m) => page.getByRole('region', { name: `Lane ${m}` }).locator('.pt-svg, .pt-canvas'));
const zooms = (page: Page) => Promise.all(views(page).map((v) => v.getAttribute('data-zoom')));

async function inViewport(page: Page, l: Locator): Promise<void> {
  const box = await l.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, 'on screen').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
}

test('the 50 GiB preset opens side by side: one mode, one zoom, one y scale, and the ratio in view at 1024x700', async ({ ptlab, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await ptlab.open();
  await ptlab.choosePreset(/full scale: 50 GiB/);
  for (const m of LANES) await expect(page.getByRole('region', { name: `Lane ${m}` })).toBeVisible();
  await page.waitForFunction(() => window.__ptlab.steps === 51202, null, { timeout: 180_000 });
  await ptlab.waitReady(180_000);
  await page.keyboard.press('End');
  await ptlab.waitReady();

  // The headline, computed from the three runs, with the ratio; inside the window at 1024 x 700.
  const headline = page.getByTestId('headline');
  await expect(headline).toContainText('baseline 102,640 kB');
  await expect(headline).toContainText('pte-ref 240 kB');
  await expect(headline).toContainText('pt-reclaim 240 kB');
  await expect(headline).toContainText('428× less than baseline');
  await inViewport(page, headline);
  // The header does not wrap at 1024 px.
  expect((await page.locator('header.top').boundingBox())!.height).toBeLessThan(56);

  // One view mode: baseline's 25,605 tables need strips, so every lane draws strips (pt-reclaim alone would draw nodes).
  for (const m of LANES) await expect(page.getByRole('region', { name: `Lane ${m}` }).locator('.pt-view')).toHaveAttribute('data-mode', 'strip');

  // One zoom: the lanes start at one transform, and the wheel in one lane moves all three.
  await expect.poll(async () => new Set(await zooms(page)).size).toBe(1);
  const before = (await zooms(page))[0];
  const box = (await views(page)[1].boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await zooms(page))[1]).not.toBe(before);
  await expect.poll(async () => new Set(await zooms(page)).size).toBe(1);
  // The shared buttons too: fit moves every lane back to one fitted transform (the same each time it is asked;
  // the view fits once per content, so it need not be the first fit of a run that has grown since).
  const wheeled = (await zooms(page))[0];
  await page.getByRole('button', { name: 'Fit every lane' }).click();
  await expect.poll(async () => (await zooms(page))[0]).not.toBe(wheeled);
  // Settled: the lanes agree and the (animated) fit has stopped moving.
  const settled = async () => {
    const a = (await zooms(page)).join(' ');
    await page.waitForTimeout(400);
    const b = await zooms(page);
    return a === b.join(' ') && new Set(b).size === 1;
  };
  await expect.poll(settled, { timeout: 10_000 }).toBe(true);
  const fitted = (await zooms(page))[0];
  await page.getByRole('button', { name: 'Fit every lane' }).click();
  await expect.poll(settled, { timeout: 10_000 }).toBe(true);
  expect(await zooms(page)).toEqual([fitted, fitted, fitted]);

  // One VmPTE chart for the three lanes, on a log scale by default (102,640 kB against 240 kB); linear on request.
  const chart = page.getByRole('img', { name: 'VmPTE over the run' });
  await expect(chart).toHaveCount(1);
  await expect(chart).toHaveAttribute('data-scale', 'log');
  await expect(chart.locator('path[fill="none"]')).toHaveCount(3);
  await page.getByRole('button', { name: 'VmPTE: log scale' }).click();
  await expect(chart).toHaveAttribute('data-scale', 'linear');
  await page.getByRole('button', { name: 'VmPTE: log scale' }).click();
  await expect(chart).toHaveAttribute('data-scale', 'log');
  await ptlab.shot('compare-50g-1024');
});

test('compare lanes in node mode share the zoom: at equal states, tables are drawn at equal sizes', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Compare mechanisms');
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  for (const m of LANES) await expect(page.getByRole('region', { name: `Lane ${m}` }).locator('.pt-view')).toHaveAttribute('data-mode', 'tree');
  // pte-ref freed its table, baseline and pt-reclaim keep one: different contents, one transform.
  await expect.poll(async () => new Set(await zooms(page)).size).toBe(1);
  const before = (await zooms(page))[0];
  await page.getByRole('button', { name: 'Zoom in (every lane)' }).click();
  await expect.poll(async () => (await zooms(page))[2]).not.toBe(before);
  await expect.poll(async () => new Set(await zooms(page)).size).toBe(1);
  // A drag in one lane pans all.
  const box = (await views(page)[0].boundingBox())!;
  const panned = (await zooms(page))[0];
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 90, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await zooms(page))[2]).not.toBe(panned);
  await expect.poll(async () => new Set(await zooms(page)).size).toBe(1);
  // The same PGD box has the same on-screen width in every lane.
  const widths = await Promise.all(LANES.map(async (m) => Math.round((await page.getByRole('region', { name: `Lane ${m}` }).locator('.pt-pgd rect').boundingBox())!.width)));
  expect(new Set(widths).size).toBe(1);
});

test('switching presets with another step count in compare mode logs no console errors', async ({ ptlab, page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await ptlab.open();
  await ptlab.press('Compare mechanisms');
  await page.keyboard.press('End');
  await ptlab.waitReady();
  await ptlab.choosePreset(/2021 series' test at 1 GiB/);
  await page.waitForFunction(() => window.__ptlab.steps > 5, null, { timeout: 60_000 });
  await ptlab.waitReady(60_000);
  await page.keyboard.press('End');
  await ptlab.waitReady();
  await ptlab.choosePreset(/First touch/);
  await page.waitForFunction(() => window.__ptlab.steps === 5, null, { timeout: 60_000 });
  await ptlab.waitReady();
  await page.waitForTimeout(300);
  expect(errors).toEqual([]);
  for (const m of LANES) await expect(page.getByRole('region', { name: `Lane ${m}` })).toBeVisible();
});

test('the race lab works in compare mode', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('20-race-fault-vs-dontneed'));
  await ptlab.waitReady();
  await ptlab.press('Compare mechanisms');
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  const lab = page.getByRole('region', { name: 'Race lab' });
  await expect(lab.getByRole('button', { name: 'Step CPU 0' })).toBeVisible(); // the lab's code has loaded
  for (let k = 0; k < 3; k++) await page.keyboard.press('0');
  await expect(lab.getByText(/micro-step 3 of \d+ in the interleaving/)).toBeVisible();
  await lab.getByRole('button', { name: 'Run the interleaving' }).click();
  await expect(lab.getByTestId('race-verdict')).toBeVisible();
  for (const m of LANES) await expect(page.getByRole('region', { name: `Lane ${m}` })).toBeVisible();
});

test('the hover card stays inside the view and the window at 1024x700, even at the bottom edge', async ({ ptlab, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await ptlab.open();
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  const stage = page.locator('main .pt-stage');
  const table = page.locator('g.tbl:not(.tbl-freed)').first();
  // Pan the table down to the bottom edge of the view, where a card below the pointer would be cut off.
  for (let k = 0; k < 8; k++) {
    const t = (await table.boundingBox())!;
    const s = (await stage.boundingBox())!;
    if (t.y + t.height > s.y + s.height - 30) break;
    await page.getByRole('button', { name: 'Pan up (pt-reclaim)' }).click();
    await page.waitForTimeout(50);
  }
  const t = (await table.boundingBox())!;
  const s = (await stage.boundingBox())!;
  expect(t.y + 10).toBeLessThan(s.y + s.height);
  await page.mouse.move(t.x + t.width / 2, Math.min(t.y + t.height, s.y + s.height) - 6);
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(/^PTE table for 0x[0-9a-f]+–0x[0-9a-f]+/);
  const b = (await tip.boundingBox())!;
  expect(b.y + b.height).toBeLessThanOrEqual(s.y + s.height);
  expect(b.y).toBeGreaterThanOrEqual(s.y);
  expect(b.x + b.width).toBeLessThanOrEqual(s.x + s.width);
  await inViewport(page, tip);
});
