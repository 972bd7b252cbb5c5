// A read-only page walker on one CPU of a race: mincore(2) (mm/mincore.c:
// do_mincore -> walk_page_range -> mincore_pte_range) or a read of
// /proc/PID/pagemap (fs/proc/task_mmu.c: pagemap_pmd_range). Under
// mmap_read_lock, slot by slot, it maps the PTE table, reads the entries of
// its range and lets go, while the other CPU may be freeing that table:
//
//   pte-ref (v3 11/15)  pte_tryget_map_lock: rcu_read_lock, read the PMD,
//                       atomic_inc_not_zero(pte_refcount); a count of 0 means
//                       the table is being freed: the tryget fails and the
//                       walker treats the slot as empty (the series' pagemap
//                       skips; its mincore re-reads the PMD, which the freeing
//                       CPU then clears: empty too). After reading, pte_put;
//                       if that put was the last reference, the WALKER frees
//                       the table (X1).
//   6.18 (baseline,     pte_offset_map_lock: rcu_read_lock, read the PMD, take
//   pt-reclaim)         the PTE lock, recheck the PMD (pmd_same): a table
//                       cleared meanwhile is unlocked and the PMD read again.
//                       A table pt-reclaim frees stays valid until
//                       rcu_read_unlock (P7, P9).
//   broken              reads the PMD and uses the table with no reference, no
//                       RCU and no recheck: a free in between is a use-after-free.
//
// Simplified: one lockless PMD read stands for walk_page_range's descent;
// a huge PMD is not raced (races model 4 KiB pages).
import type { MechanismVariant } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import { PAGE_SIZE } from '../constants.ts';
import { PTE_NONE } from '../mm/pgtable.ts';
import { access, refAdd } from './checker.ts';
import { freeUserPteTable } from './free.ts';
import { dropRef, hex, pmdNow, slotOf, type ProgramBuilder } from './program.ts';
import { END, type Cpu, type Flow, type Race } from './state.ts';
import { lock, lockWait, mmapRead, mmapReadWait, mmapUnlock, ptl, rcuReadLock, rcuReadUnlock, unlock } from './sync.ts';

const FN = { mincore: { top: 'do_mincore', pte: 'mincore_pte_range', hole: 'mincore_unmapped_range' }, pagemap: { top: 'pagemap_read', pte: 'pagemap_pmd_range', hole: 'pagemap_pte_hole' } } as const;

/** The pages of the current slot: [pi, end). */
function slotEnd(c: Cpu): number {
  const v = c.v;
  const s = slotOf(v.pages[v.pi]);
  let k = v.pi;
  while (k < v.pages.length && slotOf(v.pages[k]) === s) k++;
  return k;
}

function nextSlot(c: Cpu): Flow {
  c.v.pi = slotEnd(c);
  c.table = null;
  c.pmdSeen = undefined;
  return 'w_slot';
}

/** The slot reads as empty: its PMD is none, or its table is being freed. */
function hole(c: Cpu, walker: 'mincore' | 'pagemap', why: string): Flow {
  c.note = `${why}: ${FN[walker].hole} reports its ${slotEnd(c) - c.v.pi} page(s) as not present`;
  return nextSlot(c);
}

/** Read the entries of the current slot's range from t. */
function readEntries(r: Race, c: Cpu, walker: 'mincore' | 'pagemap'): Flow {
  const t = c.table!;
  if (!access(r, c, t, 'read the PTEs of')) return undefined;
  const v = c.v;
  const end = slotEnd(c);
  let n = 0;
  for (let k = v.pi; k < end; k++) if (t.ents[(v.pages[k] - t.slot * PMD_SIZE) / PAGE_SIZE] !== PTE_NONE) n++;
  v.resident += n;
  r.mm.counters.entriesScanned += end - v.pi;
  c.note = `${FN[walker].pte} read ${end - v.pi} entr${end - v.pi === 1 ? 'y' : 'ies'} of table #${t.id}: ${n} present`;
  return undefined;
}

