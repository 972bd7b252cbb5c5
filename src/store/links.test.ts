// Links from the store's side: what a link carries, opening one (the step
// waits for the run), the address bar kept in sync, broken links, and
// lecture mode's quiz gating and embed ranges.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeLink, encodeLink } from '../share/link.ts';
import { useStore } from './store.ts';
import { freshStore, ready, until } from './testing.ts';
import { linkStateOf } from './links.ts';
import { selectDoc } from './selectors.ts';
import { hashOf, openFromHash, startHashSync, type HashWindow } from './hashSync.ts';
import { DEFAULT_PRESET, PRESETS } from './presets.ts';

const LOOP = 'mmap X 8M at 0x100000000000\nrepeat 4 { touch X i*2M 2M; madvise X i*2M 2M dontneed }\nmunmap X 0 8M\n';
const QUIZ = 'mmap X 4M at 0x100000000000\nsay "first"\ntouch X 0 4K\nquiz "Freed?" "yes"\nmadvise X 0 4K dontneed\ntouch X 0 4K\n';
const st = () => useStore.getState();
const fig = () => st().lanes[st().mechanism]!.frame!.snapshot.figures;

beforeEach(freshStore);
afterEach(freshStore);

describe('what a link carries', () => {
  it('the step, event, zoom and selection; the start link leaves them out; the primary mechanism first', () => {
    const doc = { ...selectDoc(st()), source: LOOP, mechanism: 'pt-reclaim' as const, compare: ['baseline', 'pte-ref', 'pt-reclaim'] as const, step: 5, event: 2, zoom: { k: 2.123456, x: -10.04, y: 3 }, selectedSlot: 0x80000 };
    const ls = linkStateOf({ ...doc, compare: [...doc.compare] });
    expect(ls).toEqual({ scenario: LOOP, mechanisms: ['pt-reclaim', 'baseline', 'pte-ref'], step: 5, event: 2, view: { k: 2.1235, x: -10, y: 3, selected: 0x80000 * 2 ** 21 } });
    expect(linkStateOf({ ...doc, compare: null }, { at: 'start', mode: 'present' })).toEqual({ scenario: LOOP, mechanisms: ['pt-reclaim'], step: -1, mode: 'present' });
    // A view that fits itself is left out, unless a selection needs it.
    expect(linkStateOf({ ...doc, compare: null, zoom: { k: 1, x: 0, y: 0, fit: true }, selectedSlot: null }).view).toBeUndefined();
  });

  it('names the preset only while the text is unchanged', () => {
    const p = PRESETS[0];
    const doc = { ...selectDoc(st()), source: p.source, presetId: p.id };
    expect(linkStateOf(doc).preset).toBe(p.id);
    expect(linkStateOf({ ...doc, source: p.source + '\n# edited' }).preset).toBeUndefined();
  });
});

