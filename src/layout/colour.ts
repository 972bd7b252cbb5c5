// The colour of a PTE table: its refcount under pte-ref, its count of
// non-none entries under baseline and pt-reclaim, on cividis (Nuñez et al.
// 2018, a sequential scale readable with every common colour-vision
// deficiency) with a log scale, since lecture tables hold 1-16 entries and
// the 2021 test's hold 512. An allocated table with 0 entries is the waste
// the 2021 series is about: it is not on the scale at all but hatched
// vermillion, with a "0", so it reads as a warning even in greyscale.
import { interpolateCividis, scaleSequentialLog } from 'd3';
import type { MechanismName } from '../core/index.ts';

export const MAX_ENTRIES = 512;

/** Empty-but-allocated tables: Okabe-Ito vermillion, hatched. */
export const EMPTY_COLOUR = '#d55e00';
export const EMPTY_HATCH_BG = '#fff4ec';
/** A huge PMD (2 MiB page, THP): not a table of entries, a black slot. */
export const HUGE_COLOUR = '#111111';
/** A slot with no table, inside a mapping / outside any mapping. */
export const NONE_IN_VMA = '#dde3ea';
export const NONE_OUTSIDE = '#f6f7f9';

const scale = scaleSequentialLog((t: number) => interpolateCividis(0.1 + 0.9 * t)).domain([1, MAX_ENTRIES]).clamp(true);

/** What a table is coloured by under this mechanism. */
export function tableValue(mechanism: MechanismName, nonNone: number, refcount: number): number {
  return mechanism === 'pte-ref' ? refcount : nonNone;
}

/** The label of the value: "refcount" under pte-ref, "entries" otherwise. */
export const valueName = (mechanism: MechanismName): string => (mechanism === 'pte-ref' ? 'refcount' : 'entries');

/** Fill for a table with this value (0: the empty colour). */
export function countColour(value: number): string {
  return value <= 0 ? EMPTY_COLOUR : scale(value);
}

/** Black or white, whichever reads better on the fill (WCAG relative luminance). */
export function textOn(fill: string): string {
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(fill) ?? /^#(..)(..)(..)$/.exec(fill);
  if (!m) return '#000';
  const parse = (s: string) => (fill.startsWith('#') ? parseInt(s, 16) : Number(s)) / 255;
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const L = 0.2126 * lin(parse(m[1])) + 0.7152 * lin(parse(m[2])) + 0.0722 * lin(parse(m[3]));
  // Contrast against white (1.05 / (L + 0.05)) versus against black ((L + 0.05) / 0.05).
  return 1.05 / (L + 0.05) > (L + 0.05) / 0.05 ? '#fff' : '#000';
}

/** Stops for the legend's gradient, as [offset 0..1, colour]. */
export function legendStops(n = 16): [number, string][] {
  const out: [number, string][] = [];
  for (let k = 0; k <= n; k++) {
    const v = Math.exp((Math.log(MAX_ENTRIES) * k) / n);
    out.push([k / n, scale(v)]);
  }
  return out;
}

/** Tick values along the legend, with their position 0..1 on the log axis. */
export function legendTicks(): { value: number; at: number }[] {
  return [1, 8, 64, 512].map((value) => ({ value, at: Math.log(value) / Math.log(MAX_ENTRIES) }));
}
