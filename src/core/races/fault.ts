// The page-fault protocol, one page at a time (mm/memory.c, 6.18:
// handle_mm_fault -> __handle_mm_fault -> handle_pte_fault ->
// do_anonymous_page; __pte_alloc -> pmd_install; pte_offset_map_lock with its
// pmd_same recheck, mm/pgtable-generic.c), and the 2021 series' version
// (v3 10/15 and 07/15: pte_tryget_map in handle_pte_fault, pte_put_vmf,
// pte_alloc_try_get in do_anonymous_page, pmd_install's
// pte_get_unless_zero retry, pte_put; mm/pte_ref.c).
//
// Simplified: one lockless PMD read stands for __handle_mm_fault's walk;
// 6.18's pte_offset_map_rw_nolock peek before do_anonymous_page is folded
// into its pte_offset_map_lock; the per-VMA lock is mmap_lock for read.
import type { MechanismVariant } from '../../scenario/ast.ts';
import { PMD_SIZE } from '../constants.ts';
import { thpAllowed } from '../mm/fault.ts';
import { findVma } from '../mm/vma.ts';
import { access, presentNow, refAdd, setPte } from './checker.ts';
import { freeUserPteTable } from './free.ts';
import { dropRef, hex, other, pmdNow, slotOf, type ProgramBuilder } from './program.ts';
import { lock, lockWait, mmapRead, mmapReadWait, mmapUnlock, pml, ptl, rcuReadLock, rcuReadUnlock, unlock } from './sync.ts';
import { END, type Cpu, type Flow, type Race } from './state.ts';

const page = (c: Cpu): number => c.v.pages[c.v.pi];

/** The page is done: release mmap_lock and go on with the next one. */
function nextPage(r: Race, c: Cpu): Flow {
  if (c.mmap) mmapUnlock(r, c);
  c.v.pi++;
  c.table = null;
  c.pmdSeen = undefined;
  return c.v.pi < c.v.pages.length ? 'fault' : END;
}

function start(r: Race, c: Cpu): Flow {
  const v = c.v;
  if (v.pi >= v.pages.length) return END;
  const addr = page(c);
  if (presentNow(r.mm, addr, v.write)) {
    c.note = v.gup ? `${hex(addr)} is mapped now: follow_page_mask pins it without a fault` : `${hex(addr)} is mapped already: no fault`;
    v.pi++;
    return v.pi < v.pages.length ? 'fault' : END;
  }
  mmapRead(r, c);
  const mm = r.mm;
  const vi = findVma(mm, addr);
  const vma = mm.vmas[vi];
  if (vi < 0 || vma.prot === 'none' || (v.write && vma.prot !== 'rw')) {
    mmapUnlock(r, c);
    const why = vi < 0 ? 'no mapping there' : vma.prot === 'none' ? 'the page is PROT_NONE' : 'the page is read-only';
    if (v.gup) {
      c.outcome.push(`get_user_pages returned -EFAULT at ${hex(addr)} (${why})`);
    } else {
      c.error = { kind: 'segv', addr, message: `SIGSEGV on CPU ${c.id}: ${v.write ? 'write to' : 'read of'} ${hex(addr)}: ${why}` };
      c.outcome.push(`got SIGSEGV at ${hex(addr)} (${why})`);
    }
    return END;
  }
  if (thpAllowed(mm, vma, slotOf(addr) * PMD_SIZE)) {
    mmapUnlock(r, c);
    c.error = { kind: 'einval', message: `races model 4 KiB pages only: ${hex(addr)} is in a THP-eligible VMA (use 'thp never' or a VMA without hugepage)` };
    return END;
  }
  return undefined;
}

function readPmd(r: Race, c: Cpu, ref: boolean): Flow {
  const addr = page(c);
  r.mm.pmd_alloc(addr); // __handle_mm_fault: pud_alloc, pmd_alloc
  const t = pmdNow(r, slotOf(addr));
  c.pmdSeen = t;
  if (!t) return 'alloc';
  if (t.huge) {
    c.error = { kind: 'einval', message: `races model 4 KiB pages only: ${hex(addr)} is mapped by a huge PMD` };
    mmapUnlock(r, c);
    return END;
  }
  return ref ? 'h_try' : 'map';
}

/** pte-ref: rcu_read_lock and read the PMD (the first half of pte_try_get). */
function tryRead(r: Race, c: Cpu, none: string): Flow {
  rcuReadLock(c);
  const t = pmdNow(r, slotOf(page(c)));
  c.pmdSeen = t;
  if (t) return undefined;
  rcuReadUnlock(c);
  return none;
}

