// A recorded real allocator beside the `alloc` generator at its parameters
// (src/share/curves.ts, run in a worker): VmPTE over each run, read at the
// same fractions of each (a recording has a step per system call, the
// generator a few per tick), one design at a time; the key figures; CSV
// with the columns of `ptlab curves PRESET --generator --format csv`.
import { useEffect, useMemo, useState } from 'react';
import { MECHANISMS, type MechanismName } from '../../scenario/ast.ts';
import { useStore } from '../../store/store.ts';
import { selectDialog } from '../../store/selectors.ts';
import { loadPresetSource, presetById } from '../../store/presets.ts';
import { curvesCsv, fractions, generatorFor, keyFigures, valueAt, type Curve } from '../../share/curvesFormat.ts';
import type { CurvesReply, CurvesRequest } from '../../worker/curves.worker.ts';
import { chartModel, formatKiB } from '../../layout/chart.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { download } from '../share/clipboard.ts';

/** Points on the shared 0-100% axis (each curve read at these fractions of its own run). */
const POINTS = 201;
const cache = new Map<string, Curve[]>();

function useCurves(recorded: string): { curves: Curve[] | null; error: string | null } {
  const [curves, setCurves] = useState<Curve[] | null>(() => cache.get(recorded) ?? null);
  const [error, setError] = useState<string | null>(() => (generatorFor(recorded) && presetById(recorded) ? null : `no generator is paired with ${recorded}`));
  useEffect(() => {
    const pair = generatorFor(recorded);
    const preset = presetById(recorded);
    if (cache.has(recorded) || !pair || !preset) return;
    let w: Worker | null = null;
    let cancelled = false;
    void loadPresetSource(preset).then((source) => {
      if (cancelled) return;
      w = new Worker(new URL('../../worker/curves.worker.ts', import.meta.url), { type: 'module', name: 'ptlab-curves' });
      w.onmessage = (e: MessageEvent<CurvesReply>) => {
        if (e.data.t === 'done') {
          cache.set(recorded, e.data.curves);
          setCurves(e.data.curves);
        } else setError(e.data.message);
        w?.terminate();
      };
      const req: CurvesRequest = { inputs: [{ label: preset.title, source }, { label: 'the alloc generator at its parameters', source: pair.generator }] };
      w.postMessage(req);
    });
    return () => {
      cancelled = true;
      w?.terminate();
    };
  }, [recorded]);
  return { curves, error };
}

const WIDTH = 600;
const HEIGHT = 200;

function Chart({ curves, mechanism }: { curves: Curve[]; mechanism: MechanismName }) {
  const fs = fractions(POINTS);
  const series = curves.map((c, k) => ({ key: String(k), label: c.label, values: fs.map((f) => valueAt(c.vmPte[mechanism], f)) }));
  const m = chartModel(series, POINTS, WIDTH, HEIGHT, { l: 64, r: 24, t: 8, b: 30 });
  const colour = MECH_COLOUR[mechanism];
  return (
    <svg className="curves-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`VmPTE under ${mechanism}: the recording and the generator over their runs`}>
      {m.yTicks.map((t) => (
        <g key={t.value}>
          <line className="grid" x1={64} x2={WIDTH - 24} y1={t.y} y2={t.y} />
          <text className="tick" x={60} y={t.y + 3} textAnchor="end">{formatKiB(t.value)}</text>
        </g>
      ))}
      {[0, 25, 50, 75, 100].map((p) => (
        <text key={p} className="tick" x={m.x((p / 100) * (POINTS - 1))} y={HEIGHT - 16} textAnchor="middle">{p}%</text>
      ))}
      <text className="tick" x={(64 + WIDTH - 24) / 2} y={HEIGHT - 2} textAnchor="middle">share of each run (its steps)</text>
      {m.paths.map((p, k) => (
        <path key={p.key} data-curve={k === 0 ? 'recorded' : 'generator'} d={p.line} fill="none" stroke={colour} strokeWidth={k === 0 ? 2.5 : 1.75} strokeDasharray={k === 0 ? undefined : '6 3'} />
      ))}
    </svg>
  );
}

export function CurvesDialog() {
  const open = useStore(selectDialog) === 'curves';
  const presetId = useStore((s) => s.presetId);
  if (!open) return null;
  const recorded = presetId && generatorFor(presetId) ? presetId : '31-recorded-jemalloc';
  return (
    <Overlay title="Recording beside the generator" onClose={() => useStore.getState().openDialog(null)}>
      <CurvesBody recorded={recorded} />
    </Overlay>
  );
}

function CurvesBody({ recorded }: { recorded: string }) {
  const { curves, error } = useCurves(recorded);
  const [mechanism, setMechanism] = useState<MechanismName>('pt-reclaim');
  const pair = generatorFor(recorded)!;
  const figures = useMemo(() => curves?.map((c) => keyFigures(c)), [curves]);
  return (
    <div className="curves">
      <p className="muted">
        The recorded program (solid) and <code>{pair.generator.split('\n').find((l) => l.startsWith('alloc'))}</code> (dashed), each read at the same share of its own run.
      </p>
      <div className="seg" role="group" aria-label="Design">
        {MECHANISMS.map((m) => (
          <button key={m} type="button" aria-pressed={m === mechanism} onClick={() => setMechanism(m)}>
            {m}
          </button>
        ))}
      </div>
      {error && <p className="error">{error}</p>}
      {!curves && !error && <p className="muted">computing both runs under the three designs…</p>}
      {curves && (
        <>
          <div className="chart-keys">
            <span style={{ color: MECH_COLOUR[mechanism] }}>— recorded ({curves[0].steps.toLocaleString('en-US')} steps)</span>
            <span style={{ color: MECH_COLOUR[mechanism] }}>- - generator ({curves[1].steps.toLocaleString('en-US')} steps)</span>
          </div>
          <Chart curves={curves} mechanism={mechanism} />
          <table className="compare-table curves-table" aria-label="VmPTE at the start, peak and end">
            <thead>
              <tr>
                <th scope="col">VmPTE: start / peak / end</th>
                {MECHANISMS.map((m) => <th key={m} scope="col"><span className="nowrap">{m}</span></th>)}
              </tr>
            </thead>
            <tbody>
              {curves.map((_c, k) => (
                <tr key={k} data-curve={k === 0 ? 'recorded' : 'generator'}>
                  <th scope="row">{k === 0 ? 'recorded' : 'generator'}</th>
                  {figures![k].map((f) => <td key={f.mechanism} data-mechanism={f.mechanism}>{f.start} / {f.peak} / <strong>{f.end}</strong> kB</td>)}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="curves-note">{pair.note}</p>
          <p>
            <button type="button" onClick={() => download(`ptlab-curves-${recorded}.csv`, curvesCsv(curves, 101), 'text/csv')}>Export CSV</button>{' '}
            <span className="muted">the columns of <code>ptlab curves scenarios/{recorded}.ptlab --generator --mechanism all --points 101 --format csv</code></span>
          </p>
        </>
      )}
    </div>
  );
}
