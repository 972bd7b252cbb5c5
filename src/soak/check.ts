// One soak sequence under the three designs, in lockstep: the invariant
// checker (src/core/trace/invariants.ts) after every step of every design,
// and after every step the cross-design rules that must hold whatever the
// operations:
//
// - the same statements fail (an error is the VMAs' business, and the three
//   designs share the VMA code: they differ only in when PTE tables go);
// - VmSize is equal (same VMAs);
// - VmPTE(baseline) >= VmPTE(pt-reclaim) >= VmPTE(pte-ref): baseline frees
//   a PTE table only where all three do (munmap's free_pgtables, a whole
//   huge PMD's deposited table); pt-reclaim adds the whole-slot DONTNEED
//   frees, which empty the table, so pte-ref's count reaches 0 there too;
//   PMD and PUD tables are freed by free_pgtables alone under all three.
//   With THP a slot that one design freed may take a huge page where another
//   keeps a 4 KiB table: both cost one table (the deposit), so the order holds;
// - RssAnon is equal when THP is off (`thp never`). With THP it may differ
//   legitimately: a slot whose emptied table was freed takes a 2 MiB page on
//   the next fault where the kept table forces 4 KiB pages (properties.test.ts
//   shows one); then RssAnon(baseline) <= RssAnon(others) is all that holds
//   for that reason, and it is not checked.
import { MECHANISMS, type FlatStatement, type MechanismName } from '../scenario/ast.ts';
import type { Mechanism } from '../core/mm/mechanism.ts';
import { Run } from '../core/trace/run.ts';
import type { Sequence } from './generate.ts';

export type FailureKind = 'invariant' | 'error-mismatch' | 'vmsize' | 'vmpte-order' | 'rss';

export interface Failure {
  kind: FailureKind;
  /** The design whose invariant broke (kind 'invariant'). */
  mechanism?: MechanismName;
  /** Index into seq.ops of the statement after which it was seen. */
  op: number;
  message: string;
}

export interface CheckOptions {
  /** Replace a design's rules (tests inject a wrong one). */
  impls?: Partial<Record<MechanismName, Mechanism>>;
}

/** The flat statement stream a sequence runs (what its .ptlab text compiles to). */
export function toFlat(seq: Sequence): FlatStatement[] {
  const pre: FlatStatement[] = [{ line: 1, text: `thp ${seq.thp}`, op: { op: 'thp', mode: seq.thp } }];
  if (!seq.zeroPage) pre.push({ line: 2, text: 'zeropage off', op: { op: 'zeropage', on: false } });
  return [...pre, ...seq.ops.map((op, i) => ({ line: pre.length + i + 1, text: op.op, op }))];
}

export interface CheckResult {
  failure: Failure | null;
  /** Statements executed per design (a failing statement ends the sequence). */
  steps: number;
  /** The sequence stopped at an error (the same in every design). */
  errored: boolean;
}

export function checkSequence(seq: Sequence, opts: CheckOptions = {}): CheckResult {
  const flat = toFlat(seq);
  const pre = flat.length - seq.ops.length;
  const runs = MECHANISMS.map((m) => new Run(flat, { mechanism: m, mechanismImpl: opts.impls?.[m], checkInvariants: true, keepSteps: false }));
  let steps = 0;
  for (let i = 0; i < flat.length; i++) {
    for (const r of runs) r.advance(1);
    steps++;
    const op = i - pre;
    const fail = (kind: FailureKind, message: string, mechanism?: MechanismName): CheckResult => ({ failure: { kind, op, message, ...(mechanism ? { mechanism } : {}) }, steps, errored: false });
    for (const r of runs) {
      const v = r.invariantViolations[0];
      if (v) return fail('invariant', `${r.mechanism}: ${v.messages[0]}`, r.mechanism as MechanismName);
    }
    const [b, p, c] = runs.map((r) => r.lastStep!);
    if (!!b.error !== !!p.error || !!b.error !== !!c.error) {
      // MADV_COLLAPSE may differ by design, as on the kernel: a slot whose PTE table a design freed has a
      // none PMD entry, and the collapse refuses it (EINVAL; kernel/FINDINGS.md). The sequence ends there.
      const st = seq.ops[op];
      if (st?.op === 'madvise' && st.advice === 'collapse') return { failure: null, steps, errored: true };
      return fail('error-mismatch', `the designs disagree on an error: ${runs.map((r) => `${r.mechanism} ${r.lastStep!.error?.message ?? 'ok'}`).join('; ')}`);
    }
    const [fb, fp, fc] = [b.figures, p.figures, c.figures];
    if (fb.VmSize !== fp.VmSize || fb.VmSize !== fc.VmSize) return fail('vmsize', `VmSize differs: baseline ${fb.VmSize} kB, pte-ref ${fp.VmSize} kB, pt-reclaim ${fc.VmSize} kB`);
    if (!(fb.VmPTE >= fc.VmPTE && fc.VmPTE >= fp.VmPTE)) return fail('vmpte-order', `VmPTE out of order: baseline ${fb.VmPTE} kB, pt-reclaim ${fc.VmPTE} kB, pte-ref ${fp.VmPTE} kB (must be baseline >= pt-reclaim >= pte-ref)`);
    if (seq.thp === 'never' && (fb.RssAnon !== fp.RssAnon || fb.RssAnon !== fc.RssAnon)) return fail('rss', `RssAnon differs without THP: baseline ${fb.RssAnon} kB, pte-ref ${fp.RssAnon} kB, pt-reclaim ${fc.RssAnon} kB`);
    if (b.error) return { failure: null, steps, errored: true };
  }
  return { failure: null, steps, errored: false };
}
