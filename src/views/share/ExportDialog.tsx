// Export: the page-table view and the charts as PNG or SVG, the run as JSON
// (the CLI's format), the scenario as a .ptlab file; and open a .ptlab file.
import { useRef, useState } from 'react';
import { laneClient, useStore } from '../../store/store.ts';
import { selectDialog, selectPrimary } from '../../store/selectors.ts';
import { resultsJson } from '../../share/runJson.ts';
import { titleOf } from '../../store/presets.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { useShown, type Shown } from '../useShown.ts';
import { download } from './clipboard.ts';
import { openScenarioFile } from './files.ts';
import { stripSvg } from './stripSvg.ts';
import { canvasPng, chartsSvg, svgToPng, treeSvg, type SvgFile } from './svgExport.ts';

const st = () => useStore.getState();

function baseName(): string {
  const s = st();
  const m = s.compare ? s.compare.join('+') : s.mechanism;
  return `ptlab-${s.presetId ?? 'scenario'}-${m}-${s.step < 0 ? 'start' : `step${s.step + 1}`}`;
}

function caption(shown: Shown | null): string {
  const s = st();
  const step = s.step < 0 ? 'before the first statement' : `step ${s.step + 1}${shown?.step ? `: ${shown.step.text}` : ''}`;
  return `ptlab · ${shown?.mechanism ?? s.mechanism} · ${step}`;
}

/** The primary lane's page-table view on screen: the node SVG or the strip canvas. */
function viewElement(m: string): SVGSVGElement | HTMLCanvasElement | null {
  const root = document.querySelector(`.pt-view[data-mechanism="${m}"]`);
  return (root?.querySelector('svg.pt-svg') as SVGSVGElement | null) ?? (root?.querySelector('canvas.pt-canvas') as HTMLCanvasElement | null) ?? null;
}

function viewSvg(shown: Shown): SvgFile | null {
  const el = viewElement(shown.mechanism);
  if (!el) return null;
  if (el instanceof HTMLCanvasElement) return stripSvg(shown, el.clientHeight ? el.clientWidth / el.clientHeight : 2, caption(shown));
  return treeSvg(el, caption(shown));
}

function chartFile(): SvgFile | null {
  const svgs = Array.from(document.querySelectorAll('.charts .chart svg')) as SVGSVGElement[];
  if (!svgs.length) return null;
  const titles = Array.from(document.querySelectorAll('.charts .chart-title')).map((t) => t.firstChild?.textContent ?? '');
  const s = st();
  const key = (s.compare ?? [s.mechanism]).map((m) => ({ label: m, colour: MECH_COLOUR[m] }));
  return chartsSvg(svgs, titles, key, `ptlab · ${key.map((k) => k.label).join(', ')} · ${titleOf(s.source)}`);
}

export function ExportDialog() {
  const open = useStore(selectDialog) === 'export';
  const m = useStore(selectPrimary);
  const shown = useShown(m);
  const file = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  if (!open) return null;

  const run = async (what: string, f: () => Promise<void> | void) => {
    try {
      await f();
      setStatus(`${what}: saved.`);
    } catch (err) {
      setStatus(`${what}: ${(err as Error).message}`);
    }
  };
  const needView = () => {
    if (!shown) throw new Error('nothing to export yet (the run is not ready)');
    return shown;
  };
  const viewPng = async () => {
    const el = viewElement(needView().mechanism);
    if (el instanceof HTMLCanvasElement) return download(`${baseName()}.png`, await canvasPng(el));
    const svg = viewSvg(needView());
    if (!svg) throw new Error('the page-table view is not on screen');
    download(`${baseName()}.png`, await svgToPng(svg));
  };
  const viewSvgFile = () => {
    const svg = viewSvg(needView());
    if (!svg) throw new Error('the page-table view is not on screen');
    download(`${baseName()}.svg`, svg.text, 'image/svg+xml');
  };
  const charts = async (png: boolean) => {
    const svg = chartFile();
    if (!svg) throw new Error('no charts on screen');
    if (png) download(`${baseName()}-charts.png`, await svgToPng(svg));
    else download(`${baseName()}-charts.svg`, svg.text, 'image/svg+xml');
  };
  const json = async () => {
    const s = st();
    const runs = await Promise.all((s.compare ?? [s.mechanism]).map((mm) => laneClient(mm)?.json() ?? Promise.resolve(null)));
    if (runs.some((r) => r === null)) throw new Error('the run is not ready');
    download(`${baseName().replace(/-(start|step\d+)$/, '')}.json`, JSON.stringify(resultsJson(runs)) + '\n', 'application/json');
  };
  const scenario = () => download(`${st().presetId ?? 'scenario'}.ptlab`, st().source);

  return (
    <Overlay title="Export" onClose={() => st().openDialog(null)}>
      <div className="export">
        <section>
          <h3>Page tables at this step</h3>
          <button type="button" onClick={() => void run('PNG', viewPng)}>
            Page tables as PNG
          </button>
          <button type="button" onClick={() => void run('SVG', viewSvgFile)}>
            Page tables as SVG
          </button>
          <p className="muted">Nodes: the whole tree. Strips: PNG is the view on screen; SVG draws every strip, one rectangle per PTE table.</p>
        </section>
        <section>
          <h3>VmPTE and RssAnon over the run</h3>
          <button type="button" onClick={() => void run('Charts PNG', () => charts(true))}>
            Charts as PNG
          </button>
          <button type="button" onClick={() => void run('Charts SVG', () => charts(false))}>
            Charts as SVG
          </button>
        </section>
        <section>
          <h3>Data</h3>
          <button type="button" onClick={() => void run('JSON', json)}>
            Run as JSON
          </button>
          <button type="button" onClick={() => void run('Scenario', scenario)}>
            Scenario as .ptlab
          </button>
          <p className="muted">JSON as `ptlab run --format json` writes it: one step per statement, figures in kB, counters.</p>
        </section>
        <section>
          <h3>Open</h3>
          <button type="button" onClick={() => file.current?.click()}>
            Open a .ptlab file or snapshot…
          </button>
          <input
            ref={file}
            type="file"
            accept=".ptlab,.txt,.json,text/plain,application/json"
            aria-label="Scenario file"
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void openScenarioFile(f);
            }}
          />
          <p className="muted">
            Or drop a .ptlab file anywhere on the page. A <code>.json</code> snapshot of a live process (<code>ptlab inspect PID --save FILE.json</code>) opens as its mappings and slots.
          </p>
        </section>
        <p role="status" className="share-status">
          {status}
        </p>
      </div>
    </Overlay>
  );
}
