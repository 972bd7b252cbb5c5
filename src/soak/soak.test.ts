// The soak machinery on a small N: the real designs pass; a deliberately
// wrong design is caught, and the shrinker returns a much smaller sequence
// that still fails the same way and whose .ptlab text compiles to exactly
// the statements that failed.
import { describe, expect, it } from 'vitest';
import { ptReclaim } from '../core/mechanisms/pt_reclaim.ts';
import type { Mechanism } from '../core/mm/mechanism.ts';
import { compile } from '../scenario/expand.ts';
import { checkSequence, toFlat } from './check.ts';
import { generate, GENERATORS } from './generate.ts';
import { shrink } from './shrink.ts';
import { soak } from './soak.ts';
import { formatSequence } from './text.ts';

/** pt-reclaim that frees a table whenever a zap cleared anything, entries left or not (a non-empty free). */
const freesTooSoon: Mechanism = {
  ...ptReclaim,
  afterZap(mm, z) {
    if (z.cleared > 0 && z.table.nonNone > 0) mm.unlinkPte(z.slot, 'free_pte', true);
    else ptReclaim.afterZap(mm, z);
  },
};

describe('soak', () => {
  it('is reproducible: a seed and an index give the same sequence', () => {
    expect(formatSequence(generate(42, 7))).toBe(formatSequence(generate(42, 7)));
    expect(formatSequence(generate(42, 7))).not.toBe(formatSequence(generate(42, 8)));
  });

  it('runs the three designs clean over 40 sequences, each at full length', () => {
    const t = soak({ seed: 20211110, from: 0, to: 40 });
    expect(t.failed).toBe(0);
    expect(t.sequences).toBe(40);
    expect(t.errored).toBeLessThan(4);
    expect(t.steps).toBeGreaterThan(40 * 24);
  });

  it('uses every statement kind of the generator table', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) for (const op of generate(3, i).ops) seen.add(op.op === 'madvise' ? op.advice : op.op);
    for (const k of ['mmap', 'touch', 'read', 'dontneed', 'free', 'mprotect', 'munmap', 'mremap', 'mincore', 'pagemap', 'pageout', 'swap', 'collapse', 'khugepaged']) expect(seen, k).toContain(k);
    expect(GENERATORS.length).toBeGreaterThan(8);
  });

  it('takes a MADV_COLLAPSE refused only where a design freed the table as the kernel would, not as a violation', () => {
    // Found by the soak itself: pte-ref and pt-reclaim free the emptied table, so the collapse finds a none PMD entry (EINVAL) under pte-ref.
    const seq = { seed: 0, thp: 'madvise' as const, zeroPage: true, ops: [
      { op: 'mmap' as const, name: 'A', size: 2 << 20, at: 0x100000000000, hugepage: false, prot: 'rw' as const },
      { op: 'touch' as const, name: 'A', off: 0, len: 4096 },
      { op: 'madvise' as const, name: 'A', off: 0, len: 4096, advice: 'dontneed' as const },
      { op: 'madvise' as const, name: 'A', off: 0, len: 2 << 20, advice: 'collapse' as const },
    ] };
    expect(checkSequence(seq)).toMatchObject({ failure: null, errored: true });
  });

  it('catches a design that frees non-empty tables, and shrinks the sequence to a few statements', () => {
    const impls = { 'pt-reclaim': freesTooSoon };
    let found = -1;
    for (let i = 0; i < 50 && found < 0; i++) if (checkSequence(generate(5, i), { impls }).failure) found = i;
    expect(found).toBeGreaterThanOrEqual(0);
    const seq = generate(5, found);
    const first = checkSequence(seq, { impls }).failure!;
    const s = shrink(seq, first, { impls });
    expect(s.seq.ops.length).toBeLessThan(seq.ops.length);
    expect(s.seq.ops.length).toBeLessThanOrEqual(4); // an mmap, a touch, a partial zap, perhaps one more
    // Still the same failure, and the real pt-reclaim passes the shrunk sequence.
    expect(checkSequence(s.seq, { impls }).failure?.kind).toBe(first.kind);
    expect(checkSequence(s.seq).failure).toBeNull();
    // Its text is the reproducer: it compiles to the same statements.
    const c = compile(formatSequence(s.seq, ['shrunk']));
    if (!c.ok) throw new Error(JSON.stringify(c));
    expect(c.ops.map((st) => st.op)).toEqual(toFlat(s.seq).map((st) => st.op));
  });
});
