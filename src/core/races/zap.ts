// The zap protocol, slot by slot: zap_page_range_single / unmap_vmas ->
// zap_pmd_range -> zap_pte_range (mm/memory.c, 6.18), with each design's
// ending:
//   baseline   keep the table (B6);
//   pt-reclaim the whole-slot DONTNEED fast path (try_get_and_clear_pmd:
//              spin_trylock of the PMD lock under the PTE lock, P5), else the
//              slow path try_to_free_pte (PMD lock, PTE lock, rescan, P6);
//              mm/pt_reclaim.c. A PTE-lock drop mid-slot (need_resched, a
//              full batch: `lockbreak`) clears direct_reclaim since the Feb
//              2025 fix (Y2); `unfixed` keeps it, as 6.14-rc1 did;
//   pte-ref    a visitor reference around zap_pte_range, pte_put_many for
//              the cleared entries, and free_user_pte_table at the final
//              pte_put (R8, mm/pte_ref.c);
//   broken     free the table at once when its own pass saw it empty (the
//              count it read when it first took the PTE lock, minus what it
//              cleared: no rescan, no refcount, no RCU).
import type { MechanismVariant } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import { rangeMapped, type Vma } from '../mm/vma.ts';
import type { PteTable } from '../mm/pgtable.ts';
import type { ReasonCode } from '../types.ts';
import { access, clearPtes, detach, freePage, refAdd } from './checker.ts';
import { freeUserPteTableGather } from './free.ts';
import { dropRef, hex, nextSlot, pmdNow, whole, type ProgramBuilder } from './program.ts';
import { lock, lockName, lockWait, mmapRead, mmapReadWait, pml, ptl, rcuReadLock, rcuReadUnlock, trylock, unlock } from './sync.ts';
import type { Cpu, Flow, Race, ZapWork } from './state.ts';

/** The zap_pte_range calls of [s, e) over these VMAs: one per VMA and 2 MiB slot. */
export function zapWork(vmas: readonly Vma[], s: number, e: number): ZapWork[] {
  const work: ZapWork[] = [];
  for (const v of vmas) {
    const a0 = Math.max(s, v.start);
    const b0 = Math.min(e, v.end);
    for (let a = a0; a < b0; ) {
      const slot = Math.floor(a / PMD_SIZE);
      const b = Math.min(b0, (slot + 1) * PMD_SIZE);
      work.push({ slot, a, b });
      a = b;
    }
  }
  return work;
}

const entries = (n: number): string => `${n} entr${n === 1 ? 'y' : 'ies'}`;

/** A table this DONTNEED kept (munmap leaves the verdict to free_pgtables). */
function keep(r: Race, c: Cpu, t: PteTable, code: ReasonCode, text: string): void {
  if (c.v.cause !== 'dontneed' || r.reasons.some((x) => x.tableId === t.id)) return;
  r.reasons.push({ addr: t.slot * PMD_SIZE, tableId: t.id, verdict: 'kept', code, text });
}

function keepPlain(r: Race, c: Cpu, t: PteTable, mech: MechanismVariant): Flow {
  const w = c.v.work[c.v.wi];
  if (mech === 'pt-reclaim' && !whole(w)) keep(r, c, t, 'partial_cover', `kept: the zap covered ${(w.b - w.a) / 1024} KiB of this 2 MiB slot; pt-reclaim needs the whole slot`);
  else if (mech === 'baseline') keep(r, c, t, 'baseline_keeps', 'kept: baseline never frees a PTE table on a zap');
  else if (t.nonNone) keep(r, c, t, 'entries_left', `kept: ${entries(t.nonNone)} still mapped`);
  else keep(r, c, t, 'entries_left', 'kept: this zap did not see the table empty');
  return nextSlot(c);
}

