// slotCells (one number per 2 MiB slot, for production-size views) says
// exactly what snapshot() says, table by table, whatever form a table is
// kept in (compact or an object, partial, huge), under every design.
import { describe, expect, it } from 'vitest';
import { compile } from '../../scenario/index.ts';
import { MECHANISMS } from '../../scenario/ast.ts';
import { Run } from '../trace/run.ts';
import { CELL_HUGE, CELL_HUGE_ZERO, slotCells, snapshot } from '../snapshot.ts';
import { PMD_SIZE, PUD_SIZE } from '../constants.ts';

const SRC = `thp madvise
mmap A 3G at 0x100000000000
mmap H 8M at 0x200000000000 hugepage
touch A 0 1G
madvise A 0 512M dontneed
touch A 1G+4K 12K
read A 2G 6M
touch H 0 2M
read H 2M 4K
repeat 8 { touch A 2G+i*64M 2M; madvise A 2G+i*64M 1M dontneed }`;

describe('slotCells', () => {
  for (const mechanism of MECHANISMS) {
    it(`matches snapshot() slot by slot at every step (${mechanism})`, () => {
      const c = compile(SRC);
      if (!c.ok) throw new Error(c.errors[0].message);
      const run = new Run(c.ops, { mechanism, checkpoints: true });
      run.advance();
      expect(run.error).toBeUndefined();
      let tables = 0;
      for (let i = 0; i < run.steps.length; i++) {
        const mm = run.view(i).mm;
        const snap = snapshot(mm);
        const cells = slotCells(mm, mechanism === 'pte-ref');
        expect(cells.pmds).toEqual(snap.puds.flatMap((p) => p.pmds.map((m) => ({ id: m.id, addr: m.addr }))));
        expect(cells.puds).toEqual(snap.puds.map((p) => ({ id: p.id, addr: p.addr })));
        const want = new Uint16Array(cells.cells.length);
        snap.puds.flatMap((p) => p.pmds).forEach((pmd, k) => {
          for (const t of pmd.ptes) {
            const o = k * 512 + ((t.addr - pmd.addr) / PMD_SIZE);
            want[o] = t.kind === 'huge' ? CELL_HUGE : t.kind === 'huge-zero' ? CELL_HUGE_ZERO : (mechanism === 'pte-ref' ? t.refcount : t.nonNone) + 1;
            tables++;
          }
          expect(pmd.addr % PUD_SIZE).toBe(0);
        });
        expect(cells.cells, `step ${i}`).toEqual(want);
      }
      expect(tables).toBeGreaterThan(1000);
    });
  }
});
