// Compare mode, and editing the scenario (errors, re-runs, runtime errors).
import { test, expect } from './fixtures.ts';

test('compare shows three lanes in lockstep with one table of figures and costs', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Compare mechanisms');
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  for (const m of ['baseline', 'pte-ref', 'pt-reclaim']) await expect(page.getByRole('region', { name: `Lane ${m}` })).toBeVisible();
  const cell = (m: string, row: string) => page.locator(`td[data-mechanism="${m}"][data-row="${row}"]`);
  await expect(cell('baseline', 'VmPTE')).toHaveText('12 kB');
  await expect(cell('pte-ref', 'VmPTE')).toHaveText('8 kB');
  await expect(cell('pt-reclaim', 'VmPTE')).toHaveText('12 kB');
  await expect(cell('pte-ref', 'refcount atomics')).not.toHaveText('0');
  // Costs up to this step, beside the whole run's.
  await expect(cell('pte-ref', 'PTE tables freed so far')).toHaveText('1');
  await expect(cell('pt-reclaim', 'PTE tables freed so far')).toHaveText('0');
  await ptlab.press('Next statement');
  await expect(cell('pt-reclaim', 'VmPTE')).toHaveText('8 kB');
  await expect(cell('baseline', 'VmPTE')).toHaveText('12 kB');
  await expect(cell('pt-reclaim', 'PTE tables freed so far')).toHaveText('1');
  await expect(cell('baseline', 'PTE tables freed so far')).toHaveText('0');
  await expect(cell('baseline', 'PTE tables freed')).toHaveText('1');
  await ptlab.shot('compare-step4');
});

test('an invalid edit shows the error on its line and keeps the last good run; a fix re-runs', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  const editor = page.getByRole('textbox', { name: 'Scenario source' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('\ntuch X 0 4K');
  const errors = page.getByRole('alert', { name: 'Scenario errors' });
  await expect(errors).toContainText("did you mean 'touch'");
  await expect(page.locator('.cm-lintRange-error')).toHaveText('tuch');
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  expect((await ptlab.state()).steps).toBe(5);
  await ptlab.shot('edit-error');

  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('o');
  await expect(errors).toHaveCount(0);
  await page.waitForFunction(() => window.__ptlab.steps === 6 && window.__ptlab.ready);
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('custom scenario');
});

test('a runtime error stops the run at its step with the message', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.setSource('mmap X 4M\ntouch X 0 4K\ntouch Y 0 4K\ntouch X 0 8K\n'));
  await page.waitForFunction(() => window.__ptlab.steps === 3 && window.__ptlab.ready);
  await page.keyboard.press('End');
  await ptlab.waitReady();
  await expect(page.locator('.kpath [role="alert"]')).toContainText('no mapping named Y');
  // The editor marks the line that stopped the run.
  await expect(page.locator('.cm-lintRange-error')).toHaveText('touch');
  await ptlab.shot('runtime-error');
});
