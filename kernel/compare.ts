// ptlab vs the running kernel, step by step: run a scenario's statements on
// the kernel through the C twin and in the simulator (with the mechanism the
// kernel runs), and compare the changes of VmPTE and RssAnon after every
// statement. The kernel's figures are measured fresh on every call; nothing
// here stores an expected value. Node only.
import { runFlat, type Mechanism, type RunSummary, type ResolvedOp, type StepResult } from '../src/core/index.ts';
import type { CompileResult } from '../src/scenario/index.ts';
import { detectMechanism, detectSwap, detectZeroPage, kernelSupport, runTwin, type TwinStep } from './twin.ts';

type Compiled = Extract<CompileResult, { ok: true }>;

export interface CompareStep {
  index: number;
  line: number;
  text: string;
  iter?: number;
  kernel: { VmPTE: number; RssAnon: number } | { error: string };
  sim: { VmPTE: number; RssAnon: number } | { error: string };
  match: boolean;
  /** After a fork: every child's changes on both sides (since the twin's own fork copy, cbase); `match` covers them too. */
  procs?: { name: string; kernel: { VmPTE: number; RssAnon: number } | { error: string }; sim: { VmPTE: number; RssAnon: number } | { error: string }; match: boolean }[];
  /** THP allocation failed on the kernel: this step says nothing either way. */
  inconclusive?: boolean;
}

export type CompareResult =
  | { status: 'skipped'; reason: string }
  | { status: 'refused'; reason: string; line: number }
  | {
      status: 'match' | 'mismatch' | 'inconclusive' | 'error';
      mechanism: 'pt-reclaim' | 'baseline';
      why: string;
      zeroPage: { zeroPage: boolean; why: string };
      steps: CompareStep[];
      /** The first step that differs, or the THP step that made it inconclusive. */
      first?: CompareStep;
      kernelMs: number;
      simMs: number;
    };

/** Scenarios the twin can replay: every mapping at a fixed address. */
export function refuseReason(c: Compiled): { reason: string; line: number } | undefined {
  for (const st of c.ops) {
    const op = st.op.op === 'in' ? st.op.body : st.op;
    if (st.op.op === 'in' && op.op === 'fork') {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\`: the kernel twin forks from the first process only` };
    }
    if (op.op === 'mmap' && op.at === undefined) {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\` has no \`at\` address; the kernel twin replays only fixed-address mappings (add \`at 0x...\`)` };
    }
    if (st.op.op === 'race') {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\` starts a two-CPU race; the kernel twin is one thread and cannot replay a chosen interleaving` };
    }
    if (st.op.op === 'faults' || st.op.op === 'brk' || st.op.op === 'populate' || st.op.op === 'zeropage' || (st.op.op === 'mmap' && (st.op.file !== undefined || st.op.stack || st.op.fixed))) {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\` belongs to a recorded program; the kernel twin maps anonymous memory only (\`ptlab record\` compares a recording with the kernel)` };
    }
    if (st.op.op === 'khugepaged') {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\` runs one khugepaged scan; the kernel twin cannot: khugepaged runs on its own timer, with system-wide settings (MADV_COLLAPSE is the synchronous equivalent it can replay)` };
    }
    if (st.op.op === 'mmap' && st.op.at === undefined) {
      return { line: st.line, reason: `line ${st.line}: \`${st.text}\` has no \`at\` address; the kernel twin replays only fixed-address mappings (add \`at 0x...\`)` };
    }
  }
  return undefined;
}

/**
 * One statement's verdict: both sides' changes since their base, equal or
 * not; a THP the simulator mapped but the kernel could not allocate (its
 * RssAnon grew less) makes the step inconclusive rather than a mismatch.
 */
export function compareStep(index: number, s: StepResult, k: TwinStep | undefined, simBase: { VmPTE: number; RssAnon: number }, kernelBase: { VmPTE: number; RssAnon: number }, childBase?: { VmPTE: number; RssAnon: number }): CompareStep {
  const simSide = s.error ? { error: s.error.message } : { VmPTE: s.figures.VmPTE - simBase.VmPTE, RssAnon: s.figures.RssAnon - simBase.RssAnon };
  const kernelSide = !k ? { error: 'did not run' } : k.ok ? { VmPTE: k.VmPTE - kernelBase.VmPTE, RssAnon: k.RssAnon - kernelBase.RssAnon } : { error: k.message };
  let match: boolean;
  if ('error' in simSide || 'error' in kernelSide) match = 'error' in simSide && 'error' in kernelSide;
  else match = simSide.VmPTE === kernelSide.VmPTE && simSide.RssAnon === kernelSide.RssAnon;
  const step: CompareStep = { index, line: s.line, text: s.text, kernel: kernelSide, sim: simSide, match };
  if (s.iter !== undefined) step.iter = s.iter;
  // Children: the simulator's start from nothing, the kernel's from what a fork copies of the twin itself.
  const kids = (s.procs ?? []).slice(1);
  const kKids = k && k.ok ? (k.procs ?? []) : [];
  if (kids.length || kKids.length) {
    step.procs = [];
    const names = [...new Set([...kids.map((p) => p.name), ...kKids.map((p) => p.name)])];
    for (const name of names) {
      const sp = kids.find((p) => p.name === name);
      const kp = kKids.find((p) => p.name === name);
      const sim = s.error || !sp ? { error: sp ? s.error!.message : 'no such process' } : { VmPTE: sp.figures.VmPTE - simBase.VmPTE, RssAnon: sp.figures.RssAnon - simBase.RssAnon };
      const cb = childBase ?? kernelBase;
      const ker = !kp ? { error: 'no such process' } : { VmPTE: kp.VmPTE - cb.VmPTE, RssAnon: kp.RssAnon - cb.RssAnon };
      const m = 'error' in sim || 'error' in ker ? 'error' in sim && 'error' in ker : sim.VmPTE === ker.VmPTE && sim.RssAnon === ker.RssAnon;
      step.procs.push({ name, kernel: ker, sim, match: m });
      if (!m && !s.error) step.match = match = false;
    }
  }
  if (!match && s.path.includes('create_huge_pmd') && !('error' in simSide) && !('error' in kernelSide) && kernelSide.RssAnon < simSide.RssAnon) {
    step.inconclusive = true;
  }
  return step;
}

