import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Playwright cannot download its own browser here: use Debian's chromium.
// PTLAB_CHROMIUM overrides; with neither, Playwright's own browser is used.
const candidates = [process.env.PTLAB_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const executablePath = candidates.find((p): p is string => !!p && existsSync(p));
// Another checkout may run its own e2e at the same time: PTLAB_E2E_PORT picks a free port.
const port = Number(process.env.PTLAB_E2E_PORT) || 4173;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: executablePath ? { executablePath } : {},
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
