// Test helpers: run scenario text under a mechanism with the invariant
// checker on, and fail loudly on any parse error, runtime error or violation.
import { compile } from '../../scenario/index.ts';
import type { MechanismName } from '../../scenario/ast.ts';
import { Run, type RunSummary } from '../trace/run.ts';

export function run(source: string, mechanism: MechanismName, opts: { allowError?: boolean; zeroPage?: boolean } = {}): RunSummary {
  const c = compile(source);
  if (!c.ok) throw new Error(`parse: ${c.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('; ')}`);
  const r = new Run(c.ops, { mechanism, checkInvariants: true, zeroPage: opts.zeroPage }, c.initialExpects);
  r.advance();
  const s = r.summary();
  if (s.invariantViolations.length) throw new Error(`invariants (${mechanism}) at line ${s.invariantViolations[0].line}: ${s.invariantViolations[0].messages.join('; ')}`);
  if (s.error && !opts.allowError) throw new Error(`runtime error (${mechanism}) at line ${s.error.line}: ${s.error.error.message}`);
  if (s.expectFailures.length) throw new Error(s.expectFailures.map((f) => f.message).join('\n'));
  return s;
}

/** VmPTE after every step. */
export const vmpte = (s: RunSummary): number[] => s.steps.map((x) => x.figures.VmPTE);
export const rss = (s: RunSummary): number[] => s.steps.map((x) => x.figures.RssAnon);