/** The second half of pte_try_get: atomic_inc_not_zero(pte_refcount). */
function tryInc(r: Race, c: Cpu, onZero: string, zeroNote: string): Flow {
  const t = c.pmdSeen!;
  if (!access(r, c, t, 'incremented the pte_refcount of')) return undefined;
  if (t.refcount === 0) {
    rcuReadUnlock(c);
    c.note = zeroNote;
    c.outcome.push(`saw table #${t.id}'s pte_refcount at 0 and ${onZero === 'alloc' ? 'allocated a new table' : 'read the PMD again'}`);
    return onZero;
  }
  refAdd(r, c, t, +1, 'pte_try_get');
  c.refs.push(t);
  c.table = t;
  rcuReadUnlock(c);
  return undefined;
}

/** The pte-ref wait of handle_pte_fault's retry loop: the count is 0 and the PMD still points there. */
function zeroSpin(r: Race, c: Cpu): string | null {
  const t = c.pmdSeen;
  if (!t || r.life(t) === 'freed' || t.refcount !== 0 || pmdNow(r, t.slot) !== t) return null;
  return `spinning: table #${t.id} has pte_refcount 0 (${other(r, c)} is freeing it); handle_pte_fault retries until its PMD changes`;
}

/** Add the fault protocol, entered at label 'fault', for c.v.pages. */
export function faultProgram(p: ProgramBuilder, mech: MechanismVariant): void {
  const ref = mech === 'pte-ref';
  const recheck = mech === 'baseline' || mech === 'pt-reclaim';
  const rcu = mech !== 'broken';
  p.add({ label: 'fault', name: 'page fault: mmap_read_lock', fn: 'handle_mm_fault', wait: mmapReadWait, run: start });
  p.add({ name: 'read the PMD (__handle_mm_fault)', fn: '__handle_mm_fault', run: (r, c) => readPmd(r, c, ref) });
  if (ref) {
    // handle_pte_fault: pte_tryget_map, retried while the count is 0 (X2).
    p.add({ label: 'h_try', name: 'pte_tryget_map: rcu_read_lock, read the PMD', fn: 'pte_tryget_map', run: (r, c) => tryRead(r, c, 'alloc') });
    p.add({
      name: 'pte_tryget_map: atomic_inc_not_zero(pte_refcount)', fn: 'pte_tryget_map', wait: zeroSpin,
      run: (r, c) => tryInc(r, c, 'h_try', 'pte_refcount is 0 and the PMD changed: read it again'),
    });
    p.add({
      name: 'read the PTE: none, so pte_put_vmf (drop the reference)', fn: 'pte_put_vmf',
      run: (r, c) => {
        const t = c.table!;
        if (!access(r, c, t, 'read a PTE of')) return undefined;
        const mapped = presentNow(r.mm, page(c), c.v.write) && pmdNow(r, t.slot) === t;
        if (mapped) c.note = 'the PTE is mapped now (the other CPU): nothing to do';
        refAdd(r, c, t, -1, 'pte_put_vmf');
        dropRef(c, t);
        c.table = null;
        if (t.refcount !== 0) return mapped ? 'done' : undefined;
        c.outcome.push(`pte_put_vmf dropped table #${t.id}'s last reference`);
        c.v.ret = mapped ? 'done' : 'a_try';
        c.v.freeing = t;
        return 'frp';
      },
    });
    // do_anonymous_page -> pte_alloc_try_get: a count of 0 means "allocate" (R3).
    p.add({ label: 'a_try', name: 'pte_alloc_try_get: rcu_read_lock, read the PMD', fn: 'pte_alloc_try_get', run: (r, c) => tryRead(r, c, 'alloc') });
    p.add({
      name: 'pte_alloc_try_get: atomic_inc_not_zero(pte_refcount)', fn: 'pte_alloc_try_get',
      run: (r, c) => tryInc(r, c, 'alloc', 'pte_refcount is 0 (the table is being freed): allocate a new one') ?? 'lock',
    });
  }
  // __pte_alloc -> pmd_install (B2; pte-ref R3/R4: X3).
  p.add({ label: 'alloc', name: 'pte_alloc_one: allocate a PTE table', fn: '__pte_alloc', run: (r, c) => void (c.newTable = r.mm.pte_alloc_one(slotOf(page(c)))) });
  p.add({
    label: 'a_pml', name: 'pmd_install: spin_lock(PMD lock)', fn: 'pmd_install',
    wait: (r, c) => {
      const slot = slotOf(page(c));
      const w = lockWait(r, c, pml(r, slot));
      if (w || !(ref && c.v.retry)) return w;
      const t = pmdNow(r, slot);
      return t && t.refcount === 0 && r.life(t) !== 'freed' ? `waiting for ${other(r, c)} to clear the PMD of dying table #${t.id} (pte_get_unless_zero failed)` : null;
    },
    run: (r, c) => void lock(r, c, pml(r, slotOf(page(c)))),
  });
  p.add({
    name: 'pmd_install: PMD still none? link our table (mm_inc_nr_ptes)', fn: 'pmd_install',
    run: (r, c) => {
      const slot = slotOf(page(c));
      const cur = pmdNow(r, slot);
      const mine = c.newTable!;
      c.v.retry = false;
      if (!cur) {
        r.mm.linkPte(r.mm.pmdTableAt(slot * PMD_SIZE)!, mine);
        c.newTable = null;
        c.pmdSeen = mine;
        c.note = `linked table #${mine.id}`;
        c.outcome.push(`installed table #${mine.id}`);
        if (ref) {
          refAdd(r, c, mine, +1, 'pmd_install'); // the installer's visitor reference
          c.refs.push(mine);
          c.table = mine;
        }
        return undefined;
      }
      if (ref) {
        if (!access(r, c, cur, 'read the pte_refcount of')) return undefined;
        if (cur.refcount === 0) {
          c.v.retry = true;
          c.note = `the PMD points to table #${cur.id}, whose pte_refcount is 0: drop the PMD lock and retry`;
          c.outcome.push(`pmd_install found dying table #${cur.id} and retried`);
          return undefined;
        }
        refAdd(r, c, cur, +1, 'pte_get_unless_zero');
        c.refs.push(cur);
        c.table = cur;
      }
      c.newTable = null;
      c.pmdSeen = cur;
      c.note = `table #${cur.id} is there already: pte_free our table #${mine.id}`;
      return undefined;
    },
  });
  p.add({
    name: 'pmd_install: spin_unlock(PMD lock)', fn: 'pmd_install',
    run: (r, c) => {
      unlock(r, c, pml(r, slotOf(page(c))));
      return c.v.retry ? 'a_pml' : ref ? 'lock' : 'map';
    },
  });
  if (ref) {
    p.add({
      label: 'lock', name: 'pte_offset_map_lock: spin_lock(PTE lock)', fn: 'pte_offset_map_lock',
      wait: (r, c) => lockWait(r, c, ptl(c.table!)),
      run: (r, c) => void (access(r, c, c.table!, 'spun on the PTE lock of') && lock(r, c, ptl(c.table!))),
    });
  } else {
    p.add({
      label: 'map', name: rcu ? 'pte_offset_map_lock: rcu_read_lock, read the PMD' : 'pte_offset_map_lock: read the PMD', fn: 'pte_offset_map_lock',
      run: (r, c) => {
        if (rcu) rcuReadLock(c);
        const t = pmdNow(r, slotOf(page(c)));
        c.pmdSeen = t;
        if (t) {
          c.table = t;
          return undefined;
        }
        if (rcu) rcuReadUnlock(c);
        mmapUnlock(r, c);
        c.note = 'the PMD is none: pte_offset_map_lock returns NULL, the fault returns 0 and the CPU faults again';
        c.outcome.push('re-faulted');
        return 'fault';
      },
    });
    p.add({
      name: 'spin_lock(PTE lock)', fn: 'pte_offset_map_lock',
      wait: (r, c) => lockWait(r, c, ptl(c.table!)),
      run: (r, c) => void (access(r, c, c.table!, 'spun on the PTE lock of') && lock(r, c, ptl(c.table!))),
    });
    if (recheck) {
      p.add({
        name: 'recheck the PMD under the PTE lock (pmd_same)', fn: 'pte_offset_map_lock',
        run: (r, c) => {
          const t = c.table!;
          if (pmdNow(r, t.slot) === t) return 'set';
          unlock(r, c, ptl(t));
          rcuReadUnlock(c);
          c.table = null;
          c.note = `the PMD no longer points to table #${t.id}: unlock and retry`;
          c.outcome.push(`pmd_same caught the cleared PMD of table #${t.id}`);
          return 'map';
        },
      });
    }
  }
  p.add({ label: 'set', name: 'do_anonymous_page: pte_none? set_pte_at', fn: 'do_anonymous_page', run: (r, c) => void setPte(r, c, c.table!, page(c), c.v.write) });
  p.add({
    name: ref || !rcu ? 'pte_unmap_unlock: spin_unlock(PTE lock)' : 'pte_unmap_unlock: spin_unlock(PTE lock), rcu_read_unlock', fn: 'pte_unmap_unlock',
    run: (r, c) => {
      const t = c.table!;
      if (!access(r, c, t, 'released the PTE lock of')) return undefined;
      unlock(r, c, ptl(t));
      if (rcu && !ref) rcuReadUnlock(c);
      return ref ? undefined : 'done';
    },
  });
  if (ref) {
    p.add({
      name: 'pte_put (drop the fault\'s reference)', fn: 'pte_put',
      run: (r, c) => {
        const t = c.table!;
        refAdd(r, c, t, -1, 'pte_put');
        dropRef(c, t);
        c.table = null;
        if (t.refcount !== 0) return 'done';
        c.outcome.push(`pte_put dropped table #${t.id}'s last reference`);
        c.v.ret = 'done';
        c.v.freeing = t;
        return 'frp';
      },
    });
  }
  p.add({ label: 'done', name: 'mmap_read_unlock', fn: 'handle_mm_fault', run: nextPage });
  if (ref) freeUserPteTable(p, 'frp');
}
