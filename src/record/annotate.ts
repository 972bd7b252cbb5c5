// Captions for a recording: where the designs first part ways, say why, so
// a lecture stepping through a real program stops at the step that matters.
// Runs the scenario under the three designs, finds the first step where
// pte-ref has fewer tables than pt-reclaim (a purge that emptied a table
// without covering its whole 2 MiB slot) and the first where pt-reclaim has
// fewer than baseline (a whole-slot MADV_DONTNEED), and puts a `say` line
// before each. Node only (rewrites the file line by line).
import { readFileSync, writeFileSync } from 'node:fs';
import { runFlat } from '../core/index.ts';
import { compile } from '../scenario/index.ts';

export interface Divergence {
  line: number;
  text: string;
}

/** The first steps where the designs' VmPTE part ways. */
export function divergences(source: string): { partial?: Divergence; whole?: Divergence } {
  const c = compile(source);
  if (!c.ok) return {};
  const [base, ref, rec] = (['baseline', 'pte-ref', 'pt-reclaim'] as const).map((m) => runFlat(c.program, { mechanism: m }, c.initialExpects).steps);
  const out: { partial?: Divergence; whole?: Divergence } = {};
  const n = Math.min(base.length, ref.length, rec.length);
  for (let i = 0; i < n && !(out.partial && out.whole); i++) {
    const prev = i > 0 ? [base[i - 1].figures.VmPTE, ref[i - 1].figures.VmPTE, rec[i - 1].figures.VmPTE] : [0, 0, 0];
    const gapRef = rec[i].figures.VmPTE - ref[i].figures.VmPTE - (prev[2] - prev[1]);
    const gapRec = base[i].figures.VmPTE - rec[i].figures.VmPTE - (prev[0] - prev[2]);
    if (!out.partial && gapRef > 0) out.partial = { line: rec[i].line, text: rec[i].text };
    if (!out.whole && gapRec > 0) out.whole = { line: rec[i].line, text: rec[i].text };
  }
  return out;
}

/** Inserts the captions into the scenario file; returns what it found. */
export function annotate(file: string): { partial?: Divergence; whole?: Divergence } {
  const source = readFileSync(file, 'utf8');
  const d = divergences(source);
  if (!d.partial && !d.whole) return d;
  const says = new Map<number, string[]>();
  const add = (line: number, text: string): void => void says.set(line, [...(says.get(line) ?? []), `say "${text}"`]);
  if (d.partial) add(d.partial.line, 'Here the designs part: this step empties a PTE table without covering its whole 2 MiB slot. pte-ref frees the table (its count of entries fell to 0); pt-reclaim frees only when one zap covers the whole slot within one VMA, so it keeps the table, as baseline does.');
  if (d.whole) add(d.whole.line, 'This step zaps a whole 2 MiB slot within one VMA: pt-reclaim frees its PTE table (try_get_and_clear_pmd); baseline keeps it until munmap.');
  const lines = source.split('\n');
  const out: string[] = [];
  lines.forEach((l, k) => {
    const s = says.get(k + 1);
    if (s) out.push(...s);
    out.push(l);
  });
  writeFileSync(file, out.join('\n'));
  return d;
}
