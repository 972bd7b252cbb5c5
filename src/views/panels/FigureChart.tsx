// One figure over the whole run, one line per lane, the current step marked.
// d3 computed the paths (layout/chart.ts); click the chart to go to a step.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MechanismName } from '../../core/index.ts';
import { chartModel, formatTick, type ChartSeries } from '../../layout/chart.ts';
import { useStore } from '../../store/store.ts';

export const MECH_COLOUR: Record<MechanismName, string> = { baseline: '#e69f00', 'pte-ref': '#0072b2', 'pt-reclaim': '#009e73' };
const MECH_DASH: Record<MechanismName, string | undefined> = { baseline: undefined, 'pte-ref': undefined, 'pt-reclaim': '6 3' };
const HEIGHT = 110;

interface Props {
  title: string;
  series: (ChartSeries & { mechanism: MechanismName })[];
  n: number;
  step: number;
  /** A log y scale (one scale for every lane either way). */
  log?: boolean;
  /** Offer the linear / log switch. */
  onToggleLog?: () => void;
}

export function FigureChart({ title, series, n, step, log = false, onToggleLog }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(360);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(Math.max(160, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const model = useMemo(() => chartModel(series, n, width, HEIGHT, undefined, { log }), [series, n, width, log]);
  const x = model.x(Math.max(-1, Math.min(step, n - 1)));
  const seek = (e: React.MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    useStore.getState().seek(Math.round(model.x.invert(e.clientX - r.left)));
  };
  return (
    <div className="chart" ref={box}>
      <div className="chart-title">
        {title}
        {series.length > 1 && (
          <span className="chart-keys">
            {series.map((s) => (
              <span key={s.key} style={{ color: MECH_COLOUR[s.mechanism] }}>
                — {s.label}
              </span>
            ))}
          </span>
        )}
        {onToggleLog && (
          <button type="button" className="chart-scale" aria-pressed={log} aria-label={`${title}: log scale`} title="One scale for every lane: linear, or log when the values span orders of magnitude" onClick={onToggleLog}>
            log scale
          </button>
        )}
      </div>
      <svg width={width} height={HEIGHT} role="img" aria-label={`${title} over the run`} data-scale={model.log ? 'log' : 'linear'} data-ymax={model.yTicks.length ? model.yTicks[model.yTicks.length - 1].value : 0} onClick={seek}>
        {model.yTicks.map((t) => (
          <g key={t.value}>
            <line x1={56} x2={width - 8} y1={t.y} y2={t.y} className="grid" />
            <text x={52} y={t.y + 4} textAnchor="end" className="tick">
              {formatTick(t.value)}
            </text>
          </g>
        ))}
        {model.xTicks.map((t) => (
          <text key={t.value} x={t.x} y={HEIGHT - 4} textAnchor="middle" className="tick">
            {t.value + 1}
          </text>
        ))}
        {model.paths.map((p, k) => (
          <g key={p.key}>
            <path d={p.band} fill={MECH_COLOUR[series[k].mechanism]} opacity={0.25} />
            <path d={p.line} fill="none" stroke={MECH_COLOUR[series[k].mechanism]} strokeWidth={2} strokeDasharray={MECH_DASH[series[k].mechanism]} />
          </g>
        ))}
        <line x1={x} x2={x} y1={4} y2={HEIGHT - 16} className="cursor" />
      </svg>
    </div>
  );
}
