// The VIRT/RES sweep (src/share/sweep.ts, run in its own worker): VmPTE of
// each design and the minimum the live pages need, as VIRT/RES grows, for one
// purge policy at a time; what each design captures of the possible saving;
// the points as CSV (the same columns as `ptlab sweep --format csv`).
import { useEffect, useState } from 'react';
import { MECHANISMS } from '../../scenario/ast.ts';
import { useStore } from '../../store/store.ts';
import { selectDialog } from '../../store/selectors.ts';
import { DEFAULT_RATIOS, SWEEP_PURGES, sweepCsv, type SweepPoint, type SweepPurge } from '../../share/sweepFormat.ts';
import type { SweepReply, SweepRequest } from '../../worker/sweep.worker.ts';
import { sweepChart } from '../../layout/sweep.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { download } from '../share/clipboard.ts';

const ARENA = 256 * 2 ** 20;
const PURGE_LABEL: Record<SweepPurge, string> = {
  dontneed: 'DONTNEED per extent (jemalloc, dirty_decay_ms:0)',
  decay: 'decayed DONTNEED (10 ticks)',
  free: 'MADV_FREE',
  hugepage: 'whole-slot release (tcmalloc, hugepage-aware)',
};
/** Lines that coincide (pt-reclaim on baseline, pte-ref on the minimum) stay visible: each is drawn thinner than the one before. */
const WIDTH: Record<string, number> = { baseline: 5, 'pte-ref': 3.25, 'pt-reclaim': 1.75 };
/** Points already computed, per policy: closing and reopening the dialog keeps them. */
const cache = new Map<SweepPurge, SweepPoint[]>();

function useSweep(purge: SweepPurge): { points: SweepPoint[]; error: string | null } {
  const [points, setPoints] = useState<SweepPoint[]>(() => cache.get(purge) ?? []);
  const [error, setError] = useState<string | null>(null);
  // The body is keyed by policy: state starts from the cache, and a finished sweep needs no worker.
  useEffect(() => {
    if (cache.get(purge)?.length === DEFAULT_RATIOS.length) return;
    const w = new Worker(new URL('../../worker/sweep.worker.ts', import.meta.url), { type: 'module', name: 'ptlab-sweep' });
    const got: SweepPoint[] = [];
    w.onmessage = (e: MessageEvent<SweepReply>) => {
      if (e.data.t === 'point') {
        got.push(e.data.point);
        setPoints([...got]);
      } else if (e.data.t === 'done') {
        cache.set(purge, got);
        w.terminate();
      } else {
        setError(e.data.message);
        w.terminate();
      }
    };
    const req: SweepRequest = { opts: { arena: ARENA, purge }, ratios: [...DEFAULT_RATIOS] };
    w.postMessage(req);
    return () => w.terminate();
  }, [purge]);
  return { points, error };
}

function Chart({ points }: { points: SweepPoint[] }) {
  const series = [
    ...MECHANISMS.map((m) => ({ key: m, label: m, points: points.map((p): [number, number] => [p.ratio, p.vmPte[m]]) })),
    { key: 'minimum', label: 'minimum', dashed: true, points: points.map((p): [number, number] => [p.ratio, p.minimum]) },
  ];
  const m = sweepChart(series, 560, 200);
  return (
    <svg className="sweep-chart" viewBox={`0 0 ${m.width} ${m.height}`} role="img" aria-label="VmPTE by design against VIRT/RES">
      {m.yTicks.map((t) => (
        <g key={t.value}>
          <line className="grid" x1={m.pad.l} x2={m.width - m.pad.r} y1={t.y} y2={t.y} />
          <text className="tick" x={m.pad.l - 4} y={t.y + 3} textAnchor="end">{t.label}</text>
        </g>
      ))}
      {m.xTicks.map((t) => (
        <text key={t.value} className="tick" x={t.x} y={m.height - m.pad.b + 12} textAnchor="middle">{t.value}</text>
      ))}
      <text className="tick" x={(m.pad.l + m.width - m.pad.r) / 2} y={m.height - 2} textAnchor="middle">VIRT/RES (arena / live set at the end, log)</text>
      {m.paths.map((p) => {
        const colour = p.key in MECH_COLOUR ? MECH_COLOUR[p.key as keyof typeof MECH_COLOUR] : '#555';
        return (
          <g key={p.key} data-series={p.key}>
            <path d={p.d} fill="none" stroke={colour} strokeWidth={WIDTH[p.key] ?? 1.25} strokeDasharray={p.dashed ? '4 3' : undefined} />
            {p.dots.map((d, k) => <circle key={k} cx={d.x} cy={d.y} r={2.5} fill={colour} />)}
          </g>
        );
      })}
    </svg>
  );
}