/** Add the zap protocol. `madvise` enters at 'zap' (mmap_read_lock); munmap's prelude enters at 'slot'. */
export function zapProgram(p: ProgramBuilder, mech: MechanismVariant, entry: 'madvise' | 'munmap'): void {
  const ref = mech === 'pte-ref';
  const ptr = mech === 'pt-reclaim';
  const brk = mech === 'broken';
  // pte_offset_map_lock is RCU-protected and rechecks the PMD since 6.5 (B20);
  // the 2021 series predates that and holds a reference instead; broken has neither.
  const rcu = !ref && !brk;
  const w = (c: Cpu): ZapWork => c.v.work[c.v.wi];
  if (entry === 'madvise') {
    p.add({
      label: 'zap', name: 'madvise: mmap_read_lock', fn: 'madvise_dontneed_single_vma', wait: mmapReadWait,
      run: (r, c) => {
        mmapRead(r, c);
        const v = c.v;
        v.cause = 'dontneed';
        v.work = zapWork(r.mm.vmas, v.start, v.end);
        v.enomem = !rangeMapped(r.mm, v.start, v.end);
        return 'slot';
      },
    });
  }
  p.add({
    label: 'slot', name: 'zap_pmd_range: read the PMD', fn: 'zap_pmd_range',
    run: (r, c) => {
      const v = c.v;
      if (v.wi >= v.work.length) return v.cause === 'munmap' ? 'fpt' : 'finish';
      const t = pmdNow(r, w(c).slot);
      c.pmdSeen = t;
      if (!t) {
        c.note = 'the PMD is none: nothing to zap in this slot';
        return nextSlot(c);
      }
      if (t.huge) {
        c.error = { kind: 'einval', message: `races model 4 KiB pages only: ${hex(w(c).slot * PMD_SIZE)} is mapped by a huge PMD` };
        return nextSlot(c);
      }
      Object.assign(v, { pos: w(c).a, cleared: 0, dropped: false, clearedPmd: false, seen: -1 });
      v.direct = ptr && v.cause === 'dontneed' && whole(w(c));
      return ref ? 'z_get' : 'z_map';
    },
  });
  if (ref) {
    p.add({
      label: 'z_get', name: 'pte_try_get (zap_pmd_range takes a visitor reference)', fn: 'pte_try_get',
      run: (r, c) => {
        const t = pmdNow(r, w(c).slot);
        c.pmdSeen = t;
        if (!t) {
          c.note = 'the PMD is none now: nothing to zap';
          return nextSlot(c);
        }
        if (!access(r, c, t, 'incremented the pte_refcount of')) return undefined;
        if (t.refcount === 0) {
          c.note = 'pte_refcount is 0 (the table is being freed): skip the slot';
          return nextSlot(c);
        }
        refAdd(r, c, t, +1, 'pte_try_get');
        c.refs.push(t);
        c.table = t;
        return 'z_lockref';
      },
    });
    p.add({
      label: 'z_lockref', name: 'pte_offset_map_lock: spin_lock(PTE lock)', fn: 'pte_offset_map_lock',
      wait: (r, c) => lockWait(r, c, ptl(c.table!)),
      run: (r, c) => (access(r, c, c.table!, 'spun on the PTE lock of') ? (lock(r, c, ptl(c.table!)), 'z_clear') : undefined),
    });
  } else {
    p.add({
      label: 'z_map', name: rcu ? 'pte_offset_map_lock: rcu_read_lock, read the PMD' : 'pte_offset_map_lock: read the PMD', fn: 'pte_offset_map_lock',
      run: (r, c) => {
        if (rcu) rcuReadLock(c);
        const t = pmdNow(r, w(c).slot);
        c.pmdSeen = t;
        if (!t) {
          if (rcu) rcuReadUnlock(c);
          c.note = 'the PMD is none now: pte_offset_map_lock returns NULL; nothing left to zap';
          return nextSlot(c);
        }
        c.table = t;
        return undefined;
      },
    });
    p.add({
      name: 'spin_lock(PTE lock)', fn: 'pte_offset_map_lock',
      wait: (r, c) => lockWait(r, c, ptl(c.table!)),
      run: (r, c) => {
        const t = c.table!;
        if (!access(r, c, t, 'spun on the PTE lock of')) return undefined;
        lock(r, c, ptl(t));
        if (brk && c.v.seen < 0) c.v.seen = t.nonNone; // read once, never rechecked
        return rcu ? undefined : 'z_clear';
      },
    });
    if (rcu) {
      p.add({
        name: 'recheck the PMD under the PTE lock (pmd_same)', fn: 'pte_offset_map_lock',
        run: (r, c) => {
          const t = c.table!;
          if (pmdNow(r, t.slot) === t) return 'z_clear';
          unlock(r, c, ptl(t));
          rcuReadUnlock(c);
          c.table = null;
          c.note = `the PMD no longer points to table #${t.id}: unlock and retry`;
          return 'z_map';
        },
      });
    }
  }
  p.add({
    label: 'z_clear', name: 'zap_pte_range: clear the entries', fn: 'zap_pte_range',
    run: (r, c) => {
      const v = c.v;
      const t = c.table!;
      const end = v.lockbreak > v.pos && v.lockbreak < w(c).b && !v.dropped ? v.lockbreak : w(c).b;
      const n = clearPtes(r, c, t, v.pos, end);
      if (r.violation) return undefined;
      c.note = `cleared ${entries(n)} of [${hex(v.pos)}, ${hex(end)})`;
      v.cleared += n;
      v.pos = end;
      if (n) v.dirty = true;
      if (ref && n) refAdd(r, c, t, -n, 'pte_put_many');
      if (brk) v.seen -= n;
      if (end < w(c).b) return 'z_drop';
      return ptr && v.direct ? 'z_try' : 'z_unl';
    },
  });
  p.add({
    label: 'z_drop', name: 'need_resched: drop the PTE lock mid-slot (pte_unmap_unlock)', fn: 'zap_pte_range',
    run: (r, c) => {
      const v = c.v;
      unlock(r, c, ptl(c.table!));
      if (rcu) rcuReadUnlock(c);
      if (!ref) c.table = null;
      v.dropped = true;
      if (ptr && v.direct) {
        if (v.unfixed) c.note = 'the PTE lock was dropped, but 6.14-rc1 keeps direct_reclaim (the bug)';
        else {
          v.direct = false;
          c.note = 'the PTE lock was dropped: direct_reclaim = false (the Feb 2025 fix)';
        }
      }
      return ref ? 'z_lockref' : 'z_map';
    },
  });
  if (ptr) {
    p.add({
      label: 'z_try', name: 'try_get_and_clear_pmd: spin_trylock(PMD lock)', fn: 'try_get_and_clear_pmd',
      run: (r, c) => {
        const key = pml(r, c.table!.slot);
        if (trylock(r, c, key)) return undefined;
        c.note = `trylock failed: the ${lockName(key)} is held by CPU ${r.locks.get(key)}; the slow path will try`;
        return 'z_unl';
      },
    });
    p.add({
      name: 'pmd_clear; spin_unlock(PMD lock)', fn: 'try_get_and_clear_pmd',
      run: (r, c) => {
        const t = c.table!;
        detach(r, c, t, 'try_get_and_clear_pmd', true);
        c.v.clearedPmd = true;
        unlock(r, c, pml(r, t.slot));
      },
    });
  }
  p.add({
    label: 'z_unl', name: rcu ? 'pte_unmap_unlock: spin_unlock(PTE lock), rcu_read_unlock' : 'pte_unmap_unlock: spin_unlock(PTE lock)', fn: 'zap_pte_range',
    run: (r, c) => {
      const t = c.table!;
      if (!access(r, c, t, 'released the PTE lock of')) return undefined;
      unlock(r, c, ptl(t));
      if (rcu) rcuReadUnlock(c);
      if (ref) return 'z_put';
      if (ptr && c.v.clearedPmd) return 'z_freepte';
      if (ptr && c.v.cause === 'dontneed' && whole(w(c))) return 'z_slow';
      if (brk && c.v.seen === 0) return 'z_bfree';
      return keepPlain(r, c, t, mech);
    },
  });
  if (ref) {
    p.add({
      label: 'z_put', name: 'pte_put (zap_pmd_range drops its reference)', fn: 'pte_put',
      run: (r, c) => {
        const t = c.table!;
        refAdd(r, c, t, -1, 'pte_put');
        dropRef(c, t);
        if (t.refcount !== 0) {
          keep(r, c, t, 'refcount_left', `kept: pte_refcount ${t.refcount}: ${entries(t.nonNone)} still mapped`);
          return nextSlot(c);
        }
        c.v.freeing = t;
        return 'z_frp';
      },
    });
    freeUserPteTableGather(p, 'z_frp');
  }
  if (ptr) {
    p.add({
      label: 'z_freepte', name: 'free_pte: pte_free_tlb (into the mmu_gather)', fn: 'free_pte',
      run: (_r, c) => {
        c.v.gather.push(c.table!);
        return nextSlot(c);
      },
    });
    p.add({
      label: 'z_slow', name: 'try_to_free_pte: spin_lock(PMD lock)', fn: 'try_to_free_pte',
      wait: (r, c) => lockWait(r, c, pml(r, w(c).slot)),
      run: (r, c) => void lock(r, c, pml(r, w(c).slot)),
    });
    p.add({
      name: 'pte_offset_map_rw_nolock; spin_lock(PTE lock)', fn: 'try_to_free_pte',
      wait: (r, c) => {
        const cur = pmdNow(r, w(c).slot);
        return cur ? lockWait(r, c, ptl(cur)) : null;
      },
      run: (r, c) => {
        const cur = pmdNow(r, w(c).slot);
        if (cur !== c.table) {
          unlock(r, c, pml(r, w(c).slot));
          c.note = 'the PMD no longer maps this table: nothing to free';
          return nextSlot(c);
        }
        if (!access(r, c, c.table!, 'spun on the PTE lock of')) return undefined;
        lock(r, c, ptl(c.table!));
        return undefined;
      },
    });
    p.add({
      name: 'scan all 512 entries (pte_none?)', fn: 'try_to_free_pte',
      run: (r, c) => {
        const t = c.table!;
        r.mm.counters.entriesScanned += 512;
        if (t.nonNone === 0) return undefined;
        unlock(r, c, ptl(t));
        unlock(r, c, pml(r, t.slot));
        c.note = `${entries(t.nonNone)} mapped: keep the table`;
        c.outcome.push(`the slow path's rescan found table #${t.id} refilled and kept it`);
        keep(r, c, t, 'entries_left', `kept: the slow path's rescan found ${entries(t.nonNone)} mapped (refilled while the zap had dropped the PTE lock)`);
        return nextSlot(c);
      },
    });
    p.add({
      name: 'pmd_clear; spin_unlock(PTE lock), spin_unlock(PMD lock)', fn: 'try_to_free_pte',
      run: (r, c) => {
        const t = c.table!;
        detach(r, c, t, 'try_to_free_pte', true);
        unlock(r, c, ptl(t));
        unlock(r, c, pml(r, t.slot));
        return 'z_freepte';
      },
    });
  }
  if (brk) {
    p.add({
      label: 'z_bfree', name: 'it looked empty: pmd_clear and free the page at once', fn: 'broken_free_table',
      run: (r, c) => {
        const t = c.table!;
        detach(r, c, t, 'broken_free_table', false);
        freePage(r, c, t, 'broken_free_table');
        c.outcome.push(`freed table #${t.id} at once`);
        return nextSlot(c);
      },
    });
  }
}

/** The pages [addr, addr + len) covers, page aligned. */
export function pagesOf(addr: number, len: number): number[] {
  const out: number[] = [];
  for (let a = addr - (addr % PAGE_SIZE); a < addr + len; a += PAGE_SIZE) out.push(a);
  return out;
}

