// The 2021 cover letter's 55 TiB process in the browser (preset 29): 699,444
// statements and 31 billion faults in the worker, 28.8 million PTE tables at
// once under baseline. The frames carry one number per 2 MiB slot; the strips
// show a square per PMD table far out and the slots when zoomed in; the
// figures at the end are the CLI's (scenarios/golden/29-production-55t.txt).
import { test, expect } from './fixtures.ts';

test('the 55 TiB production process runs in the browser and ends at the CLI\'s figures', async ({ ptlab, page }) => {
  test.setTimeout(480_000);
  await ptlab.open();
  await ptlab.press('pt-reclaim');
  await ptlab.choosePreset(/VIRT 55 TiB/);
  await expect(page.getByRole('progressbar', { name: 'Simulation progress' })).toBeVisible();
  await ptlab.waitReady(300_000);
  expect((await ptlab.state()).steps).toBe(699_444);
  await page.keyboard.press('End');
  await ptlab.waitReady(120_000);
  await expect(ptlab.figure('VmPTE')).toHaveText('2,090,464 kB');
  await expect(ptlab.figure('RssAnon')).toHaveText('618,864,888 kB');
  const view = page.locator('main .pt-view');
  await expect(view).toHaveAttribute('data-mode', 'strip');
  const canvas = view.locator('canvas.pt-canvas');
  await expect(canvas).toHaveAttribute('data-cells', '');
  await expect(canvas).toHaveAttribute('data-tables', '466184');
  await expect(page.getByTestId('legend-aggregate')).toBeVisible();
  await ptlab.shot('55t-end-pt-reclaim');
  // Side by side would hold three such runs: refused, with a notice that says why, and the lane stays.
  await page.getByRole('button', { name: 'Compare mechanisms' }).click();
  await expect(page.getByRole('status', { name: 'Notice' })).toContainText('one at a time');
  await expect(page.locator('main .pt-view')).toHaveCount(1);
  await page.getByRole('button', { name: 'Dismiss the notice' }).click();
  // Zoomed in on the first PMD table, its slots are drawn, and the hover card reads a table from the cells.
  await ptlab.api((a) => a.seek(40_000));
  await ptlab.waitReady(120_000);
  const box = (await canvas.boundingBox())!;
  await canvas.focus();
  for (let k = 0; k < 14; k++) await page.keyboard.press('+');
  await page.waitForTimeout(400);
  let found = false;
  for (let y = box.y + 10; y < box.y + box.height - 10 && !found; y += 14) {
    for (let x = box.x + 10; x < box.x + box.width - 10 && !found; x += 14) {
      await page.mouse.move(x, y);
      found = (await page.locator('.pt-tooltip, [role="tooltip"]').count()) > 0;
    }
  }
  expect(found, 'a PTE table under the pointer somewhere in the zoomed-in view').toBe(true);
  await expect(page.locator('.pt-tooltip, [role="tooltip"]').first()).toContainText(/PTE table|Huge page/);
  await ptlab.shot('55t-zoomed-in');
});
