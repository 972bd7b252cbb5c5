// The point of the comparison in one line, over the view: each design's VmPTE at this step and the ratio
// ("baseline 102,640 kB · pte-ref 240 kB · pt-reclaim 240 kB: 428× less than baseline"). In compare mode, the
// lanes on screen; with one design, that design first, then the others whose runs of this scenario are done
// (they compute on idle), so the single view says what the choice of design is worth too.
import { useShallow } from 'zustand/react/shallow';
import type { MechanismName } from '../../core/index.ts';
import { headline, headlineText, type DesignValue } from '../../layout/headline.ts';
import { MECHANISMS } from '../../scenario/index.ts';
import { primaryOf } from '../../store/cursor.ts';
import { figuresAt } from '../../store/selectors.ts';
import { useStore, type PtlabState } from '../../store/store.ts';
import { MECH_COLOUR } from './FigureChart.tsx';

/** "m:kB" for each design with a finished run of the source on screen, the primary (or the compare set) first. */
function selectValues(s: PtlabState): string[] {
  const order: MechanismName[] = s.compare ?? [primaryOf(s), ...MECHANISMS.filter((m) => m !== primaryOf(s))];
  const out: string[] = [];
  for (const m of order) {
    const l = s.lanes[m];
    if (!l?.timeline || l.source !== s.goodSource || l.status === 'running') continue;
    const f = figuresAt(l, Math.min(s.step, l.timeline.n - 1));
    if (f) out.push(`${m}:${f.VmPTE}`);
  }
  return out;
}

export function Headline() {
  const raw = useStore(useShallow(selectValues));
  const compare = useStore((s) => s.compare !== null);
  const step = useStore((s) => s.step);
  if (!raw.length) return null;
  const values: DesignValue[] = raw.map((r) => {
    const k = r.lastIndexOf(':');
    return { mechanism: r.slice(0, k) as MechanismName, kB: Number(r.slice(k + 1)) };
  });
  const h = headline(values);
  return (
    <p className="headline" data-testid="headline" aria-label={`VmPTE ${step < 0 ? 'at the start' : `after step ${step + 1}`}: ${headlineText(h)}`} data-ratio={h.ratio ?? undefined}>
      <span className="headline-key" title="Memory used by page tables (/proc/PID/status VmPTE), at this step">
        VmPTE
      </span>
      {h.parts.map((p, k) => (
        <span key={p.mechanism} className={`headline-part${p.least ? ' headline-least' : ''}${!compare && k === 0 ? ' headline-primary' : ''}`}>
          {k > 0 && <span className="headline-sep" aria-hidden="true">·</span>}
          <span className="headline-swatch" style={{ background: MECH_COLOUR[p.mechanism] }} />
          {p.text}
        </span>
      ))}
      {h.verdict && <strong className="headline-verdict">: {h.verdict}</strong>}
    </p>
  );
}
