// The soak's work loop, pure (no Node): run sequences [from, to) of a seed
// with a stride, check each under the three designs, shrink the failures.
// The command (src/cli/soak.ts) spreads it over worker threads.
import { checkSequence, type CheckOptions, type Failure } from './check.ts';
import { generate, type GenerateOptions } from './generate.ts';
import { shrink } from './shrink.ts';
import { formatSequence } from './text.ts';

export interface SoakFailure {
  index: number;
  failure: Failure;
  /** Statements before and after shrinking. */
  statements: number;
  shrunkStatements: number;
  /** The shrunk sequence as .ptlab text (it reproduces the failure). */
  text: string;
}

export interface SoakTally {
  sequences: number;
  /** Statements executed per design. */
  steps: number;
  /** Sequences cut short by an error all three designs agreed on. */
  errored: number;
  failures: SoakFailure[];
  /** Failures seen (only the first few are shrunk). */
  failed: number;
}

export interface SoakOptions extends GenerateOptions, CheckOptions {
  seed: number;
  from: number;
  to: number;
  stride?: number;
  /** Shrink at most this many failures (the rest are counted). */
  maxShrunk?: number;
  onProgress?: (done: number) => void;
}

export function soak(o: SoakOptions): SoakTally {
  const tally: SoakTally = { sequences: 0, steps: 0, errored: 0, failures: [], failed: 0 };
  const stride = o.stride ?? 1;
  for (let i = o.from; i < o.to; i += stride) {
    const seq = generate(o.seed, i, o);
    const r = checkSequence(seq, o);
    tally.sequences++;
    tally.steps += r.steps;
    if (r.errored) tally.errored++;
    if (r.failure) {
      tally.failed++;
      if (tally.failures.length < (o.maxShrunk ?? 3)) {
        const s = shrink(seq, r.failure, o);
        tally.failures.push({
          index: i,
          failure: s.failure,
          statements: seq.ops.length,
          shrunkStatements: s.seq.ops.length,
          text: formatSequence(s.seq, [`ptlab soak --seed ${o.seed}: sequence ${i}, shrunk from ${seq.ops.length} statements to ${s.seq.ops.length}`, `${s.failure.kind}: ${s.failure.message}`, 'reproduce: ptlab run FILE --mechanism all --check']),
        });
      }
    }
    if (o.onProgress && tally.sequences % 1000 === 0) o.onProgress(tally.sequences);
  }
  return tally;
}
