// Seeded fuzzing of races (fast-check): random pairs of statements over two
// slots of a partly populated mapping, under random schedules. The three
// real designs never trip the checker, never deadlock, finish every CPU, free
// every table they detach and leave the invariants whole; `broken` is caught
// by some of them. Failing seeds print as a fast-check counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlatOp, MechanismVariant, RaceThreadOp } from '../../scenario/ast.ts';
import { MECHANISMS } from '../../scenario/ast.ts';
import { compile } from '../../scenario/index.ts';
import { Run } from '../trace/run.ts';
import { checkInvariants } from '../trace/invariants.ts';
import { createRace, runSchedule, type Race } from './index.ts';

const K = 4096;
const M = 2 * 1024 * 1024;

const range = fc.record({ page: fc.integer({ min: 0, max: 1023 }), pages: fc.integer({ min: 1, max: 3 }) });
const statement: fc.Arbitrary<RaceThreadOp> = fc.oneof(
  range.map(({ page, pages }) => ({ op: 'touch' as const, name: 'A', off: page * K, len: pages * K })),
  range.map(({ page, pages }) => ({ op: 'read' as const, name: 'A', off: page * K, len: pages * K })),
  range.map(({ page, pages }) => ({ op: 'gup' as const, name: 'A', off: page * K, len: pages * K })),
  fc.record({ slot: fc.integer({ min: 0, max: 1 }), whole: fc.boolean(), brk: fc.option(fc.integer({ min: 1, max: 511 })), unfixed: fc.constant(false) }).map(
    ({ slot, whole, brk }): RaceThreadOp => {
      const len = whole ? M : M / 2;
      const op: RaceThreadOp = { op: 'madvise', name: 'A', off: slot * M, len, advice: 'dontneed', unfixed: false };
      if (brk !== null && brk * K < len) op.lockbreak = slot * M + brk * K;
      return op;
    },
  ),
  fc.integer({ min: 0, max: 1 }).map((slot): RaceThreadOp => ({ op: 'munmap', name: 'A', off: slot * M, len: M })),
);

/** A 4 MiB mapping with a few pages in each slot, then the race. */
function raceOf(mech: MechanismVariant, a: RaceThreadOp, b: RaceThreadOp): Race {
  const c = compile('mmap A 4M\ntouch A 0 8K\ntouch A 1M 4K\nread A 2M+64K 8K\n');
  if (!c.ok) throw new Error('parse');
  const run = new Run(c.ops, { mechanism: mech });
  run.advance();
  const op: Extract<FlatOp, { op: 'race' }> = {
    op: 'race',
    threads: [{ cpu: 0, line: 9, text: 'cpu 0', op: a }, { cpu: 1, line: 10, text: 'cpu 1', op: b }],
    orders: [],
  };
  return createRace(run.mm, run.names, op, mech) as Race;
}

describe('random races', () => {
  for (const mech of MECHANISMS) {
    it(`${mech}: never caught, never stuck, invariants whole`, () => {
      fc.assert(
        fc.property(statement, statement, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (a, b, seed) => {
          const r = raceOf(mech, a, b);
          runSchedule(r, { kind: 'random', seed });
          expect(r.violation).toBeUndefined();
          expect(r.deadlock ?? r.limit).toBeUndefined();
          expect(r.cpus.every((c) => c.done)).toBe(true);
          // SIGSEGV and ENOMEM are the program's own outcome when the other CPU unmapped the range first.
          expect(r.cpus.map((c) => c.error).filter((e) => e && e.kind !== 'segv' && e.kind !== 'enomem')).toEqual([]);
          for (const t of r.tracks.values()) expect(t.life).toBe('freed');
          expect(checkInvariants(r.mm)).toEqual([]);
        }),
        { seed: 20250211, numRuns: 400 },
      );
    });
  }

  it('broken: some random race is caught', () => {
    let caught = 0;
    fc.assert(
      fc.property(statement, statement, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (a, b, seed) => {
        const r = raceOf('broken', a, b);
        runSchedule(r, { kind: 'random', seed });
        if (r.violation) caught++;
      }),
      { seed: 20250211, numRuns: 400 },
    );
    expect(caught).toBeGreaterThan(0);
  });
});
