// The core's bulk paths (whole fresh slots faulted at once, fault.ts
// faultFreshSlots; compact tables zapped whole without an object, zap.ts
// unmap_single_vma) must leave exactly the state, counters and figures that the
// per-slot path leaves. A step that records its events always takes the
// per-slot path, so replaying each step with and without events compares them.
// D's steps cover more slots than a step keeps reason lines for (2,048): past
// them, identical compact tables in a row are done as one (Mm.repeatRun).
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import { MECHANISMS } from '../../scenario/ast.ts';
import { Run } from '../trace/run.ts';
import type { Mm } from '../mm/mm.ts';
import { pteEntries, pteTableEmpty } from '../snapshot.ts';

const SRC = `mmap A 3G at 0x100000000000
mmap B 64M
touch A 0 1G
touch A 1G-6M 8M
madvise A 4M 100M dontneed
touch A 0 2G
read B 0 64M
touch B 2M+4K 40M
madvise A 0 3G free
touch A 512M 1G+2M
munmap A 1G 4M
touch A 0 1G
touch A 1G+4M 2G-4M
madvise A 1G+4M 1G dontneed
touch A 2G+2M 2M
touch A 2G 4K
mmap C 4M
touch C 0 4M
madvise C 0 4M dontneed
touch C 2M 2M
touch C 0 4M
munmap B 0 64M
mmap D 4G+256M at 0x200000000000
touch D 0 4G+256M
madvise D 0 4G+256M dontneed
read D 0 4G+128M
touch D 0 4G+256M
madvise D 2M 4G+128M dontneed
touch D 0 4G+192M
madvise D 0 4G+256M free
touch D 0 4G+256M
munmap D 0 4G+256M`;

function reasonCounts(lines: readonly { code: string }[], more?: readonly { code: string; count: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of lines) out[r.code] = (out[r.code] ?? 0) + 1;
  for (const r of more ?? []) out[r.code] = (out[r.code] ?? 0) + r.count;
  return out;
}

/** Every table, whatever its form (object or compact): level, id and contents. */
function tablesOf(mm: Mm): string[] {
  const out: string[] = [];
  for (const pud of mm.pgd) {
    if (!pud) continue;
    out.push(`pud ${pud.id} used ${pud.used}`);
    for (const pmd of pud.entries) {
      if (!pmd) continue;
      out.push(`pmd ${pmd.id} region ${pmd.region} used ${pmd.used}`);
      for (let k = 0; k < 512; k++) {
        const t = pmd.peek(k);
        if (t) out.push(`pte ${t.id} slot ${t.slot} huge ${t.huge} nonNone ${t.nonNone} refcount ${t.refcount} ${t.copyEnts().join('')}`);
      }
    }
  }
  return out;
}

describe("bulk fault and zap paths", () => {
  for (const mechanism of MECHANISMS) {
    it(`leave the state the per-slot path leaves, step by step (${mechanism})`, () => {
      const c = compile(SRC);
      if (!c.ok) throw new Error(c.errors[0].message);
      const run = new Run(c.ops, { mechanism, checkpoints: true });
      run.advance();
      expect(run.error).toBeUndefined();
      for (let i = 0; i < run.steps.length; i++) {
        const bulk = run.stateAt(i);
        const perSlot = run.stateAt(i, true);
        if (run.steps[i].faults > 0) expect(perSlot.events.length, `step ${i} recorded`).toBeGreaterThan(0);
        expect(perSlot.mm.counters, `counters after step ${i}`).toEqual(bulk.mm.counters);
        expect(perSlot.mm.figures(), `figures after step ${i}`).toEqual(bulk.mm.figures());
        expect(tablesOf(perSlot.mm), `tables after step ${i}`).toEqual(tablesOf(bulk.mm));
        // Why each table was freed or kept, counted by code: the lines a step keeps and those only counted past
        // them (a run of identical compact tables repeats the first's count) add up to the per-slot path's lines.
        expect(reasonCounts(perSlot.mm.reasons, [...(perSlot.mm.moreReasons?.values() ?? [])]), `reasons of step ${i}`).toEqual(reasonCounts(run.steps[i].reasons, run.steps[i].moreReasons));
        // The kernel functions the step went through, in first-seen order: the same either way.
        expect(perSlot.mm.path(), `path of step ${i}`).toEqual(run.steps[i].path);
      }
    });
  }
});

/** Tables kept as objects (not compact), over every PMD table. */
function liveTables(mm: Mm): number {
  let n = 0;
  for (const pud of mm.pgd) if (pud) for (const pmd of pud.entries) if (pmd) n += pmd.liveN;
  return n;
}

// The worker asks, after every step, whether each table a step gave a reason
// for is empty (pteTableEmpty); a split check reads the table at an unaligned
// cut. Reading must leave a compact table compact: when it did not, the 2021
// test's 25,600 empty baseline tables all became objects, and the worker's
// checkpoints grew 150-fold (66 MB, 0.7 s of packing per run).
describe('reading a table leaves it compact', () => {
  const LOOP = `mmap A 1G
touch A 0 1G
repeat 512 { madvise A i*2M 2M dontneed }
touch A 0 1G
repeat 64 { madvise A i*4M 2M dontneed }
mprotect A 3M 64M r
madvise A 5M+4K 8K dontneed`;
  for (const mechanism of MECHANISMS) {
    it(`pteTableEmpty and pteEntries after every step, split checks at unaligned cuts (${mechanism})`, () => {
      const c = compile(LOOP);
      if (!c.ok) throw new Error(c.errors[0].message);
      const run = new Run(c.program, { mechanism, checkpoints: true });
      let peak = 0;
      while (!run.done) {
        run.advance(1);
        const s = run.lastStep!;
        const before = liveTables(run.mm);
        for (const r of s.reasons) {
          pteTableEmpty(run.mm, r.addr);
          pteEntries(run.mm, r.addr);
        }
        expect(liveTables(run.mm), `step ${s.index}: objects after reading`).toBe(before);
        peak = Math.max(peak, before);
      }
      expect(run.error).toBeUndefined();
      // The mprotect cuts a table at 3M and 67M and the last madvise empties two pages of one: a few objects, not 512.
      expect(peak).toBeLessThanOrEqual(4);
      expect(run.mm.nr.pte).toBeGreaterThan(0);
    });
  }
});
