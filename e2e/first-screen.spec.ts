// A first screen that teaches: mainline's design by default and every design
// named with the kernels that have it; the header on one line, the headline,
// the figures and the why-line in view at 1024 x 700; collapsible editor and
// breakpoints; a glossary in help; a first-visit tour shown once; p presents,
// Shift+n goes back to the previous free; play and step are told apart.
import { test, expect } from './fixtures.ts';
import type { Locator, Page } from '@playwright/test';

async function inViewport(page: Page, l: Locator): Promise<void> {
  const box = await l.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, 'on screen').not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
}

test('pt-reclaim by default, each design labelled with its kernels; at 1024x700 the numbers and the reason are in view', async ({ ptlab, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await ptlab.open();
  expect((await ptlab.state()).mechanism).toBe('pt-reclaim');
  const designs = page.getByRole('group', { name: 'Mechanism' });
  await expect(designs.getByRole('button', { name: 'pt-reclaim', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(designs.getByRole('button', { name: 'baseline', exact: true })).toContainText('Linux ≤ 6.13');
  await expect(designs.getByRole('button', { name: 'pte-ref', exact: true })).toContainText('2021 series, not merged');
  await expect(designs.getByRole('button', { name: 'pt-reclaim', exact: true })).toContainText('Linux ≥ 6.14');
  expect((await page.locator('header.top').boundingBox())!.height).toBeLessThan(56);

  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  const side = page.getByRole('complementary', { name: 'This step' });
  await expect(side.locator('[data-figure="VmPTE"] .figure-value')).toHaveText('12 kB');
  await expect(side.locator('.why-line')).toContainText('1 kept');
  await expect(side.locator('.why-line')).toContainText('needs the whole slot');
  await inViewport(page, side);
  const headline = page.getByTestId('headline');
  await expect(headline).toContainText('pt-reclaim 12 kB');
  await inViewport(page, headline);

  // Break-when is one collapsed line; opened, its choices are there (and it remembers).
  await expect(page.getByRole('checkbox', { name: /a PTE table is freed/ })).toHaveCount(0);
  await page.getByRole('button', { name: '▸ Break when' }).click();
  await expect(page.getByRole('checkbox', { name: /a PTE table is freed/ })).toBeVisible();
  await page.getByRole('button', { name: '▾ Break when' }).click();
  // The editor folds away, and stays folded after a reload.
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toBeVisible();
  await page.getByRole('button', { name: 'Hide the scenario editor' }).click();
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toHaveCount(0);
  await page.reload();
  await ptlab.waitReady();
  await expect(page.getByRole('button', { name: 'Show the scenario editor' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Show the scenario editor' }).click();
  await expect(page.getByRole('textbox', { name: 'Scenario source' })).toBeVisible();
});

test('the table detail names a table by the range it maps, with readable labels and distinct colours', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  await page.locator('g.tbl:not(.tbl-freed)').first().click();
  const detail = page.getByRole('complementary', { name: 'PTE table entries' });
  await expect(detail.getByRole('heading', { level: 3 })).toHaveText('PTE table for 0x100000000000–0x100000200000');
  await expect(detail).toContainText('#');
  await expect(detail.locator('.entries-addr').first()).toHaveText(/^\+0(0x100000000000)?$/); // the offset; the address is its <title>
  await expect(detail.locator('.entries-addr').nth(1)).toHaveText(/^\+128K/);
  const size = await detail.locator('.entries-addr').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(size).toBeGreaterThanOrEqual(11);
  const legend = await detail.locator('.entries-legend').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(legend).toBeGreaterThanOrEqual(11);
});

test('help has a glossary; p presents (and leaves), Shift+n goes to the previous free; play and step are told apart', async ({ ptlab, page }) => {
  await ptlab.open();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts and glossary' });
  for (const w of ['PTE table', 'refcount', 'VmPTE', 'RssAnon', 'slot', 'zap', 'PMD', 'THP']) await expect(help.getByRole('term').filter({ hasText: w }).first()).toBeVisible();
  await page.keyboard.press('Escape');

  await page.keyboard.press('End');
  await ptlab.waitReady();
  await page.keyboard.press('Shift+N'); // previous free: pt-reclaim frees at the whole-slot DONTNEED
  await ptlab.waitReady();
  const at = (await ptlab.state()).step;
  await page.keyboard.press('End');
  await ptlab.press('Previous free');
  expect((await ptlab.state()).step).toBe(at); // the key and the button agree
  await ptlab.api((a) => a.seek(4));
  await ptlab.waitReady();
  expect(await ptlab.api((a) => a.mode)).toBe('normal');
  await page.keyboard.press('p');
  await expect(page.getByRole('main', { name: 'Presentation' })).toBeVisible();
  expect((await ptlab.state()).step).toBe(4); // p did not move the cursor
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Share' })).toBeVisible();

  const play = page.getByRole('button', { name: 'Play', exact: true });
  const next = page.getByRole('button', { name: 'Next statement', exact: true });
  await expect(play).toHaveText('▶▶ play');
  await expect(next).toHaveText('step ▶');
  expect(await play.getAttribute('title')).toMatch(/^Play: step on by itself/);
  expect(await next.getAttribute('title')).toMatch(/^One statement on/);
});

test.describe('a first visit', () => {
  test.use({ tourSeen: false });

  test('shows a short tour once; a reload, or a returning visitor, never sees it again', async ({ ptlab, page }) => {
    await ptlab.open();
    const tour = page.getByRole('dialog', { name: 'Tour' });
    await expect(tour).toBeVisible();
    await expect(tour).toContainText('1 / 4');
    await tour.getByRole('button', { name: 'Next' }).click();
    await expect(tour).toContainText('2 / 4');
    await expect(tour).toContainText('step ▶');
    // Not modal: the page still steps under it.
    await ptlab.press('Next statement');
    expect((await ptlab.state()).step).toBe(0);
    await ptlab.shot('tour');
    await tour.getByRole('button', { name: 'Skip the tour' }).click();
    await expect(tour).toHaveCount(0);
    await page.reload();
    await ptlab.waitReady();
    await page.waitForTimeout(500);
    await expect(tour).toHaveCount(0);
    // ?tour=1 shows it again on request.
    await page.goto('/?tour=1');
    await ptlab.waitReady();
    await expect(tour).toBeVisible();
  });
});
