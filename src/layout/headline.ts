// The headline over the view: each design's VmPTE at this step and how many
// times less the smallest is than the largest ("baseline 102,640 kB ·
// pte-ref 240 kB · pt-reclaim 240 kB: 428× less than baseline"). Pure: the
// numbers come from the lanes' timelines (store), the words from here.
import type { MechanismName } from '../core/index.ts';

export interface DesignValue {
  mechanism: MechanismName;
  /** VmPTE in kB. */
  kB: number;
}

export interface HeadlinePart {
  mechanism: MechanismName;
  text: string;
  /** Among the smallest (when the values differ). */
  least: boolean;
}

export interface Headline {
  parts: HeadlinePart[];
  /** "428× less than baseline", "all equal", or null (one design alone). */
  verdict: string | null;
  /** Largest over smallest (Infinity when the smallest is 0, null when equal or alone). */
  ratio: number | null;
}

/** 428×, 1.5×, 2×, 1.04× (whole from 10× on; one decimal below, two just above 1; no trailing .0). */
export function formatRatio(r: number): string {
  if (r >= 10) return `${Math.round(r).toLocaleString('en-US')}×`;
  const one = Number(r.toFixed(1));
  return `${one === 1 && r > 1 ? Number(r.toFixed(2)) : one}×`;
}

export const formatKb = (kB: number): string => `${kB.toLocaleString('en-US')} kB`;

/** The parts in the order given (the page puts the design on screen first) and the verdict. */
export function headline(values: DesignValue[]): Headline {
  const parts: HeadlinePart[] = values.map((v) => ({ mechanism: v.mechanism, text: `${v.mechanism} ${formatKb(v.kB)}`, least: false }));
  if (values.length < 2) return { parts, verdict: null, ratio: null };
  const lo = Math.min(...values.map((v) => v.kB));
  const hi = Math.max(...values.map((v) => v.kB));
  if (lo === hi) return { parts, verdict: values.length === 2 ? 'both equal' : 'all equal', ratio: null };
  values.forEach((v, k) => (parts[k].least = v.kB === lo));
  const most = values.filter((v) => v.kB === hi).map((v) => v.mechanism);
  const than = most.length === values.length - 1 && values.length > 2 ? 'the others' : most.join(' and ');
  if (lo === 0) return { parts, verdict: `${formatKb(hi)} less than ${than}`, ratio: Infinity };
  const ratio = hi / lo;
  return { parts, verdict: `${formatRatio(ratio)} less than ${than}`, ratio };
}

/** The whole line as text (tests, the accessible name, exports). */
export function headlineText(h: Headline): string {
  const line = h.parts.map((p) => p.text).join(' · ');
  return h.verdict ? `${line}: ${h.verdict}` : line;
}