export function walkProgram(p: ProgramBuilder, mech: MechanismVariant, walker: 'mincore' | 'pagemap'): void {
  const ref = mech === 'pte-ref';
  const rcu = mech !== 'broken';
  const recheck = mech === 'baseline' || mech === 'pt-reclaim';
  const fn = FN[walker];
  p.add({ label: 'walk', name: `${walker}: mmap_read_lock`, fn: fn.top, wait: mmapReadWait, run: (r, c) => void mmapRead(r, c) });
  p.add({ label: 'w_slot', name: 'walk_page_range: next PMD slot', fn: 'walk_page_range', run: (_r, c) => (c.v.pi >= c.v.pages.length ? 'w_done' : undefined) });
  if (ref) {
    p.add({
      label: 'w_map', name: 'pte_tryget_map_lock: rcu_read_lock, read the PMD', fn: 'pte_tryget_map_lock',
      run: (r, c) => {
        rcuReadLock(c);
        const t = pmdNow(r, slotOf(c.v.pages[c.v.pi]));
        c.pmdSeen = t;
        if (t) return undefined;
        rcuReadUnlock(c);
        return hole(c, walker, 'the PMD is none');
      },
    });
    p.add({
      name: 'pte_tryget_map_lock: atomic_inc_not_zero(pte_refcount)', fn: 'pte_tryget_map_lock',
      run: (r, c) => {
        const t = c.pmdSeen!;
        if (!access(r, c, t, 'incremented the pte_refcount of')) return undefined;
        if (t.refcount === 0) {
          rcuReadUnlock(c);
          c.v.skipped++;
          c.outcome.push(`saw table #${t.id}'s pte_refcount at 0 (being freed): pte_tryget failed, the slot read as empty`);
          return hole(c, walker, `pte_tryget failed: table #${t.id} is being freed (pte_refcount 0)`);
        }
        refAdd(r, c, t, +1, 'pte_tryget_map_lock');
        c.refs.push(t);
        c.table = t;
        rcuReadUnlock(c);
        return undefined;
      },
    });
  } else {
    p.add({
      label: 'w_map', name: rcu ? 'pte_offset_map_lock: rcu_read_lock, read the PMD' : 'pte_offset_map_lock: read the PMD', fn: 'pte_offset_map_lock',
      run: (r, c) => {
        if (rcu) rcuReadLock(c);
        const t = pmdNow(r, slotOf(c.v.pages[c.v.pi]));
        c.pmdSeen = t;
        if (t) {
          c.table = t;
          return undefined;
        }
        if (rcu) rcuReadUnlock(c);
        return hole(c, walker, 'the PMD is none (pte_offset_map_lock returns NULL)');
      },
    });
  }
  p.add({
    name: 'spin_lock(PTE lock)', fn: ref ? 'pte_tryget_map_lock' : 'pte_offset_map_lock',
    wait: (r, c) => lockWait(r, c, ptl(c.table!)),
    run: (r, c) => void (access(r, c, c.table!, 'spun on the PTE lock of') && lock(r, c, ptl(c.table!))),
  });
  if (recheck) {
    p.add({
      name: 'recheck the PMD under the PTE lock (pmd_same)', fn: 'pte_offset_map_lock',
      run: (r, c) => {
        const t = c.table!;
        if (pmdNow(r, t.slot) === t) return undefined;
        unlock(r, c, ptl(t));
        rcuReadUnlock(c);
        c.table = null;
        c.note = `the PMD no longer points to table #${t.id}: unlock and read the PMD again`;
        c.outcome.push(`pmd_same caught the cleared PMD of table #${t.id}`);
        return 'w_map';
      },
    });
  }
  p.add({ name: `${fn.pte}: read the PTEs`, fn: fn.pte, run: (r, c) => readEntries(r, c, walker) });
  p.add({
    name: ref || !rcu ? 'pte_unmap_unlock: spin_unlock(PTE lock)' : 'pte_unmap_unlock: spin_unlock(PTE lock), rcu_read_unlock', fn: 'pte_unmap_unlock',
    run: (r, c) => {
      const t = c.table!;
      if (!access(r, c, t, 'released the PTE lock of')) return undefined;
      unlock(r, c, ptl(t));
      if (!ref && rcu) rcuReadUnlock(c);
      return ref ? undefined : nextSlot(c);
    },
  });
  if (ref) {
    p.add({
      name: 'pte_put (drop the walker\'s reference)', fn: 'pte_put',
      run: (r, c) => {
        const t = c.table!;
        refAdd(r, c, t, -1, 'pte_put');
        dropRef(c, t);
        if (t.refcount !== 0) return nextSlot(c);
        c.outcome.push(`${walker}'s pte_put dropped table #${t.id}'s last reference: the walker frees it`);
        c.v.ret = 'w_next';
        c.v.freeing = t;
        return 'w_frp';
      },
    });
    p.add({ label: 'w_next', name: 'walk_page_range: on to the next slot', fn: 'walk_page_range', run: (_r, c) => nextSlot(c) });
  }
  p.add({
    label: 'w_done', name: 'mmap_read_unlock', fn: fn.top,
    run: (r, c) => {
      mmapUnlock(r, c);
      const v = c.v;
      c.outcome.push(`${walker} over ${hex(v.pages[0] ?? 0)}: ${v.resident} of ${v.pages.length} page${v.pages.length === 1 ? '' : 's'} present${v.skipped ? `, ${v.skipped} table${v.skipped === 1 ? '' : 's'} skipped` : ''}`);
      return END;
    },
  });
  if (ref) freeUserPteTable(p, 'w_frp');
}