export function SweepDialog() {
  const open = useStore(selectDialog) === 'sweep';
  const [purge, setPurge] = useState<SweepPurge>('dontneed');
  if (!open) return null;
  return (
    <Overlay title="VIRT/RES sweep" onClose={() => useStore.getState().openDialog(null)}>
      <SweepBody key={purge} purge={purge} setPurge={setPurge} />
    </Overlay>
  );
}

function SweepBody({ purge, setPurge }: { purge: SweepPurge; setPurge(p: SweepPurge): void }) {
  const { points, error } = useSweep(purge);
  const computing = points.length < DEFAULT_RATIOS.length && !error;
  return (
    <div className="sweep">
      <p className="muted">
        An <code>alloc</code> workload per point: a 256 MiB arena, the live set peaks at half of it and ends at arena / (VIRT/RES). The minimum is one PTE
        table per 2 MiB slot holding a live page (plus the upper tables); a design captures its share of baseline − minimum.
      </p>
      <div className="seg" role="group" aria-label="Purge policy">
        {SWEEP_PURGES.map((p) => (
          <button key={p} type="button" aria-pressed={p === purge} title={PURGE_LABEL[p]} onClick={() => setPurge(p)}>
            {p}
          </button>
        ))}
      </div>
      <p className="sweep-policy">
        {PURGE_LABEL[purge]} {computing && <span className="muted">computing… {points.length}/{DEFAULT_RATIOS.length}</span>}
      </p>
      {error && <p className="error">{error}</p>}
      <div className="chart-keys sweep-keys">
        {MECHANISMS.map((m) => <span key={m} style={{ color: MECH_COLOUR[m] }}>— {m}</span>)}
        <span className="muted">- - minimum</span>
      </div>
      <Chart points={points} />
      <table className="compare-table sweep-table" aria-label="Sweep points">
        <thead>
          <tr>
            <th scope="col">VIRT/RES</th>
            {MECHANISMS.map((m) => <th key={m} scope="col">VmPTE <span className="nowrap">{m}</span></th>)}
            <th scope="col">minimum</th>
            {MECHANISMS.filter((m) => m !== 'baseline').map((m) => <th key={m} scope="col"><span className="nowrap">{m}</span> captures</th>)}
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.ratio}>
              <th scope="row">{p.ratio}</th>
              {MECHANISMS.map((m) => <td key={m}>{p.vmPte[m].toLocaleString('en-US')} kB</td>)}
              <td>{p.minimum.toLocaleString('en-US')} kB</td>
              {MECHANISMS.filter((m) => m !== 'baseline').map((m) => (
                <td key={m} data-mechanism={m} data-row="captures">{p.captures[m] === null ? '—' : `${p.captures[m]}%`}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" disabled={points.length === 0} onClick={() => download(`ptlab-sweep-${purge}.csv`, sweepCsv(points), 'text/csv')}>
          Export CSV
        </button>{' '}
        <span className="muted">the same columns as <code>ptlab sweep --purge {purge} --arena 256M --format csv</code></span>
      </p>
    </div>
  );
}
