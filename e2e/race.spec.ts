// The race lab: preset 20 (a fault against MADV_DONTNEED) at its race step.
// Under 'broken', stepping the CPUs in the preset's interleaving (0*3 1* 0)
// ends in the checker's use-after-free, in red; under pt-reclaim the same
// interleaving runs to the end with no violation.
import { test, expect } from './fixtures.ts';

test('step two CPUs through a race: broken is caught, pt-reclaim is not', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('20-race-fault-vs-dontneed'));
  await ptlab.waitReady();
  await page.keyboard.press('3'); // pt-reclaim
  await ptlab.waitReady();
  expect((await ptlab.state()).mechanism).toBe('pt-reclaim');
  await ptlab.api((a) => a.seek(2)); // mmap, touch, the race
  await ptlab.waitReady();

  const lab = page.getByRole('region', { name: 'Race lab' });
  await expect(lab).toBeVisible();
  const cpu0 = lab.getByRole('region', { name: 'CPU 0' });
  const cpu1 = lab.getByRole('region', { name: 'CPU 1' });
  await expect(cpu0).toContainText('touch A 16K 4K');
  await expect(cpu1).toContainText('madvise A 0 2M dontneed');
  const step0 = lab.getByRole('button', { name: 'Step CPU 0', exact: true });
  const step1 = lab.getByRole('button', { name: 'Step CPU 1', exact: true });
  const verdict = lab.getByTestId('race-verdict');

  // broken, the preset's interleaving `0*3 1* 0*`: three micro-steps of CPU 0 (by key), CPU 1 to its end, then CPU 0.
  await lab.getByRole('group', { name: 'Race design' }).getByRole('button', { name: 'broken', exact: true }).click();
  await expect(lab.getByRole('group', { name: 'Race design' }).getByRole('button', { name: 'broken', exact: true })).toHaveAttribute('aria-pressed', 'true');
  for (let k = 0; k < 3; k++) await page.keyboard.press('0');
  await expect(lab.getByText('micro-step 3 of 14 in the interleaving')).toBeVisible();
  let n = 0;
  while (await step1.isEnabled()) {
    await step1.click();
    if (++n > 40) throw new Error('CPU 1 never finished');
  }
  expect(n).toBe(10);
  await expect(cpu1).toHaveAttribute('data-status', 'finished');
  await expect(verdict).toHaveCount(0);
  await step0.click();
  await expect(verdict).toContainText('The checker caught a use-after-free at micro-step 14');
  await expect(verdict).toContainText('CPU 0 spun on the PTE lock of table #3, but CPU 1 freed it at micro-step 10');
  await expect(cpu0.locator('.race-step-bad')).toContainText('spin_lock(PTE lock)');
  await expect(step0).toBeDisabled();
  await expect(lab.locator('[data-table="3"]')).toHaveAttribute('data-state', 'freed');
  await lab.getByTestId('race-verdict').scrollIntoViewIfNeeded();
  await ptlab.shot('race-broken');
  // The raced-over table's slot is outlined in the page-table view (the lane's state after the statement).
  const outlined = page.locator('.pt-stage g.tbl:not(.tbl-freed) > rect').first();
  await expect(outlined).toHaveCSS('stroke', 'rgb(180, 35, 24)');
  await outlined.scrollIntoViewIfNeeded();
  await ptlab.shot('race-view');

  // Back one micro-step undoes the catch.
  await lab.getByRole('button', { name: 'Back one micro-step' }).click();
  await expect(verdict).toHaveCount(0);
  await expect(step0).toBeEnabled();

  // pt-reclaim: the scenario's interleaving, micro-step by micro-step, to the end.
  await lab.getByRole('group', { name: 'Race design' }).getByRole('button', { name: 'pt-reclaim', exact: true }).click();
  const next = lab.getByRole('button', { name: 'Next of the interleaving' });
  n = 0;
  while (await next.isEnabled()) {
    await next.click();
    if (++n > 100) throw new Error('the interleaving never ended');
  }
  expect(n).toBe(33);
  await expect(verdict).toContainText('Both CPUs finished after 33 micro-steps: the checker caught nothing under pt-reclaim');
  await expect(lab.locator('[data-table="3"]')).toHaveAttribute('data-state', 'freed');
  await expect(lab.locator('[data-table="4"]')).toHaveAttribute('data-state', 'linked');
  await expect(lab.getByRole('alert')).toHaveCount(0);
  await verdict.scrollIntoViewIfNeeded();
  await ptlab.shot('race-ok');

  // Leaving the race step closes the panel; 1 then picks baseline again.
  await ptlab.press('Next statement');
  await expect(lab).toHaveCount(0);
});

test('a race can be presented: in lecture mode the CPU lanes fill the view and 0/1 step them', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('20-race-fault-vs-dontneed'));
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  await page.keyboard.press('Shift+P');
  const lab = page.getByRole('region', { name: 'Race lab' });
  await expect(page.getByRole('main', { name: 'Presentation' })).toBeVisible();
  await expect(lab).toBeVisible();
  for (let k = 0; k < 3; k++) await page.keyboard.press('0');
  await expect(lab.getByText(/micro-step 3 of \d+ in the interleaving/)).toBeVisible();
  await page.keyboard.press('1');
  await expect(lab.getByText(/micro-step 4 of \d+ in the interleaving/)).toBeVisible();
  await expect(lab.getByRole('region', { name: 'CPU 1' }).locator('.race-step-done')).toHaveCount(1); // the 1 key stepped CPU 1
  await ptlab.shot('race-present');
  // The clicker still moves by statement: past the race, the page tables come back.
  await page.keyboard.press('PageDown');
  await expect(lab).toHaveCount(0);
});
