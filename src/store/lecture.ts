// Lecture mode and embeds: the page mode, and stepping with a clicker.
// A `quiz` pauses before the step it precedes (store/quiz.ts, in every mode):
// the first "next" shows the question with the previous step still on
// screen; the second reveals the answer together with the step. "Back" from
// a question just closes it.
import { stepBounds } from './cursor.ts';
import type { PageMode } from './state.ts';
import type { Get, Set } from './store.ts';

export interface LectureActions {
  setMode(mode: PageMode): void;
  /** Normal <-> presentation (an embed stays an embed). */
  togglePresent(): void;
  /** Clicker "next": a quiz question first, then its answer with its step, else the next step. */
  presentNext(): void;
  /** Clicker "back": close an unanswered question, else the previous step. */
  presentPrev(): void;
  setRange(range: [number, number] | null): void;
}


export function lectureActions(set: Set, get: Get): LectureActions {
  return {
    setMode(mode) {
      set((s) => ({ mode, quiz: null, playing: false, range: mode === 'embed' ? s.range : null, dialog: null, help: false, gallery: false }));
    },

    togglePresent() {
      const m = get().mode;
      if (m !== 'embed') get().setMode(m === 'present' ? 'normal' : 'present');
    },

    presentNext() {
      const s = get();
      set({ playing: false });
      // Inside a step (event by event): finish it first.
      if (s.event !== null) return get().stepBy(1);
      // A question pending: this "next" reveals it (cursor.ts gates every forward move the same way).
      if (s.quiz && !s.quiz.revealed) return get().revealQuiz(null);
      if (s.step + 1 > stepBounds(s).hi) return;
      get().stepBy(1);
    },

    presentPrev() {
      const s = get();
      set({ playing: false });
      if (s.quiz && !s.quiz.revealed) {
        get().closeQuiz();
        return;
      }
      get().stepBy(-1);
    },

    setRange(range) {
      set({ range });
    },
  };
}
