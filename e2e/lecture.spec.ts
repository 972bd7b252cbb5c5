// Lecture mode: P enters, the clicker steps (PageDown), a quiz pauses before
// its step and reveals on the next PageDown, Escape leaves; embeds in an
// iframe stay inside their range of steps.
import { mkdirSync } from 'node:fs';
import { test, expect } from './fixtures.ts';

test('presentation mode steps with the clicker; a quiz asks, then reveals with its step', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('pte-ref'); // the first preset's narration follows pte-ref (pt-reclaim is the default)
  await page.keyboard.press('Shift+P');
  const deck = page.getByRole('main', { name: 'Presentation' });
  await expect(deck).toBeVisible();
  await expect(page.getByRole('button', { name: 'Share' })).toHaveCount(0); // chrome hidden
  await expect(page.getByTestId('lecture-step')).toHaveText('start / 5');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await ptlab.waitReady();
  await expect(page.getByTestId('lecture-step')).toHaveText('step 2 / 5');
  await expect(deck.locator('.lecture-say')).toContainText('The first write faults');
  await expect(deck.locator('.lecture-figures')).toContainText('VmPTE 12 kB');
  await ptlab.shot('present-step2');

  // The quiz before the 4 KiB DONTNEED: the question, the step not taken yet.
  await page.keyboard.press('PageDown');
  await expect(deck.locator('.quiz-pending')).toContainText('Will this 4 KiB DONTNEED free the PTE table under pt-reclaim?');
  await expect(page.getByTestId('lecture-step')).toHaveText('step 2 / 5 · question');
  expect((await ptlab.state()).step).toBe(1);
  await ptlab.shot('present-quiz');
  // The quiz asks about pt-reclaim: the slide shows pt-reclaim.
  await expect(deck.locator('.lecture-mech')).toHaveText('pt-reclaim');
  await page.keyboard.press('PageDown');
  await ptlab.waitReady();
  await expect(deck.getByTestId('quiz-answer')).toContainText('Answer: no');
  await expect(page.getByTestId('lecture-step')).toHaveText('step 3 / 5');
  await expect(deck.locator('.lecture-figures')).toContainText('VmPTE 12 kB');
  await ptlab.shot('present-answer');

  // Back, the arrows, then leave.
  await page.keyboard.press('PageUp');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(1);
  await page.keyboard.press('ArrowRight'); // the question again
  await deck.getByRole('button', { name: 'Reveal', exact: true }).click();
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2);
  await page.keyboard.press('Escape');
  await expect(deck).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Share' })).toBeVisible();
  expect((await ptlab.state()).step).toBe(2);
});

test('presentation mode shows compare lanes side by side', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Compare mechanisms');
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  await page.getByRole('button', { name: 'Present', exact: true }).click();
  for (const m of ['baseline', 'pte-ref', 'pt-reclaim']) await expect(page.getByRole('region', { name: `Lane ${m}` })).toBeVisible();
  await ptlab.shot('present-compare');
});

test('the embed code works in an iframe and keeps to its range of steps', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.choosePreset(/2021 series' test at 1 GiB/);
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(5));
  await ptlab.waitReady();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Share' });
  await dialog.getByRole('textbox', { name: 'Embed from step' }).fill('3');
  await dialog.getByRole('textbox', { name: 'Embed to step' }).fill('8');
  await dialog.getByRole('textbox', { name: 'Embed width' }).fill('900');
  await dialog.getByRole('textbox', { name: 'Embed height' }).fill('520');
  await dialog.getByRole('button', { name: 'Copy embed code' }).click();
  const code = await dialog.getByRole('textbox', { name: 'Copied text' }).inputValue();
  const port = Number(process.env.PTLAB_E2E_PORT) || 4173;
  expect(code).toMatch(new RegExp(`^<iframe src="http://127\\.0\\.0\\.1:${port}/#v1:[A-Za-z0-9_-]+;embed" width="900" height="520" title="ptlab: [^"]+" style="border:0" loading="lazy"></iframe>$`));

  await page.setContent(`<!doctype html><body style="margin:24px;background:#e9ecef;font:16px sans-serif"><p>Lecture 7: page tables</p>${code}</body>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.getByTestId('lecture-step')).toHaveText('step 6 / 1,026 (steps 3–8)', { timeout: 60_000 });
  await frame.getByRole('button', { name: 'Next step' }).click();
  await frame.getByRole('button', { name: 'Next step' }).click();
  await frame.getByRole('button', { name: 'Next step' }).click();
  await expect(frame.getByTestId('lecture-step')).toHaveText('step 8 / 1,026 (steps 3–8)');
  await expect(frame.getByRole('link', { name: 'Open in ptlab ↗' })).toBeVisible();
  await page.waitForTimeout(700);
  mkdirSync('test-results/screens', { recursive: true });
  await page.screenshot({ path: 'test-results/screens/embed.png' });
});
