// The story at a glance (issue 13, part 2): predict, then reveal (a quiz
// stops before its step in normal mode, in presentation mode and at a race,
// and turns the view to its design); the marks a step leaves (new, emptied,
// freed) and a fault's walk; a layout that stays put across steps; two-way
// linking between statements and tables; a table's history; reduced motion.
import { test, expect, type PtlabPage } from './fixtures.ts';
import type { Page } from '@playwright/test';

const tables = (page: Page) => page.locator('.pt-stage g.tbl');

async function pgdBox(page: Page) {
  const b = await page.locator('.pt-node.pt-pgd rect').boundingBox();
  if (!b) throw new Error('no PGD node on screen');
  return b;
}

/** The first preset under a design, at step `i` (reached by a jump: no quiz). */
async function firstAt(ptlab: PtlabPage, key: string, i: number): Promise<void> {
  await ptlab.open();
  await ptlab.page.keyboard.press(key);
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(-1));
  await ptlab.waitReady();
  if (i >= 0) {
    await ptlab.page.evaluate((k) => window.__ptlab.seek(k), i);
    await ptlab.waitReady();
  }
}

test('normal mode: the quiz asks before its step, with the step not run, on the design it names; answering runs it', async ({ ptlab, page }) => {
  await firstAt(ptlab, '2', 1); // pte-ref, after the touch
  const quiz = page.getByTestId('quiz');
  await ptlab.press('Next statement');
  await expect(quiz).toContainText('Will this 4 KiB DONTNEED free the PTE table under pt-reclaim?');
  await expect(quiz).toContainText('under pt-reclaim');
  // The step has not run: the cursor, the figures and the table are those of the touch; the view turned to pt-reclaim.
  await ptlab.waitReady();
  expect(await ptlab.state()).toMatchObject({ step: 1, mechanism: 'pt-reclaim' });
  await expect(page.locator('.pt-view[data-mechanism="pt-reclaim"]')).toBeVisible();
  await expect(ptlab.figure('VmPTE')).toHaveText('12 kB');
  await expect(tables(page)).toHaveCount(1);
  await expect(tables(page).first()).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('quiz-answer')).toHaveCount(0);
  await ptlab.shot('story-quiz-normal');
  // The learner answers "yes": the step runs, the answer and the verdict show.
  await quiz.getByRole('button', { name: 'yes', exact: true }).click();
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2);
  await expect(page.getByTestId('quiz-answer')).toContainText('Answer: no');
  await expect(page.getByTestId('quiz-answer')).toContainText('you said “yes”: not quite');
  await expect(tables(page).first()).toHaveAttribute('data-value', '0'); // pt-reclaim kept the emptied table
  // Play stops at the quiz too.
  await ptlab.api((a) => a.seek(0));
  await ptlab.waitReady();
  await ptlab.press('Play');
  await expect(quiz).toBeVisible();
  expect((await ptlab.state()).step).toBe(1);
});

test('presentation mode: the quiz comes first, the slide turns to its design, the answer comes with the step', async ({ ptlab, page }) => {
  await firstAt(ptlab, '2', 1);
  await page.keyboard.press('Shift+P');
  const deck = page.getByRole('main', { name: 'Presentation' });
  await expect(deck.locator('.lecture-mech')).toHaveText('pte-ref');
  await page.keyboard.press('PageDown');
  await expect(deck.getByTestId('quiz')).toContainText('Will this 4 KiB DONTNEED free the PTE table under pt-reclaim?');
  await expect(deck.locator('.lecture-mech')).toHaveText('pt-reclaim');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(1);
  await expect(deck.locator('.lecture-figures')).toContainText('VmPTE 12 kB');
  await expect(deck.getByTestId('quiz-answer')).toHaveCount(0);
  // The caption takes at most a quarter of the slide.
  const cap = await deck.locator('.lecture-caption').boundingBox();
  expect(cap!.height).toBeLessThanOrEqual(900 / 4 + 1);
  await ptlab.shot('story-quiz-present');
  await page.keyboard.press('PageDown');
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2);
  await expect(deck.getByTestId('quiz-answer')).toContainText('Answer: no');
});

