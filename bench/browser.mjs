// npm run bench:browser: the web app on the 2021 series' 50 GiB test, in
// Chromium. Reports the time from choosing the preset until the run is ready
// (worker simulation + first frame), the time to seek to random steps
// (worker stateAt + snapshot + transfer + render), and frame times while
// panning and zooming the 25,600-table strip view. Needs a build (dist/).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.PTLAB_BENCH_PORT) || 4179;
const URL = `http://127.0.0.1:${PORT}/`;
const exe = [process.env.PTLAB_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

// Vite's own entry, not npx: killing this process then stops the server.
const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore' });
const stop = () => server.kill();
process.on('exit', stop);

async function waitServer() {
  for (let k = 0; k < 100; k++) {
    try {
      if ((await fetch(URL)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('preview server did not start');
}

const stats = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1], n: s.length };
};
const fmt = (o) => `median ${o.median.toFixed(1)} ms, p95 ${o.p95.toFixed(1)} ms, max ${o.max.toFixed(1)} ms (n=${o.n})`;

async function main() {
  await waitServer();
  const browser = await chromium.launch(exe ? { executablePath: exe } : {});
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(URL);
  await page.waitForFunction(() => window.__ptlab?.ready);
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
    const t0 = Date.now();
    await page.evaluate(() => window.__ptlab.loadPreset('03-2021-test-50g'));
    await page.waitForFunction(() => window.__ptlab.running, null, { polling: 'raf' }).catch(() => {});
    await ready();
    const readyMs = Date.now() - t0;
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
  console.log(`strip view, 25,605 tables: pan and zoom frame time ${fmt(stats(frames))}`);
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
