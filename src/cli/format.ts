// Table output for people: one row per executed statement.
import type { RunSummary, StepResult } from '../core/index.ts';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function changes(s: StepResult): string {
  const parts: string[] = [];
  for (const l of ['pud', 'pmd', 'pte'] as const) {
    if (s.allocated[l]) parts.push(`+${s.allocated[l]} ${l}`);
    if (s.freed[l]) parts.push(`-${s.freed[l]} ${l}`);
  }
  if (s.faults) parts.push(`${s.faults} fault${s.faults === 1 ? '' : 's'}`);
  const kept = s.reasons.filter((r) => r.verdict === 'kept');
  const freed = s.reasons.filter((r) => r.verdict === 'freed');
  if (freed.length === 1 && s.reasons.length === 1) parts.push(freed[0].text);
  else if (kept.length === 1 && s.reasons.length === 1) parts.push(kept[0].text);
  else if (s.reasons.length) parts.push(`${freed.length} table(s) freed, ${kept.length} kept`);
  if (s.error) parts.push(`ERROR: ${s.error.message}`);
  if (s.expectFailures) parts.push(...s.expectFailures.map((m) => `EXPECT FAILED: ${m}`));
  return parts.join('; ');
}

export function formatTable(r: RunSummary, stepsMode: 'all' | 'final'): string {
  const out: string[] = [`== ${r.mechanism}`];
  if (stepsMode === 'all') {
    out.push(`${lpad('line', 5)}  ${pad('statement', 34)} ${lpad('VmPTE', 10)} ${lpad('RssAnon', 10)}  changes`);
    for (const s of r.steps) {
      const text = s.iter !== undefined ? `${s.text} (i=${s.iter})` : s.text;
      out.push(`${lpad(String(s.line), 5)}  ${pad(text.length > 34 ? text.slice(0, 33) + '…' : text, 34)} ${lpad(s.figures.VmPTE + ' kB', 10)} ${lpad(s.figures.RssAnon + ' kB', 10)}  ${changes(s)}`);
      // Several processes: the row's figures are the first process's; one row more per other process.
      for (const p of s.procs?.slice(1) ?? []) {
        out.push(`${lpad('', 5)}  ${pad(`  └ ${p.name}`, 34)} ${lpad(p.figures.VmPTE + ' kB', 10)} ${lpad(p.figures.RssAnon + ' kB', 10)}`);
      }
    }
  }
  const f = r.final;
  const who = r.procs ? ` ${r.procs[0].name}` : '';
  out.push(`final${who}: VmPTE ${f.VmPTE} kB, RssAnon ${f.RssAnon} kB, VmSize ${f.VmSize} kB${f.VmSwap ? `, VmSwap ${f.VmSwap} kB` : ''}; tables pud ${f.tables.pud}, pmd ${f.tables.pmd}, pte ${f.tables.pte}`);
  for (const p of r.procs?.slice(1) ?? []) {
    const g = p.figures;
    out.push(`final ${p.name}: VmPTE ${g.VmPTE} kB, RssAnon ${g.RssAnon} kB, VmSize ${g.VmSize} kB${g.VmSwap ? `, VmSwap ${g.VmSwap} kB` : ''}; tables pud ${g.tables.pud}, pmd ${g.tables.pmd}, pte ${g.tables.pte}`);
  }
  const c = r.counters;
  out.push(
    `costs${who}: ${c.faults} faults (${c.hugeFaults} huge), tables +${c.tablesAllocated.pte}/-${c.tablesFreed.pte} pte, +${c.tablesAllocated.pmd}/-${c.tablesFreed.pmd} pmd, ` +
      `+${c.tablesAllocated.pud}/-${c.tablesFreed.pud} pud, ${c.tlbFlushes} TLB flushes, ${c.refcountAtomics} refcount atomics, ` +
      `${c.pmdLocks} PMD locks, ${c.pteLocks} PTE locks, ${c.entriesScanned} entries scanned, ${c.rcuFrees} RCU frees`,
  );
  return out.join('\n');
}

/** The documented JSON contract (see README) lives in src/share/runJson.ts, shared with the web app. */
export { toJson } from '../share/runJson.ts';
