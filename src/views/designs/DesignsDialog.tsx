// The designs compared from one pass each (src/share/designs.ts, one worker
// per design, two at a time): for a production-size run, whose side-by-side
// lanes would hold a gigabyte each. VmPTE over the run per design with the
// minimum the resident pages need; what each captures of the possible saving,
// at the end and where the most could be saved; the costs it paid; CSV and
// JSON. The lane's own run is set aside meanwhile (store: `aside`).
import { useEffect, useMemo, useState } from 'react';
import { MECHANISMS, type MechanismName } from '../../scenario/ast.ts';
import { useStore } from '../../store/store.ts';
import { selectDialog } from '../../store/selectors.ts';
import { DESIGN_COSTS, capturesAt, designsCsv, designsJson, largestSavingStep, minimumSeries, type DesignRun } from '../../share/designsFormat.ts';
import type { DesignReply, DesignRequest } from '../../worker/designs.worker.ts';
import { chartModel, formatKiB, formatTick } from '../../layout/chart.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { download } from '../share/clipboard.ts';

type Pass = { state: 'waiting' } | { state: 'running'; done: number; total: number } | { state: 'done'; run: DesignRun } | { state: 'failed'; message: string };

/** Passes finished, per source: closing and reopening the dialog keeps them (about 17 MB per design at 55 TiB). */
const cache = new Map<string, Record<MechanismName, DesignRun>>();
/** Two passes at once: the machines are 2-core, and two 55 TiB passes (~450 MB each) fit beside the page. */
const AT_ONCE = 2;

function usePasses(source: string): Record<MechanismName, Pass> {
  const [passes, setPasses] = useState<Record<MechanismName, Pass>>(() => {
    const hit = cache.get(source);
    return Object.fromEntries(MECHANISMS.map((m) => [m, hit ? { state: 'done', run: hit[m] } : { state: 'waiting' }])) as Record<MechanismName, Pass>;
  });
  useEffect(() => {
    if (cache.has(source)) return;
    const workers: Worker[] = [];
    const done: Partial<Record<MechanismName, DesignRun>> = {};
    const queue = [...MECHANISMS];
    let alive = true;
    const set = (m: MechanismName, p: Pass) => alive && setPasses((s) => ({ ...s, [m]: p }));
    const next = () => {
      const m = queue.shift();
      if (!m || !alive) return;
      const w = new Worker(new URL('../../worker/designs.worker.ts', import.meta.url), { type: 'module', name: `ptlab-design-${m}` });
      workers.push(w);
      set(m, { state: 'running', done: 0, total: 0 });
      w.onmessage = (e: MessageEvent<DesignReply>) => {
        const r = e.data;
        if (r.t === 'progress') return set(m, { state: 'running', done: r.done, total: r.total });
        w.terminate(); // its memory goes back at once, for the next pass
        if (r.t === 'done') {
          done[m] = r.run;
          set(m, { state: 'done', run: r.run });
          if (MECHANISMS.every((x) => done[x])) cache.set(source, done as Record<MechanismName, DesignRun>);
        } else set(m, { state: 'failed', message: r.message });
        next();
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        set(m, { state: 'failed', message: e.message || 'the worker stopped (out of memory?)' });
        next();
      };
      const req: DesignRequest = { source, mechanism: m };
      w.postMessage(req);
    };
    for (let k = 0; k < AT_ONCE; k++) next();
    return () => {
      alive = false;
      for (const w of workers) w.terminate();
    };
  }, [source]);
  return passes;
}

const W = 640;
const H = 220;
const PAD = { l: 64, r: 16, t: 10, b: 32 };

function Chart({ runs, minimum, log, mark }: { runs: DesignRun[]; minimum: Float64Array | null; log: boolean; mark: number }) {
  const n = Math.max(...runs.map((r) => r.steps));
  const model = useMemo(() => {
    const series: { key: string; label: string; values: ArrayLike<number> }[] = runs.map((r) => ({ key: r.mechanism, label: r.mechanism, values: r.vmPte }));
    if (minimum) series.push({ key: 'minimum', label: 'minimum', values: minimum });
    return chartModel(series, n, W, H, PAD, { log });
  }, [runs, minimum, n, log]);
  return (
    <svg className="designs-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`VmPTE of each design over the run (${log ? 'log' : 'linear'} scale)`} data-scale={model.log ? 'log' : 'linear'}>
      {model.yTicks.map((t) => (
        <g key={t.value}>
          <line className="grid" x1={PAD.l} x2={W - PAD.r} y1={t.y} y2={t.y} />
          <text className="tick" x={PAD.l - 4} y={t.y + 3} textAnchor="end">{formatTick(t.value)}</text>
        </g>
      ))}
      {[0, 25, 50, 75, 100].map((p) => (
        <text key={p} className="tick" x={model.x((p / 100) * (n - 1))} y={H - PAD.b + 13} textAnchor="middle">{p}%</text>
      ))}
      <text className="tick" x={(PAD.l + W - PAD.r) / 2} y={H - 3} textAnchor="middle">share of the run ({n.toLocaleString('en-US')} steps)</text>
      {mark >= 0 && <line className="designs-mark" x1={model.x(mark)} x2={model.x(mark)} y1={PAD.t} y2={H - PAD.b} />}
      {model.paths.map((p) => (
        <path key={p.key} data-series={p.key} d={p.line} fill="none" stroke={p.key in MECH_COLOUR ? MECH_COLOUR[p.key as MechanismName] : '#555'} strokeWidth={p.key === 'minimum' ? 1.25 : p.key === 'baseline' ? 3 : 2} strokeDasharray={p.key === 'minimum' ? '4 3' : p.key === 'pt-reclaim' ? '6 3' : undefined} />
      ))}
    </svg>
  );
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);

