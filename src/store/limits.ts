// What the browser takes on, checked before a run starts, so a scenario too
// large says so instead of eating the tab. The limits, and why:
//   steps          1,000,000  the page keeps ~80 bytes per step of series and
//                             the worker ~80 more; the 55 TiB production preset
//                             has 699,444, the 50 GiB preset 51,202.
//   slot work      160 M      the run's time: the core's work is per 2 MiB slot a
//                             statement spans (src/core/trace/execute.ts); the
//                             55 TiB preset has 122 M (under a minute in the
//                             worker), the 50 GiB preset 51,200.
//   partial slots  1,000,000  touches that cover only part of a 2 MiB slot: each
//                             may leave a PTE table with a 512-byte entry array
//                             (a table touched whole stays compact, 5 bytes), so
//                             these bound the run's memory; the 55 TiB preset has
//                             699,775 (an end of an extent), the 50 GiB preset none.
import type { Program } from '../scenario/index.ts';
import { MAX_SCENARIO_CHARS } from '../share/link.ts';

export const LIMITS = { steps: 1_000_000, slotWork: 160_000_000, partialSlots: 1_000_000 } as const;

const SLOT = 2 * 1024 * 1024;

export interface ScenarioSize {
  steps: number;
  slotWork: number;
  /** 2 MiB slots a touch or read covers only in part (at most two a statement). */
  partialSlots: number;
  /** 2 MiB slots touches and reads span: an upper bound on the PTE tables alive at once. */
  tableTouches: number;
}

export function measure(ops: Program): ScenarioSize {
  let slotWork = 0;
  let tableTouches = 0;
  let partialSlots = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops.at(i)!.op;
    if (op.op !== 'touch' && op.op !== 'read' && op.op !== 'madvise' && op.op !== 'munmap') continue;
    // Slots spanned by [off, off+len) when the mapping is 2 MiB aligned.
    const first = Math.floor(op.off / SLOT);
    const last = op.len > 0 ? Math.floor((op.off + op.len - 1) / SLOT) : first - 1;
    const slots = last - first + 1;
    slotWork += slots;
    if (slots > 0 && (op.op === 'touch' || op.op === 'read')) {
      tableTouches += slots;
      const headCut = op.off % SLOT !== 0;
      const tailCut = (op.off + op.len) % SLOT !== 0;
      partialSlots += slots === 1 ? (headCut || tailCut ? 1 : 0) : (headCut ? 1 : 0) + (tailCut ? 1 : 0);
    }
  }
  return { steps: ops.length, slotWork, partialSlots, tableTouches };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Null when the scenario fits; else a sentence saying which limit it passes. */
export function tooLarge(size: ScenarioSize, limits: { steps: number; slotWork: number; partialSlots: number } = LIMITS): string | null {
  if (size.steps > limits.steps) return `This scenario runs ${fmt(size.steps)} statements; the browser lab stops at ${fmt(limits.steps)}. Use the ptlab command line for it.`;
  if (size.slotWork > limits.slotWork) return `This scenario works on ${fmt(size.slotWork)} 2 MiB slots; the browser lab stops at ${fmt(limits.slotWork)}. Use the ptlab command line for it.`;
  if (size.partialSlots > limits.partialSlots) return `This scenario touches part of a 2 MiB slot ${fmt(size.partialSlots)} times (each may keep a PTE table's 512 entries); the browser lab stops at ${fmt(limits.partialSlots)}. Use the ptlab command line for it.`;
  return null;
}

/** The longest scenario text the lab takes (the same cap as a link's): checked before parsing. */
export const MAX_CHARS = MAX_SCENARIO_CHARS;

export function tooManyChars(chars: number): string | null {
  return chars > MAX_CHARS ? `This scenario is ${fmt(chars)} characters long; the lab takes at most ${fmt(MAX_CHARS)} (256 KiB). Use a repeat loop, or the ptlab command line.` : null;
}
