// What the browser takes on, checked before a run starts, so a scenario too
// large says so instead of eating the tab. The limits, and why:
//   steps          300,000   the page keeps ~100 bytes per step of series;
//                            the 50 GiB preset has 51,200.
//   slot work      20 M      the run's time: the core's work is per 2 MiB slot a
//                            statement spans (src/core/trace/execute.ts), about
//                            20 s in the worker; the 50 GiB preset has 51,200.
//   table touches  200,000   an upper bound on PTE tables alive at once (each
//                            needs a touch in its 2 MiB slot): the strip view's
//                            canvas and the worker's checkpoints (~600 bytes a
//                            table each) stay in budget; the 50 GiB preset has 25,600.
import type { Program } from '../scenario/index.ts';
import { MAX_SCENARIO_CHARS } from '../share/link.ts';

export const LIMITS = { steps: 300_000, slotWork: 20_000_000, tableTouches: 200_000 } as const;

const SLOT = 2 * 1024 * 1024;

export interface ScenarioSize {
  steps: number;
  slotWork: number;
  tableTouches: number;
}

export function measure(ops: Program): ScenarioSize {
  let slotWork = 0;
  let tableTouches = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops.at(i)!.op;
    if (op.op !== 'touch' && op.op !== 'read' && op.op !== 'madvise' && op.op !== 'munmap') continue;
    // Slots spanned by [off, off+len) when the mapping is 2 MiB aligned.
    const slots = op.len > 0 ? Math.floor((op.off + op.len - 1) / SLOT) - Math.floor(op.off / SLOT) + 1 : 0;
    slotWork += slots;
    if (op.op === 'touch' || op.op === 'read') tableTouches += slots;
  }
  return { steps: ops.length, slotWork, tableTouches };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Null when the scenario fits; else a sentence saying which limit it passes. */
export function tooLarge(size: ScenarioSize, limits: { steps: number; slotWork: number; tableTouches: number } = LIMITS): string | null {
  if (size.steps > limits.steps) return `This scenario runs ${fmt(size.steps)} statements; the browser lab stops at ${fmt(limits.steps)}. Use the ptlab command line for it.`;
  if (size.slotWork > limits.slotWork) return `This scenario works on ${fmt(size.slotWork)} 2 MiB slots; the browser lab stops at ${fmt(limits.slotWork)}. Use the ptlab command line for it.`;
  if (size.tableTouches > limits.tableTouches) return `This scenario may build up to ${fmt(size.tableTouches)} PTE tables; the browser lab stops at ${fmt(limits.tableTouches)}. Use the ptlab command line for it.`;
  return null;
}

/** The longest scenario text the lab takes (the same cap as a link's): checked before parsing. */
export const MAX_CHARS = MAX_SCENARIO_CHARS;

export function tooManyChars(chars: number): string | null {
  return chars > MAX_CHARS ? `This scenario is ${fmt(chars)} characters long; the lab takes at most ${fmt(MAX_CHARS)} (256 KiB). Use a repeat loop, or the ptlab command line.` : null;
}
