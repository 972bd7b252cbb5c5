// Predict, then reveal (Python Tutor, VisuAlgo): a `quiz` stops every forward
// move (next, play, a kernel event, the clicker) before the step it precedes.
// The question shows with the previous step still on screen and the view
// turned to the design it asks about; the step runs only when the learner
// answers or reveals. At a race step the answer waits until the race lab has
// been stepped to the race's end (views/panels/QuizCard.tsx reads the lab).
import type { Quiz } from '../scenario/ast.ts';
import { primaryOf } from './cursor.ts';
import type { DocState, RuntimeState } from './state.ts';
import type { Get, Set } from './store.ts';

export interface QuizActions {
  /** Show the quiz before step i: the step before stays on screen, the view turns to the quiz's design. */
  askQuiz(i: number): void;
  /** Run (show) the step the pending quiz precedes; `guess` is the learner's answer (none: just reveal). */
  revealQuiz(guess?: string | null): void;
  /** Close a pending question without running its step. */
  closeQuiz(): void;
}

type S = DocState & RuntimeState;

/** The quizzes of the run on screen: the primary lane's, else any lane's of the current source (they do not depend on the design). */
function quizzes(s: S): ({ index: number } & Quiz)[] {
  const own = s.lanes[primaryOf(s)]?.timeline;
  if (own) return own.quizzes;
  for (const l of Object.values(s.lanes)) if (l?.timeline && l.source === s.goodSource) return l.timeline.quizzes;
  return [];
}

/** The quiz before step i, if any. */
export function quizAt(s: S, i: number): Quiz | null {
  return quizzes(s).find((q) => q.index === i) ?? null;
}

/** The first step in (from, to] that a quiz precedes: a forward move over it stops before it. */
export function quizBetween(s: S, from: number, to: number): number | null {
  let best: number | null = null;
  for (const q of quizzes(s)) if (q.index > from && q.index <= to && (best === null || q.index < best)) best = q.index;
  return best;
}

/** The pending (unrevealed) quiz's step, if any. */
export const pendingQuiz = (s: S): number | null => (s.quiz && !s.quiz.revealed ? s.quiz.step : null);

/** Does a guess match the answer? Case, spaces and a final full stop do not count. */
export function sameAnswer(guess: string, answer: string): boolean {
  const norm = (t: string) => t.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]$/, '');
  return norm(guess) === norm(answer);
}

/** The answers to offer as buttons: yes / no questions get both; other answers are typed. */
export function choicesFor(answer: string): string[] | null {
  const a = answer.trim().toLowerCase();
  return a === 'yes' || a === 'no' ? ['yes', 'no'] : null;
}

export function quizActions(set: Set, get: Get): QuizActions {
  return {
    askQuiz(i) {
      const s = get();
      const q = quizAt(s, i);
      if (!q) return;
      set({ playing: false, quiz: { step: i, revealed: false } });
      // The view turns to the design the question asks about (side by side, its lane is highlighted instead).
      if (q.mechanism && !s.compare && s.mechanism !== q.mechanism) get().setMechanism(q.mechanism);
    },

    revealQuiz(guess = null) {
      const s = get();
      if (!s.quiz) return;
      const at = s.quiz.step;
      get().seek(at);
      set({ quiz: { step: at, revealed: true, ...(guess !== null && guess !== '' ? { guess } : {}) } });
    },

    closeQuiz() {
      if (get().quiz) set({ quiz: null });
    },
  };
}

/** The design the quiz on screen (asked, or just revealed) is about: its lane is highlighted side by side. */
export const selectQuizDesign = (s: S): string | null => (s.quiz ? quizAt(s, s.quiz.step)?.mechanism ?? null : null);
