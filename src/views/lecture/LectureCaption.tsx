// Lecture mode's caption: the statement, its `say` lines in large type, and a
// quiz: the question alone before its step, then the answer with the step.
// Text only: captions come from strangers' links, so they are never markup.
import type { StepResult } from '../../core/index.ts';
import { quizAt } from '../../store/lecture.ts';
import { selectQuiz, selectSource } from '../../store/selectors.ts';
import { titleOf } from '../../store/presets.ts';
import { useStore } from '../../store/store.ts';

export function LectureCaption({ step, index }: { step: StepResult | null; index: number }) {
  const quiz = useStore(selectQuiz);
  const source = useStore(selectSource);
  const pending = useStore((s) => (s.quiz && !s.quiz.revealed ? quizAt(s, s.quiz.step) : null));
  if (pending) {
    return (
      <div className="lecture-caption quiz-pending" aria-live="polite">
        <p className="lecture-kicker">Question — what happens next?</p>
        <p className="lecture-say">{pending.question}</p>
        <button type="button" className="reveal" onClick={() => useStore.getState().presentNext()}>
          Reveal the answer
        </button>
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
  const revealed = quiz?.revealed && quiz.step === index && step.quiz;
  return (
    <div className="lecture-caption" aria-live="polite">
      <p className="lecture-stmt">
        <code>{step.text}</code>
        {step.iter !== undefined && <span className="muted"> (i = {step.iter})</span>}
      </p>
      {revealed && step.quiz && (
        <p className="lecture-answer">
          <span className="muted">{step.quiz.question}</span> <strong>Answer: {step.quiz.answer}</strong>
        </p>
      )}
      {step.say?.map((s, k) => (
        <p key={k} className="lecture-say">
          {s}
        </p>
      ))}
      {step.error && <p className="lecture-error">{step.error.message}</p>}
    </div>
  );
}
