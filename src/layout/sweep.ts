// The sweep chart's maths: VmPTE of each design and the minimum against
// VIRT/RES on a log axis (2 to 100 and beyond), as plain paths and ticks.
// d3 scales and line generators only; the view (src/views/sweep) draws them.
import { line, scaleLinear, scaleLog } from 'd3';

export interface SweepSeries {
  key: string;
  label: string;
  dashed?: boolean;
  /** [VIRT/RES, kB] pairs, by increasing ratio. */
  points: [number, number][];
}

export interface SweepChartModel {
  paths: { key: string; label: string; d: string; dashed: boolean; dots: { x: number; y: number; value: number }[] }[];
  xTicks: { value: number; x: number }[];
  yTicks: { value: number; y: number; label: string }[];
  width: number;
  height: number;
  pad: { l: number; r: number; t: number; b: number };
}

const kbLabel = (kb: number) => (kb >= 10 * 1024 * 1024 ? `${+(kb / 1024 / 1024).toFixed(1)} GiB` : kb >= 10 * 1024 ? `${+(kb / 1024).toFixed(1)} MiB` : `${kb} kB`);

export function sweepChart(series: readonly SweepSeries[], width: number, height: number): SweepChartModel {
  const pad = { l: 60, r: 12, t: 10, b: 30 };
  const all = series.flatMap((s) => s.points);
  const lo = Math.min(2, ...all.map((p) => p[0]));
  const hi = Math.max(100, ...all.map((p) => p[0]));
  const x = scaleLog().domain([lo, hi]).range([pad.l, width - pad.r]);
  const ymax = Math.max(1, ...all.map((p) => p[1]));
  const y = scaleLinear().domain([0, ymax]).nice(4).range([height - pad.b, pad.t]);
  const gen = line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
  const paths = series.map((s) => ({
    key: s.key, label: s.label, dashed: !!s.dashed, d: gen(s.points) ?? '',
    dots: s.points.map(([r, v]) => ({ x: x(r), y: y(v), value: v })),
  }));
  const xTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((v) => v >= lo && v <= hi).map((value) => ({ value, x: x(value) }));
  const yTicks = y.ticks(4).map((value) => ({ value, y: y(value), label: kbLabel(value) }));
  return { paths, xTicks, yTicks, width, height, pad };
}
