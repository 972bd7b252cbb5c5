// Two more statements a CPU can run in a race:
//
// gup: get_user_pages_fast (mm/gup.c gup_fast -> gup_fast_pgd_range ->
// gup_fast_pmd_range -> gup_fast_pte_range), the "hw-locked" walker (B21):
// no mmap_lock, no PTE lock, no reference; interrupts off, which holds up
// the TLB-flush IPI (baseline, R12) and RCU grace periods (pt-reclaim, Y5).
// It reads the PMD and the PTEs locklessly, rechecks the PMD after grabbing
// the pages, and falls back to the slow path (mmap_lock, handle_mm_fault:
// the fault protocol, FOLL_WRITE) for whatever it could not pin.
//
// munmap: do_vmi_munmap (mm/vma.c): mmap_write_lock, detach the VMAs,
// downgrade to read, unmap_vmas (the zap protocol), free_pgtables (B11,
// locklessly: B13), tlb_finish_mmu. PMD and PUD tables free_pgtables frees
// are freed at once here (only PTE tables are raced).
import type { MechanismVariant } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import { free_pgtables } from '../mm/free_pgtables.ts';
import { PTE_NONE, PTE_ZERO } from '../mm/pgtable.ts';
import { detachRange, findVmaFrom } from '../mm/vma.ts';
import { access, freePage, trackDetached } from './checker.ts';
import { hex, pmdNow, slotOf, type ProgramBuilder } from './program.ts';
import { irqOff, irqOn, mmapDowngrade, mmapWrite, mmapWriteWait } from './sync.ts';
import { END } from './state.ts';
import { zapProgram, zapWork } from './zap.ts';
import { zapTail } from './free.ts';

/** gup-fast; its slow path is the fault protocol (label 'fault'), added after it. */
export function gupProgram(p: ProgramBuilder): void {
  p.add({ label: 'gup', name: 'gup_fast: local_irq_save (interrupts off)', fn: 'gup_fast', run: (_r, c) => void irqOff(c) });
  p.add({
    label: 'g_pmd', name: 'gup_fast_pmd_range: read the PMD (pmdp_get_lockless)', fn: 'gup_fast_pmd_range',
    run: (r, c) => {
      const v = c.v;
      if (v.pi >= v.pages.length) return 'g_on';
      const t = pmdNow(r, slotOf(v.pages[v.pi]));
      c.pmdSeen = t;
      if (!t || t.huge) {
        v.fallback = true;
        c.note = t ? 'a huge PMD: not modelled here, fall back' : 'the PMD is none: gup-fast gives up here';
        return 'g_on';
      }
      c.table = t;
      return undefined;
    },
  });
  p.add({
    name: 'gup_fast_pte_range: pte_offset_map, read the PTEs', fn: 'gup_fast_pte_range',
    run: (r, c) => {
      const v = c.v;
      const t = c.table!;
      if (!access(r, c, t, 'read the PTEs of')) return undefined;
      v.pins = 0;
      for (let k = v.pi; k < v.pages.length && slotOf(v.pages[k]) === t.slot; k++) {
        // A detached table reads as it was left (all none after a zap): gup-fast then falls back.
        const e = t.ents[(v.pages[k] - t.slot * PMD_SIZE) / PAGE_SIZE];
        if (e === PTE_NONE || (v.write && e === PTE_ZERO)) {
          v.fallback = true;
          break;
        }
        v.pins++;
      }
      c.note = `grabbed ${v.pins} page${v.pins === 1 ? '' : 's'}${v.fallback ? `; the PTE for ${hex(v.pages[v.pi + v.pins])} is none: stop there` : ''}`;
    },
  });
  p.add({
    name: 'recheck the PMD (pmd_val changed? unpin and bail)', fn: 'gup_fast_pte_range',
    run: (r, c) => {
      const v = c.v;
      const t = c.table!;
      c.table = null;
      if (pmdNow(r, t.slot) !== t) {
        c.note = `the PMD no longer points to table #${t.id}: ${v.pins ? `unpin ${v.pins} and ` : ''}fall back to the slow path`;
        c.outcome.push(`its PMD recheck saw table #${t.id} detached`);
        v.pins = 0;
        v.fallback = true;
        return 'g_on';
      }
      v.pinned += v.pins;
      v.pi += v.pins;
      return v.fallback || v.pi >= v.pages.length ? 'g_on' : 'g_pmd';
    },
  });
  p.add({
    label: 'g_on', name: 'gup_fast: local_irq_restore (interrupts on)', fn: 'gup_fast',
    run: (_r, c) => {
      const v = c.v;
      irqOn(c);
      const n = `${v.pinned} of ${v.pages.length} page${v.pages.length === 1 ? '' : 's'}`;
      if (v.pi >= v.pages.length) {
        c.outcome.push(`gup-fast pinned ${n}`);
        return END;
      }
      c.outcome.push(`gup-fast pinned ${n} and fell back to slow GUP`);
      v.pages = v.pages.slice(v.pi);
      v.pi = 0;
      v.gup = true;
      return 'fault';
    },
  });
}

export function munmapProgram(p: ProgramBuilder, mech: MechanismVariant): void {
  p.add({ label: 'munmap', name: 'munmap: mmap_write_lock', fn: 'do_vmi_munmap', wait: mmapWriteWait, run: (r, c) => void mmapWrite(r, c) });
  p.add({
    name: 'detach the VMAs (vms_gather_munmap_vmas)', fn: 'vms_gather_munmap_vmas',
    run: (r, c) => {
      const v = c.v;
      const mm = r.mm;
      v.detached = detachRange(mm, v.start, v.end);
      const i = findVmaFrom(mm, v.start);
      v.floor = i > 0 ? mm.vmas[i - 1].end : 0;
      v.ceiling = i < mm.vmas.length ? mm.vmas[i].start : 0;
      v.cause = 'munmap';
      v.work = zapWork(v.detached, v.start, v.end);
      if (!v.detached.length) c.note = 'nothing is mapped there';
    },
  });
  p.add({ name: 'mmap_write_downgrade', fn: 'mmap_write_downgrade', run: (r, c) => (mmapDowngrade(r, c), 'slot') });
  zapProgram(p, mech, 'munmap');
  p.add({
    label: 'fpt', name: 'free_pgtables: clear the PMDs no VMA needs (free_pte_range)', fn: 'free_pgtables',
    run: (r, c) => {
      const v = c.v;
      const freed: number[] = [];
      r.mm.onPteUnlinked = (t) => {
        trackDetached(r, c, t, 'free_pte_range', r.mm.mech.rcuTableFree);
        freed.push(t.id);
        if (mech === 'broken') freePage(r, c, t, 'free_pte_range');
        else v.gather.push(t);
      };
      try {
        if (v.detached.length) free_pgtables(r.mm, v.detached, v.floor, v.ceiling);
      } finally {
        r.mm.onPteUnlinked = null;
      }
      if (freed.length) v.dirty = true;
      c.note = freed.length ? `cleared the PMD${freed.length > 1 ? 's' : ''} of table${freed.length > 1 ? 's' : ''} ${freed.map((id) => `#${id}`).join(', ')}${mech === 'broken' ? ' and freed them at once' : ''}` : 'no PTE table to free';
      return 'finish';
    },
  });
  zapTail(p, mech);
}

