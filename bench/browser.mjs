// npm run bench:browser: the web app on the 2021 series' 50 GiB test, in
// Chromium. Reports the initial JavaScript (gzipped: the entry and its static
// imports, as index.html loads them), the time from choosing the preset until
// the run is ready (worker simulation + first frame) in one lane and side by
// side, the time to switch mechanism until the new run's frame (and whether
// the view ever went blank meanwhile, sampled every animation frame), the time
// to seek to random steps (worker stateAt + snapshot + transfer + render),
// frame times while panning and zooming the 25,600-table strip view, and peak
// JS heaps. Each figure with a target prints it and the ratio measured/target.
// Needs a build (dist/). PTLAB_BENCH_PORT picks the preview server's port.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumPath, startPreview } from './preview.mjs';

const { url: URL, stop, ready: waitServer } = startPreview(Number(process.env.PTLAB_BENCH_PORT) || 4179);
const exe = chromiumPath;

const stats = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1], n: s.length };
};
const target = (label, value, unit, goal) => {
  const ratio = value / goal;
  console.log(`${label}: ${value.toFixed(unit === 'kB' ? 1 : 0)} ${unit} (target <= ${goal} ${unit}: ${ratio.toFixed(2)}x${ratio <= 1 ? ', met' : ', NOT met'})`);
};

/** Gzipped bytes of the JS index.html loads before anything runs: its module script, modulepreloads and their static imports. */
function initialJs(dist = 'dist') {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    const code = readFileSync(join(dist, f), 'utf8');
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[^"'()]*?\bfrom\s*)?["'](\.\.?\/[^"']+\.js)["']/g)) walk(join(dirname(f), m[1]));
  };
  for (const m of html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\.?\/?([^"]+\.js)"/g)) walk(m[1]);
  let bytes = 0;
  for (const f of seen) bytes += gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  return { bytes, files: seen.size };
}

const fmt = (o) => `median ${o.median.toFixed(1)} ms, p95 ${o.p95.toFixed(1)} ms, max ${o.max.toFixed(1)} ms (n=${o.n})`;

