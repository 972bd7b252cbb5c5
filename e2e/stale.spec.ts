// "A browser that never waits": switching mechanism or preset on a big run keeps
// what is on screen, dimmed and marked stale with the worker's progress, until
// the new run can show a frame. Nothing from the previous run passes as current.
import { test, expect, type PtlabPage } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** The 50 GiB preset's text without its `# open: compare` line: the same run, in the one lane on screen. */
const FIFTY_ONE_LANE = readFileSync('scenarios/03-2021-test-50g.ptlab', 'utf8').replace(/^# open: compare\n/m, '');

async function open50gInOneLane(page: Page): Promise<void> {
  await page.evaluate((src) => window.__ptlab.setSource(src), FIFTY_ONE_LANE);
}

/**
 * Samples the page on every animation frame until the run it waits for is ready: how many frames had no drawing
 * (no SVG or canvas in the page-table view: a blank view) and how many showed the stale marker over a drawing.
 */
async function watchSwitch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log = { frames: 0, blank: 0, stale: 0, busy: false, done: false };
    (window as unknown as { __switch: typeof log }).__switch = log;
    const sample = () => {
      const view = document.querySelector('main .pt-view');
      const drawn = !!view?.querySelector('svg.pt-svg, canvas.pt-canvas');
      log.frames++;
      if (!drawn) log.blank++;
      if (drawn && view?.hasAttribute('data-stale') && view.querySelector('.pt-stale-badge')) log.stale++;
      if (!window.__ptlab.ready) log.busy = true;
      if (log.busy && window.__ptlab.ready) log.done = true;
      else requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
}

async function switchLog(ptlab: PtlabPage) {
  await ptlab.page.waitForFunction(() => (window as unknown as { __switch: { done: boolean } }).__switch.done, null, { timeout: 120_000 });
  return ptlab.page.evaluate(() => (window as unknown as { __switch: { frames: number; blank: number; stale: number } }).__switch);
}

test('switching mechanism on the 50 GiB preset keeps the view, marked stale, until the new run has a frame', async ({ ptlab, page }) => {
  await ptlab.open();
  // Designs off screen would compute on idle, and the switch would find pt-reclaim done: not this test's case.
  await page.evaluate(() => window.__ptlab.setPrefetch(false));
  await ptlab.press('baseline');
  await open50gInOneLane(page);
  await page.waitForFunction(() => window.__ptlab.steps === 51202, null, { timeout: 120_000 });
  await ptlab.waitReady(120_000);
  await page.keyboard.press('End');
  await ptlab.waitReady();
  const view = page.locator('main .pt-view');
  const label = page.getByTestId('step-label');
  await expect(view).not.toHaveAttribute('data-stale');
  await expect(label).toHaveText('step 51,202 / 51,202');
  await expect(ptlab.figure('VmPTE')).toHaveText('102,640 kB');
  await expect(page.getByRole('group', { name: 'Charts', exact: true })).toBeVisible();

  await watchSwitch(page);
  await ptlab.button('pt-reclaim').click();
  // At once: baseline's strips stay, dimmed, with the new run's progress over them; no blank "waiting" view.
  const badge = page.getByRole('status', { name: 'Previous run' });
  await expect(badge).toContainText(/computing pt-reclaim… \d+%/);
  await expect(badge).toContainText('showing baseline, the previous run');
  await expect(view).toHaveAttribute('data-stale', 'true');
  await expect(view.locator('canvas.pt-canvas')).toBeVisible();
  await expect(page.getByText('Waiting for the simulation')).toHaveCount(0);
  // The step count, the chart and the figures say they are the previous run's.
  await expect(label).toContainText('previous run');
  await expect(page.getByRole('group', { name: 'Charts (previous run)' })).toBeVisible();
  await expect(page.locator('main')).toHaveAttribute('data-stale', 'true');

  const log = await switchLog(ptlab);
  expect(log.blank, `frames with a blank view (of ${log.frames})`).toBe(0);
  expect(log.stale, 'frames that showed the previous view marked stale').toBeGreaterThan(0);

  // Then current: pt-reclaim's own frame at the same step, nothing marked.
  await expect(badge).toHaveCount(0);
  await expect(view).not.toHaveAttribute('data-stale');
  await expect(page.locator('main')).not.toHaveAttribute('data-stale');
  await expect(label).toHaveText('step 51,202 / 51,202');
  await expect(ptlab.figure('VmPTE')).toHaveText('240 kB');
  await expect(page.getByRole('group', { name: 'Charts', exact: true })).toBeVisible();
});

test('opening the 50 GiB scenario keeps the previous scenario on screen, marked, while it computes', async ({ ptlab, page }) => {
  await ptlab.open();
  await page.keyboard.press('End');
  await ptlab.waitReady();
  const view = page.locator('main .pt-view');
  await expect(view.locator('svg.pt-svg')).toBeVisible();
  await watchSwitch(page);
  await open50gInOneLane(page);
  await expect(page.getByRole('status', { name: 'Previous run' })).toContainText(/computing… \d+%/);
  await expect(view).toHaveAttribute('data-stale', 'true');
  await expect(view.locator('svg.pt-svg')).toBeVisible();
  await expect(page.getByTestId('step-label')).toContainText('previous run');
  const log = await switchLog(ptlab);
  expect(log.blank, `frames with a blank view (of ${log.frames})`).toBe(0);
  expect(log.stale).toBeGreaterThan(0);
  await expect(view).not.toHaveAttribute('data-stale');
  // An edit keeps the cursor (a preset would go back to the start).
  await expect(page.getByTestId('step-label')).toHaveText('step 5 / 51,202');
});

test('once the lanes on screen are ready, the other designs compute on idle: a later switch shows them at once', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.press('baseline');
  await open50gInOneLane(page);
  await page.waitForFunction(() => window.__ptlab.steps === 51202, null, { timeout: 120_000 });
  await ptlab.waitReady(120_000);
  // pte-ref and pt-reclaim run in their own workers, off screen.
  await page.waitForFunction(() => (['pte-ref', 'pt-reclaim'] as const).every((m) => window.__ptlab.lanes[m]?.status === 'ready' && window.__ptlab.lanes[m]?.total === 51202), null, { timeout: 120_000 });
  await page.keyboard.press('End');
  await ptlab.waitReady();
  await expect(ptlab.figure('VmPTE')).toHaveText('102,640 kB');
  const before = await page.evaluate(() => window.__ptlab.lanes['pt-reclaim']?.ms);
  await watchSwitch(page);
  await ptlab.button('pt-reclaim').click();
  const log = await switchLog(ptlab);
  expect(log.blank, `frames with a blank view (of ${log.frames})`).toBe(0);
  // No new run: the lane shows the run it computed in the background (only its frame is fetched).
  expect(await page.evaluate(() => window.__ptlab.lanes['pt-reclaim']?.ms)).toBe(before);
  await expect(page.getByRole('status', { name: 'Previous run' })).toHaveCount(0);
  await expect(ptlab.figure('VmPTE')).toHaveText('240 kB');
});

test('a recorded program, whose text loads on demand, opens from the gallery and runs', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.choosePreset(/glibc malloc, a server's day/);
  await page.waitForFunction(() => window.__ptlab.steps > 100, null, { timeout: 60_000 });
  await ptlab.waitReady(60_000);
  await expect(page.locator('header').first()).toContainText("glibc malloc, a server's day");
  await page.keyboard.press('End');
  await ptlab.waitReady();
  await expect(ptlab.figure('VmPTE')).not.toHaveText('0 kB');
});
