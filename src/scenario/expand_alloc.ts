// The expander's side of `alloc`: evaluates the statement's parameters and
// generates the workload (alloc.ts) as one segment of the program, its
// statements built when a run reaches them.
import type { AllocStatement, Expr, FlatStatement } from './ast.ts';
import { generateAlloc, type AllocParams, type AllocWorkload } from './alloc.ts';
import type { GeneratedSegment } from './program.ts';

export function allocParams(st: AllocStatement, nat: (e: Expr, what: string) => number): AllocParams {
  const live = nat(st.live, 'live');
  return {
    name: st.name,
    arena: nat(st.arena, 'arena'),
    live,
    end: st.end ? nat(st.end, 'end') : Math.floor(live / 4 / 4096) * 4096,
    ticks: nat(st.ticks, 'ticks'),
    seed: st.seed ? nat(st.seed, 'seed') : 1,
    extentMin: st.extent ? nat(st.extent[0], 'smallest extent') : 64 * 1024,
    extentMax: st.extent ? nat(st.extent[1], 'largest extent') : 1024 * 1024,
    churn: st.churn ? nat(st.churn, 'churn') : 10,
    purge: st.purge,
    decay: st.decay ? nat(st.decay, 'decay') : 0,
    ...(st.at ? { at: nat(st.at, 'arena address') } : {}),
  };
}

/** The workload as a program segment; throws AllocFail on bad parameters or past maxOps statements. */
export function allocSegment(st: AllocStatement, nat: (e: Expr, what: string) => number, maxOps: number): { seg: GeneratedSegment; workload: AllocWorkload } {
  const w = generateAlloc(allocParams(st, nat), maxOps);
  const line = st.loc.line;
  const first = w.statement(0, line);
  const last = w.length === 1 ? first : w.statement(w.length - 1, line);
  const seg: GeneratedSegment = { length: w.length, first, last, at: (k: number): FlatStatement => w.statement(k, line) };
  return { seg, workload: w };
}
