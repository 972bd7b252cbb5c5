// Lecture mode (`P`, the Present button or a `;present` link) and embeds
// (`;embed`): the page-table view and the caption fill the screen, the
// chrome is gone, and a thin bar shows how far through the scenario we are.
// Clicker keys and arrows step (see shortcuts.ts); Escape leaves.
import { useShallow } from 'zustand/react/shallow';
import type { MechanismName } from '../../core/index.ts';
import { formatKiB } from '../../layout/chart.ts';
import { selectCompare, selectDoc, selectPrimary, selectStep, selectStepCount } from '../../store/selectors.ts';
import { stepBounds } from '../../store/cursor.ts';
import { selectQuizDesign } from '../../store/quiz.ts';
import { useStore } from '../../store/store.ts';
import { PageTableView } from '../pt/PageTableView.tsx';
import { MECH_COLOUR } from '../panels/FigureChart.tsx';
import { pageBase } from '../share/clipboard.ts';
import { useShown } from '../useShown.ts';
import { LectureCaption } from './LectureCaption.tsx';
import { RacePanel } from '../lazy.tsx';
import { encodeLink } from '../../share/link.ts';
import { linkStateOf } from '../../store/links.ts';

function Figures({ mechanism }: { mechanism: MechanismName }) {
  const shown = useShown(mechanism);
  const f = shown?.snapshot.figures;
  if (!f) return null;
  return (
    <span className="lecture-figures" aria-label={`Figures under ${mechanism}`}>
      <span>
        VmPTE <b>{formatKiB(f.VmPTE)}</b>
      </span>
      <span>
        RssAnon <b>{formatKiB(f.RssAnon)}</b>
      </span>
      <span>
        PTE tables <b>{f.tables.pte.toLocaleString('en-US')}</b>
      </span>
    </span>
  );
}

function Progress({ embed }: { embed: boolean }) {
  const step = useStore(selectStep);
  const n = useStore(selectStepCount);
  const { lo, hi } = useStore(useShallow(stepBounds));
  const quiz = useStore((s) => s.quiz && !s.quiz.revealed);
  const span = Math.max(1, hi - lo);
  const frac = n ? Math.max(0, Math.min(1, (step - lo) / span)) : 0;
  const label = n === 0 ? 'computing…' : step < 0 ? `start / ${n.toLocaleString('en-US')}` : `step ${(step + 1).toLocaleString('en-US')} / ${n.toLocaleString('en-US')}`;
  return (
    <>
      <div className="lecture-bar" role="progressbar" aria-label="Progress through the scenario" aria-valuemin={lo + 1} aria-valuemax={hi + 1} aria-valuenow={step + 1} aria-valuetext={label}>
        <div style={{ width: `${(frac * 100).toFixed(2)}%` }} />
      </div>
      <span className="lecture-step" data-testid="lecture-step">
        {label}
        {quiz ? ' · question' : ''}
        {embed && hi - lo < n - 1 && n > 0 ? ` (steps ${lo + 1}–${hi + 1})` : ''}
      </span>
    </>
  );
}

export function Lecture({ embed }: { embed: boolean }) {
  const m = useStore(selectPrimary);
  const compare = useStore(selectCompare);
  const index = useStore(selectStep);
  const shown = useShown(m);
  const quizDesign = useStore(selectQuizDesign);
  const s = () => useStore.getState();
  const full = () => `${pageBase()}#${encodeLink(linkStateOf(selectDoc(s())))}`;
  return (
    <div className={`lecture ${embed ? 'lecture-embed' : 'lecture-present'}`} role="main" aria-label={embed ? 'ptlab embed' : 'Presentation'}>
      <LectureCaption step={shown?.event === null ? shown?.step ?? null : null} index={index} />
      <div className="lecture-view">
        {compare ? (
          <div className="lecture-lanes" style={{ gridTemplateColumns: `repeat(${compare.length}, minmax(0, 1fr))` }}>
            {compare.map((c) => (
              <section key={c} className="lecture-lane" aria-label={`Lane ${c}`} style={{ borderTopColor: MECH_COLOUR[c] }} data-quiz-lane={quizDesign === c || undefined}>
                <h2>
                  {c} <Figures mechanism={c} />
                </h2>
                <PageTableView mechanism={c} compact lecture />
              </section>
            ))}
          </div>
        ) : shown?.step?.race && !embed ? (
          // A race step: the two CPUs' lanes are the picture to show the room.
          <div className="lecture-race">
            <RacePanel mechanism={m} step={shown.step} />
          </div>
        ) : (
          <PageTableView mechanism={m} lecture />
        )}
      </div>
      <footer className="lecture-foot">
        <Progress embed={embed} />
        {!compare && <Figures mechanism={m} />}
        <span className="lecture-mech">{compare ? compare.join(' · ') : m}</span>
        <span className="lecture-keys">
          <button type="button" aria-label="Previous step" onClick={() => s().presentPrev()}>
            ◀
          </button>
          <button type="button" aria-label="Next step" onClick={() => s().presentNext()}>
            ▶
          </button>
          {embed ? (
            <a href={full()} target="_blank" rel="noopener noreferrer" onClick={(e) => (e.currentTarget.href = full())}>
              Open in ptlab ↗
            </a>
          ) : (
            <button type="button" onClick={() => s().setMode('normal')} title="Escape">
              Leave presentation
            </button>
          )}
        </span>
      </footer>
    </div>
  );
}
