// The built site works from any sub-path of a plain static host: a tiny
// node:http server mounts dist/ at /some/path/ (nothing else, no rewrites)
// and the app loads, runs its worker under the CSP, and opens a link there.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { test, expect } from './fixtures.ts';
import { encodeLink } from '../src/share/link.ts';

const MOUNT = '/some/path/';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

let server: Server;
let origin = '';
const requested: string[] = [];

test.beforeAll(async () => {
  const root = normalize('dist');
  server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requested.push(url);
    if (!url.startsWith(MOUNT)) {
      res.writeHead(404).end('not here');
      return;
    }
    let file = join(root, normalize(url.slice(MOUNT.length)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('no such file');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('the build loads from a sub-path of a static host, and links work there', async ({ ptlab, page }) => {
  await page.goto(origin + MOUNT);
  await ptlab.waitReady();
  expect((await ptlab.state()).steps).toBe(5);
  await ptlab.press('Next statement');
  await ptlab.press('Next statement');
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  // Every request stayed under the mount (relative asset and worker paths).
  expect(requested.filter((u) => !u.startsWith(MOUNT))).toEqual([]);
  expect(requested.some((u) => /sim\.worker-.*\.js$/.test(u))).toBe(true);

  const link = encodeLink({ scenario: 'mmap A 4M at 0x100000000000\ntouch A 0 8K\ntouch A 2M 4K\n', mechanisms: ['baseline'], step: 2 });
  await page.goto('about:blank');
  await page.goto(`${origin}${MOUNT}#${link}`);
  await ptlab.waitReady();
  expect(await ptlab.state()).toMatchObject({ step: 2, mechanism: 'baseline', steps: 3 });
  await expect(ptlab.figure('PTE tables')).toHaveText('2');
  // The hash never reaches the server.
  expect(requested.some((u) => u.includes('v1:'))).toBe(false);
});
