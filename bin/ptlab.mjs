#!/usr/bin/env node
// The ptlab command. It runs plain JavaScript: dist-cli/ptlab.mjs, bundled from
// src/cli/main.ts by vite.cli.config.ts (`npm run build:cli`; `npm install`,
// `npm ci` and `npm run build` build it too). No TypeScript compiler loads here.
//
// In a checkout with src/, it first checks that the build is there and not older
// than the sources it was built from (dist-cli/inputs.json lists them), so an
// edit is never silently ignored. PTLAB_CLI_DIR names another build folder.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = process.env.PTLAB_CLI_DIR ? resolve(process.env.PTLAB_CLI_DIR) : join(root, 'dist-cli');
const REBUILD = 'run `npm run build:cli` to rebuild it';

/** Why the build cannot be used, or undefined if it can. */
function problem() {
  let built;
  try {
    built = statSync(join(dir, 'ptlab.mjs')).mtimeMs;
  } catch {
    return `the built command ${join(dir, 'ptlab.mjs')} is missing`;
  }
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')).inputs;
    if (!Array.isArray(inputs)) throw new Error('no inputs');
  } catch {
    return `the built command has no valid ${join(dir, 'inputs.json')}`;
  }
  // Installed without the sources (no src/): nothing to compare with.
  if (statSync(join(root, 'src'), { throwIfNoEntry: false }) === undefined) return undefined;
  for (const rel of inputs) {
    const s = statSync(join(root, rel), { throwIfNoEntry: false });
    if (s === undefined) return `the built command is out of date (${rel} is gone)`;
    if (s.mtimeMs > built) return `the built command is older than ${rel}`;
  }
  return undefined;
}

const why = problem();
if (why) {
  process.stderr.write(`ptlab: ${why}: ${REBUILD}\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(join(dir, 'ptlab.mjs')).href);
process.exitCode = await main(process.argv.slice(2));
