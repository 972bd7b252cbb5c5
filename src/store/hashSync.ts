// The address bar is always a link to what is on screen: after every change
// to the document state (a pause first, so scrubbing writes once), the hash
// is replaced (history.replaceState: no history entries, no hashchange).
// Opening the page, or pasting a link into the address bar, opens the link.
import { decodeLink, encodeLink, MAX_LINK_CHARS } from '../share/link.ts';
import { linkStateOf } from './links.ts';
import { selectDoc } from './selectors.ts';
import { useStore, type PtlabState } from './store.ts';

export const HASH_DEBOUNCE_MS = 250;

/** What the sync needs of `window` (tests pass a fake). */
export interface HashWindow {
  location: { hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', f: () => void): void;
  removeEventListener(type: 'hashchange', f: () => void): void;
}

/** The hash (without '#') for the state on screen; null when the link would be too long to share. */
export function hashOf(s: PtlabState): string | null {
  const h = encodeLink(linkStateOf(selectDoc(s), { mode: s.mode, range: s.range }));
  return h.length <= MAX_LINK_CHARS ? h : null;
}

/**
 * Open the link in a hash. Returns false when there is none (the caller
 * loads the default scenario); a broken link loads the default scenario
 * with a message and the recovered text.
 */
export function openFromHash(hash: string): boolean {
  const h = hash.replace(/^#/, '');
  if (!h) return false;
  const r = decodeLink(h);
  if (r.ok) useStore.getState().openLink(r.state);
  else useStore.getState().linkFailed(r.message, r.recovered);
  return true;
}

const DOC_KEYS = ['source', 'presetId', 'mechanism', 'compare', 'step', 'event', 'selectedSlot', 'zoom', 'mode', 'range', 'restoring'] as const;

export function startHashSync(win: HashWindow, delayMs = HASH_DEBOUNCE_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = win.location.hash.replace(/^#/, '');
  const write = () => {
    timer = undefined;
    const s = useStore.getState();
    // While a link is being opened its step is not applied yet: the address bar keeps the link.
    if (s.restoring) return;
    // Too long to share: an empty hash rather than a stale link to something else.
    const h = hashOf(s) ?? '';
    if (h === last) return;
    last = h;
    win.history.replaceState(null, '', '#' + h);
  };
  const unsub = useStore.subscribe((s, prev) => {
    if (!DOC_KEYS.some((k) => s[k] !== prev[k])) return;
    clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  });
  const onHash = () => {
    const h = win.location.hash.replace(/^#/, '');
    if (h === last) return;
    last = h;
    openFromHash(h);
  };
  win.addEventListener('hashchange', onHash);
  // A first write for a page opened without a link.
  timer = setTimeout(write, delayMs);
  return () => {
    clearTimeout(timer);
    unsub();
    win.removeEventListener('hashchange', onHash);
  };
}
