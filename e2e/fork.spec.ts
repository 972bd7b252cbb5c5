// After a fork the page shows the processes side by side: each one's
// figures, its own tables, and a marker on tables whose pages the other
// process shares (copy on write).
import { test, expect } from './fixtures.ts';

test('the fork preset shows both processes, their figures and the shared pages', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('40-fork-cow'));
  await ptlab.waitReady();
  const procs = page.getByRole('region', { name: 'Processes' });
  const parent = procs.locator('[data-proc="parent"]');
  const child = procs.locator('[data-proc="child"]');

  await ptlab.api((a) => a.seek(1)); // touch A 0 1M: one process, no lanes
  await ptlab.waitReady();
  await expect(procs).toHaveCount(0);

  await ptlab.api((a) => a.seek(2)); // fork child
  await ptlab.waitReady();
  await expect(procs).toBeVisible();
  for (const p of [parent, child]) {
    await expect(p.locator('[data-figure="VmPTE"]')).toHaveText('12 kB');
    await expect(p.locator('[data-figure="RssAnon"]')).toHaveText('1024 kB');
    await expect(p.locator('[data-figure="shared"]')).toHaveText('256');
    await expect(p.locator('.proc-pte.shared')).toHaveCount(1);
  }
  await expect(child.locator('.proc-pte .share')).toHaveText('⇄ 256');
  await ptlab.shot('fork-two-processes');

  await ptlab.api((a) => a.seek(3)); // in child: touch A 0 4K: one page copied
  await ptlab.waitReady();
  await expect(child.locator('[data-figure="shared"]')).toHaveText('255');
  await expect(parent.locator('[data-figure="shared"]')).toHaveText('255');

  await ptlab.api((a) => a.seek(5)); // in child: madvise A 0 2M dontneed: the child's table goes (pte-ref), the parent's stays
  await ptlab.waitReady();
  await expect(child.locator('[data-figure="VmPTE"]')).toHaveText('8 kB');
  await expect(child.locator('.proc-pte')).toHaveCount(0);
  await expect(parent.locator('[data-figure="VmPTE"]')).toHaveText('12 kB');
  await expect(parent.locator('[data-figure="shared"]')).toHaveText('0');

  await ptlab.api((a) => a.seek(6)); // exit child
  await ptlab.waitReady();
  await expect(child).toHaveCount(0);
  await expect(parent.locator('[data-figure="RssAnon"]')).toHaveText('1024 kB');
});
