// The prebuilt command as users run it: bin/ptlab.mjs in a subprocess, loading
// dist-cli/ptlab.mjs (npm run test:unit builds it first). Its figures equal
// the in-process run; a missing or stale build is refused with one line.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { toJson } from './format.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/ptlab.mjs');
const built = join(root, 'dist-cli');
const preset = join(root, 'scenarios/01-first-touch.ptlab');
const tmp = mkdtempSync(join(tmpdir(), 'ptlab-bin-'));

const ptlab = (args: string[], opts: { bin?: string; cliDir?: string } = {}) => {
  const env = { ...process.env };
  delete env.PTLAB_CLI_DIR;
  if (opts.cliDir) env.PTLAB_CLI_DIR = opts.cliDir;
  const r = spawnSync(process.execPath, [opts.bin ?? bin, ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** A copy of the real build in a fresh folder (for PTLAB_CLI_DIR). */
const copyBuild = (name: string): string => {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const f of ['ptlab.mjs', 'inputs.json']) copyFileSync(join(built, f), join(dir, f));
  return dir;
};

/** The refusal: one line on stderr naming the rebuild command, exit 2, no stack trace. */
const expectRefusal = (r: { code: number | null; out: string; err: string }, reason: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/^ptlab: .*: run `npm run build:cli` to rebuild it\n$/);
  expect(r.err).toMatch(reason);
  expect(r.err.trim().split('\n')).toHaveLength(1);
};

describe('the built ptlab command', () => {
  it('prints the same figures as the in-process run, as JSON', () => {
    const r = ptlab(['run', preset, '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const c = compile(readFileSync(preset, 'utf8'));
    if (!c.ok) throw new Error(c.errors[0].message);
    const expected = { results: MECHANISMS.map((m) => toJson(runFlat(c.ops, { mechanism: m }, c.initialExpects), 'all')) };
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(expected)));
  });
  it('exits 2 on a parse error, with FILE:LINE: on stderr', () => {
    const f = join(tmp, 'bad.ptlab');
    writeFileSync(f, 'mmap A 4M\ntouch A 0 4K\nfrobnicate A\n');
    const r = ptlab(['check', f]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error: `));
  });
  it('bundles no UI code and imports only Node builtins', () => {
    const record = JSON.parse(readFileSync(join(built, 'inputs.json'), 'utf8')) as { inputs: string[]; packages: string[] };
    expect(record.inputs).toContain('src/cli/main.ts');
    expect(record.inputs.filter((f) => /^src\/(views|store|layout|worker)\/|\.tsx$/.test(f))).toEqual([]);
    expect(record.packages.filter((p) => /^(react|react-dom|d3|zustand|@codemirror|@lezer|tsx)/.test(p))).toEqual([]);
    const code = readFileSync(join(built, 'ptlab.mjs'), 'utf8');
    const specifiers = [...code.matchAll(/^import\b[^'"]*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });
  it('runs with no node_modules and no sources beside it (no compiler at run time)', () => {
    const dir = join(tmp, 'installed');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    copyFileSync(bin, join(dir, 'bin/ptlab.mjs'));
    copyBuild('installed/dist-cli');
    const r = ptlab(['check', preset], { bin: join(dir, 'bin/ptlab.mjs') });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: ok, \d+ statements to run/);
  });
});

describe('a missing or stale build', () => {
  it('a fresh copy of the build runs (PTLAB_CLI_DIR)', () => {
    const r = ptlab(['check', preset], { cliDir: copyBuild('fresh') });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
  it('is refused when the bundle is missing', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    expectRefusal(ptlab(['check', preset], { cliDir: dir }), /the built command .* is missing/);
  });
  it('is refused when the bundle is older than a source it was built from', () => {
    const dir = copyBuild('stale');
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(join(dir, 'ptlab.mjs'), old, old);
    expectRefusal(ptlab(['run', preset], { cliDir: dir }), /the built command is older than (src|kernel)\/\S+\.ts/);
  });
  it('is refused when a source it was built from is gone, or the record is unreadable', () => {
    const gone = copyBuild('gone');
    writeFileSync(join(gone, 'inputs.json'), JSON.stringify({ bundle: 'ptlab.mjs', inputs: ['src/cli/main.ts', 'src/cli/no-such-file.ts'], packages: [] }));
    expectRefusal(ptlab(['check', preset], { cliDir: gone }), /src\/cli\/no-such-file\.ts is gone/);
    const bad = copyBuild('bad');
    writeFileSync(join(bad, 'inputs.json'), '{');
    expectRefusal(ptlab(['check', preset], { cliDir: bad }), /no valid .*inputs\.json/);
  });
});
