// npm run bench:browser (its second part): the 55 TiB production preset
// (scenarios/29-production-55t.ptlab) in Chromium, one lane per design in
// turn: the time from choosing it until its run is ready and drawn (the
// worker simulates 699,444 statements and 31 billion faults), the peak
// memory of the tab's processes meanwhile (renderer, which runs the worker,
// plus the GPU process), seeks to a few steps (replay from the nearest
// checkpoint), and the strip view's frames zoomed out (a pixel per PMD table)
// and in. Targets from the production-scale issue: <= 60 s and <= 1.5 GiB.
// Needs a build (dist/). PTLAB_BENCH_PORT picks the preview server's port.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumPath, startPreview } from './preview.mjs';

const { url: URL, stop, ready: waitServer } = startPreview(Number(process.env.PTLAB_BENCH_PORT ?? 4179) + 1);
const exe = chromiumPath;

/**
 * RSS (kB) of the tab: its renderer (the largest renderer process: it runs
 * the page and its workers; headless Chromium keeps a spare one or two of
 * ~100 MB that are not the tab's) plus the GPU process.
 */
const split = { renderer: 0, gpu: 0 };
function tabRssKb(browserPid) {
  let kb = 0;
  let r = 0;
  let g = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !/--type=(renderer|gpu-process)/.test(cmd)) continue;
      const stat = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (browserPid && !stat.includes(`PPid:\t${browserPid}`) && !cmd.includes('--type=renderer') && !cmd.includes('--type=gpu-process')) continue;
      const v = Number(/VmRSS:\s+(\d+)/.exec(stat)?.[1] ?? 0);
      if (cmd.includes('--type=renderer')) r = Math.max(r, v);
      else g += v;
    } catch {
      /* gone */
    }
  }
  kb = r + g;
  split.renderer = Math.max(split.renderer, r);
  split.gpu = Math.max(split.gpu, g);
  return kb;
}

const target = (label, value, unit, goal) => {
  const ratio = value / goal;
  console.log(`${label}: ${value.toFixed(unit === 's' || unit === 'GiB' ? 2 : 0)} ${unit} (target <= ${goal} ${unit}: ${ratio.toFixed(2)}x${ratio <= 1 ? ', met' : ', NOT met'})`);
};

await waitServer();
const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}) });
try {
  console.log('\nThe 55 TiB production preset in the browser, one lane per design:');
  // PTLAB_BENCH_DESIGNS=baseline,pte-ref runs only those (none: only the designs compared, with PTLAB_BENCH_COMPARED=1).
  const designs = (process.env.PTLAB_BENCH_DESIGNS ?? 'baseline,pte-ref,pt-reclaim').split(',').filter((d) => ['baseline', 'pte-ref', 'pt-reclaim'].includes(d));
  for (const mechanism of designs) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${URL}?tour=0`);
    await page.waitForFunction(() => window.__ptlab?.ready);
    await page.evaluate((m) => window.__ptlab.setMechanism(m), mechanism);
    await page.waitForFunction((m) => window.__ptlab.ready && window.__ptlab.mechanism === m, mechanism, { timeout: 60_000 });
    let peak = tabRssKb();
    const poll = setInterval(() => (peak = Math.max(peak, tabRssKb())), 250);
    const t0 = Date.now();
    await page.evaluate(() => window.__ptlab.loadPreset('29-production-55t', { single: true }));
    await page.waitForFunction(() => !window.__ptlab.ready, null, { timeout: 10_000 }).catch(() => {});
    await page.waitForFunction(() => window.__ptlab.ready && document.querySelector('main .pt-view:not([data-stale]) canvas.pt-canvas[data-cells]'), null, { timeout: 300_000, polling: 500 });
    const s = (Date.now() - t0) / 1000;
    const atReady = tabRssKb();
    const shown = await page.evaluate(() => document.querySelector('main .pt-view')?.getAttribute('data-mechanism'));
    // The last step's headline: the figures the CLI prints (scenarios/golden/29-production-55t.txt).
    await page.evaluate((n) => window.__ptlab.seek(n), 699_443);
    await page.waitForFunction(() => window.__ptlab.ready, null, { timeout: 300_000, polling: 100 });
    const figures = await page.evaluate(() => document.querySelector('[data-testid="headline"]')?.getAttribute('aria-label') ?? '');
    target(`  ${mechanism}: ready and drawn after the click (${shown})`, s, 's', 60);
    console.log(`  ${mechanism}: at the end, ${figures}`);
    console.log(`  ${mechanism}: tab memory when ready ${(atReady / 1024).toFixed(0)} MiB, at the last step ${(tabRssKb() / 1024).toFixed(0)} MiB`);
    if (mechanism === designs[0]) await page.screenshot({ path: '/tmp/ptlab-55t-end.png' });
    // Seeks: the middle and a quarter of the run (replayed from the nearest checkpoint).
    for (const at of [349_722, 174_861]) {
      const t1 = Date.now();
      await page.evaluate((i) => window.__ptlab.seek(i), at);
      await page.waitForFunction(() => window.__ptlab.ready, null, { timeout: 300_000, polling: 100 });
      console.log(`  ${mechanism}: seek to step ${at.toLocaleString('en')}: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
    clearInterval(poll);
    peak = Math.max(peak, tabRssKb());
    target(`  ${mechanism}: peak memory of the tab (renderer + GPU process)`, peak / 2 ** 20, 'GiB', 1.5);
    console.log(`  ${mechanism}: peaks apart: renderer ${(split.renderer / 1024).toFixed(0)} MiB, GPU process ${(split.gpu / 1024).toFixed(0)} MiB`);
    split.renderer = split.gpu = 0;
    if (mechanism === designs[0]) await page.screenshot({ path: '/tmp/ptlab-55t.png' });
    await page.close();
  }
  // The designs compared from one pass each (what "Compare mechanisms" opens on a
  // production-size run): the lane's run is set aside, two passes at a time.
  if (!process.env.PTLAB_BENCH_DESIGNS || process.env.PTLAB_BENCH_COMPARED) {
    console.log('\nThe 55 TiB preset\'s designs compared, one pass each (two workers at a time):');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${URL}?tour=0`);
    await page.waitForFunction(() => window.__ptlab?.ready);
    await page.evaluate(() => window.__ptlab.setMechanism('pte-ref'));
    await page.evaluate(() => window.__ptlab.loadPreset('29-production-55t', { single: true }));
    await page.waitForFunction(() => window.__ptlab.ready && document.querySelector('main .pt-view:not([data-stale]) canvas.pt-canvas[data-cells]'), null, { timeout: 300_000, polling: 500 });
    let peak = tabRssKb();
    const poll = setInterval(() => (peak = Math.max(peak, tabRssKb())), 250);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Compare mechanisms', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('.designs-passes li[data-state="done"]').length === 3 || document.querySelector('.designs-passes li[data-state="failed"]'), null, { timeout: 600_000, polling: 500 });
    const s = (Date.now() - t0) / 1000;
    clearInterval(poll);
    const rows = await page.evaluate(() => [...document.querySelectorAll('.designs-table tbody tr')].slice(0, 4).map((tr) => [...tr.children].map((c) => c.textContent).join(' | ')));
    target('  all three passes done after the click', s, 's', 60);
    for (const r of rows) console.log(`  ${r}`);
    target('  peak memory of the tab meanwhile (renderer + GPU process)', peak / 2 ** 20, 'GiB', 1.5);
    await page.screenshot({ path: '/tmp/ptlab-55t-designs.png' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: '/tmp/ptlab-55t-designs-1024.png' });
    await page.close();
  }
} finally {
  await browser.close();
  stop();
}
