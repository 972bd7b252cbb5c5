// The 2021 series' 50 GiB test in the browser: 51,200 steps and 13.1 million
// faults in the worker, a progress bar, the strip view, the final VmPTE.
import { test, expect } from './fixtures.ts';

for (const [mechanism, vmPte] of [['baseline', '102,640 kB'], ['pt-reclaim', '240 kB']] as const) {
  test(`the 50 GiB preset under ${mechanism} ends at VmPTE ${vmPte}`, async ({ ptlab, page }) => {
    await ptlab.open();
    await ptlab.choosePreset(/full scale: 50 GiB/);
    // The preset opens side by side (`# open: compare`), its three runs in progress; this test then follows one design.
    const progress = page.getByRole('progressbar', { name: 'Simulation progress' });
    await expect(progress).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel the run' })).toBeVisible();
    if (mechanism === 'baseline') await ptlab.shot('50g-progress');
    await ptlab.press(mechanism);
    await ptlab.waitReady(120_000);
    await expect(progress).toHaveCount(0);
    expect((await ptlab.state()).steps).toBe(51202);
    await page.keyboard.press('End');
    await ptlab.waitReady();
    await expect(ptlab.figure('VmPTE')).toHaveText(vmPte);
    await expect(page.locator('.pt-view')).toHaveAttribute('data-mode', mechanism === 'baseline' ? 'strip' : 'tree');
    await expect(page.getByTestId('step-label')).toHaveText('step 51,202 / 51,202');
    await ptlab.shot(`50g-end-${mechanism}`);
    // Seeking back to any step rebuilds that step's state (its time is a benchmark's, npm run bench:browser):
    // half way, 12,800 tables kept (baseline) or none (pt-reclaim), 26 PMD tables.
    await ptlab.api((a) => a.seek(25_601));
    await ptlab.waitReady();
    await expect(ptlab.figure('VmPTE')).toHaveText(mechanism === 'baseline' ? '51,344 kB' : '144 kB');
    await expect(page.getByTestId('step-label')).toHaveText('step 25,602 / 51,202');
  });
}
