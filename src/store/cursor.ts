// Moving through a run: by statement, by kernel event inside a statement,
// to a marker (next free), by playing (with breakpoints), or by scrubbing.
// Every move is a seek: set the cursor, then fetch frames (Run.stateAt in
// the worker), so going back is as exact as going forward.
import type { MechanismName } from '../core/index.ts';
import type { Frame, Timeline } from '../worker/protocol.ts';
import type { LaneClient } from './laneClient.ts';
import { findBreak, nextMarker, type Breakpoints, type Marker } from './breakpoints.ts';
import type { DocState, LaneState, RuntimeState } from './state.ts';
import type { Get, Set } from './store.ts';
import { pendingQuiz, quizAt, quizBetween } from './quiz.ts';

export interface CursorActions {
  seek(step: number, event?: number | null): void;
  stepBy(delta: number): void;
  /** One kernel event forward or back (fault, table allocated, entry set, refcount, free). */
  stepEvent(dir: 1 | -1): Promise<void>;
  jumpMarker(marker: Marker, dir: 1 | -1): void;
  /** Play to the next (or previous) breakpoint at once. */
  runToBreak(dir: 1 | -1): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  /** Advance play by dtMs of wall time. */
  tick(dtMs: number): void;
  setSpeed(stepsPerSecond: number): void;
  setBreakpoints(p: Partial<Breakpoints>): void;
}

/** The lane whose events and entries the page shows in detail. */
export function primaryOf(s: Pick<DocState, 'compare' | 'mechanism'>): MechanismName {
  return s.compare && !s.compare.includes(s.mechanism) ? s.compare[0] : s.mechanism;
}

export function primaryTimeline(s: DocState & RuntimeState): Timeline | null {
  return s.lanes[primaryOf(s)]?.timeline ?? null;
}

/** The lane's frame, timeline and summary are those of the run the page asked for (the good source, done). */
export function laneCurrent(s: DocState & RuntimeState, m: MechanismName): boolean {
  const l = s.lanes[m];
  return !!l && l.status !== 'running' && !!l.frame && l.source === s.goodSource && l.frameSource === l.source;
}

/**
 * The lane whose frame, timeline and summary are on screen in m's place: m's own when current; while m computes,
 * for the one lane of the single view, the lane shown before a mechanism switch (heldFrom); else m's own (perhaps of the
 * previous scenario). The views mark what is not current as stale (selectors.ts).
 */
export function shownLane(s: DocState & RuntimeState, m: MechanismName): LaneState | undefined {
  const own = s.lanes[m];
  if (laneCurrent(s, m)) return own;
  const held = s.heldFrom !== null && s.heldFrom !== m && !s.compare && m === s.mechanism ? s.lanes[s.heldFrom] : undefined;
  return held?.frame ? held : own;
}

/** Steps in the run on screen (the longest lane, in compare mode; while a lane computes, what it shows). */
export function stepCount(s: DocState & RuntimeState): number {
  let n = 0;
  for (const m of s.compare ?? [s.mechanism]) n = Math.max(n, shownLane(s, m)?.timeline?.n ?? 0);
  return n;
}

/** The steps the cursor may visit: the whole run, or an embed's range. */
export function stepBounds(s: DocState & RuntimeState): { lo: number; hi: number } {
  const r = s.mode === 'embed' ? s.range : null;
  const hi = Math.min(stepCount(s) - 1, r ? r[1] : Number.MAX_SAFE_INTEGER);
  const lo = Math.max(-1, Math.min(hi, r ? r[0] : -1));
  return { lo, hi };
}

export interface CursorDeps {
  client(m: MechanismName): LaneClient | undefined;
  setFrame(m: MechanismName, f: Frame): void;
}

