// The tour of the 2021 series: the panel lists the 15 patches, each says
// what it changes and links to a step that shows it; following the link
// lands on that preset, at that step and kernel event, under pte-ref.
import { test, expect } from './fixtures.ts';

test('the tour lists all 15 patches and opens 12/15 at its step and event under pte-ref', async ({ ptlab, page }) => {
  await ptlab.open();
  await page.getByRole('button', { name: 'Tour', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Tour of the 2021 series' });
  await expect(dialog).toBeVisible();
  const items = dialog.getByRole('list', { name: 'Patches of the series' }).getByRole('button');
  await expect(items).toHaveCount(15);
  // Every patch shows its detail and a link to its step.
  for (let n = 1; n <= 15; n++) {
    await items.nth(n - 1).click();
    await expect(dialog.getByRole('region', { name: `Patch ${n} of 15` })).toBeVisible();
    await expect(dialog.getByRole('link', { name: /^Open / })).toHaveAttribute('href', /^#v1:/);
  }
  await items.filter({ hasText: 'update the pmd entry in move_normal_pmd()' }).click();
  await expect(dialog.getByRole('heading', { level: 3 })).toHaveText('12/15 mm/pte_ref: update the pmd entry in move_normal_pmd()');
  await dialog.getByRole('link', { name: /^Open / }).click();
  await expect(dialog).toBeHidden();
  await ptlab.waitReady();
  await expect.poll(() => ptlab.state()).toMatchObject({ step: 2, event: 3, mechanism: 'pte-ref' });
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('mremap');
  await ptlab.shot('tour-12-move-normal-pmd');
});

test('11/15 lands on the walker preset, on mincore taking its reference', async ({ ptlab, page }) => {
  await ptlab.open();
  await page.getByRole('button', { name: 'Tour', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Tour of the 2021 series' });
  await dialog.getByRole('button', { name: /^11\/15 / }).click();
  await dialog.getByRole('link', { name: /^Open / }).click();
  await ptlab.waitReady();
  await expect.poll(() => ptlab.state()).toMatchObject({ step: 3, event: 0, mechanism: 'pte-ref' });
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('mincore and pagemap');
});
