// Predict, then reveal: a quiz stops every forward move before its step, in
// every mode; the view turns to the design it asks about; the guess is kept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from './store.ts';
import { freshStore, ready, until } from './testing.ts';
import { choicesFor, quizAt, quizBetween, sameAnswer } from './quiz.ts';
import { decodeLink, encodeLink } from '../share/link.ts';
import { compile } from '../scenario/index.ts';

const QUIZ = 'mmap X 4M at 0x100000000000\ntouch X 0 4K\nquiz pt-reclaim "Freed?" no\nmadvise X 0 4K dontneed\ntouch X 0 4K\nquiz "Again?" "two tables"\ntouch X 2M 4K\n';
const st = () => useStore.getState();

beforeEach(freshStore);
afterEach(freshStore);

describe('quiz gating in normal mode', () => {
  it('next stops before the quiz step with the step before on screen, turns to its design, and the next "next" reveals', async () => {
    st().setSource(QUIZ);
    st().setMechanism('pte-ref');
    await ready();
    expect(quizAt(st(), 2)).toMatchObject({ question: 'Freed?', answer: 'no', mechanism: 'pt-reclaim' });
    st().stepBy(1);
    st().stepBy(1);
    expect(st().step).toBe(1);
    st().stepBy(1); // the quiz: no move
    expect(st().step).toBe(1);
    expect(st().quiz).toEqual({ step: 2, revealed: false });
    expect(st().mechanism).toBe('pt-reclaim');
    st().stepBy(1); // reveal
    expect(st().step).toBe(2);
    expect(st().quiz).toEqual({ step: 2, revealed: true });
    st().stepBy(1);
    expect(st().step).toBe(3);
    expect(st().quiz).toBeNull();
  });

  it('an answer is kept with the revealed step; back from a question closes it', async () => {
    st().setSource(QUIZ);
    await ready();
    st().seek(1);
    st().stepBy(1);
    expect(st().quiz?.revealed).toBe(false);
    st().closeQuiz();
    expect(st().quiz).toBeNull();
    expect(st().step).toBe(1);
    st().stepBy(1);
    st().revealQuiz('yes');
    expect(st().step).toBe(2);
    expect(st().quiz).toEqual({ step: 2, revealed: true, guess: 'yes' });
  });

  it('play stops before a quiz (even several steps ahead) and asks it', async () => {
    st().setSource(QUIZ);
    await ready();
    st().play();
    st().tick(10_000); // 40 steps' worth at 4 steps/s
    expect(st().playing).toBe(false);
    expect(st().step).toBe(1);
    expect(st().quiz).toEqual({ step: 2, revealed: false });
    expect(st().stoppedBy).toBe('a question');
    expect(st().mechanism).toBe('pt-reclaim');
    st().revealQuiz();
    await ready(); // the quiz's design computes
    st().play();
    st().tick(10_000);
    expect(st().step).toBe(3);
    expect(st().quiz).toEqual({ step: 4, revealed: false });
  });

  it('stepping by kernel event into the quiz step asks first', async () => {
    st().setSource(QUIZ);
    await ready();
    st().seek(1);
    await st().stepEvent(1);
    expect(st().step).toBe(1);
    expect(st().event).toBeNull();
    expect(st().quiz).toEqual({ step: 2, revealed: false });
  });

  it('side by side, the view stays on the lanes (the quiz lane is highlighted, not switched)', async () => {
    st().setSource(QUIZ);
    st().setMechanism('baseline');
    st().setCompare(['baseline', 'pte-ref', 'pt-reclaim']);
    await ready();
    await until(() => ['baseline', 'pte-ref', 'pt-reclaim'].every((m) => st().lanes[m as 'baseline']?.status === 'ready'), 'lanes');
    st().seek(1);
    st().stepBy(1);
    expect(st().quiz).toEqual({ step: 2, revealed: false });
    expect(st().mechanism).toBe('baseline');
  });

  it('a quiz at the first step asks before it', async () => {
    st().setSource('quiz "First?" yes\nmmap X 4M\n');
    await ready();
    expect(quizBetween(st(), -1, 5)).toBe(0);
    st().stepBy(1);
    expect(st().step).toBe(-1);
    expect(st().quiz).toEqual({ step: 0, revealed: false });
  });
});

describe('quiz answers', () => {
  it('a quiz with its design survives a link: the decoded text compiles to the same quiz', () => {
    const back = decodeLink(encodeLink({ scenario: QUIZ, mechanisms: ['pte-ref'], step: 1 }));
    if (!back.ok) throw new Error(back.message);
    const c = compile(back.state.scenario);
    if (!c.ok) throw new Error(c.errors[0].message);
    expect(c.program.at(2)?.quiz).toEqual({ question: 'Freed?', answer: 'no', mechanism: 'pt-reclaim' });
    expect(c.program.at(4)?.quiz).toEqual({ question: 'Again?', answer: 'two tables' });
  });

  it('compare without case, spaces or a final stop; yes/no answers are offered as buttons', () => {
    expect(sameAnswer(' No. ', 'no')).toBe(true);
    expect(sameAnswer('two  Tables', 'two tables')).toBe(true);
    expect(sameAnswer('yes', 'no')).toBe(false);
    expect(choicesFor('No')).toEqual(['yes', 'no']);
    expect(choicesFor('CPU 1')).toBeNull();
  });
});