export function cursorActions(set: Set, get: Get, deps: CursorDeps): CursorActions {
  let carry = 0;
  // Kernel-event moves run one after another: a second press while the first waits on the worker's events
  // moves on from where the first landed, not from where the first started.
  let eventMoves: Promise<void> = Promise.resolve();
  const clamp = (i: number) => {
    const { lo, hi } = stepBounds(get());
    return Math.max(lo, Math.min(i, hi));
  };

  /** The recorded frame of step i of the primary lane (events and the state before). */
  const recorded = async (i: number): Promise<Frame | null> => {
    const m = primaryOf(get());
    const lane = get().lanes[m];
    if (lane?.frame && lane.frame.index === i && lane.frame.events) return lane.frame;
    const f = (await deps.client(m)?.frame(i, true)) ?? null;
    if (f) deps.setFrame(m, f);
    return f;
  };

  /**
   * A forward move onto step i: a pending question there is revealed (the move
   * was its "next"); a quiz before i is asked instead of moving. True: handled.
   */
  const gate = (i: number): boolean => {
    const s = get();
    if (pendingQuiz(s) === i) {
      get().revealQuiz(null);
      return true;
    }
    if (i > stepBounds(s).hi || !quizAt(s, i)) return false;
    get().askQuiz(i);
    return true;
  };

  const eventMove = async (dir: 1 | -1): Promise<void> => {
    const s = get();
    set({ playing: false });
    const n = stepCount(s);
    if (dir > 0) {
      if (s.event === null) {
        if (s.step + 1 >= n || gate(s.step + 1)) return;
        const f = await recorded(s.step + 1);
        const count = f?.events?.length ?? 0;
        actions.seek(s.step + 1, count > 1 ? 0 : null);
      } else {
        const count = get().lanes[primaryOf(s)]?.frame?.events?.length ?? 0;
        actions.seek(s.step, s.event + 1 < count - 1 ? s.event + 1 : null);
      }
    } else if (s.event === null) {
      if (s.step < 0) return;
      const f = await recorded(s.step);
      const count = f?.events?.length ?? 0;
      actions.seek(count > 1 ? s.step : s.step - 1, count > 1 ? count - 2 : null);
    } else {
      actions.seek(s.event > 0 ? s.step : s.step - 1, s.event > 0 ? s.event - 1 : null);
    }
  };

  const actions: CursorActions = {
    seek(step, event = null) {
      // A move by hand clears "stopped: ..." (play and run-to-break set it after seeking) and any quiz question.
      set({ step: clamp(step), event, stoppedBy: null, quiz: null });
      get().refresh();
    },

    stepBy(delta) {
      const s = get();
      set({ playing: false });
      // Inside a step, "forward one statement" finishes it; "back" goes before it.
      if (s.event !== null) actions.seek(delta > 0 ? s.step : s.step - 1);
      else if (delta > 0 && gate(s.step + 1)) return;
      else actions.seek(s.step + delta);
    },

    stepEvent(dir) {
      set({ moving: get().moving + 1 });
      const move = eventMoves.then(() => eventMove(dir)).finally(() => set({ moving: get().moving - 1 }));
      eventMoves = move.catch(() => undefined);
      return move;
    },

    jumpMarker(marker, dir) {
      const tl = primaryTimeline(get());
      if (!tl) return;
      const i = nextMarker(tl, get().step, dir, marker);
      set({ playing: false });
      if (i !== null) actions.seek(i);
    },

    runToBreak(dir) {
      const s = get();
      const tl = primaryTimeline(s);
      if (!tl) return;
      const hit = findBreak(tl, s.step, dir > 0 ? tl.n - 1 : 0, s.breakpoints);
      actions.seek(hit ? hit.index : dir > 0 ? tl.n - 1 : -1);
      set({ playing: false, stoppedBy: hit ? hit.why : dir > 0 ? 'end of run' : 'start of run' });
    },

    play() {
      const s = get();
      carry = 0;
      // Playing from the end starts over.
      if (s.step >= stepBounds(s).hi) actions.seek(-1);
      set({ playing: true, stoppedBy: null });
    },

    pause() {
      set({ playing: false });
    },

    togglePlay() {
      if (get().playing) actions.pause();
      else actions.play();
    },

    tick(dtMs) {
      const s = get();
      if (!s.playing) return;
      const tl = primaryTimeline(s);
      const n = stepCount(s);
      if (!tl || n === 0) return;
      carry += (dtMs / 1000) * s.speed;
      const k = Math.floor(carry);
      if (k < 1) return;
      carry -= k;
      const end = stepBounds(s).hi;
      let target = Math.min(s.step + k, end);
      const hit = findBreak(tl, s.step, target, s.breakpoints);
      if (hit) target = hit.index;
      // Play stops before a quiz and asks it.
      const q = quizBetween(s, s.step, target);
      if (q !== null) {
        if (q - 1 > s.step) actions.seek(q - 1);
        get().askQuiz(q);
        set({ playing: false, stoppedBy: 'a question' });
        return;
      }
      actions.seek(target);
      if (hit) set({ playing: false, stoppedBy: hit.why });
      else if (target >= end) set({ playing: false, stoppedBy: end < n - 1 ? 'end of the range' : 'end of run' });
    },

    setSpeed(speed) {
      set({ speed: Math.max(0.25, Math.min(speed, 100_000)) });
    },

    setBreakpoints(p) {
      set((s) => ({ breakpoints: { ...s.breakpoints, ...p } }));
    },
  };
  return actions;
}
