// The figures chart: VmPTE and RssAnon over the whole run. A run of 51,200
// steps is drawn as at most ~2 points per pixel column: each bucket keeps its
// min and max (an envelope, as ptdump merges runs), so a one-step spike
// never disappears in the subsampling.
import { area, line, scaleLinear, type ScaleLinear } from 'd3';

export interface Envelope {
  /** Step index at the bucket's start. */
  x: number[];
  min: number[];
  max: number[];
}

/** Min/max per bucket of at most `buckets` buckets over values[0..n). */
export function envelope(values: ArrayLike<number>, n: number, buckets: number): Envelope {
  const out: Envelope = { x: [], min: [], max: [] };
  if (n <= 0) return out;
  const per = Math.max(1, Math.ceil(n / Math.max(1, buckets)));
  for (let s = 0; s < n; s += per) {
    let lo = Infinity;
    let hi = -Infinity;
    const e = Math.min(n, s + per);
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

export interface ChartModel {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  paths: { key: string; label: string; line: string; band: string }[];
  yTicks: { value: number; y: number }[];
  xTicks: { value: number; x: number }[];
}

export function chartModel(series: ChartSeries[], n: number, width: number, height: number, pad = { l: 56, r: 8, t: 8, b: 18 }): ChartModel {
  const x = scaleLinear().domain([-1, Math.max(0, n - 1)]).range([pad.l, width - pad.r]);
  let max = 1;
  for (const s of series) for (let i = 0; i < n; i++) if (s.values[i] > max) max = s.values[i];
  // Nice ticks in the unit the labels use (kB, MiB or GiB), so they read 20 MiB, not 19.5 MiB.
  const unit = max >= 10 * 1024 * 1024 ? 1024 * 1024 : max >= 10 * 1024 ? 1024 : 1;
  const yu = scaleLinear().domain([0, max / unit]).nice(4).range([height - pad.b, pad.t]);
  const y = scaleLinear().domain([0, yu.domain()[1] * unit]).range([height - pad.b, pad.t]);
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
    paths,
    yTicks: yu.ticks(4).map((v) => ({ value: v * unit, y: yu(v) })),
    xTicks: x.ticks(6).filter((v) => Number.isInteger(v) && v >= 0).map((value) => ({ value, x: x(value) })),
  };
}

/** kB as people read them: 240 kB, 100.2 MiB, 50.0 GiB. */
export function formatKiB(kb: number): string {
  if (kb < 10 * 1024) return `${kb.toLocaleString('en-US')} kB`;
  if (kb < 10 * 1024 * 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${(kb / 1024 / 1024).toFixed(1)} GiB`;
}
