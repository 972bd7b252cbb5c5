// The ptlab command, prebuilt: one ESM file for Node (dist-cli/ptlab.mjs) that
// bin/ptlab.mjs loads, so no TypeScript compiler runs when the command starts.
// `npm run build:cli` runs it; `npm install` / `npm ci` (prepare) and
// `npm run build` do too.
//
// Beside the bundle, dist-cli/inputs.json lists the source files it was built
// from (relative to the repository root): bin/ptlab.mjs stats only those to
// tell a stale build from a fresh one.
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const outDir = join(root, 'dist-cli');
const toPosix = (p: string): string => p.split(sep).join('/');

/**
 * A module that finds a file next to itself (`new URL('./twin.c',
 * import.meta.url)`) must keep finding it from the bundle: its
 * `import.meta.url` becomes its source file's URL, computed from the bundle's
 * own URL (dist-cli/ sits in the repository, beside src/ and kernel/).
 */
const sourceImportMetaUrl: Plugin = {
  name: 'ptlab-cli-source-import-meta-url',
  transform(code, id) {
    if (id.includes('/node_modules/') || id.includes('\0') || !code.includes('import.meta.url')) return null;
    const file = id.split('?')[0];
    const rel = toPosix(relative(outDir, file));
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), map: null };
  },
};

/** What the command must never bundle: the app's UI and its packages. */
const UI = /^(src\/(views|store|layout|worker)\/|node_modules\/(react|react-dom|scheduler|d3[^/]*|@codemirror\/|@lezer\/|zustand)\/)/;

/**
 * dist-cli/inputs.json: the source files bundled (what the staleness check
 * stats) and the packages bundled. Fails the build if UI code crept in.
 */
const recordInputs: Plugin = {
  name: 'ptlab-cli-record-inputs',
  writeBundle(_options, bundle) {
    const inputs = new Set<string>();
    const packages = new Set<string>();
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) {
        if (id.includes('\0')) continue;
        const rel = toPosix(relative(root, id.split('?')[0]));
        if (UI.test(rel)) this.error(`the ptlab command must not bundle UI code: ${rel}`);
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(rel);
        if (pkg) packages.add(pkg[1]);
        else inputs.add(rel);
      }
    }
    const record = { bundle: 'ptlab.mjs', inputs: [...inputs].sort(), packages: [...packages].sort() };
    writeFileSync(join(outDir, 'inputs.json'), JSON.stringify(record, null, 1) + '\n');
  },
};

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [sourceImportMetaUrl, recordInputs],
  // Bundle every package the command imports; only Node's builtins stay external.
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: resolve(root, 'src/cli/main.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        format: 'esm',
        entryFileNames: 'ptlab.mjs',
        // One file: `kernel` and `bench` are inlined rather than split into
        // chunks, so the command reads a single file when it starts.
        codeSplitting: false,
      },
    },
  },
});
