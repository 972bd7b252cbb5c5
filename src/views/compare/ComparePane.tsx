// The same scenario under two or three mechanisms, side by side, in lockstep:
// one time axis (the cursor), one view mode (strips for all when any lane
// needs them), one zoom and pan (zoomGroup.ts), one y scale in the charts.
import type { MechanismName } from '../../core/index.ts';
import { useMemo } from 'react';
import { useStore, type PtlabState } from '../../store/store.ts';
import { selectQuizDesign } from '../../store/quiz.ts';
import { laneProgress, selectViewMode, shownMaxPtes } from '../../store/selectors.ts';
import { PageTableView, TREE_MAX_TABLES } from '../pt/PageTableView.tsx';
import { ViewModeButtons } from '../pt/ViewModeButtons.tsx';
import { Legend } from '../pt/Legend.tsx';
import { ZoomGroup } from '../zoomGroup.ts';
import { DESIGN_ERA, DESIGN_TITLE } from '../designs.ts';
import { useShown } from '../useShown.ts';
import { Figures } from '../panels/Figures.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { CompareTable } from './CompareTable.tsx';
import { WhyLine } from '../panels/WhyLine.tsx';

const LANE_FIGURES = ['VmPTE', 'RssAnon', 'PTE tables'];

function Lane({ mechanism, group, maxPtes }: { mechanism: MechanismName; group: ZoomGroup; maxPtes: number }) {
  const shown = useShown(mechanism);
  const progress = useStore(useMemo(() => laneProgress(mechanism), [mechanism]));
  const quizzed = useStore(selectQuizDesign) === mechanism;
  return (
    <section className="lane" aria-label={`Lane ${mechanism}`} style={{ borderTopColor: MECH_COLOUR[mechanism] }} data-quiz-lane={quizzed || undefined}>
      <h2 title={DESIGN_TITLE[mechanism]}>
        {mechanism} <span className="lane-era">{DESIGN_ERA[mechanism]}</span> {progress !== null && <span className="muted">computing… {progress}%</span>}
      </h2>
      {shown && (
        <div className="lane-figures" data-stale={shown.stale || undefined}>
          <Figures figures={shown.snapshot.figures} only={LANE_FIGURES} />
        </div>
      )}
      <PageTableView mechanism={mechanism} compact group={group} sharedMaxPtes={maxPtes} />
      {shown && <WhyLine step={shown.step} stale={shown.stale} />}
    </section>
  );
}

/** The most PTE tables any lane on screen has at once: one lane over the node limit puts every lane in strips. */
const selectSharedMaxPtes = (ms: MechanismName[]) => (s: PtlabState) => Math.max(0, ...ms.map((m) => shownMaxPtes(s, m)));

export function ComparePane({ mechanisms }: { mechanisms: MechanismName[] }) {
  const key = mechanisms.join(',');
  const maxPtes = useStore(useMemo(() => selectSharedMaxPtes(mechanisms), [key])); // eslint-disable-line react-hooks/exhaustive-deps
  const mode = useStore(selectViewMode);
  const strips = mode === 'strip' || (mode === 'auto' && maxPtes > TREE_MAX_TABLES);
  // Nodes and strips have different coordinates: a new group (fitting anew) when the lanes switch.
  const group = useMemo(() => new ZoomGroup(strips ? 3 : 1.3), [strips]);
  return (
    <div className="compare">
      <div className="compare-bar">
        <ViewModeButtons />
        <span className="zoom-buttons" role="group" aria-label="Zoom every lane" title="One zoom and pan for every lane: the wheel or a drag in any lane moves all">
          <button type="button" aria-label="Zoom in (every lane)" onClick={() => group.zoomBy(1.5)}>
            +
          </button>
          <button type="button" aria-label="Zoom out (every lane)" onClick={() => group.zoomBy(1 / 1.5)}>
            −
          </button>
          <button type="button" aria-label="Fit every lane" title="Fit every lane's content, on one scale" onClick={() => group.fit(true)}>
            ⤢ fit
          </button>
        </span>
        <Legend mechanism="baseline" strips={strips} compare />
      </div>
      <div className="lanes" style={{ gridTemplateColumns: `repeat(${mechanisms.length}, minmax(0, 1fr))` }} data-mode={strips ? 'strip' : 'tree'}>
        {mechanisms.map((m) => (
          <Lane key={m} mechanism={m} group={group} maxPtes={maxPtes} />
        ))}
      </div>
      <CompareTable mechanisms={mechanisms} />
    </div>
  );
}
