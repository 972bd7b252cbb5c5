// What the browser benchmarks share: Debian's Chromium, and the built app
// served by `vite preview` on a port of their own (Vite's own entry, not npx:
// killing this process then stops the server).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = [process.env.PTLAB_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

/** Serve dist/ on `port`; `ready()` resolves once it answers, `stop()` ends it (also at exit). */
export function startPreview(port) {
  const url = `http://127.0.0.1:${port}/`;
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore' });
  const stop = () => server.kill();
  process.on('exit', stop);
  const ready = async () => {
    for (let k = 0; k < 100; k++) {
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('preview server did not start');
  };
  return { url, stop, ready };
}
