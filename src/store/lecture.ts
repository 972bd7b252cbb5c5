// Lecture mode and embeds: the page mode, and stepping with a clicker.
// A `quiz` pauses before the step it precedes: the first "next" shows the
// question with the previous step still on screen; the second reveals the
// answer together with the step. "Back" from a question just closes it.
import { stepBounds } from './cursor.ts';
import type { PageMode, RuntimeState, DocState } from './state.ts';
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

/** The quiz before step i, if any. */
export function quizAt(s: DocState & RuntimeState, i: number): { question: string; answer: string } | null {
  const tl = s.lanes[s.compare && !s.compare.includes(s.mechanism) ? s.compare[0] : s.mechanism]?.timeline;
  return tl?.quizzes.find((q) => q.index === i) ?? null;
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
      if (s.quiz && !s.quiz.revealed) {
        const at = s.quiz.step;
        get().seek(at);
        set({ quiz: { step: at, revealed: true } });
        return;
      }
      // Inside a step (event by event): finish it first.
      if (s.event !== null) return get().stepBy(1);
      const next = s.step + 1;
      if (next > stepBounds(s).hi) return;
      if (quizAt(s, next)) {
        set({ quiz: { step: next, revealed: false } });
        return;
      }
      get().stepBy(1);
    },

    presentPrev() {
      const s = get();
      set({ playing: false });
      if (s.quiz && !s.quiz.revealed) {
        set({ quiz: null });
        return;
      }
      get().stepBy(-1);
    },

    setRange(range) {
      set({ range });
    },
  };
}
