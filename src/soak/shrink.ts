// Shrinking a failing soak sequence: delta debugging over its statements
// (Zeller's ddmin: drop chunks, halving the chunk size down to one statement),
// then each statement's numbers (offsets towards 0, lengths and sizes towards
// one page, a slot, or half), repeated until nothing more can go. A candidate
// is kept when it still fails the same way (same FailureKind, and for an
// invariant the same design).
import type { FlatOp } from '../scenario/ast.ts';
import { checkSequence, type CheckOptions, type Failure } from './check.ts';
import { K4, M2, type Sequence } from './generate.ts';

export interface ShrinkResult {
  seq: Sequence;
  failure: Failure;
  /** Candidates tried. */
  tries: number;
}

const same = (a: Failure, b: Failure) => a.kind === b.kind && a.mechanism === b.mechanism;

export function shrink(seq: Sequence, failure: Failure, opts: CheckOptions = {}, maxTries = 5000): ShrinkResult {
  let best = { seq, failure };
  let tries = 0;
  let kept = 0;
  const attempt = (cand: Sequence): boolean => {
    if (tries >= maxTries) return false;
    tries++;
    const f = checkSequence(cand, opts).failure;
    if (f && same(f, failure)) {
      best = { seq: cand, failure: f };
      kept++;
      return true;
    }
    return false;
  };
  // Nothing after the failing statement matters.
  if (failure.op + 1 < seq.ops.length) attempt({ ...seq, ops: seq.ops.slice(0, Math.max(0, failure.op + 1)) });
  for (let pass = 0; pass < 8; pass++) {
    const before = kept;
    ddmin();
    numbers();
    flags();
    if (kept === before) break;
  }
  return { ...best, tries };

  function ddmin(): void {
    let chunk = Math.max(1, Math.floor(best.seq.ops.length / 2));
    while (chunk >= 1) {
      let removed = false;
      for (let i = 0; i < best.seq.ops.length; ) {
        const ops = best.seq.ops;
        const cand = { ...best.seq, ops: [...ops.slice(0, i), ...ops.slice(i + chunk)] };
        if (cand.ops.length < ops.length && attempt(cand)) removed = true;
        else i += chunk;
      }
      if (!removed) chunk = Math.floor(chunk / 2);
    }
  }

  function numbers(): void {
    for (let i = 0; i < best.seq.ops.length; i++) {
      for (const key of ['off', 'len', 'size', 'at', 'to'] as const) {
        for (const v of candidates(best.seq.ops[i], key)) {
          const op = { ...best.seq.ops[i], [key]: v } as FlatOp;
          const ops = [...best.seq.ops];
          ops[i] = op;
          if (attempt({ ...best.seq, ops })) break;
        }
      }
    }
  }

  function flags(): void {
    // The simplest setting: THP never, the zero page on, no hugepage mmaps.
    if (best.seq.thp !== 'never' && !attempt({ ...best.seq, thp: 'never' }) && best.seq.thp === 'always') attempt({ ...best.seq, thp: 'madvise' });
    if (!best.seq.zeroPage) attempt({ ...best.seq, zeroPage: true });
    for (let i = 0; i < best.seq.ops.length; i++) {
      const o = best.seq.ops[i];
      if (o.op === 'mmap' && o.hugepage) {
        const ops = [...best.seq.ops];
        ops[i] = { ...o, hugepage: false };
        attempt({ ...best.seq, ops });
      }
    }
  }
}

/** Simpler values for one number of a statement, simplest first; only those smaller than the current one. */
function candidates(op: FlatOp, key: 'off' | 'len' | 'size' | 'at' | 'to'): number[] {
  const cur = (op as unknown as Record<string, number | undefined>)[key];
  if (typeof cur !== 'number') return [];
  let out: number[];
  if (key === 'off') out = [0, Math.floor(cur / M2) * M2, Math.floor(cur / 2 / K4) * K4];
  else if (key === 'len' || key === 'size') out = [K4, M2, Math.floor(cur / M2) * M2, Math.ceil(cur / 2 / K4) * K4, cur - K4];
  else out = [Math.floor(cur / M2) * M2]; // addresses: onto a slot boundary
  return [...new Set(out)].filter((v) => v >= (key === 'off' ? 0 : K4) && v < cur && (key !== 'size' || v % K4 === 0));
}
