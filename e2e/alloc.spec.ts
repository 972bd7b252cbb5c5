// Allocator workloads in the app: the compare table's share of the possible
// saving, and the VIRT/RES sweep (its own lazily loaded view and worker).
import { test, expect } from './fixtures.ts';

test('a server\'s day: compare says what each design captures of the possible saving', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('13-server-day-tcmalloc'));
  await ptlab.press('Compare mechanisms');
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(a.steps - 1));
  await ptlab.waitReady();
  const cell = (m: string) => page.locator(`td[data-mechanism="${m}"][data-row="captures"]`);
  await expect(cell('pte-ref')).toHaveText('100%');
  await expect(cell('pt-reclaim')).toHaveText('100%');
  await expect(cell('baseline')).toHaveText('0%');
  await expect(page.getByText(/the possible saving: 552 kB \(minimum 52 kB, from the live set\)/)).toBeVisible();
});

test('the sweep charts each design against VIRT/RES, per purge policy, and exports CSV', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Sweep');
  const dialog = page.getByRole('dialog', { name: 'VIRT/RES sweep' });
  await expect(dialog.getByRole('img', { name: 'VmPTE by design against VIRT/RES' })).toBeVisible();
  const rows = dialog.getByRole('table', { name: 'Sweep points' }).locator('tbody tr');
  await expect(rows).toHaveCount(7, { timeout: 60_000 });
  await expect(rows.last().locator('td[data-mechanism="pte-ref"]')).toHaveText('100%');
  await expect(rows.last().locator('td[data-mechanism="pt-reclaim"]')).toHaveText('0%');
  await dialog.getByRole('button', { name: 'free', exact: true }).click();
  await expect(rows).toHaveCount(7, { timeout: 60_000 });
  await expect(rows.last().locator('td[data-mechanism="pte-ref"]')).toHaveText('0%');
  const [file] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(file.suggestedFilename()).toBe('ptlab-sweep-free.csv');
  await ptlab.shot('sweep-free');
});

test('a recorded allocator beside the generator at its parameters: both curves, their key figures, CSV', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('31-recorded-jemalloc'));
  await ptlab.waitReady();
  await ptlab.press('Beside the generator…');
  const dialog = page.getByRole('dialog', { name: 'Recording beside the generator' });
  const chart = dialog.getByRole('img', { name: /VmPTE under pt-reclaim/ });
  await expect(chart.locator('path[data-curve="recorded"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(chart.locator('path[data-curve="generator"]')).toHaveCount(1);
  const end = (curve: string, m: string) => dialog.locator(`tr[data-curve="${curve}"] td[data-mechanism="${m}"] strong`);
  // The recording ends where the kernel measured it (the preset's last expect line); the generator with a PTE
  // table in each of its arena's 28 slots (next-fit walks the whole 56 MiB) plus a PMD and a PUD table.
  await expect(end('recorded', 'pt-reclaim')).toHaveText('152');
  await expect(end('generator', 'pt-reclaim')).toHaveText(String(28 * 4 + 2 * 4));
  await expect(end('generator', 'baseline')).toHaveText(String(28 * 4 + 2 * 4));
  await dialog.getByRole('button', { name: 'pte-ref', exact: true }).click();
  await expect(dialog.getByRole('img', { name: /VmPTE under pte-ref/ })).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(file.suggestedFilename()).toBe('ptlab-curves-31-recorded-jemalloc.csv');
  await ptlab.shot('curves-jemalloc');
});