/**
 * A scenario whose MADV_PAGEOUT assumes another swap setting than this
 * machine's (`swap on|off`, off by default) cannot be compared here: pageout
 * moves pages only where swap exists. The reason, or undefined.
 */
export function swapSkipReason(c: Compiled, machine: { swap: boolean; why: string } = detectSwap()): string | undefined {
  let swap = false;
  for (const st of c.ops) {
    if (st.op.op === 'swap') swap = st.op.on;
    if (st.op.op === 'madvise' && st.op.advice === 'pageout' && swap !== machine.swap) {
      return `line ${st.line}: \`${st.text}\` assumes swap is ${swap ? 'on' : 'off'}, but here ${machine.why}; MADV_PAGEOUT can be compared only where the swap setting is the scenario's`;
    }
  }
  return undefined;
}

let probed: { mech: ReturnType<typeof detectMechanism>; zero: ReturnType<typeof detectZeroPage> } | undefined;

export function compareWithKernel(c: Compiled, opts: { mechanismImpl?: Mechanism } = {}): CompareResult {
  const support = kernelSupport();
  if (!support.ok) return { status: 'skipped', reason: support.reason };
  const refused = refuseReason(c);
  if (refused) return { status: 'refused', ...refused };
  const noSwap = swapSkipReason(c);
  if (noSwap) return { status: 'skipped', reason: noSwap };
  probed ??= { mech: detectMechanism(), zero: detectZeroPage() };
  const { mech, zero } = probed;
  const t0 = performance.now();
  const sim: RunSummary = runFlat(c.program, { mechanism: mech.mechanism, zeroPage: zero.zeroPage, mechanismImpl: opts.mechanismImpl });
  const simMs = performance.now() - t0;
  // The twin replays what the simulator resolved; a statement that failed
  // before resolving (unknown mapping) ends the stream.
  const ops: ResolvedOp[] = [];
  for (const s of sim.steps) {
    if (!s.op) break;
    ops.push(s.op);
  }
  const twin = runTwin(ops);
  const steps: CompareStep[] = [];
  // Changes are counted from the state after `process` (the twin's own
  // tables stand in for the simulated program's).
  let simBase = { VmPTE: 0, RssAnon: 0 };
  let first: CompareStep | undefined;
  let status: 'match' | 'mismatch' | 'inconclusive' | 'error' = 'match';
  for (let i = 0; i < sim.steps.length && i < Math.max(twin.steps.length, 1); i++) {
    const s = sim.steps[i];
    const k: TwinStep | undefined = twin.steps[i];
    if (s.op?.op === 'process') simBase = { VmPTE: s.figures.VmPTE, RssAnon: s.figures.RssAnon };
    const step = compareStep(i, s, k, simBase, twin.base, twin.cbase);
    steps.push(step);
    if (step.inconclusive) {
      status = 'inconclusive';
      first = step;
      break;
    }
    if (!step.match) {
      status = 'mismatch';
      first = step;
      break;
    }
  }
  // A scenario error the twin cannot replay (no address to hand it) ends the
  // comparison: that is an error, never an agreement.
  const last = steps[steps.length - 1];
  if (status === 'match' && sim.error && !sim.steps[sim.error.index].op) {
    status = 'error';
    first = { index: sim.error.index, line: sim.error.line, text: sim.steps[sim.error.index].text, kernel: { error: 'not run' }, sim: { error: sim.error.error.message }, match: false };
    steps.push(first);
  } else if (status === 'match' && last && last.index + 1 < sim.steps.length) {
    status = 'error';
    first = last;
  }
  const result: CompareResult = { status, mechanism: mech.mechanism, why: mech.why, zeroPage: zero, steps, kernelMs: twin.wallMs, simMs };
  if (first) result.first = first;
  return result;
}
