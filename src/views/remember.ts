// What the page remembers for the next visit (panels closed, the tour seen): localStorage, under "ptlab.<key>".
// A browser that refuses storage (private mode, a sandboxed embed) just forgets.
export function remembered(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(`ptlab.${key}`) ?? null;
  } catch {
    return null;
  }
}

export function remember(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(`ptlab.${key}`);
    else globalThis.localStorage?.setItem(`ptlab.${key}`, value);
  } catch {
    // storage refused: nothing to keep
  }
}
