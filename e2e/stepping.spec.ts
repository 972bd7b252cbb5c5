// Load a preset, step forward and back (buttons and keys, by statement and
// by kernel event), read the figures and a table's colour, switch mechanism.
import { readdirSync } from 'node:fs';
import { test, expect } from './fixtures.ts';

const PRESET_COUNT = readdirSync('scenarios').filter((f) => f.endsWith('.ptlab')).length;

// cividis, as layout/colour.ts maps counts 1 and 2 (log scale from 1 to 512).
const ONE = 'rgb(10, 50, 106)';

test('the first preset loads, steps forward and back, with figures and colours', async ({ ptlab, page }) => {
  await ptlab.open();
  await expect(page.getByRole('button', { name: 'Presets' })).toContainText('First touch');
  // Mainline's design first; this walk-through is about pte-ref's refcount.
  expect(await ptlab.state()).toMatchObject({ step: -1, steps: 5, mechanism: 'pt-reclaim' });
  await ptlab.press('pte-ref');
  await expect(ptlab.figure('VmPTE')).toHaveText('0 kB');

  await ptlab.press('Next statement'); // mmap
  await ptlab.press('Next statement'); // touch X 0 4K
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  await expect(ptlab.figure('RssAnon')).toHaveText('4 kB');
  const table = page.locator('g.tbl:not(.tbl-freed)');
  await expect(table).toHaveCount(1);
  await expect(table).toHaveAttribute('data-value', '1');
  await expect(table.locator(':scope > rect')).toHaveAttribute('fill', ONE); // the box (a mark's tag has a rect too)
  await expect(page.getByRole('list', { name: 'Call path' })).toContainText('pmd_install');
  await expect(page.locator('.caption')).toContainText('The first write faults');
  await ptlab.shot('01-first-touch-step2');

  await ptlab.press('Next statement'); // the quiz before the madvise (about pt-reclaim): asked first
  await expect(page.getByTestId('quiz')).toContainText('under pt-reclaim');
  expect((await ptlab.state()).step).toBe(1);
  await ptlab.press('Next statement'); // revealed: the madvise runs
  await page.keyboard.press('2'); // pte-ref: the madvise 4K frees the table
  await ptlab.waitReady();
  await expect(ptlab.figure('VmPTE')).toHaveText('8 kB');
  await expect(page.getByRole('list', { name: /freed or kept/ })).toContainText('freed');

  await ptlab.press('Previous statement');
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');

  // The clicker keys and the arrows (the quiz first, then its step).
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Home');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(-1);
  await page.keyboard.press('End');
  await ptlab.waitReady();
  expect((await ptlab.state()).figures?.VmPTE).toBe(0);
});

test('steps kernel event by kernel event through a fault', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('Next statement');
  await ptlab.press('Next kernel event');
  expect(await ptlab.state()).toMatchObject({ step: 1, event: 0 });
  await expect(page.getByRole('list', { name: 'Kernel events of this statement' })).toContainText('__pud_alloc');
  for (let k = 0; k < 3; k++) await ptlab.press('Next kernel event');
  await expect(page.getByTestId('step-label')).toContainText('event 4 /');
  await expect(page.locator('g.tbl')).toHaveCount(1);
  await ptlab.shot('01-first-touch-event4');
  await page.keyboard.press('Shift+ArrowLeft');
  await ptlab.waitReady();
  expect((await ptlab.state()).event).toBe(2);
});

test('switching mechanism re-runs and keeps the step; baseline keeps the empty table', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  await ptlab.press('baseline');
  expect(await ptlab.state()).toMatchObject({ step: 2, mechanism: 'baseline' });
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  const empty = page.locator('g.tbl[data-empty="true"]');
  await expect(empty).toHaveCount(1);
  await expect(empty).toContainText('0');
  await expect(page.getByRole('list', { name: /freed or kept/ })).toContainText('baseline never frees');
  await ptlab.shot('01-first-touch-baseline-empty');

  await ptlab.press('pt-reclaim');
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  await expect(page.getByRole('list', { name: /freed or kept/ })).toContainText('needs the whole slot');
  await page.keyboard.press('2');
  await ptlab.waitReady();
  expect((await ptlab.state()).mechanism).toBe('pte-ref');
});

test('the help overlay lists the shortcuts; the gallery lists the presets', async ({ ptlab, page }) => {
  await ptlab.open();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Next kernel event');
  await ptlab.shot('help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await ptlab.button('Presets').click();
  const gallery = page.getByRole('dialog', { name: 'Presets' });
  await expect(gallery.getByRole('button')).toHaveCount(PRESET_COUNT + 1); // the presets and Close
  await expect(gallery).toContainText('MADV_FREE never frees tables');
  await gallery.getByRole('button', { name: /Two VMAs in one slot/ }).click();
  await ptlab.waitReady();
  expect((await ptlab.state()).steps).toBeGreaterThan(5);
  await ptlab.api((a) => a.seek(3));
  await ptlab.waitReady();
  await expect(page.locator('.mapstrip')).toContainText('A 1M');
  await expect(page.locator('.mapstrip')).toContainText('B 1M');
  await ptlab.shot('07-shared-slot');
});

test('play stops at a breakpoint on state; the timeline scrubs', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.choosePreset(/2021 series' test at 1 GiB/);
  await ptlab.waitReady();
  await page.getByRole('button', { name: '▸ Break when' }).click(); // collapsed on the first screen
  await page.getByRole('checkbox', { name: /a PTE table is freed/ }).check();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('250');
  await ptlab.button('Play').click();
  await expect(page.getByRole('status')).toContainText('1 PTE table freed');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2); // mmap, touch, DONTNEED: pte-ref frees the first table
  await ptlab.press('Run to the next breakpoint');
  expect((await ptlab.state()).step).toBe(4);
  await page.getByRole('slider', { name: 'Timeline: step' }).fill('600');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(600);
  await ptlab.press('Next free');
  expect((await ptlab.state()).step).toBe(602);
  await ptlab.shot('02-1g-breakpoint');
});
