// A live process's snapshot from the real command (ptlab inspect --save) opens
// in the app by picker and by drop: its figures and a strip per mapping; a
// damaged one gets a clear notice and no dialog.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';

test.skip(process.platform !== 'linux', 'ptlab inspect reads /proc');

test('a ptlab inspect snapshot opens by picker and by drop; a damaged one is refused with its reason', async ({ ptlab, page }) => {
  // A real process to inspect: a node that maps and touches 64 MiB, then waits.
  const child = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(64 << 20, 1); console.log("ready"); setInterval(() => b[0]++, 1000)']);
  await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
  const file = join(mkdtempSync(join(tmpdir(), 'ptlab-e2e-')), 'server.json');
  const r = spawnSync(process.execPath, ['bin/ptlab.mjs', 'inspect', String(child.pid), '--save', file], { encoding: 'utf8' });
  child.kill();
  expect(r.status, r.stderr).toBe(0);
  const text = readFileSync(file, 'utf8');
  const snap = JSON.parse(text);

  await ptlab.open();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('dialog', { name: 'Export' }).getByLabel('Scenario file').setInputFiles({ name: 'server.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  const dialog = page.getByRole('dialog', { name: 'Live process snapshot' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`process ${child.pid}`);
  const figures = dialog.getByLabel('Snapshot figures');
  await expect(figures).toContainText(`VmPTE measured${snap.VmPTE.toLocaleString('en')} kB`);
  await expect(figures).toContainText(`minimum for its pages${snap.minimum.kB.toLocaleString('en')} kB`);
  await expect(figures).toContainText(`beyond the minimum${(snap.VmPTE - snap.minimum.kB).toLocaleString('en')} kB`);
  // One row and one strip per mapping, the stack among them.
  await expect(dialog.locator('tbody tr')).toHaveCount(snap.mappings.length);
  await expect(dialog.locator('tbody canvas')).toHaveCount(snap.mappings.length);
  await expect(dialog.locator('tbody tr', { hasText: '[stack]' })).toHaveCount(1);
  // The strips are drawn: some pixel of the first canvas is not the blank background.
  const painted = await dialog.locator('tbody canvas').first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
    return false;
  });
  expect(painted).toBe(true);
  await ptlab.shot('inspect-snapshot');
  // Ordered by the slots without a page: the first row has the most.
  await dialog.getByLabel('most slots without a page first').check();
  const gaps = await dialog.locator('tbody tr td:nth-child(4)').allTextContents();
  const without = gaps.map((g) => {
    const [w, n] = g.split('/').map((x) => Number(x.replace(/[^\d]/g, '')));
    return n - w;
  });
  expect(without).toEqual([...without].sort((a, b) => b - a));
  await dialog.getByRole('button', { name: /close/i }).click();
  await expect(dialog).toBeHidden();

  // By drop, and a damaged one: a notice that says what is wrong, no dialog.
  const damaged = text.replace('"version":1', '"version":1,"VmPTE":-1,"x":0').replace(/"VmPTE":\d+,/, '');
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'broken.json', { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, damaged);
  await expect(page.getByRole('status', { name: 'Notice' })).toContainText('broken.json: damaged snapshot: VmPTE is not a count');
  await expect(dialog).toBeHidden();
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'server.json', { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(dialog).toBeVisible();
});
