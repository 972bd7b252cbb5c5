// The kernel suite: every case in kernel/cases and every fixed-address preset
// in scenarios/, replayed on the running kernel and in ptlab, must agree step
// by step. The kernel's figures are measured fresh here, never stored.
// Skipped (with the reason) where the machine cannot run the twin.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mechanisms, type Mechanism } from '../src/core/index.ts';
import { compile } from '../src/scenario/index.ts';
import { compareWithKernel, refuseReason, swapSkipReason } from './compare.ts';
import { kernelSupport } from './twin.ts';

const support = kernelSupport();
const dir = (d: string) => fileURLToPath(new URL(d, import.meta.url));
/** Full-scale cases take minutes on the kernel: `npm run kernel:50g` runs them. */
const FULL_SCALE = /50g/i;

function load(path: string) {
  const c = compile(readFileSync(path, 'utf8'));
  if (!c.ok) throw new Error(`${path}: ${c.errors[0].line}:${c.errors[0].col} ${c.errors[0].message}`);
  return c;
}

const cases = readdirSync(dir('./cases')).filter((f) => f.endsWith('.ptlab') && !FULL_SCALE.test(f)).map((f) => dir(`./cases/${f}`));
const presets = readdirSync(dir('../scenarios')).filter((f) => f.endsWith('.ptlab') && !FULL_SCALE.test(f)).map((f) => dir(`../scenarios/${f}`)).filter((p) => !refuseReason(load(p)));

describe.skipIf(!support.ok)(`the running kernel agrees with ptlab${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  it('has at least 25 cases of its own', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
  for (const path of [...cases, ...presets]) {
    const name = path.split('/').slice(-2).join('/');
    // A case that pages out with swap on runs only where the machine has swap (and the reverse).
    const noSwap = swapSkipReason(load(path));
    it.skipIf(noSwap !== undefined)(noSwap ? `${name} (skipped: ${noSwap})` : name, () => {
      const r = compareWithKernel(load(path));
      if (r.status === 'skipped' || r.status === 'refused') throw new Error(r.reason);
      if (r.status === 'inconclusive') return; // the kernel could not get a huge page: no verdict
      const first = r.first ? `line ${r.first.line} \`${r.first.text}\`: kernel ${JSON.stringify(r.first.kernel)}, ptlab ${JSON.stringify(r.first.sim)}` : '';
      expect(r.status, first).toBe('match');
    });
  }

  it('catches a deliberately wrong rule at the right line', () => {
    // Free a PTE table whenever a zap empties it (the 2021 rule), on a kernel
    // that has either baseline or pt-reclaim: the 4 KiB DONTNEED must mismatch.
    const wrong: Mechanism = mechanisms['pte-ref'];
    const r = compareWithKernel(load(dir('../scenarios/01-first-touch.ptlab')), { mechanismImpl: wrong });
    expect(r.status).toBe('mismatch');
    if (r.status !== 'mismatch') return;
    expect(r.first?.text).toBe('madvise X 0 4K dontneed');
    expect(r.first?.line).toBe(14);
  });
});
