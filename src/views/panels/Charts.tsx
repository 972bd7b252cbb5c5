// VmPTE and RssAnon over the run for every lane on screen.
import { useMemo } from 'react';
import type { MechanismName } from '../../core/index.ts';
import { useStore } from '../../store/store.ts';
import { selectStep, selectStepCount } from '../../store/selectors.ts';
import type { Timeline } from '../../worker/protocol.ts';
import { FigureChart } from './FigureChart.tsx';

const ids = new WeakMap<Timeline, number>();
let nextId = 1;
const idOf = (t: Timeline) => {
  let id = ids.get(t);
  if (!id) ids.set(t, (id = nextId++));
  return id;
};

export function Charts({ mechanisms }: { mechanisms: MechanismName[] }) {
  const step = useStore(selectStep);
  const n = useStore(selectStepCount);
  const lanes = useStore((s) => s.lanes);
  const tls = mechanisms.map((m) => [m, lanes[m]?.timeline ?? null] as const).filter((x): x is readonly [MechanismName, Timeline] => x[1] !== null);
  const key = tls.map(([m, t]) => `${m}:${idOf(t)}`).join('|');
  const vmPte = useMemo(() => tls.map(([m, t]) => ({ key: m, label: m, mechanism: m, values: t.vmPte })), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const rss = useMemo(() => tls.map(([m, t]) => ({ key: m, label: m, mechanism: m, values: t.rssAnon })), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!tls.length) return null;
  return (
    <div className="charts">
      <FigureChart title="VmPTE" series={vmPte} n={n} step={step} />
      <FigureChart title="RssAnon" series={rss} n={n} step={step} />
    </div>
  );
}
