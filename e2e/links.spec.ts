// Links: a link made at a step opens the same step, figures, selection and
// zoom in a fresh browser; a broken link explains itself, loads the default
// scenario and offers the recovered text; captions from links are text.
import { test, expect } from './fixtures.ts';

test('a link to a step opens the same step, figures, selected table and zoom in a fresh browser', async ({ ptlab, page, browser }) => {
  await ptlab.open();
  await ptlab.press('baseline');
  await ptlab.api((a) => a.seek(2)); // madvise 4K (a jump: no quiz): baseline keeps the empty table
  await ptlab.waitReady();
  await page.locator('g.tbl').first().click();
  await page.getByRole('button', { name: 'Zoom in (baseline)' }).click();
  await page.waitForFunction(() => window.__ptlab.zoom !== null && !window.__ptlab.zoom.fit);
  const before = await page.evaluate(() => ({ step: window.__ptlab.step, figures: window.__ptlab.figures, slot: window.__ptlab.selectedSlot, zoom: window.__ptlab.zoom, mechanism: window.__ptlab.mechanism }));
  expect(before.step).toBe(2);
  expect(before.slot).not.toBeNull();
  const link = await ptlab.share('Copy link to this step');
  expect(link).toMatch(/#v1:[A-Za-z0-9_-]+$/);
  // The address bar is a link too, kept up to date.
  await page.waitForFunction((l) => location.hash === l.slice(l.indexOf('#')), link);

  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(link);
  await other.waitForFunction(() => window.__ptlab?.ready === true, null, { timeout: 60_000 });
  const after = await other.evaluate(() => ({ step: window.__ptlab.step, figures: window.__ptlab.figures, slot: window.__ptlab.selectedSlot, zoom: window.__ptlab.zoom, mechanism: window.__ptlab.mechanism }));
  expect(after).toEqual(before);
  await expect(other.locator('[data-figure="VmPTE"] .figure-value').first()).toHaveText('12 kB');
  await expect(other.getByTestId('step-label')).toHaveText('step 3 / 5');
  await expect(other.locator('g.tbl[data-empty="true"]')).toHaveCount(1);
  await expect(other.locator('g.tbl-selected')).toHaveCount(1);
  await expect(other.getByRole('button', { name: 'Presets' })).toContainText('First touch');
  expect(errors).toEqual([]);
  await fresh.close();
});

test('the start link opens before the first step; a presentation link opens in lecture mode', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.seek(3));
  await ptlab.waitReady();
  const start = await ptlab.share('Copy link');
  const present = await ptlab.share('Copy presentation link');
  expect(present).toMatch(/;present$/);
  await page.goto('about:blank');
  await page.goto(start);
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(-1);
  await page.goto('about:blank');
  await page.goto(present);
  await ptlab.waitReady();
  expect(await page.evaluate(() => window.__ptlab.mode)).toBe('present');
  await expect(page.getByTestId('lecture-step')).toHaveText('step 4 / 5');
});

test('a corrupted link says so, loads the default scenario, and the recovered text can be opened', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.setSource('# My lecture\nmmap X 4M at 0x100000000000\ntouch X 0 4K\n' + 'touch X 8K 4K\n'.repeat(20) + 'madvise X 0 2M dontneed\n'));
  await page.waitForFunction(() => window.__ptlab.ready && window.__ptlab.steps === 23);
  const link = await ptlab.share('Copy link to this step');
  const cut = link.slice(0, Math.floor(link.length * 0.8));
  await page.goto('about:blank');
  await page.goto(cut);
  await ptlab.waitReady();
  const alert = page.getByRole('alert', { name: 'Link problem' });
  await expect(alert).toContainText('This link could not be opened');
  await expect(alert).toContainText('corrupted or cut short');
  await expect(alert).toContainText('The default scenario is loaded instead');
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('First touch');
  await ptlab.shot('broken-link');
  await alert.getByRole('button', { name: 'Open the recovered text' }).click();
  await expect(alert).toHaveCount(0);
  const editor = page.getByRole('textbox', { name: 'Scenario source' });
  await expect(editor).toContainText('# My lecture');
  await expect(editor).toContainText('touch X 8K 4K');
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('custom scenario');

  // Not a link at all, and a link from the future.
  await page.goto('about:blank');
  await page.goto('/#v7:AAAA');
  await expect(page.getByRole('alert', { name: 'Link problem' })).toContainText('made by a newer ptlab (link format v7)');
  await expect(page.getByRole('button', { name: 'Open the recovered text' })).toHaveCount(0);
  await ptlab.waitReady();
});

test('a caption with HTML in it shows as literal text, in the lab and in lecture mode', async ({ ptlab, page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await ptlab.open();
  const evil = '<b>x</b><img src=x onerror=alert(1)>';
  await ptlab.api((a) => a.setSource('say "<b>x</b><img src=x onerror=alert(1)>"\nmmap A 4K\ntouch A 0 4K\n'));
  await page.waitForFunction(() => window.__ptlab.ready && window.__ptlab.steps === 2);
  await ptlab.api((a) => a.seek(0));
  await ptlab.waitReady();
  const caption = page.locator('.caption .say');
  await expect(caption).toHaveText(evil);
  await expect(page.locator('.caption b, .caption img')).toHaveCount(0);
  // Through a link, in lecture mode.
  const link = await ptlab.share('Copy presentation link');
  await page.goto('about:blank');
  await page.goto(link);
  await ptlab.waitReady();
  await expect(page.locator('.lecture-say')).toHaveText(evil);
  await expect(page.locator('.lecture-caption b, .lecture img')).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
});