describe('opening a link', () => {
  it('waits for the run, then restores the step, the selection and the zoom exactly', async () => {
    const link = encodeLink({ scenario: LOOP, mechanisms: ['baseline'], step: 7, view: { k: 2.5, x: -40, y: 12, selected: 0x100000200000 } });
    expect(openFromHash('#' + link)).toBe(true);
    // Before the run is ready there is no step 7: the store keeps the request.
    expect(st().restoring).toEqual({ step: 7, event: null, selectedSlot: 0x100000200000 / 2 ** 21, zoom: { k: 2.5, x: -40, y: 12 } });
    expect(st().step).toBe(-1);
    await ready();
    await until(() => st().restoring === null && st().step === 7, 'restored');
    await ready();
    expect(st().mechanism).toBe('baseline');
    expect(st().selectedSlot).toBe(0x800001);
    expect(st().zoom).toEqual({ k: 2.5, x: -40, y: 12 });
    expect(fig().tables.pte).toBe(4); // baseline keeps every emptied table
  });

  it('restores compare mode, the event inside a step, and a preset name that still matches', async () => {
    const p = DEFAULT_PRESET;
    openFromHash(encodeLink({ scenario: p.source, mechanisms: ['pt-reclaim', 'pte-ref'], step: 1, event: 2, preset: p.id }));
    expect(st().presetId).toBe(p.id);
    expect(st().compare).toEqual(['pte-ref', 'pt-reclaim']);
    await until(() => !st().restoring, 'restored');
    await ready();
    expect(st().mechanism).toBe('pt-reclaim');
    expect(st().step).toBe(1);
    expect(st().event).toBe(2);
    expect(st().lanes['pt-reclaim']!.frame!.events!.length).toBeGreaterThan(3);
  });

  it('an event past the last of its step shows the whole step', async () => {
    openFromHash(encodeLink({ scenario: LOOP, mechanisms: ['pte-ref'], step: 1, event: 9999 }));
    await until(() => !st().restoring, 'restored');
    await until(() => st().event === null && st().step === 1, 'event dropped');
  });

  it('a link whose scenario does not parse opens the text with its errors and stops waiting', () => {
    openFromHash(encodeLink({ scenario: 'mmap X 4M\ntuch X 0 4K', mechanisms: ['pte-ref'], step: 3 }));
    expect(st().source).toBe('mmap X 4M\ntuch X 0 4K');
    expect(st().errors.length).toBe(1);
    expect(st().restoring).toBeNull();
  });

  it('a broken link loads the default scenario with the message, and the recovered text opens on request', async () => {
    const scenario = 'mmap X 4M at 0x100000000000\n' + 'touch X 0 4K\n'.repeat(30);
    const link = encodeLink({ scenario, mechanisms: ['baseline'], step: 2 });
    openFromHash(link.slice(0, Math.floor(link.length * 0.75)));
    expect(st().linkNotice?.message).toMatch(/corrupted or cut short/);
    expect(st().presetId).toBe(DEFAULT_PRESET.id);
    const rec = st().linkNotice!.recovered!;
    expect(scenario.startsWith(rec.slice(0, 60))).toBe(true);
    await ready();
    st().openRecovered();
    expect(st().linkNotice).toBeNull();
    expect(st().source).toBe(rec);
    expect(st().presetId).toBeNull();
  });

  it('a link from a newer ptlab says so', () => {
    openFromHash('#v9:abcdef');
    expect(st().linkNotice?.message).toMatch(/made by a newer ptlab \(link format v9\)/);
    expect(st().linkNotice?.recovered).toBeUndefined();
  });

  it('no hash: nothing to open', () => {
    expect(openFromHash('')).toBe(false);
    expect(openFromHash('#')).toBe(false);
  });

  it('a scenario longer than the lab takes is refused with its size', () => {
    st().setSource('# x\n'.repeat(70_000));
    expect(st().sizeMessage).toMatch(/280,000 characters long; the lab takes at most 262,144/);
  });
});

function fakeWindow(hash = ''): HashWindow & { writes: string[]; fire(): void } {
  let on: (() => void) | null = null;
  const w = {
    writes: [] as string[],
    location: { hash },
    history: {
      replaceState(_d: unknown, _u: string, url?: string) {
        w.writes.push(url!);
        w.location.hash = url!;
      },
    },
    addEventListener: (_t: 'hashchange', f: () => void) => void (on = f),
    removeEventListener: () => void (on = null),
    fire: () => on?.(),
  };
  return w;
}

