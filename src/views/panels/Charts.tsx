// VmPTE and RssAnon over the run for every lane on screen.
import { useMemo, useState } from 'react';
import type { MechanismName } from '../../core/index.ts';
import { useStore } from '../../store/store.ts';
import { selectStale, selectStep, selectStepCount } from '../../store/selectors.ts';
import { shownLane } from '../../store/cursor.ts';
import { useShallow } from 'zustand/react/shallow';
import type { Timeline } from '../../worker/protocol.ts';
import { FigureChart } from './FigureChart.tsx';
import { logScaleWanted } from '../../layout/chart.ts';
import { generatorFor } from '../../share/curvesFormat.ts';
import { BIG_TABLES } from '../../worker/protocol.ts';

type ScaleChoice = 'auto' | 'linear' | 'log';

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
  // While a lane computes, its previous run's series (or the held lane's) stay, dimmed and marked.
  const shown = useStore(useShallow((s) => mechanisms.map((m) => shownLane(s, m)?.timeline ?? null)));
  const from = useStore(useShallow((s) => mechanisms.map((m) => shownLane(s, m)?.mechanism ?? m)));
  const stale = useStore(selectStale);
  // A recorded real allocator (presets 30-32) with a generator paired: its curve beside the generator's.
  const paired = useStore((s) => (s.presetId ? !!generatorFor(s.presetId) : false));
  // A production-size run (one design at a time): its designs compared from one pass each.
  const big = useStore((s) => mechanisms.length === 1 && (s.lanes[mechanisms[0]]?.summary?.maxPtes ?? 0) > BIG_TABLES && s.lanes[mechanisms[0]]?.source === s.goodSource);
  const tls = mechanisms.map((m, k) => [from[k] ?? m, shown[k]] as const).filter((x): x is readonly [MechanismName, Timeline] => x[1] !== null);
  const key = tls.map(([m, t]) => `${m}:${idOf(t)}`).join('|');
  const vmPte = useMemo(() => tls.map(([m, t]) => ({ key: m, label: m, mechanism: m, values: t.vmPte })), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const rss = useMemo(() => tls.map(([m, t]) => ({ key: m, label: m, mechanism: m, values: t.rssAnon })), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  // One y scale for every lane; log by default when they span orders of magnitude (102,640 kB against 240 kB).
  const [vmChoice, setVmChoice] = useState<ScaleChoice>('auto');
  const [rssChoice, setRssChoice] = useState<ScaleChoice>('auto');
  const vmLog = useMemo(() => logScaleWanted(vmPte, n, vmChoice), [vmPte, n, vmChoice]);
  const rssLog = useMemo(() => logScaleWanted(rss, n, rssChoice), [rss, n, rssChoice]);
  if (!tls.length) return null;
  return (
    <div className="charts" role="group" aria-label={stale ? 'Charts (previous run)' : 'Charts'} data-stale={stale || undefined}>
      <FigureChart title="VmPTE" series={vmPte} n={n} step={step} log={vmLog} onToggleLog={() => setVmChoice(vmLog ? 'linear' : 'log')} />
      <FigureChart title="RssAnon" series={rss} n={n} step={step} log={rssLog} onToggleLog={() => setRssChoice(rssLog ? 'linear' : 'log')} />
      {paired && (
        <button type="button" className="chart-beside" onClick={() => useStore.getState().openDialog('curves')} title="This recording's VmPTE curve beside the alloc generator's at the recorded program's parameters (ptlab curves --generator)">
          Beside the generator…
        </button>
      )}
      {big && (
        <button type="button" className="chart-beside" onClick={() => useStore.getState().openDialog('designs')} title="The three designs of this production-size run from one pass each: VmPTE over the run, the saving each captures, the costs it paid">
          The designs compared…
        </button>
      )}
    </div>
  );
}
