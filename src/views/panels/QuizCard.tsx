// Predict, then reveal: the quiz before a step (store/quiz.ts). Pending, it
// shows the question, the design it asks about and the answers to pick
// (yes / no as buttons, anything else typed), with the step not yet run;
// revealed, the answer beside the learner's guess. At a race step the answer
// waits for the race lab to reach the race's end (RaceQuizAnswer, shown by
// the lab). Text only: questions come from strangers' links.
import { useState } from 'react';
import type { StepResult } from '../../core/index.ts';
import { choicesFor, quizAt, sameAnswer } from '../../store/quiz.ts';
import { useStore, type PtlabState } from '../../store/store.ts';
import type { Quiz } from '../../scenario/ast.ts';

const act = () => useStore.getState();
const selectPending = (s: PtlabState) => (s.quiz && !s.quiz.revealed ? s.quiz.step : null);

function Verdict({ quiz, guess }: { quiz: Quiz; guess?: string }) {
  const right = guess !== undefined && sameAnswer(guess, quiz.answer);
  return (
    <p className="quiz-answer" data-testid="quiz-answer">
      <span className="muted">{quiz.question}</span> <strong>Answer: {quiz.answer}</strong>
      {guess !== undefined && (
        <span className={right ? 'quiz-right' : 'quiz-wrong'}>
          {' '}
          — you said “{guess}”: {right ? 'right' : 'not quite'}
        </span>
      )}
    </p>
  );
}

function Ask({ quiz, step, big }: { quiz: Quiz; step: number; big: boolean }) {
  const [typed, setTyped] = useState('');
  const choices = choicesFor(quiz.answer);
  return (
    <div className={`quiz-card quiz-ask${big ? ' quiz-big' : ''}`} role="group" aria-label="Quiz" data-testid="quiz" aria-live="polite">
      <p className="quiz-kicker">
        Predict, then reveal — before step {step + 1} runs
        {quiz.mechanism && (
          <>
            {' '}
            under <b className={`quiz-design mech-${quiz.mechanism}`}>{quiz.mechanism}</b>
          </>
        )}
      </p>
      <p className="quiz-question">{quiz.question}</p>
      <div className="quiz-choices">
        {choices ? (
          choices.map((c) => (
            <button key={c} type="button" onClick={() => act().revealQuiz(c)}>
              {c}
            </button>
          ))
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act().revealQuiz(typed);
            }}
          >
            <input aria-label="Your answer" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="your answer" />
            <button type="submit">Answer</button>
          </form>
        )}
        <button type="button" className="quiz-reveal" onClick={() => act().revealQuiz(null)}>
          Reveal
        </button>
      </div>
    </div>
  );
}

/**
 * The quiz part of a caption. `step` is the step on screen (null before the
 * first). Pending question: the question. The step it preceded: its answer
 * (at a race step, a pointer to the race lab). Reached by a jump: the
 * question with a button to show the answer.
 */
export function QuizCard({ step, big = false }: { step: StepResult | null; big?: boolean }) {
  const pending = useStore(selectPending);
  const pendingQuiz = useStore((s) => (s.quiz && !s.quiz.revealed ? quizAt(s, s.quiz.step) : null));
  const revealed = useStore((s) => (s.quiz?.revealed ? s.quiz : null));
  const [shown, setShown] = useState<number | null>(null);
  if (pending !== null && pendingQuiz) return <Ask quiz={pendingQuiz} step={pending} big={big} />;
  const q = step?.quiz;
  if (!step || !q) return null;
  if (revealed && revealed.step === step.index) {
    if (step.race) {
      return (
        <p className="quiz-answer quiz-wait" data-testid="quiz-answer">
          <span className="muted">{q.question}</span>{' '}
          {revealed.guess !== undefined ? <>Your answer: “{revealed.guess}”. </> : null}
          The answer shows when the race below has been stepped to its end.
        </p>
      );
    }
    return <Verdict quiz={q} guess={revealed.guess} />;
  }
  return (
    <p className="quiz">
      <strong>Quiz{q.mechanism ? ` (${q.mechanism})` : ''}:</strong> {q.question}{' '}
      {shown === step.index ? (
        <span className="answer">Answer: {q.answer}</span>
      ) : (
        <button type="button" aria-label="Show the answer" onClick={() => setShown(step.index)}>
          show answer
        </button>
      )}
    </p>
  );
}

/** In the race lab: the quiz's answer once the race has been stepped to its end. */
export function RaceQuizAnswer({ step, ended }: { step: StepResult; ended: boolean }) {
  const revealed = useStore((s) => (s.quiz?.revealed && s.quiz.step === step.index ? s.quiz : null));
  if (!step.quiz || !revealed || !ended) return null;
  return <Verdict quiz={step.quiz} guess={revealed.guess} />;
}
