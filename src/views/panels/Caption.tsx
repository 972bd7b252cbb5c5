// The scenario's narration for this step (`say`) and its question (`quiz`):
// a quiz pending before the next step shows alone (QuizCard), so nothing on
// screen gives its answer away.
import type { StepResult } from '../../core/index.ts';
import { useStore } from '../../store/store.ts';
import { QuizCard } from './QuizCard.tsx';

export function Caption({ step }: { step: StepResult | null }) {
  const pending = useStore((s) => !!s.quiz && !s.quiz.revealed);
  if (pending) {
    return (
      <div className="caption caption-quiz">
        <QuizCard step={step} />
      </div>
    );
  }
  if (!step || (!step.say && !step.quiz)) return null;
  return (
    <div className="caption" aria-live="polite">
      {step.say?.map((s, k) => (
        <p key={k} className="say">
          {s}
        </p>
      ))}
      <QuizCard step={step} />
    </div>
  );
}
