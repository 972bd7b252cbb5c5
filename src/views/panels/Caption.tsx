// The scenario's narration for this step (`say`) and its question (`quiz`).
import { useState } from 'react';
import type { StepResult } from '../../core/index.ts';

export function Caption({ step }: { step: StepResult | null }) {
  const [shown, setShown] = useState<number | null>(null);
  if (!step || (!step.say && !step.quiz)) return null;
  return (
    <div className="caption" aria-live="polite">
      {step.say?.map((s, k) => (
        <p key={k} className="say">
          {s}
        </p>
      ))}
      {step.quiz && (
        <p className="quiz">
          <strong>Quiz:</strong> {step.quiz.question}{' '}
          {shown === step.index ? (
            <span className="answer">Answer: {step.quiz.answer}</span>
          ) : (
            <button type="button" aria-label="Show the answer" onClick={() => setShown(step.index)}>
              show answer
            </button>
          )}
        </p>
      )}
    </div>
  );
}
