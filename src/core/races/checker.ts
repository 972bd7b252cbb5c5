// The race checker (our KASAN plus the page-table asserts): every micro-step
// reaches a PTE table through these checked accessors, which flag
//   use-after-free     a read, lock or write of a table whose page was freed;
//   lost-write         a PTE set in a table no PMD points to any more: the
//                      page is mapped nowhere and its RSS leaks;
//   non-empty-freed    a PMD cleared over a table that still maps pages (the
//                      Feb 2025 PT_RECLAIM bug: "Bad rss-counter state");
//   negative-refcount  a pte_put below zero (pte-ref).
// The first violation stops the race: the state after it is the kernel's
// corrupted one. The accessors also keep the real Mm's accounting (RSS,
// nonNone, pte_refcount, VmPTE) so figures stay right after a race.
import type { ViolationKind } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { PTE_ANON, PTE_NONE, PTE_ZERO, isAnonPte, type PteTable } from '../mm/pgtable.ts';
import { anon_vma_prepare, findVma } from '../mm/vma.ts';
import type { Cpu, Race } from './state.ts';

export function violate(r: Race, c: Cpu, t: PteTable, kind: ViolationKind, message: string): void {
  if (r.violation) return;
  r.violation = { microStep: r.n, cpu: c.id, step: c.prog.instrs[c.pc].name, tableId: t.id, kind, message };
}

function freedBy(r: Race, t: PteTable): string {
  const f = r.tracks.get(t)?.freed;
  return f ? `CPU ${f.cpu} freed it at micro-step ${f.n} (${f.by})` : 'it was freed';
}

/** Any touch of a table's page or ptdesc (its lock, its count, its entries). False: use-after-free. */
export function access(r: Race, c: Cpu, t: PteTable, what: string): boolean {
  if (r.life(t) !== 'freed') return true;
  violate(r, c, t, 'use-after-free', `use-after-free: CPU ${c.id} ${what} table #${t.id}, but ${freedBy(r, t)}`);
  return false;
}

const slotBase = (t: PteTable): number => t.slot * PMD_SIZE;

/**
 * set_pte_at for one page (do_anonymous_page, wp_page_copy). Returns false if
 * the entry was already mapped (the other CPU won) or the checker fired.
 */
export function setPte(r: Race, c: Cpu, t: PteTable, addr: number, write: boolean): boolean {
  if (!access(r, c, t, 'wrote a PTE into')) return false;
  const mm = r.mm;
  const k = (addr - slotBase(t)) / PAGE_SIZE;
  const old = t.ents[k];
  const value = write || !mm.zeroPage ? PTE_ANON : PTE_ZERO;
  if (old !== PTE_NONE && !(write && old === PTE_ZERO)) {
    c.note = 'the PTE is already mapped (the other CPU got there first): nothing to do';
    return false;
  }
  if (r.life(t) !== 'linked') {
    const d = r.tracks.get(t)!.detached!;
    violate(r, c, t, 'lost-write', `lost write: CPU ${c.id} set the PTE for 0x${addr.toString(16)} in table #${t.id}, but CPU ${d.cpu} cleared the PMD pointing to it at micro-step ${d.n} (${d.by}): the page is mapped nowhere`);
  }
  if (value === PTE_ANON) {
    const vi = findVma(mm, addr);
    if (vi >= 0) anon_vma_prepare(mm, vi);
    mm.rssAnonPages++;
  }
  t.ents[k] = value;
  if (old === PTE_NONE) {
    t.nonNone++;
    if (mm.mech.refcounts) refAdd(r, c, t, +1, 'pte_get');
  }
  mm.counters.faults++;
  const by = old === PTE_ZERO ? 'wp_page_copy' : 'do_anonymous_page';
  mm.enter(by);
  if (mm.events) {
    mm.events.push({ kind: 'fault', addr, write, by: 'handle_mm_fault' });
    mm.events.push({ kind: 'pte_set', addr, tableId: t.id, value: value === PTE_ANON ? 'anon' : 'zero', by });
  }
  return true;
}

/** zap_pte_range's loop over [a, b): clear every non-none entry. Returns how many it cleared. */
export function clearPtes(r: Race, c: Cpu, t: PteTable, a: number, b: number): number {
  if (!access(r, c, t, 'zapped entries of')) return 0;
  const mm = r.mm;
  const k0 = (a - slotBase(t)) / PAGE_SIZE;
  const k1 = (b - slotBase(t)) / PAGE_SIZE;
  let cleared = 0;
  for (let k = k0; k < k1; k++) {
    const e = t.ents[k];
    if (e === PTE_NONE) continue;
    if (isAnonPte(e)) mm.rssAnonPages--;
    t.ents[k] = PTE_NONE;
    cleared++;
  }
  t.nonNone -= cleared;
  mm.counters.entriesScanned += k1 - k0;
  if (cleared && mm.events) mm.events.push({ kind: 'ptes_cleared', addr: a, end: b, tableId: t.id, count: cleared, by: 'zap_pte_range' });
  return cleared;
}

/** pte-ref: one atomic on pte_refcount. */
export function refAdd(r: Race, c: Cpu, t: PteTable, delta: number, by: string): void {
  const from = t.refcount;
  t.refcount += delta;
  r.mm.counters.refcountAtomics++;
  if (r.mm.events) r.mm.events.push({ kind: 'refcount', tableId: t.id, addr: slotBase(t), from, to: t.refcount, by });
  if (t.refcount < 0) violate(r, c, t, 'negative-refcount', `negative refcount: CPU ${c.id}'s ${by} took table #${t.id}'s pte_refcount from ${from} to ${t.refcount}`);
}

/**
 * Clear the PMD entry pointing to t (pmd_clear / pmdp_huge_get_and_clear) and
 * account the table gone (mm_dec_nr_ptes). The page stays until freePage.
 */
export function detach(r: Race, c: Cpu, t: PteTable, by: string, rcu: boolean): void {
  r.mm.detachPte(t.slot, by, rcu);
  trackDetached(r, c, t, by, rcu);
}

/** The checks and bookkeeping of a PMD clear the Mm already did (free_pgtables' free_pte_range). */
export function trackDetached(r: Race, c: Cpu, t: PteTable, by: string, rcu: boolean): void {
  if (t.nonNone > 0) {
    violate(r, c, t, 'non-empty-freed', `non-empty table freed: CPU ${c.id}'s ${by} cleared the PMD of table #${t.id} while it still maps ${t.nonNone === 1 ? 'a page: it is' : `${t.nonNone} pages: they are`} lost (Bad rss-counter state)`);
  }
  r.tracks.set(t, { t, life: 'detached-waiting-tlb', detached: { cpu: c.id, n: r.n, by }, rcu });
}

/** The page goes back to the allocator: any later touch is a use-after-free. */
export function freePage(r: Race, c: Cpu, t: PteTable, by: string): void {
  const tr = r.tracks.get(t)!;
  tr.life = 'freed';
  tr.freed = { cpu: c.id, n: r.n, by };
}

/** What a page access finds: the entry of addr in the table its PMD points to now (the MMU's walk). */
export function presentNow(mm: Mm, addr: number, write: boolean): boolean {
  const t = mm.pteAt(Math.floor(addr / PMD_SIZE));
  if (!t) return false;
  if (t.huge) return true;
  const e = t.ents[(addr - slotBase(t)) / PAGE_SIZE];
  return e !== PTE_NONE && !(write && e === PTE_ZERO);
}
