// The zustand store: the only place the UI reaches the simulation. Actions
// compile scenarios (scenario language), start runs in the lane workers and
// fetch frames; views read state through the selectors in selectors.ts.
import { create } from 'zustand';
import type { MechanismName } from '../core/index.ts';
import { MECHANISMS } from '../scenario/index.ts';
import { compile } from '../scenario/index.ts';
import type { SimPort } from '../worker/spawn.ts';
import { BIG_TABLES, type Frame } from '../worker/protocol.ts';
import { LaneClient } from './laneClient.ts';
import { LIMITS, measure, tooLarge, tooManyChars } from './limits.ts';
import { DEFAULT_PRESET, loadPresetSource, presetById } from './presets.ts';
import { initialDoc, initialRuntime, newLane, type DocState, type LaneState, type RuntimeState, type ZoomView } from './state.ts';
import { cursorActions, laneCurrent, primaryOf, shownLane, type CursorActions } from './cursor.ts';
import { linkActions, type LinkActions } from './links.ts';
import { lectureActions, type LectureActions } from './lecture.ts';
import { quizActions, type QuizActions } from './quiz.ts';

export interface Actions extends CursorActions, LinkActions, LectureActions, QuizActions {
  setSource(source: string, presetId?: string | null): void;
  /** Open a preset (from its start); `asDeclared: false` ignores its `# open: compare` (keeps the mode on screen). */
  loadPreset(id: string, opts?: { asDeclared?: boolean }): void;
  setMechanism(m: MechanismName): void;
  setCompare(list: MechanismName[] | null): void;
  cancelRun(): void;
  setViewMode(m: DocState['viewMode']): void;
  select(slot: number | null): void;
  setHover(slot: number | null): void;
  toggleHelp(open?: boolean): void;
  toggleGallery(open?: boolean): void;
  /** The primary page-table view's zoom (reported by the view; set by links). */
  setZoom(z: ZoomView | null): void;
  openDialog(d: RuntimeState['dialog']): void;
  setNotice(text: string | null): void;
  /** Open scenario text (a file, recovered text) as a new custom scenario, from its start. */
  openScenario(text: string): void;
  /** After a crash: the normal page with the default scenario. */
  recover(): void;
  /** Ask the lanes for the frames of the current step (after a cursor move). */
  refresh(): void;
}

export type PtlabState = DocState & RuntimeState & Actions;
export type Set = (partial: Partial<PtlabState> | ((s: PtlabState) => Partial<PtlabState>)) => void;
export type Get = () => PtlabState;

// ---- lane workers (module singletons, like the store) ----

let spawn: () => SimPort = () => {
  throw new Error('configureSim() was not called');
};
const clients = new Map<MechanismName, LaneClient>();

/** Choose how lane workers start (the app: real workers; tests: in-process hosts). */
export function configureSim(s: () => SimPort): void {
  spawn = s;
}

export function disposeSim(): void {
  for (const c of clients.values()) c.dispose();
  clients.clear();
}

/** Whether the designs off screen compute the current source on idle (tests of the stale view turn it off). */
export const prefetch = { on: true };

/** Why side by side is refused for a production-size run (the 55 TiB process). */
export const BIG_COMPARE_NOTICE =
  "This run is production-size: each design's worker holds about a gigabyte, so its lanes are not shown side by side. The designs are compared from one pass each instead (VmPTE over the run, costs, the saving captured).";

export function laneClient(m: MechanismName): LaneClient | undefined {
  return clients.get(m);
}

/** The mechanisms on screen: the compare set, or the one chosen. */
export const visibleMechanisms = (s: DocState): MechanismName[] => s.compare ?? [s.mechanism];

