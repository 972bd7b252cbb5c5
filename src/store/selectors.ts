// Module-level selectors: stable functions, so components re-render only
// when what they read changes.
import type { Figures, MechanismName } from '../core/index.ts';
import type { LaneState } from './state.ts';
import { laneCurrent, primaryOf, shownLane, stepCount } from './cursor.ts';
import type { PtlabState } from './store.ts';
import type { DocState } from './state.ts';

export const selectSource = (s: PtlabState) => s.source;
export const selectErrors = (s: PtlabState) => s.errors;
export const selectStep = (s: PtlabState) => s.step;
export const selectEvent = (s: PtlabState) => s.event;
export const selectPlaying = (s: PtlabState) => s.playing;
export const selectSpeed = (s: PtlabState) => s.speed;
export const selectMechanism = (s: PtlabState) => s.mechanism;
export const selectCompare = (s: PtlabState) => s.compare;
export const selectPrimary = (s: PtlabState) => primaryOf(s);
export const selectStepCount = (s: PtlabState) => stepCount(s);
export const selectBreakpoints = (s: PtlabState) => s.breakpoints;
export const selectStoppedBy = (s: PtlabState) => s.stoppedBy;
export const selectViewMode = (s: PtlabState) => s.viewMode;
export const selectSelectedSlot = (s: PtlabState) => s.selectedSlot;
export const selectHoverSlot = (s: PtlabState) => s.hoverSlot;
export const selectEntries = (s: PtlabState) => s.entries;
export const selectHelp = (s: PtlabState) => s.help;
export const selectGallery = (s: PtlabState) => s.gallery;
export const selectSizeMessage = (s: PtlabState) => s.sizeMessage;
export const selectPresetId = (s: PtlabState) => s.presetId;
export const selectZoom = (s: PtlabState) => s.zoom;
export const selectMode = (s: PtlabState) => s.mode;
export const selectRange = (s: PtlabState) => s.range;
export const selectQuiz = (s: PtlabState) => s.quiz;
export const selectLinkNotice = (s: PtlabState) => s.linkNotice;
export const selectDialog = (s: PtlabState) => s.dialog;
export const selectNotice = (s: PtlabState) => s.notice;
export const selectPrimaryLane = (s: PtlabState) => s.lanes[primaryOf(s)];
export const selectPrimaryTimeline = (s: PtlabState) => s.lanes[primaryOf(s)]?.timeline ?? null;
export const selectPrimaryFrame = (s: PtlabState) => s.lanes[primaryOf(s)]?.frame ?? null;
/** The timeline on screen in the primary's place (a held or previous run's while the primary computes). */
export const selectShownTimeline = (s: PtlabState) => shownLane(s, primaryOf(s))?.timeline ?? null;

/**
 * The most PTE tables at once in the run whose frame is on screen in m's place: the views draw nodes or strips by it.
 * A stale frame counts by its own run (frameMaxPtes), not by the new run's summary that arrived before its frame.
 */
export function shownMaxPtes(s: PtlabState, m: MechanismName): number {
  const l = shownLane(s, m);
  if (!l) return 0;
  return l.frame && l.frameSource !== l.source ? l.frameMaxPtes : l.summary?.maxPtes ?? 0;
}

/** What is on screen for lane m: its own current frame, or a stale one (a previous run's, or the held lane's), or nothing yet. */
export type LaneShowing = 'current' | 'stale' | 'none';
export const laneShowing = (m: MechanismName) => (s: PtlabState): LaneShowing =>
  laneCurrent(s, m) ? 'current' : shownLane(s, m)?.frame ? 'stale' : 'none';

/** Something on screen is not of the run the page asked for: the views dim it and say so, until every lane shows its own. */
export const selectStale = (s: PtlabState): boolean =>
  s.goodSource !== null && (s.compare ?? [s.mechanism]).some((m) => !laneCurrent(s, m) && s.lanes[m]?.status !== 'failed');

/** A lane's run in progress, in percent (null: not running). */
export const laneProgress = (m: MechanismName) => (s: PtlabState): number | null => {
  if (s.lanes[m]?.status !== 'running') return null;
  const p = s.progress[m];
  return p?.total ? Math.min(99, Math.floor((100 * p.done) / p.total)) : 0;
};

export const laneSelector = (m: MechanismName) => (s: PtlabState) => s.lanes[m];

/** The source line of the current step, for the editor's highlight (0: none). */
export const selectStepLine = (s: PtlabState): number => {
  const tl = s.lanes[primaryOf(s)]?.timeline;
  return tl && s.step >= 0 && s.step < tl.n ? tl.line[s.step] : 0;
};

/** Any lane still running: the page shows a progress bar and a cancel button. */
export const selectRunning = (s: PtlabState): { done: number; total: number } | null => {
  let done = 0;
  let total = 0;
  let any = false;
  for (const m of s.compare ?? [s.mechanism]) {
    if (s.lanes[m]?.status !== 'running') continue;
    any = true;
    done += s.progress[m]?.done ?? 0;
    total += s.progress[m]?.total ?? 0;
  }
  return any ? { done, total } : null;
};

/** Everything visible is computed and shows the current step (the e2e tests wait on this). */
export const selectReady = (s: PtlabState): boolean => {
  if (s.moving > 0) return false;
  const ms = s.compare ?? [s.mechanism];
  return ms.every((m) => {
    const l = s.lanes[m];
    if (!l || l.status !== 'ready' || !l.timeline || !l.frame || l.source !== s.goodSource || l.frameSource !== l.source) return false;
    const want = Math.max(-1, Math.min(s.step, l.timeline.n - 1));
    return l.frame.index === want && (s.event === null || m !== primaryOf(s) || !!l.frame.events);
  });
};

/** The state a link or a lecture would restore. */
export const selectDoc = (s: PtlabState): DocState => ({
  source: s.source,
  presetId: s.presetId,
  mechanism: s.mechanism,
  compare: s.compare,
  step: s.step,
  event: s.event,
  speed: s.speed,
  breakpoints: s.breakpoints,
  viewMode: s.viewMode,
  selectedSlot: s.selectedSlot,
  zoom: s.zoom,
  mode: s.mode,
  range: s.range,
});

/** A lane's figures after step i (-1: the initial state), from its timeline. */
export function figuresAt(lane: LaneState | undefined, i: number): Figures | null {
  const tl = lane?.timeline;
  if (!tl || !lane.summary) return null;
  if (i < 0) return lane.summary.initial;
  if (i >= tl.n) return null;
  return { VmPTE: tl.vmPte[i], RssAnon: tl.rssAnon[i], VmSize: tl.vmSize[i], tables: { pte: tl.ptes[i], pmd: tl.pmds[i], pud: tl.puds[i] } };
}