test('a race: the quiz turns the lab to its design, and the answer waits until the race is stepped to its end', async ({ ptlab, page }) => {
  await ptlab.open();
  await ptlab.api((a) => a.loadPreset('20-race-fault-vs-dontneed'));
  await ptlab.waitReady();
  await page.keyboard.press('2'); // pte-ref: the quiz is about pt-reclaim
  await ptlab.waitReady();
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  await page.keyboard.press('Shift+P');
  const deck = page.getByRole('main', { name: 'Presentation' });
  await page.keyboard.press('PageDown'); // the question, before the race
  await expect(deck.getByTestId('quiz')).toContainText('Under pt-reclaim, which CPU frees');
  await expect(deck.locator('.lecture-mech')).toHaveText('pt-reclaim');
  const caption = await deck.locator('.lecture-caption').boundingBox();
  expect(caption!.height).toBeLessThanOrEqual(900 / 4 + 1);
  await page.keyboard.press('PageDown'); // reveal: the race step, answer not yet
  await ptlab.waitReady();
  expect((await ptlab.state()).step).toBe(2);
  const lab = page.getByRole('region', { name: 'Race lab' });
  await expect(lab).toBeVisible();
  await expect(lab.getByRole('group', { name: 'Race design' }).getByRole('button', { name: 'pt-reclaim', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(deck.getByTestId('quiz-answer')).toContainText('The answer shows when the race below has been stepped to its end');
  await expect(deck.getByText('Answer: CPU 1, after CPU 0 leaves rcu_read_lock')).toHaveCount(0);
  await ptlab.shot('story-race-present-before');
  // A few micro-steps: still no answer. Then the interleaving to its end: the answer.
  await lab.getByRole('button', { name: 'Next of the interleaving' }).click();
  await expect(deck.getByText('Answer: CPU 1, after CPU 0 leaves rcu_read_lock')).toHaveCount(0);
  await lab.getByRole('button', { name: 'Run the interleaving' }).click();
  await expect(lab.getByTestId('race-verdict')).toContainText('Both CPUs finished');
  await expect(lab.getByTestId('quiz-answer')).toContainText('Answer: CPU 1, after CPU 0 leaves rcu_read_lock');
  await ptlab.shot('story-race-present-answer');
});

test('compare mode: a pending quiz highlights the lane of its design', async ({ ptlab, page }) => {
  await firstAt(ptlab, '1', 1);
  await page.keyboard.press('c');
  await ptlab.waitReady();
  await ptlab.press('Next statement');
  await expect(page.getByTestId('quiz')).toBeVisible();
  await expect(page.locator('section.lane[data-quiz-lane]')).toHaveAttribute('aria-label', 'Lane pt-reclaim');
  await expect(page.locator('section.lane[data-quiz-lane]')).toHaveCount(1);
});

test('the marks of a step: a new table after the first touch (with the walk), emptied, then freed under pt-reclaim', async ({ ptlab, page }) => {
  await firstAt(ptlab, '3', 0);
  await ptlab.press('Next statement'); // touch X 0 4K
  await expect(tables(page)).toHaveCount(1);
  await expect(tables(page).first()).toHaveAttribute('data-mark', 'new');
  await expect(tables(page).first().locator('.tbl-mark')).toHaveText('new');
  await expect(page.locator('.pt-node.pt-pud')).toHaveAttribute('data-mark', 'new');
  // The fault's walk: PGD -> PUD -> PMD -> the table, in that order.
  await expect(page.locator('path.pt-walk')).toHaveCount(3);
  expect(await page.locator('path.pt-walk').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-walk')))).toEqual(['0', '1', '2']);
  await expect(page.locator('g.tbl-walk')).toHaveCount(1);
  // The legend names every mark.
  const legend = page.getByLabel('Marks of this step');
  for (const m of ['new', 'emptied', 'freed', 'walk', 'linked']) await expect(legend.locator(`[data-mark="${m}"]`)).toHaveCount(1);
  await ptlab.shot('story-marks-new');

  await ptlab.api((a) => a.seek(2)); // past the quiz: madvise 4K, pt-reclaim keeps the emptied table
  await ptlab.waitReady();
  await expect(tables(page).first()).toHaveAttribute('data-mark', 'emptied');
  await expect(page.locator('path.pt-walk')).toHaveCount(0); // no fault, no walk
  await ptlab.press('Next statement'); // madvise 2M: pt-reclaim frees it
  const ghost = page.locator('.pt-stage g.tbl.tbl-freed');
  await expect(ghost).toHaveCount(1);
  await expect(ghost).toHaveAttribute('data-mark', 'freed');
  await expect(ghost.locator('.tbl-count')).toHaveText('freed'); // no stale count
  await expect(ghost).not.toHaveAttribute('data-value', /.*/);
  await ptlab.shot('story-marks-freed');
});

test('the layout stays put across steps, and fits again only when asked', async ({ ptlab, page }) => {
  await firstAt(ptlab, '3', 2);
  await ptlab.press('Next statement'); // madvise 2M: the table freed (a ghost)
  const a = await pgdBox(page);
  await ptlab.press('Next statement'); // munmap: the tables under the PGD go, the content shrinks
  await page.waitForTimeout(400); // a re-fit would glide for 250 ms
  const b = await pgdBox(page);
  expect(b).toEqual(a);
  await ptlab.press('Previous statement');
  await page.waitForTimeout(400);
  expect(await pgdBox(page)).toEqual(a);
  // Fitting on request still works (the zoom button).
  await page.getByRole('button', { name: /^Fit/ }).first().click();
  await page.waitForTimeout(400);
  expect(await pgdBox(page)).not.toEqual(a);
});

test('two-way linking: a statement outlines its tables; a table lights the statements that changed it; its history', async ({ ptlab, page }) => {
  await firstAt(ptlab, '3', 3); // after the whole-slot DONTNEED under pt-reclaim: PUD and PMD left, no PTE table
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  const editor = page.locator('.cm-content');
  await expect(editor).toBeVisible();
  // Statement -> tables: hovering the touch line outlines its table; the mmap line (no table in its range yet) does not.
  await page.locator('.cm-line', { hasText: 'touch X 0 4K' }).hover();
  await expect(page.locator('.pt-stage g.tbl[data-linked]')).toHaveCount(1);
  await expect(page.locator('.mapstrip .linked-slot')).toHaveCount(1); // its slot on the mapping strip
  await page.locator('.cm-line', { hasText: 'say "mmap only creates a VMA' }).hover();
  await expect(page.locator('.pt-stage g.tbl[data-linked]')).toHaveCount(0);
  await expect(page.locator('.mapstrip .linked-slot')).toHaveCount(0);
  // The mmap line itself: its two slots on the strip, one of which holds the table.
  await page.locator('.cm-line', { hasText: 'mmap X 4M at 0x100000000000' }).hover();
  await expect(page.locator('.mapstrip .linked-slot')).toHaveCount(2);
  await expect(page.locator('.pt-stage g.tbl[data-linked]')).toHaveCount(1);
  // Table -> statements: at step 3 (the 4 KiB DONTNEED ran), hovering the table marks the touch and the madvise lines.
  await ptlab.api((a) => a.seek(2));
  await ptlab.waitReady();
  await tables(page).first().hover();
  const linked = page.locator('.cm-line.cm-linkedLine');
  await expect(linked).toHaveCount(2);
  await expect(linked.nth(0)).toHaveText('touch X 0 4K');
  await expect(linked.nth(1)).toHaveText('madvise X 0 4K dontneed');
  await ptlab.shot('story-linking');
  // The table's history in the detail panel, up to the step on screen.
  await tables(page).first().click();
  await expect(page.getByTestId('table-history')).toHaveText('allocated at step 2 by touch, emptied at step 3 (madvise) under pt-reclaim');
  await ptlab.api((a) => a.seek(1));
  await ptlab.waitReady();
  await expect(page.getByTestId('table-history')).toHaveText('allocated at step 2 by touch under pt-reclaim');
});

test('the history names the design and the function that freed the table', async ({ ptlab, page }) => {
  await firstAt(ptlab, '1', 3); // baseline keeps the empty table after both DONTNEEDs
  await tables(page).first().click();
  await expect(page.getByTestId('table-history')).toHaveText('allocated at step 2 by touch, emptied at step 3 (madvise) under baseline');
  await ptlab.shot('story-history');
});

test.describe('reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });
  test('the marks stay; nothing animates', async ({ ptlab, page }) => {
    await firstAt(ptlab, '3', 0);
    await ptlab.press('Next statement'); // a new table, the walk
    await expect(tables(page).first()).toHaveAttribute('data-mark', 'new');
    await expect(page.locator('path.pt-walk')).toHaveCount(3);
    const anim = (sel: string) => page.locator(sel).evaluateAll((els) => els.map((e) => getComputedStyle(e).animationName));
    expect(await anim('.pt-stage g.tbl')).toEqual(['none']);
    expect(await anim('path.pt-walk')).toEqual(['none', 'none', 'none']);
    expect(await anim('g.tbl-walk > rect')).toEqual(['none']);
    // The walk is drawn in full at once.
    expect(await page.locator('path.pt-walk').first().evaluate((e) => getComputedStyle(e).strokeDashoffset)).toMatch(/^0(px)?$/);
    await ptlab.api((a) => a.seek(2));
    await ptlab.waitReady();
    await ptlab.press('Next statement'); // freed: a ghost at once, no fade
    const ghost = page.locator('.pt-stage g.tbl-freed');
    await expect(ghost).toHaveCount(1);
    expect(await anim('.pt-stage g.tbl-freed')).toEqual(['none']);
    expect(await ghost.evaluate((e) => getComputedStyle(e).opacity)).toBe('0.6');
    // The page's own animations: none running.
    expect(await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length)).toBe(0);
  });

  test('without reduced motion the same step animates', async ({ ptlab, page, browser }) => {
    void browser;
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await firstAt(ptlab, '3', 0);
    await ptlab.press('Next statement');
    expect(await page.locator('path.pt-walk').first().evaluate((e) => getComputedStyle(e).animationName)).toBe('pt-walk-draw');
  });
});
