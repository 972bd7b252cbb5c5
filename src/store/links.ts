// Between the store and the link codec (src/share/link.ts): which part of the
// state a link carries, and opening one. A link's step only exists once its
// run is ready, so opening is two-phase: set the scenario and mechanisms now,
// keep the step, event, selection and zoom in `restoring`, and apply them
// when every lane on screen has run the link's scenario (finishRestore, called
// by the store when a lane becomes ready).
import { MECHANISMS } from '../scenario/index.ts';
import type { LinkState } from '../share/link.ts';
import { presetById } from './presets.ts';
import type { DocState, PageMode, PendingRestore } from './state.ts';
import type { Get, Set } from './store.ts';

const SLOT = 2 * 1024 * 1024;
const round = (v: number, per: number) => Math.round(v * per) / per;

export interface LinkOptions {
  /** 'start': before the first step, without view or selection; 'current' (default): exactly this step. */
  at?: 'start' | 'current';
  mode?: PageMode;
  range?: [number, number] | null;
}

/** The link for a document state. The primary mechanism goes first, so compare links keep it. */
export function linkStateOf(doc: DocState, opts: LinkOptions = {}): LinkState {
  const at = opts.at ?? 'current';
  const primary = doc.compare && !doc.compare.includes(doc.mechanism) ? doc.compare[0] : doc.mechanism;
  const mechanisms = doc.compare ? [primary, ...doc.compare.filter((m) => m !== primary)] : [doc.mechanism];
  const ls: LinkState = { scenario: doc.source, mechanisms, step: at === 'start' ? -1 : doc.step };
  if (at === 'current') {
    if (doc.event !== null) ls.event = doc.event;
    const z = doc.zoom;
    // A selection needs a view to ride in: the fitted one the sender saw will do.
    if ((z && !z.fit) || doc.selectedSlot !== null) {
      const v = z ?? { k: 1, x: 0, y: 0 };
      ls.view = { k: Math.max(1e-4, round(v.k, 1e4)), x: round(v.x, 10), y: round(v.y, 10) };
      if (doc.selectedSlot !== null) ls.view.selected = doc.selectedSlot * SLOT;
    }
  }
  const mode = opts.mode ?? 'normal';
  if (mode !== 'normal') ls.mode = mode;
  if (mode === 'embed' && opts.range) ls.range = opts.range;
  const preset = doc.presetId ? presetById(doc.presetId) : undefined;
  if (preset && preset.source === doc.source) ls.preset = preset.id;
  return ls;
}

/** What opening a link leaves for later, once its run is ready. */
export function pendingOf(ls: LinkState): PendingRestore {
  return {
    step: ls.step,
    event: ls.event ?? null,
    selectedSlot: ls.view?.selected !== undefined ? Math.floor(ls.view.selected / SLOT) : null,
    zoom: ls.view ? { k: ls.view.k, x: ls.view.x, y: ls.view.y } : null,
  };
}

export interface LinkActions {
  /** Open a decoded link: scenario and mechanisms now, the step and view when the run is ready. */
  openLink(ls: LinkState): void;
  /** Apply a pending link restore if every lane on screen has run its scenario. */
  finishRestore(): void;
  /** A link that could not be opened: load the default scenario and say why. */
  linkFailed(message: string, recovered?: string): void;
  /** Put the text recovered from a broken link into the editor. */
  openRecovered(): void;
  dismissLinkNotice(): void;
}

export function linkActions(set: Set, get: Get, defaultPreset: () => string): LinkActions {
  return {
    openLink(ls) {
      const ms = ls.mechanisms;
      // A preset name counts only if the text is still that preset's: the link's text always wins.
      const preset = ls.preset ? presetById(ls.preset) : undefined;
      const presetId = preset && preset.source === ls.scenario ? preset.id : null;
      set({
        mode: ls.mode ?? 'normal',
        range: ls.mode === 'embed' && ls.range ? ls.range : null,
        mechanism: ms[0],
        compare: ms.length > 1 ? MECHANISMS.filter((m) => ms.includes(m)) : null,
        step: -1,
        event: null,
        selectedSlot: null,
        entries: null,
        zoom: null,
        playing: false,
        stoppedBy: null,
        quiz: null,
        linkNotice: null,
        gallery: false,
        help: false,
        dialog: null,
        restoring: pendingOf(ls),
      });
      get().setSource(ls.scenario, presetId);
      const s = get();
      // Nothing will run (a parse error, too large): the editor shows why; stop waiting.
      if (s.goodSource !== ls.scenario) set({ restoring: null });
      else get().finishRestore();
    },

    finishRestore() {
      const s = get();
      const r = s.restoring;
      if (!r) return;
      const lanes = (s.compare ?? [s.mechanism]).map((m) => s.lanes[m]);
      // A run that failed or was cancelled never brings the link's steps: stop waiting.
      if (lanes.some((l) => l && l.status !== 'running' && l.source !== s.goodSource && l.message)) {
        set({ restoring: null });
        return;
      }
      if (!lanes.every((l) => l?.timeline && l.source === s.goodSource && l.status === 'ready')) return;
      set({ restoring: null, zoom: r.zoom, selectedSlot: r.selectedSlot, entries: null });
      get().seek(r.step, r.event);
    },

    linkFailed(message, recovered) {
      get().loadPreset(defaultPreset());
      set({ linkNotice: recovered ? { message, recovered } : { message }, restoring: null, mode: 'normal', range: null });
    },

    openRecovered() {
      const text = get().linkNotice?.recovered;
      if (text === undefined) return;
      set({ linkNotice: null });
      get().openScenario(text);
    },

    dismissLinkNotice() {
      set({ linkNotice: null });
    },
  };
}
