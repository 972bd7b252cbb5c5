import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The dev server runs React Fast Refresh from an inline script, which index.html's CSP forbids: drop the CSP there only. */
const noCspInDev: Plugin = {
  name: 'ptlab-no-csp-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

/**
 * `FILE.ptlab?head`: only a preset's leading comment lines (its title and
 * description), so the gallery can list a large preset whose text loads on
 * demand (src/store/presets.ts).
 */
const presetHead: Plugin = {
  name: 'ptlab-preset-head',
  enforce: 'pre',
  async load(id) {
    if (!id.endsWith('.ptlab?head')) return null;
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(id.slice(0, -'?head'.length), 'utf8');
    const head: string[] = [];
    for (const line of text.split('\n')) {
      if (!/^\s*#/.test(line)) break;
      head.push(line);
    }
    return `export default ${JSON.stringify(head.join('\n'))};`;
  },
};

// base './' keeps every asset path relative, so the built site works from any
// sub-path of a static host.
export default defineConfig({
  base: './',
  plugins: [react(), noCspInDev, presetHead],
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'kernel/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
