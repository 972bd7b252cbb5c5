// The project's CONFIG_DEBUG_VM: checks run after every step in tests and
// dev builds. Each returns a list of violations (empty when all is well).
import { HPAGE_PMD_NR, PAGE_SIZE, PMD_SIZE, PTRS_PER_TABLE, TABLE_KB } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { HUGE_NONE, PTE_NONE, isAnonPte, isHugeAnon } from '../mm/pgtable.ts';
import { findVma } from '../mm/vma.ts';

export function checkInvariants(mm: Mm): string[] {
  const bad: string[] = [];
  const seen = new Set<number>();
  const count = { pud: 0, pmd: 0, pte: 0 };
  let anonPages = 0;
  const pteRef = mm.mech.refcounts;
  for (let g = 0; g < PTRS_PER_TABLE; g++) {
    const pud = mm.pgd[g];
    if (!pud) continue;
    count.pud++;
    if (seen.has(pud.id)) bad.push(`PUD table ${pud.id} reachable twice`);
    seen.add(pud.id);
    if (pud.index !== g) bad.push(`PUD table at PGD index ${g} thinks it is at ${pud.index}`);
    let pudUsed = 0;
    for (let r = 0; r < PTRS_PER_TABLE; r++) {
      const pmd = pud.entries[r];
      if (!pmd) continue;
      pudUsed++;
      count.pmd++;
      if (seen.has(pmd.id)) bad.push(`PMD table ${pmd.id} reachable twice`);
      seen.add(pmd.id);
      const region = g * PTRS_PER_TABLE + r;
      if (pmd.region !== region) bad.push(`PMD table ${pmd.id} at region ${region} thinks it is at ${pmd.region}`);
      let used = 0;
      for (let k = 0; k < PTRS_PER_TABLE; k++) {
        const t = pmd.peek(k);
        if (!t) continue;
        used++;
        count.pte++;
        const slot = region * PTRS_PER_TABLE + k;
        const at = `PTE table ${t.id} at 0x${(slot * PMD_SIZE).toString(16)}`;
        if (seen.has(t.id)) bad.push(`${at} reachable twice`);
        seen.add(t.id);
        if (t.slot !== slot) bad.push(`${at} thinks it maps slot ${t.slot}`);
        if (t.huge !== HUGE_NONE) {
          if (isHugeAnon(t.huge)) anonPages += HPAGE_PMD_NR;
          const v = mm.vmas[findVma(mm, slot * PMD_SIZE)];
          if (!v || v.end < (slot + 1) * PMD_SIZE) bad.push(`${at}: huge PMD not inside one VMA`);
          continue;
        }
        let nonNone = 0;
        if (t.uniform) {
          // One value in every entry: check it once, and the slot's ends against the VMAs.
          if (t.fill !== PTE_NONE) {
            nonNone = PTRS_PER_TABLE;
            if (isAnonPte(t.fill)) anonPages += PTRS_PER_TABLE;
            if (!coveredByVmas(mm, slot * PMD_SIZE, (slot + 1) * PMD_SIZE)) bad.push(`${at}: a full table maps pages outside every VMA`);
          }
        } else {
          // The VMA found for the last entry covers the next ones up to its end: search again only past it.
          let vmaEnd = -1;
          for (let e = 0; e < PTRS_PER_TABLE; e++) {
            const val = t.ents[e];
            if (val === PTE_NONE) continue;
            nonNone++;
            if (isAnonPte(val)) anonPages++;
            const addr = slot * PMD_SIZE + e * PAGE_SIZE;
            if (addr < vmaEnd) continue;
            const vi = findVma(mm, addr);
            if (vi < 0) bad.push(`${at}: entry for 0x${addr.toString(16)} lies outside every VMA`);
            else vmaEnd = mm.vmas[vi].end;
          }
        }
        if (nonNone !== t.nonNone) bad.push(`${at}: nonNone is ${t.nonNone}, entries say ${nonNone}`);
        if (pteRef) {
          // No walker is in flight between steps: refcount = entries + 0 visitors.
          if (t.refcount !== nonNone) bad.push(`${at}: pte_refcount ${t.refcount} != ${nonNone} non-none entries + 0 visitors`);
          if (t.refcount === 0) bad.push(`${at}: pte_refcount 0 but the table is still linked`);
        }
      }
      if (used !== pmd.used) bad.push(`PMD table ${pmd.id}: used ${pmd.used}, entries say ${used}`);
      if (pmd.liveN + pmd.compactN !== pmd.used) bad.push(`PMD table ${pmd.id}: ${pmd.liveN} tables as objects + ${pmd.compactN} compact != used ${pmd.used}`);
    }
    if (pudUsed !== pud.used) bad.push(`PUD table ${pud.id}: used ${pud.used}, entries say ${pudUsed}`);
  }
  for (const l of ['pud', 'pmd', 'pte'] as const) {
    if (count[l] !== mm.nr[l]) bad.push(`VmPTE: ${mm.nr[l]} ${l} tables accounted, ${count[l]} reachable`);
  }
  const vmPte = mm.figures().VmPTE;
  if (vmPte !== TABLE_KB * (count.pud + count.pmd + count.pte)) bad.push(`VmPTE ${vmPte} kB != 4 kB x counted tables`);
  if (anonPages !== mm.rssAnonPages) bad.push(`RssAnon: ${mm.rssAnonPages} pages accounted, ${anonPages} anonymous pages mapped`);
  for (let i = 0; i < mm.vmas.length; i++) {
    const v = mm.vmas[i];
    if (!(v.start < v.end)) bad.push(`VMA ${i} [0x${v.start.toString(16)}, 0x${v.end.toString(16)}) is empty`);
    if (v.start % PAGE_SIZE || v.end % PAGE_SIZE) bad.push(`VMA ${i} not page aligned`);
    if (i > 0 && mm.vmas[i - 1].end > v.start) bad.push(`VMAs ${i - 1} and ${i} overlap or are out of order`);
  }
  return bad;
}

/** Every page of [start, end) lies in some VMA (VMAs are sorted and disjoint). */
function coveredByVmas(mm: Mm, start: number, end: number): boolean {
  let a = start;
  while (a < end) {
    const i = findVma(mm, a);
    if (i < 0) return false;
    a = mm.vmas[i].end;
  }
  return true;
}
