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
  // Side by side would hold three such runs: the designs are compared from one pass each instead, the lane's run set aside meanwhile.
  await page.getByRole('button', { name: 'Compare mechanisms' }).click();
  await expect(page.getByRole('status', { name: 'Notice' })).toContainText('production-size');
  await page.getByRole('button', { name: 'Dismiss the notice' }).click();
  const dialog = page.getByRole('dialog', { name: 'The designs compared, one pass each' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('set aside');
  await expect(page.locator('main .pt-view')).toHaveCount(1);
  await expect(dialog.locator('.designs-passes li[data-state="done"]')).toHaveCount(3, { timeout: 300_000 });
  const row = (name: string) => dialog.locator(`.designs-table tr[data-row="${name}"] td`);
  await expect(row('end')).toHaveText(['115,568,596 kB', '1,438,616 kB', '2,090,464 kB']);
  await expect(row('captures-end').first()).toHaveText('0%');
  await expect(row('PTE tables freed').first()).toHaveText('0');
  await expect(row('refcount atomics').nth(2)).toHaveText('0');
  await expect(dialog.locator('svg.designs-chart path[data-series]')).toHaveCount(4);
  await ptlab.shot('55t-designs-compared');
  await page.getByRole('button', { name: 'Close the designs compared, one pass each' }).click();
  // Closed: the lane computes its run again, and ends where it did.
  await ptlab.waitReady(300_000);
  await page.keyboard.press('End');
  await ptlab.waitReady(120_000);
  await expect(ptlab.figure('VmPTE')).toHaveText('2,090,464 kB');
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