export function DesignsDialog() {
  const open = useStore(selectDialog) === 'designs';
  const source = useStore((s) => s.goodSource);
  if (!open) return null;
  return (
    <Overlay title="The designs compared, one pass each" onClose={() => useStore.getState().openDialog(null)}>
      {source === null ? <p className="error">The scenario has errors: fix them to compare the designs.</p> : <DesignsBody key={source} source={source} />}
    </Overlay>
  );
}

function DesignsBody({ source }: { source: string }) {
  const passes = usePasses(source);
  const aside = useStore((s) => s.aside);
  const presetId = useStore((s) => s.presetId);
  const [log, setLog] = useState(true);
  const runs = MECHANISMS.map((m) => passes[m]).flatMap((p) => (p.state === 'done' ? [p.run] : []));
  const all = runs.length === MECHANISMS.length;
  const minimum = useMemo(() => (all ? minimumSeries(runs) : null), [all]); // eslint-disable-line react-hooks/exhaustive-deps
  const last = all ? runs[0].steps - 1 : -1;
  const most = useMemo(() => (all ? largestSavingStep(runs, minimum) : -1), [all, minimum]); // eslint-disable-line react-hooks/exhaustive-deps
  const end = all ? capturesAt(runs, minimum, last) : {};
  const atMost = all ? capturesAt(runs, minimum, most) : {};
  const name = presetId ?? 'scenario';
  return (
    <div className="designs" aria-busy={!all}>
      <p className="muted">
        Each design runs the scenario once, without time travel: VmPTE after every step, the costs it paid, and what it captures of the possible saving (baseline's VmPTE minus the minimum: one PTE table per 2 MiB slot with a resident page).
        {aside && ' The view\'s own run is set aside meanwhile (one production-size run fits a tab, not two); it is computed again when you close this.'}
      </p>
      <ul className="designs-passes" aria-label="Passes">
        {MECHANISMS.map((m) => {
          const p = passes[m];
          return (
            <li key={m} data-mechanism={m} data-state={p.state}>
              <span className="designs-name" style={{ color: MECH_COLOUR[m] }}>{m}</span>{' '}
              {p.state === 'waiting' && <span className="muted">waiting for a core</span>}
              {p.state === 'running' && (
                <>
                  <progress max={p.total || 1} value={p.done} aria-label={`${m} pass`} /> <span className="muted">{p.total ? `${Math.floor((100 * p.done) / p.total)}%` : 'starting'}</span>
                </>
              )}
              {p.state === 'done' && (
                <span>
                  done in {(p.run.ms / 1000).toFixed(1)} s: VmPTE {formatKiB(p.run.final.VmPTE)} at the end
                  {p.run.error && <span className="error"> ({p.run.error})</span>}
                </span>
              )}
              {p.state === 'failed' && <span className="error">{p.message}</span>}
            </li>
          );
        })}
      </ul>
      {all && (
        <>
          <div className="designs-keys">
            {runs.map((r) => <span key={r.mechanism} style={{ color: MECH_COLOUR[r.mechanism] }}>— {r.mechanism}</span>)}
            {minimum && <span className="muted">- - minimum</span>}
            {most >= 0 && <span className="muted">| the most to save (step {(most + 1).toLocaleString('en-US')})</span>}
            <button type="button" className="chart-scale" aria-pressed={log} onClick={() => setLog(!log)}>log scale</button>
          </div>
          <Chart runs={runs} minimum={minimum} log={log} mark={most} />
          <table className="compare-table designs-table" aria-label="The designs compared">
            <thead>
              <tr>
                <th scope="col" />
                {runs.map((r) => <th key={r.mechanism} scope="col">{r.mechanism}</th>)}
              </tr>
            </thead>
            <tbody>
              <tr data-row="end">
                <th scope="row">VmPTE at the end</th>
                {runs.map((r) => <td key={r.mechanism}>{r.final.VmPTE.toLocaleString('en-US')} kB</td>)}
              </tr>
              <tr data-row="peak">
                <th scope="row">VmPTE at its peak</th>
                {runs.map((r) => <td key={r.mechanism}>{r.peak.vmPte.toLocaleString('en-US')} kB</td>)}
              </tr>
              <tr data-row="captures-end">
                <th scope="row">captures of the possible saving, at the end{minimum ? ` (minimum ${formatKiB(minimum[last])})` : ''}</th>
                {runs.map((r) => <td key={r.mechanism}><strong>{pct(end[r.mechanism])}</strong></td>)}
              </tr>
              <tr data-row="captures-most">
                <th scope="row">… where the most could be saved</th>
                {runs.map((r) => <td key={r.mechanism}>{pct(atMost[r.mechanism])}</td>)}
              </tr>
              {DESIGN_COSTS.map(([label, f]) => (
                <tr key={label} data-row={label}>
                  <th scope="row">{label}</th>
                  {runs.map((r) => <td key={r.mechanism}>{f(r.counters).toLocaleString('en-US')}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="button" onClick={() => download(`ptlab-designs-${name}.csv`, designsCsv(runs, minimum, 201), 'text/csv')}>Export CSV</button>{' '}
            <button type="button" onClick={() => download(`ptlab-designs-${name}.json`, designsJson(runs, minimum), 'application/json')}>Export JSON</button>
          </p>
        </>
      )}
    </div>
  );
}
