// Freeing a detached PTE table: the TLB flush (an IPI every other CPU must
// acknowledge; a CPU with interrupts off, like gup-fast, holds it up), then,
// with MMU_GATHER_RCU_TABLE_FREE (pte-ref v3 15/15, and x86 with
// PT_RECLAIM), an RCU grace period, then the page goes back
// (mm/mmu_gather.c tlb_finish_mmu -> tlb_flush_mmu -> tlb_table_flush ->
// tlb_remove_table_rcu -> __tlb_remove_table; mm/pte_ref.c
// free_user_pte_table without a gather: flush_tlb_range, then call_rcu).
// Baseline x86 without paravirt frees page tables right after the flush
// (tlb_remove_page, B22); `broken` frees at once and never gets here.
import type { MechanismVariant } from '../../scenario/ast.ts';
import { detach, freePage } from './checker.ts';
import { nextSlot, type ProgramBuilder } from './program.ts';
import { flushWait, gracePeriodWait, lock, lockWait, mmapUnlock, pml, startGracePeriod, unlock } from './sync.ts';
import { END, type Cpu, type Race } from './state.ts';

function flush(r: Race, by: string): void {
  r.mm.counters.tlbFlushes++;
  r.mm.enter(by);
  r.mm.emit({ kind: 'tlb_flush', by });
}

/**
 * pte-ref's free_user_pte_table called with no mmu_gather (a fault's last
 * pte_put): PMD lock, clear the PMD, flush the 2 MiB at once, unlock, then
 * call_rcu. Entered at `label` with c.v.freeing set; returns to c.v.ret.
 */
export function freeUserPteTable(p: ProgramBuilder, label: string): void {
  p.add({
    label, name: 'free_user_pte_table: spin_lock(PMD lock)', fn: 'free_user_pte_table',
    wait: (r, c) => lockWait(r, c, pml(r, c.v.freeing!.slot)),
    run: (r, c) => void lock(r, c, pml(r, c.v.freeing!.slot)),
  });
  p.add({ name: 'pmdp_huge_get_and_clear: clear the PMD', fn: 'free_user_pte_table', run: (r, c) => void detach(r, c, c.v.freeing!, 'free_user_pte_table', true) });
  p.add({
    name: 'flush_tlb_range: TLB-flush IPI to the other CPU', fn: 'flush_tlb_range', wait: flushWait,
    run: (r, c) => {
      flush(r, 'flush_tlb_range');
      const tr = r.tracks.get(c.v.freeing!)!;
      tr.life = 'detached-waiting-rcu';
      tr.gp = startGracePeriod(r, c);
    },
  });
  p.add({ name: 'spin_unlock(PMD lock); mm_dec_nr_ptes', fn: 'free_user_pte_table', run: (r, c) => void unlock(r, c, pml(r, c.v.freeing!.slot)) });
  p.add({
    name: 'call_rcu: wait for an RCU grace period', fn: 'call_rcu',
    wait: (r, c) => gracePeriodWait(r, r.tracks.get(c.v.freeing!)!.gp!),
    run: () => undefined,
  });
  p.add({
    name: 'pte_free_rcu: free the table page', fn: 'pte_free_rcu',
    run: (r, c) => {
      const t = c.v.freeing!;
      freePage(r, c, t, 'pte_free_rcu');
      c.outcome.push(`freed table #${t.id}`);
      c.v.freeing = null;
      return c.v.ret;
    },
  });
}

/** pte-ref's free_user_pte_table from zap_pmd_range: the table joins the zap's mmu_gather. */
export function freeUserPteTableGather(p: ProgramBuilder, label: string): void {
  p.add({
    label, name: 'free_user_pte_table: spin_lock(PMD lock)', fn: 'free_user_pte_table',
    wait: (r, c) => lockWait(r, c, pml(r, c.v.freeing!.slot)),
    run: (r, c) => void lock(r, c, pml(r, c.v.freeing!.slot)),
  });
  p.add({
    name: 'pmd_clear; pte_free_tlb (into the mmu_gather)', fn: 'free_user_pte_table',
    run: (r, c) => {
      detach(r, c, c.v.freeing!, 'free_user_pte_table', true);
      c.v.gather.push(c.v.freeing!);
    },
  });
  p.add({
    name: 'spin_unlock(PMD lock); mm_dec_nr_ptes', fn: 'free_user_pte_table',
    run: (r, c) => {
      unlock(r, c, pml(r, c.v.freeing!.slot));
      c.v.freeing = null;
      return nextSlot(c);
    },
  });
}

/** The end of a zap: tlb_finish_mmu, mmap_read_unlock, and the gathered tables' free. Entered at 'finish'. */
export function zapTail(p: ProgramBuilder, mech: MechanismVariant): void {
  const rcu = mech === 'pte-ref' || mech === 'pt-reclaim';
  p.add({
    label: 'finish', name: 'tlb_finish_mmu: flush the TLB (IPI to the other CPU)', fn: 'tlb_finish_mmu',
    wait: (r, c) => (c.v.dirty || c.v.gather.length ? flushWait(r, c) : null),
    run: (r, c) => {
      const v = c.v;
      if (!v.dirty && !v.gather.length) {
        c.note = 'nothing was cleared: no flush';
        return 'unlock';
      }
      flush(r, 'tlb_finish_mmu');
      if (!rcu) return v.gather.length ? undefined : 'unlock';
      const gp = startGracePeriod(r, c);
      for (const t of v.gather) {
        const tr = r.tracks.get(t)!;
        tr.life = 'detached-waiting-rcu';
        tr.gp = gp;
      }
      return 'unlock';
    },
  });
  const freeGathered = (r: Race, c: Cpu, by: string): void => {
    for (const t of c.v.gather) freePage(r, c, t, by);
    if (c.v.gather.length) c.outcome.push(`freed table${c.v.gather.length > 1 ? 's' : ''} ${c.v.gather.map((t) => `#${t.id}`).join(', ')}`);
    c.v.gather = [];
  };
  if (!rcu) p.add({ name: 'tlb_remove_page: free the table pages (after the flush)', fn: 'tlb_finish_mmu', run: (r, c) => freeGathered(r, c, 'tlb_remove_page') });
  p.add({
    label: 'unlock', name: 'mmap_read_unlock', fn: 'mmap_read_unlock',
    run: (r, c) => {
      mmapUnlock(r, c);
      if (c.v.enomem) c.error = { kind: 'enomem', message: `madvise on CPU ${c.id}: part of the range is not mapped (ENOMEM; the mapped part was advised)` };
      return rcu && c.v.gather.length ? undefined : END;
    },
  });
  if (rcu) {
    p.add({
      name: 'tlb_remove_table: wait for an RCU grace period', fn: 'tlb_remove_table_rcu',
      wait: (r, c) => {
        for (const t of c.v.gather) {
          const w = gracePeriodWait(r, r.tracks.get(t)!.gp!);
          if (w) return w;
        }
        return null;
      },
      run: () => undefined,
    });
    p.add({ name: '__tlb_remove_table: free the table pages', fn: '__tlb_remove_table', run: (r, c) => void freeGathered(r, c, '__tlb_remove_table') });
  }
}