/** In the page: run an action, then sample every animation frame until the page is ready again. */
const timed = (page, action) =>
  page.evaluate(async (action) => {
    const t0 = performance.now();
    if (action.preset) window.__ptlab.loadPreset(action.preset, { single: !!action.single });
    if (action.button) [...document.querySelectorAll('header button, .header button, button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent.trim()) === action.button)?.click();
    let frames = 0;
    let blank = 0;
    let stale = 0;
    let busy = !window.__ptlab.ready;
    return await new Promise((res) => {
      const sample = () => {
        const view = document.querySelector('main .pt-view');
        frames++;
        if (!view?.querySelector('svg.pt-svg, canvas.pt-canvas')) blank++;
        if (document.querySelector('main .pt-view[data-stale]')) stale++;
        if (!window.__ptlab.ready) busy = true;
        if (busy && window.__ptlab.ready) res({ ms: performance.now() - t0, frames, blank, stale });
        else requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
  }, action);

/** The machine's load: timings mean little when other work holds the cores (the targets are for this machine, quiet). */
const load = (when) => `load average ${loadavg().map((x) => x.toFixed(2)).join(', ')} ${when} (${cpus().length} cores)`;

async function main() {
  console.log(load('at the start'));
  const js = initialJs();
  target(`initial JS, gzipped (index.html's module, its modulepreloads and static imports: ${js.files} files)`, js.bytes / 1000, 'kB', 200);
  await waitServer();
  const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: ['--enable-precise-memory-info'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // The main thread's JS heap, sampled every animation frame (performance.memory: Chromium only).
  await page.addInitScript(() => {
    window.__heapPeak = 0;
    const f = () => {
      const m = performance.memory;
      if (m && m.usedJSHeapSize > window.__heapPeak) window.__heapPeak = m.usedJSHeapSize;
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  await page.goto(`${URL}?tour=0`); // a returning visitor: no first-visit tour
  await page.waitForFunction(() => window.__ptlab?.ready);
  // As a person reading the first screen would: the workers warm their cores up on idle after the first run.
  await page.waitForFunction(() => window.__ptlab.warmed, null, { timeout: 30000 });
  const ready = () =>
    page.waitForFunction(() => window.__ptlab.ready, null, { timeout: 60000, polling: 'raf' }).catch(async (e) => {
      console.error(await page.evaluate(() => JSON.stringify({ step: window.__ptlab.step, lanes: window.__ptlab.lanes })));
      throw e;
    });
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  for (const mechanism of ['baseline', 'pt-reclaim']) {
    await page.getByRole('button', { name: mechanism, exact: true }).click();
    await ready();
    await page.evaluate(() => window.__ptlab.loadPreset('01-first-touch'));
    await ready();
    // In this lane alone (the preset itself opens side by side: measured below).
    const run = await timed(page, { preset: '03-2021-test-50g', single: true });
    await ready();
    const readyMs = Math.round(run.ms);
    const simMs = await page.evaluate((m) => window.__ptlab.lanes[m]?.ms, mechanism);
    const seeks = [];
    for (let k = 0; k < 15; k++) {
      const i = Math.floor(rand() * 51202);
      const t = await page.evaluate(async (i) => {
        const t0 = performance.now();
        window.__ptlab.seek(i);
        await new Promise((res) => {
          const check = () => (window.__ptlab.ready ? res() : requestAnimationFrame(check));
          requestAnimationFrame(check);
        });
        return performance.now() - t0;
      }, i);
      seeks.push(t);
    }
    await page.evaluate(() => window.__ptlab.seek(51201));
    await ready();
    const vmPte = await page.evaluate(() => window.__ptlab.figures.VmPTE);
    console.log(`${mechanism.padEnd(10)} ready ${readyMs} ms (worker simulation ${simMs} ms); final VmPTE ${vmPte} kB`);
    target(`${' '.repeat(10)} 50 GiB preset ready after the click, one lane`, readyMs, 'ms', 1000);
    console.log(`${' '.repeat(10)} seek to a random step: ${fmt(stats(seeks))}`);
  }

  // Panning and zooming the strip view of 25,600 tables (baseline, end of run).
  await page.getByRole('button', { name: 'baseline', exact: true }).click();
  await ready();
  await page.evaluate(() => window.__ptlab.seek(51201));
  await ready();
  const canvas = page.locator('canvas.pt-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no strip view');
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const f = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__frames.length < 100000) requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, -600);
  await page.waitForTimeout(300);
  await page.evaluate(() => (window.__frames.length = 0));
  await page.mouse.down();
  for (let k = 0; k < 120; k++) await page.mouse.move(cx + Math.sin(k / 10) * 300, cy + Math.cos(k / 13) * 120);
  await page.mouse.up();
  for (let k = 0; k < 20; k++) await page.mouse.wheel(0, k % 2 ? 300 : -300);
  const frames = await page.evaluate(() => window.__frames.slice(1));
  await page.evaluate(() => (window.__frames.length = 100000));
  console.log(`strip view, 25,605 tables: pan and zoom frame time ${fmt(stats(frames))}`);

  // Switching mechanism on the 50 GiB run (baseline, at its end) to one that has not run it yet.
  const sw = await timed(page, { button: 'pte-ref' });
  target('switch mechanism baseline -> pte-ref until the new run\'s frame (50 GiB, last step)', sw.ms, 'ms', 1000);
  console.log(`${' '.repeat(10)} view blank in ${sw.blank} of ${sw.frames} animation frames (${sw.blank === 0 ? 'never blank: ok' : 'WENT BLANK'}); previous view shown marked stale in ${sw.stale}`);

  // Side by side: all three lanes run the preset (two cores).
  await page.getByRole('button', { name: 'Compare mechanisms', exact: true }).click();
  await ready();
  await page.evaluate(() => window.__ptlab.loadPreset('01-first-touch'));
  await ready();
  const all = await timed(page, { preset: '03-2021-test-50g' });
  target('50 GiB preset ready after the click, compare all (3 lanes)', all.ms, 'ms', 1500);
  await ready();

  const heap = await page.evaluate(() => window.__heapPeak);
  console.log(load('at the end'));
  console.log(heap ? `peak JS heap, main thread: ${(heap / 2 ** 20).toFixed(1)} MiB (workers not included)` : 'peak JS heap: not available in this browser');
  await browser.close();
}

main().then(
  () => {
    stop();
    process.exit(0);
  },
  (e) => {
    console.error(e);
    stop();
    process.exit(1);
  },
);
