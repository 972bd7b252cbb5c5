// Lecture mode's caption: the statement, its `say` lines in large type, and a
// quiz: the question alone before its step, then the answer with the step.
// At most a quarter of the slide (styles.css): longer captions scroll.
// Text only: captions come from strangers' links, so they are never markup.
import type { StepResult } from '../../core/index.ts';
import { selectSource } from '../../store/selectors.ts';
import { QuizCard } from '../panels/QuizCard.tsx';
import { titleOf } from '../../store/presets.ts';
import { useStore } from '../../store/store.ts';

export function LectureCaption({ step, index }: { step: StepResult | null; index: number }) {
  const source = useStore(selectSource);
  const pending = useStore((s) => !!s.quiz && !s.quiz.revealed);
  if (pending) {
    return (
      <div className="lecture-caption quiz-pending">
        <QuizCard step={step} big />
      </div>
    );
  }
  if (index < 0 || !step) {
    return (
      <div className="lecture-caption" aria-live="polite">
        <p className="lecture-title">{titleOf(source)}</p>
        <p className="lecture-kicker">Press → or PageDown to start</p>
      </div>
    );
  }
  return (
    <div className="lecture-caption" aria-live="polite">
      <p className="lecture-stmt">
        <code>{step.text}</code>
        {step.iter !== undefined && <span className="muted"> (i = {step.iter})</span>}
      </p>
      <QuizCard step={step} big />
      {step.say?.map((s, k) => (
        <p key={k} className="lecture-say">
          {s}
        </p>
      ))}
      {step.error && <p className="lecture-error">{step.error.message}</p>}
    </div>
  );
}