export const useStore = create<PtlabState>()((set, get) => {
  const patchLane = (m: MechanismName, p: Partial<LaneState>) =>
    set((s) => ({ lanes: { ...s.lanes, [m]: { ...(s.lanes[m] ?? newLane(m)), ...p } } }));

  const client = (m: MechanismName): LaneClient => {
    let c = clients.get(m);
    if (!c) {
      c = new LaneClient(() => spawn(), {
        progress: (done, total) => set((s) => ({ progress: { ...s.progress, [m]: { done, total } } })),
        ready: (timeline, summary) => {
          patchLane(m, { status: 'ready', timeline, summary, message: null, source: pendingSource.get(m) ?? null });
          // Side by side was asked for before the run showed its size: one design at a time for a production-size run.
          if (get().compare && summary.maxPtes > BIG_TABLES) {
            for (const o of MECHANISMS) if (o !== primaryOf(get())) clients.get(o)?.cancel();
            set({ compare: null, notice: BIG_COMPARE_NOTICE });
            get().openDialog('designs');
          }
          get().finishRestore();
          get().refresh();
          warmOthers();
          prefetchOthers();
        },
        failed: (message) => {
          patchLane(m, { status: get().lanes[m]?.timeline ? 'ready' : 'failed', message });
          get().finishRestore();
        },
        cancelled: () => {
          patchLane(m, { status: get().lanes[m]?.timeline ? 'ready' : 'idle', message: 'run cancelled' });
          get().finishRestore();
        },
      });
      clients.set(m, c);
    }
    return c;
  };
  const pendingSource = new Map<MechanismName, string>();

  /** After the first run: start the other mechanisms' workers while the page is idle, so a switch only simulates. */
  let warmed = false;
  const warmOthers = () => {
    if (warmed) return;
    warmed = true;
    const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
    idle(() => {
      for (const m of MECHANISMS) client(m).warm(m);
    });
  };

  /** Show a frame of the lane's current run; the one before it is kept for fades, if from the same run. */
  const showFrame = (m: MechanismName, frame: Frame) => {
    const lane = get().lanes[m];
    const same = lane?.frameSource === lane?.source;
    // The same step again (a second answer to a repeated request, or its recorded frame with the events): the step's
    // marks still compare it with the frame before it, so the one before stays.
    const again = same && lane?.frame?.index === frame.index;
    const prev = again ? lane!.prevFrame : same ? lane?.frame ?? null : null;
    // A production-size frame's slot cells (tens of MB) are not kept for the one after it: fades and ghosts need its tables only.
    const prevFrame = prev?.snapshot.cells ? { ...prev, snapshot: { ...prev.snapshot, cells: undefined } } : prev;
    patchLane(m, { frame, prevFrame, frameSource: lane?.source ?? null, frameMaxPtes: lane?.summary?.maxPtes ?? 0 });
    // The primary lane shows its own run: the view held from before a switch can go.
    const s = get();
    if (s.heldFrom !== null && m === primaryOf(s) && laneCurrent(s, m)) set({ heldFrom: null });
  };

  /** Before the primary lane changes to `next`: keep what is on screen until `next` has a frame of the current run. */
  const holdFor = (next: MechanismName): MechanismName | null => {
    const s = get();
    if (laneCurrent(s, next)) return null;
    const on = shownLane(s, primaryOf(s))?.mechanism ?? null;
    return on !== null && on !== next && s.lanes[on]?.frame ? on : null;
  };

  /** Run src in lane m unless it has it already or is computing it (a lane running another source, e.g. an edit undone, runs again). */
  const runIn = (m: MechanismName, src: string) => {
    const lane = get().lanes[m];
    if (lane && (lane.status === 'running' ? pendingSource.get(m) === src : lane.source === src)) return;
    pendingSource.set(m, src);
    patchLane(m, { status: 'running', message: null });
    set((s) => ({ progress: { ...s.progress, [m]: { done: 0, total: 0 } } }));
    client(m).run(src, m);
  };

  /** Run the good source in every visible lane that does not have it yet. */
  const ensureRuns = () => {
    const src = get().goodSource;
    // The designs compared hold the tab's memory: the lane's run waits until their dialog closes.
    if (src === null || (get().aside && get().dialog === 'designs')) return;
    const visible = visibleMechanisms(get());
    for (const m of visible) runIn(m, src);
    // A lane off screen computing an older source (a prefetch) only takes CPU from the lanes on screen.
    for (const m of MECHANISMS) {
      const lane = get().lanes[m];
      if (!visible.includes(m) && lane?.status === 'running' && pendingSource.get(m) !== src) clients.get(m)?.cancel();
      // A production-size run off screen gives its worker's memory back; shown again, it is computed again.
      // Its last frame stays on the page, for the view held across a switch.
      if (!visible.includes(m) && lane?.status === 'ready' && lane.source !== null && (lane.summary?.maxPtes ?? 0) > BIG_TABLES) {
        clients.get(m)?.drop();
        patchLane(m, { source: null });
      }
    }
    get().refresh();
  };

  /** Is the source on screen a production-size run (its primary lane's run of it says so)? */
  const productionSize = (): boolean => {
    const s = get();
    const lane = s.lanes[primaryOf(s)];
    return !!lane && lane.source === s.goodSource && (lane.summary?.maxPtes ?? 0) > BIG_TABLES;
  };

  /**
   * Once every lane on screen shows the current source, the other designs
   * compute it too, in their own workers while the page is idle: switching
   * mechanism or opening compare then shows a finished run at once.
   */
  const prefetchOthers = () => {
    if (!prefetch.on) return;
    const s = get();
    const src = s.goodSource;
    const visible = visibleMechanisms(s);
    if (src === null || !visible.every((m) => s.lanes[m]?.status === 'ready' && s.lanes[m]?.source === src)) return;
    // A production-size run holds about a gigabyte in its worker: the designs off screen compute it when asked.
    if (visible.some((m) => (s.lanes[m]?.summary?.maxPtes ?? 0) > BIG_TABLES)) return;
    const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
    idle(() => {
      if (get().goodSource !== src) return;
      for (const m of MECHANISMS) if (!visibleMechanisms(get()).includes(m)) runIn(m, src);
    });
  };

  return {
    ...initialDoc,
    ...initialRuntime,
    ...cursorActions(set, get, {
      client: (m) => clients.get(m),
      setFrame: (m, frame) => showFrame(m, frame),
    }),
    ...linkActions(set, get, () => DEFAULT_PRESET.id),
    ...lectureActions(set, get),
    ...quizActions(set, get),

    setSource(source, presetId) {
      const patch: Partial<PtlabState> = { source };
      if (presetId !== undefined) patch.presetId = presetId;
      const chars = tooManyChars(source.length);
      if (chars) {
        set({ ...patch, errors: [], sizeMessage: chars });
        return;
      }
      const c = compile(source, { maxStatements: LIMITS.steps });
      if (!c.ok) {
        set({ ...patch, errors: c.errors, sizeMessage: null });
        return;
      }
      const tooBig = tooLarge(measure(c.program));
      if (tooBig) {
        set({ ...patch, errors: [], sizeMessage: tooBig });
        return;
      }
      set({ ...patch, errors: [], sizeMessage: null, goodSource: source, stoppedBy: null });
      ensureRuns();
    },

    loadPreset(id, opts) {
      const p = presetById(id) ?? DEFAULT_PRESET;
      if (!p.source && p.load) {
        // A large preset's text loads first (the view on screen stays until its run is ready).
        set({ gallery: false });
        void loadPresetSource(p).then(() => get().loadPreset(p.id, opts));
        return;
      }
      set({ step: -1, event: null, playing: false, selectedSlot: null, entries: null, gallery: false, zoom: null, quiz: null });
      // `# open: compare` (presets.ts): the preset's point is the comparison; every lane computes it side by side.
      if (p.compare && opts?.asDeclared !== false && !get().compare) set({ compare: [...MECHANISMS], heldFrom: null });
      // A preset compiles and fits the limits (presets.test.ts checks every one): the workers start at once, without
      // the main thread compiling 51,200 statements first only to learn what the test already knows.
      set({ source: p.source, presetId: p.id, errors: [], sizeMessage: null, goodSource: p.source, stoppedBy: null });
      ensureRuns();
    },

    setMechanism(m) {
      set({ heldFrom: holdFor(m), mechanism: m, event: null });
      ensureRuns();
    },

    setCompare(list) {
      const clean = list ? MECHANISMS.filter((m) => list.includes(m)) : null;
      const compare = clean && clean.length >= 2 ? clean : null;
      if (compare && productionSize()) {
        set({ notice: BIG_COMPARE_NOTICE });
        get().openDialog('designs');
        return;
      }
      // Side by side, every lane shows its own run (a lane still computing says so).
      set({ heldFrom: compare ? null : holdFor(get().mechanism), compare, event: null });
      ensureRuns();
    },

    cancelRun() {
      for (const m of visibleMechanisms(get())) clients.get(m)?.cancel();
    },

    setViewMode(viewMode) {
      set({ viewMode });
    },

    select(slot) {
      set({ selectedSlot: slot, entries: null });
      if (slot !== null) fetchEntries(get, set);
    },

    setHover(hoverSlot) {
      if (get().hoverSlot !== hoverSlot) set({ hoverSlot });
    },

    toggleHelp(open) {
      set((s) => ({ help: open ?? !s.help }));
    },

    toggleGallery(open) {
      set((s) => ({ gallery: open ?? !s.gallery }));
    },

    setZoom(z) {
      const cur = get().zoom;
      if (cur === z || (cur && z && cur.k === z.k && cur.x === z.x && cur.y === z.y && !!cur.fit === !!z.fit)) return;
      set({ zoom: z });
    },

    openDialog(dialog) {
      const was = get().dialog;
      if (dialog === 'designs' && was !== 'designs' && productionSize()) {
        // One production-size run fits the tab, not two: the lane's worker ends (its last frame stays on the page).
        for (const m of visibleMechanisms(get())) {
          clients.get(m)?.dispose();
          patchLane(m, { source: null, status: get().lanes[m]?.timeline ? 'ready' : 'idle' });
        }
        set({ dialog, aside: true });
        return;
      }
      set({ dialog });
      if (was === 'designs' && dialog !== 'designs' && get().aside) {
        set({ aside: false });
        ensureRuns();
      }
    },

    setNotice(notice) {
      set({ notice });
    },

    openScenario(text) {
      set({ step: -1, event: null, playing: false, selectedSlot: null, entries: null, zoom: null, quiz: null, gallery: false, dialog: null });
      get().setSource(text, null);
    },

    recover() {
      set({ mode: 'normal', range: null, linkNotice: null, restoring: null, dialog: null, help: false, quiz: null, compare: null, zoom: null, heldFrom: null });
      get().loadPreset(DEFAULT_PRESET.id);
    },

    refresh() {
      const s = get();
      const step = s.step;
      for (const m of visibleMechanisms(s)) {
        const lane = s.lanes[m];
        const c = clients.get(m);
        if (!lane?.timeline || !c) continue;
        // The lane computes a new run: its old run's frames would only replace the picture on screen with another stale one.
        if (lane.status === 'running' && lane.source !== s.goodSource) continue;
        const record = s.event !== null && m === primaryOf(s);
        const f = lane.frameSource === lane.source ? lane.frame : null;
        if (f && f.index === Math.min(step, lane.timeline.n - 1) && (!record || f.events)) continue;
        void c.frame(step, record).then((frame) => {
          if (!frame) return;
          const cur = get().lanes[m];
          // A late answer for a step the cursor has left is stale.
          if (!cur?.timeline || frame.index !== Math.max(-1, Math.min(get().step, cur.timeline.n - 1))) return;
          showFrame(m, frame);
          // An event past the step's last (a link from an edited scenario): the whole step.
          const ev = get().event;
          if (record && frame.events && ev !== null && ev >= frame.events.length - 1) set({ event: null });
        });
      }
      if (s.selectedSlot !== null) fetchEntries(get, set);
    },
  };
});

function fetchEntries(get: Get, set: Set): void {
  const s = get();
  const slot = s.selectedSlot;
  const c = clients.get(primaryOf(s));
  if (slot === null || !c) return;
  const index = s.step;
  void c.entries(index, slot).then((ents) => {
    const now = get();
    if (now.selectedSlot !== slot || now.step !== index) return;
    set({ entries: ents ? { slot, index, ents } : null });
  });
}

/** Back to a fresh state (tests). */
export function resetStore(): void {
  disposeSim();
  useStore.setState({ ...initialDoc, ...initialRuntime });
}
