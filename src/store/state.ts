// The app's state: what a link or a lecture needs to restore (scenario,
// mechanism, compare set, step, view) is plain serialisable data at the top;
// run results (typed-array series and frames from the worker) hang off
// `lanes` and are rebuilt by re-running, never serialised.
import type { MechanismName } from '../core/index.ts';
import type { ParseError } from '../scenario/index.ts';
import type { Frame, LaneSummary, Timeline } from '../worker/protocol.ts';
import { NO_BREAKPOINTS, type Breakpoints } from './breakpoints.ts';

export type ViewMode = 'auto' | 'tree' | 'strip';
/** The page: the full lab, lecture mode (view and caption fill the screen) or an embed (minimal chrome). */
export type PageMode = 'normal' | 'present' | 'embed';

/** The page-table view's zoom and pan (d3 ZoomTransform numbers). */
export interface ZoomView {
  k: number;
  x: number;
  y: number;
  /** The view is fitting its content by itself (no zoom or pan by the user): a link leaves the view out. */
  fit?: boolean;
}
export type LaneStatus = 'idle' | 'running' | 'ready' | 'failed';

export interface LaneState {
  mechanism: MechanismName;
  status: LaneStatus;
  /** The source the timeline and frames belong to. */
  source: string | null;
  timeline: Timeline | null;
  summary: LaneSummary | null;
  frame: Frame | null;
  /** The frame shown before `frame`, so the views can fade tables out and in. */
  prevFrame: Frame | null;
  /** The source `frame` was computed from: after a re-run the old frame stays on screen until the new one arrives. */
  frameSource: string | null;
  /**
   * The most PTE tables at once in the run `frame` belongs to. Once a new run is ready, `summary` is the new run's
   * while `frame` may still be the previous run's (until its frame arrives): the views choose nodes or strips by
   * this, so a stale frame of 25,600 tables is never drawn as 25,600 SVG nodes because the new run is small.
   */
  frameMaxPtes: number;
  /** Why the last run failed or stopped. */
  message: string | null;
}

/** The serialisable part: enough to rebuild the screen (links, lectures). */
export interface DocState {
  source: string;
  presetId: string | null;
  mechanism: MechanismName;
  /** Mechanisms side by side, or null for one. */
  compare: MechanismName[] | null;
  /** After this step (-1: before the first). */
  step: number;
  /** Inside `step`: after this many + 1 of its kernel events; null: the whole step. */
  event: number | null;
  /** Steps per second while playing. */
  speed: number;
  breakpoints: Breakpoints;
  viewMode: ViewMode;
  /** The 2 MiB slot (address / 2 MiB) of the PTE table opened in the detail panel. */
  selectedSlot: number | null;
  /** The primary page-table view's zoom and pan; null until the view reports one. */
  zoom: ZoomView | null;
  mode: PageMode;
  /** Embeds: the steps a viewer may move between (inclusive; -1 is the start). */
  range: [number, number] | null;
}

/** What a link asks for once its run is ready (steps do not exist before). */
export interface PendingRestore {
  step: number;
  event: number | null;
  selectedSlot: number | null;
  zoom: ZoomView | null;
}

export interface RuntimeState {
  errors: ParseError[];
  /** The scenario is valid but too large for the browser. */
  sizeMessage: string | null;
  /** The last source that compiled and fit: what the lanes run. */
  goodSource: string | null;
  lanes: Partial<Record<MechanismName, LaneState>>;
  /**
   * Steps done / total of each lane's run in progress. Apart from `lanes`, so a progress message (5 a second per
   * lane) re-renders only what shows progress: a new lane object re-rendered every view that reads the lane.
   */
  progress: Partial<Record<MechanismName, { done: number; total: number }>>;
  /**
   * The lane whose frame the primary view keeps showing (dimmed, marked stale) while the primary lane has none of
   * the current run yet: the mechanism on screen before a switch. Cleared when the primary lane shows a frame.
   */
  heldFrom: MechanismName | null;
  playing: boolean;
  /** Why play stopped (a breakpoint, an error, the end). */
  stoppedBy: string | null;
  entries: { slot: number; index: number; ents: Uint8Array } | null;
  hoverSlot: number | null;
  help: boolean;
  gallery: boolean;
  /** A link that could not be opened: why, and the scenario text recovered from it. */
  linkNotice: { message: string; recovered?: string } | null;
  /** A link being opened: applied when the runs are ready. */
  restoring: PendingRestore | null;
  /** A quiz shown before the step it precedes (every mode); revealed with that step, with the learner's guess if any. */
  quiz: { step: number; revealed: boolean; guess?: string } | null;
  dialog: 'share' | 'export' | 'sweep' | 'tour' | 'curves' | 'designs' | null;
  /**
   * A production-size run set aside while the designs compared (a dialog) run
   * their passes: the tab has room for one such run, not two. Computed again
   * when the dialog closes.
   */
  aside: boolean;
  /** A short message about a file or an export ("Saved scenario.ptlab"). */
  notice: string | null;
  /**
   * Kernel-event moves still waiting on the worker for their step's events
   * (the move lands when they come): not ready until they have.
   */
  moving: number;
}

export const initialDoc: DocState = {
  source: '',
  presetId: null,
  // Mainline's design first: what a newcomer's kernel (6.14+) does.
  mechanism: 'pt-reclaim',
  compare: null,
  step: -1,
  event: null,
  speed: 4,
  breakpoints: NO_BREAKPOINTS,
  viewMode: 'auto',
  selectedSlot: null,
  zoom: null,
  mode: 'normal',
  range: null,
};

export const initialRuntime: RuntimeState = {
  errors: [],
  sizeMessage: null,
  goodSource: null,
  lanes: {},
  progress: {},
  heldFrom: null,
  playing: false,
  stoppedBy: null,
  entries: null,
  hoverSlot: null,
  help: false,
  gallery: false,
  linkNotice: null,
  restoring: null,
  quiz: null,
  dialog: null,
  aside: false,
  notice: null,
  moving: 0,
};

export const newLane = (mechanism: MechanismName): LaneState => ({
  mechanism,
  status: 'idle',
  source: null,
  timeline: null,
  summary: null,
  frame: null,
  prevFrame: null,
  frameSource: null,
  frameMaxPtes: 0,
  message: null,
});
