// A run logs each step into columns (trace/steplog.ts) and builds a step's
// result only when it is read (Run.lastStep, Run.step). Whichever way a run
// keeps its steps (every step, or only the last: `--steps final`), the result
// read after a step is the one that step produced, and the tables each step
// says it allocated and freed add up to the run's counters.
import { describe, expect, it } from 'vitest';
import { compile, MECHANISMS } from '../../scenario/index.ts';
import { Run } from '../trace/run.ts';
import type { StepResult } from '../types.ts';

const PRESETS = ['05-partial-dontneed', '06-munmap-pieces', '10-mremap-whole-slots', '11-thp-split', '19-swap-entries', '20-race-fault-vs-dontneed', '40-fork-cow', '42-fork-dontfork'];
// Errors, a failed expect and a statement after them (the run stops at the error).
const FAILING = 'mmap A 4M\ntouch A 0 4M\nexpect VmPTE 1K\nmadvise A 0 2M dontneed\nmunmap A 4K 4K\ntouch A 8M 4K\ntouch A 0 4K';

const files = import.meta.glob('/scenarios/*.ptlab', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const source = (name: string): string => files[`/scenarios/${name}.ptlab`];

/** What a step reports whether or not the run keeps it (reasons only when it does, or for the last step). */
const core = (s: StepResult) => ({ index: s.index, line: s.line, figures: s.figures, faults: s.faults, allocated: s.allocated, freed: s.freed, op: s.op, path: s.path, error: s.error, expectFailures: s.expectFailures, procs: s.procs, race: s.race, costs: s.costs });

describe('step results, kept or not', () => {
  for (const name of [...PRESETS, 'failing']) {
    for (const m of MECHANISMS) {
      it(`${name} (${m})`, () => {
        const c = compile(name === 'failing' ? FAILING : source(name));
        if (!c.ok) throw new Error(c.errors[0].message);
        const all = new Run(c.program, { mechanism: m, costsPerStep: true }, c.initialExpects);
        const one = new Run(c.program, { mechanism: m, costsPerStep: true, keepSteps: false }, c.initialExpects);
        expect(all.lastStep).toBeNull();
        const seen: StepResult[] = [];
        while (!all.done) {
          all.advance(1);
          one.advance(1);
          const i = all.stepsRun - 1;
          const a = all.lastStep!;
          // Read twice: the same result, and the log's step i.
          expect(all.lastStep).toBe(a);
          expect(all.step(i)).toEqual(a);
          expect(core(one.lastStep!)).toEqual(core(a));
          seen.push(a);
        }
        expect(one.done).toBe(true);
        expect(one.stepsRun).toBe(all.stepsRun);
        // The last step is whole in both, its reasons included.
        const last = all.stepsRun - 1;
        expect(one.lastStep).toEqual(all.step(last));
        expect(one.summary().final).toEqual(all.summary().final);
        // The steps' allocations and frees add up to the counters (each
        // level) of a single process (a step in a child counts the child's).
        const counters = all.summary().counters;
        const single = seen.every((s) => !s.procs);
        expect(single).toBe(!name.includes('fork'));
        for (const level of single ? (['pud', 'pmd', 'pte'] as const) : []) {
          expect(seen.reduce((n, s) => n + s.allocated[level], 0), `allocated ${level}`).toBe(counters.tablesAllocated[level]);
          expect(seen.reduce((n, s) => n + s.freed[level], 0), `freed ${level}`).toBe(counters.tablesFreed[level]);
        }
        // The steps as an array are the steps read one by one.
        expect(all.steps).toEqual(seen);
      });
    }
  }
});
