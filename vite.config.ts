import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The dev server runs React Fast Refresh from an inline script, which index.html's CSP forbids: drop the CSP there only. */
const noCspInDev: Plugin = {
  name: 'ptlab-no-csp-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

// base './' keeps every asset path relative, so the built site works from any
// sub-path of a static host.
export default defineConfig({
  base: './',
  plugins: [react(), noCspInDev],
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'kernel/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
