// What the browser takes on, checked before a run starts, so a scenario too
// large says so instead of eating the tab. The limits, and why:
//   steps          300,000   the page keeps ~100 bytes per step of series;
//                            the 50 GiB preset has 51,200.
//   touched pages  40 M      the run's time: ~6 s in the worker at ~7 M faults/s
//                            (160 GiB of touches); the 50 GiB preset has 13.1 M.
//   table touches  200,000   an upper bound on PTE tables alive at once (each
//                            needs a touch in its 2 MiB slot): the strip view's
//                            canvas and the worker's checkpoints (~600 bytes a
//                            table each) stay in budget; the 50 GiB preset has 25,600.
import type { FlatStatement } from '../scenario/index.ts';
import { MAX_SCENARIO_CHARS } from '../share/link.ts';

export const LIMITS = { steps: 300_000, touchedPages: 40_000_000, tableTouches: 200_000 } as const;

const PAGE = 4096;
const SLOT = 2 * 1024 * 1024;

export interface ScenarioSize {
  steps: number;
  touchedPages: number;
  tableTouches: number;
}

/** The statements, by index: an array, or a program that expands them on demand. */
export interface Statements {
  readonly length: number;
  at(i: number): FlatStatement | undefined;
}

export function measure(ops: Statements): ScenarioSize {
  let touchedPages = 0;
  let tableTouches = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops.at(i)!.op;
    if (op.op !== 'touch' && op.op !== 'read') continue;
    touchedPages += Math.ceil(op.len / PAGE);
    // Slots spanned by [off, off+len) when the mapping is 2 MiB aligned.
    if (op.len > 0) tableTouches += Math.floor((op.off + op.len - 1) / SLOT) - Math.floor(op.off / SLOT) + 1;
  }
  return { steps: ops.length, touchedPages, tableTouches };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Null when the scenario fits; else a sentence saying which limit it passes. */
export function tooLarge(size: ScenarioSize, limits: { steps: number; touchedPages: number; tableTouches: number } = LIMITS): string | null {
  if (size.steps > limits.steps) return `This scenario runs ${fmt(size.steps)} statements; the browser lab stops at ${fmt(limits.steps)}. Use the ptlab command line for it.`;
  if (size.touchedPages > limits.touchedPages) return `This scenario touches ${fmt(size.touchedPages)} pages; the browser lab stops at ${fmt(limits.touchedPages)} (160 GiB). Use the ptlab command line for it.`;
  if (size.tableTouches > limits.tableTouches) return `This scenario may build up to ${fmt(size.tableTouches)} PTE tables; the browser lab stops at ${fmt(limits.tableTouches)}. Use the ptlab command line for it.`;
  return null;
}

/** The longest scenario text the lab takes (the same cap as a link's): checked before parsing. */
export const MAX_CHARS = MAX_SCENARIO_CHARS;

export function tooManyChars(chars: number): string | null {
  return chars > MAX_CHARS ? `This scenario is ${fmt(chars)} characters long; the lab takes at most ${fmt(MAX_CHARS)} (256 KiB). Use a repeat loop, or the ptlab command line.` : null;
}
