// The same scenario under two or three mechanisms, side by side, in lockstep.
import type { MechanismName } from '../../core/index.ts';
import { useMemo } from 'react';
import { useStore } from '../../store/store.ts';
import { laneProgress } from '../../store/selectors.ts';
import { selectQuizDesign } from '../../store/quiz.ts';
import { PageTableView } from '../pt/PageTableView.tsx';
import { useShown } from '../useShown.ts';
import { Figures } from '../panels/Figures.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { CompareTable } from './CompareTable.tsx';

function Lane({ mechanism }: { mechanism: MechanismName }) {
  const shown = useShown(mechanism);
  const progress = useStore(useMemo(() => laneProgress(mechanism), [mechanism]));
  const freed = shown?.step?.reasons.filter((r) => r.verdict === 'freed').length ?? 0;
  const kept = shown?.step?.reasons.filter((r) => r.verdict === 'kept').length ?? 0;
  const quizzed = useStore(selectQuizDesign) === mechanism;
  return (
    <section className="lane" aria-label={`Lane ${mechanism}`} style={{ borderTopColor: MECH_COLOUR[mechanism] }} data-quiz-lane={quizzed || undefined}>
      <h2>
        {mechanism} {progress !== null && <span className="muted">computing… {progress}%</span>}
      </h2>
      {shown && (
        <div className="lane-figures" data-stale={shown.stale || undefined}>
          <Figures figures={shown.snapshot.figures} />
        </div>
      )}
      <PageTableView mechanism={mechanism} compact />
      {shown?.step && !shown.stale && (freed > 0 || kept > 0) && (
        <p className="lane-why">
          {freed > 0 && <span className="reason-freed">{freed} freed</span>} {kept > 0 && <span className="reason-kept">{kept} kept</span>}
          {shown.step.reasons[0] && <span className="muted"> — {shown.step.reasons[0].text}</span>}
        </p>
      )}
      {!shown?.stale && shown?.step?.error && <p className="error">{shown.step.error.message}</p>}
    </section>
  );
}

export function ComparePane({ mechanisms }: { mechanisms: MechanismName[] }) {
  return (
    <div className="compare">
      <div className="lanes" style={{ gridTemplateColumns: `repeat(${mechanisms.length}, minmax(0, 1fr))` }}>
        {mechanisms.map((m) => (
          <Lane key={m} mechanism={m} />
        ))}
      </div>
      <CompareTable mechanisms={mechanisms} />
    </div>
  );
}
