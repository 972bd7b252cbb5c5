// A page object for ptlab and the window.__ptlab test API it reads.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export interface PtlabApi {
  ready: boolean;
  step: number;
  event: number | null;
  steps: number;
  mechanism: string;
  figures: { VmPTE: number; RssAnon: number; VmSize: number; tables: { pte: number; pmd: number; pud: number } } | null;
  lanes: Record<string, { status: string; figures: PtlabApi['figures']; done: number; total: number; ms: number | null }>;
  running: boolean;
  selectedSlot: number | null;
  zoom: { k: number; x: number; y: number; fit?: boolean } | null;
  mode: 'normal' | 'present' | 'embed';
  quiz: { step: number; revealed: boolean } | null;
  restoring: boolean;
  seek(i: number): void;
  loadPreset(id: string, opts?: { single?: boolean }): void;
  setPrefetch(on: boolean): void;
  setSource(source: string): void;
}

declare global {
  interface Window {
    __ptlab: PtlabApi;
  }
}

export class PtlabPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.waitReady();
  }

  async waitReady(timeout = 60_000): Promise<void> {
    await this.page.waitForFunction(() => window.__ptlab?.ready === true, null, { timeout });
  }

  /** Run f(window.__ptlab) in the page (f must not close over test variables). */
  api<T>(f: (api: PtlabApi) => T): Promise<T> {
    return this.page.evaluate(`(${f.toString()})(window.__ptlab)`) as Promise<T>;
  }

  async state(): Promise<Pick<PtlabApi, 'step' | 'event' | 'steps' | 'mechanism' | 'figures'>> {
    return this.page.evaluate(() => {
      const a = window.__ptlab;
      return { step: a.step, event: a.event, steps: a.steps, mechanism: a.mechanism, figures: a.figures };
    });
  }

  button(name: string) {
    return this.page.getByRole('button', { name, exact: true });
  }

  async press(name: string): Promise<void> {
    await this.button(name).click();
    await this.waitReady();
  }

  /** The figure as the page prints it, e.g. "12 kB". */
  figure(name: string) {
    return this.page.locator(`[data-figure="${name}"] .figure-value`).first();
  }

  async choosePreset(title: RegExp): Promise<void> {
    await this.button('Presets').click();
    await this.page.getByRole('dialog', { name: 'Presets' }).getByRole('button', { name: title }).click();
  }

  /** Open Share, press one of its buttons and return the text it produced (a link or embed code). */
  async share(button: 'Copy link' | 'Copy link to this step' | 'Copy presentation link' | 'Copy embed code'): Promise<string> {
    await this.page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Share' });
    await dialog.getByRole('button', { name: button, exact: true }).click();
    const text = dialog.getByRole('textbox', { name: 'Copied text' });
    await expect(text).not.toHaveValue('');
    const value = await text.inputValue();
    await dialog.getByRole('button', { name: 'Close share' }).click();
    return value;
  }

  async shot(name: string): Promise<void> {
    mkdirSync('test-results/screens', { recursive: true });
    await this.page.waitForTimeout(700); // let fades finish, so the picture shows the settled state
    await this.page.screenshot({ path: `test-results/screens/${name}.png` });
  }
}

export const test = base.extend<{ ptlab: PtlabPage; tourSeen: boolean }>({
  // The first-visit tour is marked seen (as for a returning user), so it never covers what a spec clicks;
  // e2e/first-screen.spec.ts turns this off to see it.
  tourSeen: [true, { option: true }],
  ptlab: async ({ page, tourSeen }, use) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    if (tourSeen) await page.context().addInitScript(() => {
      try {
        localStorage.setItem('ptlab.tour', 'seen');
      } catch {
        // storage refused: the page forgets, the tour shows (and does not block)
      }
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The built site runs under a Content-Security-Policy: anything it blocks is a bug.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    await use(new PtlabPage(page));
    expect(errors, 'errors thrown in the page').toEqual([]);
  },
});

export { expect };
