// The figures chart: VmPTE and RssAnon over the whole run. A run of 51,200
// steps is drawn as at most ~2 points per pixel column: each bucket keeps its
// min and max (an envelope, as ptdump merges runs), so a one-step spike
// never disappears in the subsampling. Several lanes share one x axis (the
// longest run's steps) and one y scale, linear or log (logScaleWanted: when
// the values span orders of magnitude, as 240 kB against 102,640 kB do).
import { area, line, scaleLinear, scaleLog } from 'd3';

export interface Envelope {
  /** Step index at the bucket's start. */
  x: number[];
  min: number[];
  max: number[];
}

/** Min/max per bucket of at most `buckets` buckets over values[0..n). */
export function envelope(values: ArrayLike<number>, n: number, buckets: number): Envelope {
  const out: Envelope = { x: [], min: [], max: [] };
  // Bucket widths follow the shared axis (n steps); a shorter run (a lane still showing its previous run) ends early.
  const have = Math.min(n, values.length);
  if (have <= 0) return out;
  const per = Math.max(1, Math.ceil(n / Math.max(1, buckets)));
  for (let s = 0; s < have; s += per) {
    let lo = Infinity;
    let hi = -Infinity;
    const e = Math.min(have, s + per);
    for (let i = s; i < e; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out.x.push(s);
    out.min.push(lo);
    out.max.push(hi);
  }
  return out;
}

export interface ChartSeries {
  key: string;
  label: string;
  values: ArrayLike<number>;
}

/** A y scale: linear or log; both map a value (kB) to a pixel row. */
export type YScale = ((v: number) => number) & { invert(px: number): number };

export interface ChartModel {
  x: ReturnType<typeof scaleLinear<number, number>>;
  y: YScale;
  log: boolean;
  paths: { key: string; label: string; line: string; band: string }[];
  yTicks: { value: number; y: number }[];
  xTicks: { value: number; x: number }[];
}

/** Values span at least this factor (largest over smallest positive): a log scale shows all lanes. */
export const LOG_SPAN = 100;

/** Largest over smallest positive value of all series over steps [0, n) (1 when nothing is positive). */
export function valueSpan(series: ChartSeries[], n: number): number {
  let lo = Infinity;
  let hi = 0;
  for (const s of series) {
    const m = Math.min(n, s.values.length);
    for (let i = 0; i < m; i++) {
      const v = s.values[i];
      if (v > hi) hi = v;
      if (v > 0 && v < lo) lo = v;
    }
  }
  return hi > 0 && lo < Infinity ? hi / lo : 1;
}

/** Log by default when lanes are compared and their values span orders of magnitude (a user's choice wins). */
export function logScaleWanted(series: ChartSeries[], n: number, choice: 'auto' | 'linear' | 'log' = 'auto'): boolean {
  if (choice !== 'auto') return choice === 'log';
  return series.length > 1 && valueSpan(series, n) >= LOG_SPAN;
}

/** Log ticks: powers of 4 kB (1 kB, 4 kB ... 1 GiB), every 2nd or 3rd when there are many; they read as round numbers. */
export function logTicks(lo: number, hi: number, max = 6): number[] {
  const all: number[] = [];
  for (let v = 1; v <= hi * 1.0001; v *= 4) if (v >= lo * 0.9999) all.push(v);
  const every = Math.max(1, Math.ceil(all.length / max));
  return all.filter((_, k) => k % every === (all.length - 1) % every);
}

export function chartModel(series: ChartSeries[], n: number, width: number, height: number, pad = { l: 56, r: 8, t: 8, b: 18 }, opts: { log?: boolean } = {}): ChartModel {
  const x = scaleLinear().domain([-1, Math.max(0, n - 1)]).range([pad.l, width - pad.r]);
  let max = 1;
  let minPos = Infinity;
  for (const s of series) {
    const m = Math.min(n, s.values.length);
    for (let i = 0; i < m; i++) {
      const v = s.values[i];
      if (v > max) max = v;
      if (v > 0 && v < minPos) minPos = v;
    }
  }
  let y: YScale;
  let yTicks: { value: number; y: number }[];
  const log = !!opts.log;
  if (log) {
    // From the power of 4 at or below the smallest positive value to the one at or above the largest; 0 sits on the floor.
    const lo = 4 ** Math.floor(Math.log(Math.min(minPos, max)) / Math.log(4));
    const hi = 4 ** Math.ceil(Math.log(max) / Math.log(4) - 1e-9);
    const ly = scaleLog().domain([lo, Math.max(hi, lo * 4)]).range([height - pad.b, pad.t]).clamp(true);
    y = Object.assign((v: number) => ly(Math.max(lo, v)), { invert: (px: number) => ly.invert(px) });
    yTicks = logTicks(lo, Math.max(hi, lo * 4)).map((v) => ({ value: v, y: ly(v) }));
  } else {
    // Nice ticks in the unit the labels use (kB, MiB or GiB), so they read 20 MiB, not 19.5 MiB.
    const unit = max >= 10 * 1024 * 1024 ? 1024 * 1024 : max >= 10 * 1024 ? 1024 : 1;
    const yu = scaleLinear().domain([0, max / unit]).nice(4).range([height - pad.b, pad.t]);
    y = scaleLinear().domain([0, yu.domain()[1] * unit]).range([height - pad.b, pad.t]);
    yTicks = yu.ticks(4).map((v) => ({ value: v * unit, y: yu(v) }));
  }
  const buckets = Math.max(1, Math.floor(width - pad.l - pad.r));
  const paths = series.map((s) => {
    const env = envelope(s.values, n, buckets);
    const pts = env.x.map((xi, k) => ({ x: x(xi), lo: y(env.min[k]), hi: y(env.max[k]) }));
    return {
      key: s.key,
      label: s.label,
      line: line<{ x: number; hi: number }>().x((p) => p.x).y((p) => p.hi)(pts) ?? '',
      band: area<{ x: number; lo: number; hi: number }>().x((p) => p.x).y0((p) => p.lo).y1((p) => p.hi)(pts) ?? '',
    };
  });
  return {
    x,
    y,
    log,
    paths,
    yTicks,
    xTicks: x.ticks(6).filter((v) => Number.isInteger(v) && v >= 0).map((value) => ({ value, x: x(value) })),
  };
}

/** A round size as a tick reads it: 4 kB, 256 kB, 1 MiB, 64 MiB, 1 GiB. */
export function formatTick(kb: number): string {
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) === 0) return `${kb / 1024 / 1024} GiB`;
  if (kb >= 1024 && kb % 1024 === 0) return `${kb / 1024} MiB`;
  // A decimal tick of a large scale (2,000,000 kB): short, so the axis keeps it whole.
  const short = (v: number, unit: string) => `${v.toFixed(v >= 100 ? 0 : 1)} ${unit}`;
  if (kb >= 1024 * 1024) return short(kb / 1024 / 1024, 'GiB');
  if (kb >= 10 * 1024) return short(kb / 1024, 'MiB');
  return formatKiB(kb);
}

/** kB as people read them: 240 kB, 100.2 MiB, 50.0 GiB. */
export function formatKiB(kb: number): string {
  if (kb < 10 * 1024) return `${kb.toLocaleString('en-US')} kB`;
  if (kb < 10 * 1024 * 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${(kb / 1024 / 1024).toFixed(1)} GiB`;
}
