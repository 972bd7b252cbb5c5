// Helpers for store tests: an in-process simulation and a way to wait for it.
import { localSimPort } from '../worker/localPort.ts';
import { selectReady } from './selectors.ts';
import { configureSim, resetStore, useStore } from './store.ts';

export function freshStore(): void {
  resetStore();
  configureSim(localSimPort);
}

/** Resolves when pred holds (checked on every store change and every macrotask). */
export async function until(pred: () => boolean, what = 'condition', ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const ready = () => until(() => selectReady(useStore.getState()), 'ready');