describe('the address bar', () => {
  it('is replaced, once per pause, with a link to what is on screen', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const w = fakeWindow();
      const stop = startHashSync(w, 100);
      st().setSource(LOOP, null);
      vi.advanceTimersByTime(100);
      expect(w.writes).toHaveLength(1);
      // Moves inside the pause coalesce into one write.
      useStore.setState({ step: 1 });
      useStore.setState({ step: 2 });
      useStore.setState({ step: 3 });
      vi.advanceTimersByTime(99);
      expect(w.writes).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(w.writes).toHaveLength(2);
      const r = decodeLink(w.writes[1]);
      expect(r.ok && r.state.step).toBe(3);
      // Present mode rides in the suffix.
      useStore.setState({ mode: 'present' });
      vi.advanceTimersByTime(100);
      expect(w.writes[2]).toMatch(/;present$/);
      // Nothing else changed: no write.
      useStore.setState({ playing: true });
      vi.advanceTimersByTime(100);
      expect(w.writes).toHaveLength(3);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears itself rather than keep a stale link when the state is too long for one', async () => {
    const w = fakeWindow('#' + encodeLink({ scenario: LOOP, mechanisms: ['pte-ref'], step: 0 }));
    const stop = startHashSync(w, 1);
    // Incompressible text (not a valid scenario: the link carries it anyway) makes a link past 64 KiB.
    let x = 2463534242;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32); // xorshift32, seeded
    const noise = Array.from({ length: 70_000 }, () => String.fromCharCode(33 + Math.floor(next() * 90))).join('');
    st().setSource(`# ${noise}
`, null);
    await until(() => w.writes.length > 0, 'a write');
    expect(w.writes.at(-1)).toBe('#');
    stop();
  });

  it('keeps the link while it is being opened, then follows the state', async () => {
    const link = encodeLink({ scenario: LOOP, mechanisms: ['pte-ref'], step: 4 });
    const w = fakeWindow('#' + link);
    const stop = startHashSync(w, 5);
    openFromHash(w.location.hash);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.writes).toHaveLength(0);
    await until(() => !st().restoring && st().step === 4, 'restored');
    st().seek(6);
    await until(() => w.writes.length > 0, 'a write');
    const r = decodeLink(w.writes.at(-1)!);
    expect(r.ok && r.state.step).toBe(6);
    stop();
  });

  it('a link pasted into the address bar opens', async () => {
    const w = fakeWindow();
    const stop = startHashSync(w, 5);
    w.location.hash = '#' + encodeLink({ scenario: LOOP, mechanisms: ['pt-reclaim'], step: 2 });
    w.fire();
    expect(st().mechanism).toBe('pt-reclaim');
    await until(() => !st().restoring && st().step === 2, 'restored');
    expect(hashOf(st())).toBe(encodeLink(linkStateOf(selectDoc(st()))));
    stop();
  });
});

describe('lecture mode', () => {
  it('a quiz pauses before its step: question first, then the answer with the step', async () => {
    st().setSource(QUIZ);
    await ready();
    st().setMode('present');
    st().presentNext(); // mmap
    st().presentNext(); // touch (with its caption)
    expect(st().step).toBe(1);
    st().presentNext(); // the quiz before the madvise: no move yet
    expect(st().step).toBe(1);
    expect(st().quiz).toEqual({ step: 2, revealed: false });
    st().presentPrev(); // back closes the question only
    expect(st().quiz).toBeNull();
    expect(st().step).toBe(1);
    st().presentNext();
    st().presentNext(); // reveal: the answer and the step
    expect(st().step).toBe(2);
    expect(st().quiz).toEqual({ step: 2, revealed: true });
    st().presentNext();
    expect(st().step).toBe(3);
    expect(st().quiz).toBeNull();
    st().presentPrev();
    st().presentPrev(); // back over a quiz step does not ask again
    expect(st().step).toBe(1);
    expect(st().quiz).toBeNull();
  });

  it('an embed stays inside its range of steps', async () => {
    openFromHash(encodeLink({ scenario: LOOP, mechanisms: ['baseline'], step: -1, range: [2, 4], mode: 'embed' }));
    await until(() => !st().restoring, 'restored');
    expect(st().mode).toBe('embed');
    expect(st().step).toBe(2);
    st().stepBy(-1);
    expect(st().step).toBe(2);
    st().seek(99);
    expect(st().step).toBe(4);
    st().presentNext();
    expect(st().step).toBe(4);
    st().togglePresent(); // an embed stays an embed
    expect(st().mode).toBe('embed');
  });
});
