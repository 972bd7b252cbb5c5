// A small read-mostly API on window.__ptlab for end-to-end tests and the
// browser benchmark (like tldraw's e2e fixtures): they wait on `ready` and
// read figures instead of scraping the page.
import type { Figures, MechanismName } from '../core/index.ts';
import { primaryOf, stepCount } from './cursor.ts';
import { selectReady } from './selectors.ts';
import { laneClient, prefetch, useStore } from './store.ts';
import { MECHANISMS } from '../scenario/index.ts';

export interface PtlabTestApi {
  readonly ready: boolean;
  readonly step: number;
  readonly event: number | null;
  readonly steps: number;
  readonly mechanism: MechanismName;
  readonly figures: Figures | null;
  /** Figures of every lane on screen (compare mode). */
  /** Every mechanism's worker has warmed its core up (on idle after the first run). */
  readonly warmed: boolean;
  readonly lanes: Partial<Record<MechanismName, { status: string; figures: Figures | null; done: number; total: number; ms: number | null }>>;
  readonly running: boolean;
  /** The slot (address / 2 MiB) of the PTE table open in the detail panel. */
  readonly selectedSlot: number | null;
  /** The primary page-table view's zoom and pan, as a link carries it. */
  readonly zoom: { k: number; x: number; y: number; fit?: boolean } | null;
  readonly mode: 'normal' | 'present' | 'embed';
  readonly quiz: { step: number; revealed: boolean } | null;
  /** A link is being opened (its run is not ready yet). */
  readonly restoring: boolean;
  seek(step: number): void;
  /** single: in the mode on screen, even for a preset that opens side by side (`# open: compare`). */
  loadPreset(id: string, opts?: { single?: boolean }): void;
  /** Off: designs off screen no longer compute on idle (so a switch shows the stale view). */
  setPrefetch(on: boolean): void;
  setSource(source: string): void;
  /** The design on screen (the header's buttons do the same). */
  setMechanism(m: MechanismName): void;
}

export function installTestApi(target: Record<string, unknown>): void {
  const s = () => useStore.getState();
  const api: PtlabTestApi = {
    get ready() {
      return selectReady(s()) && s().restoring === null;
    },
    get step() {
      return s().step;
    },
    get event() {
      return s().event;
    },
    get steps() {
      return stepCount(s());
    },
    get mechanism() {
      return primaryOf(s());
    },
    get figures() {
      return s().lanes[primaryOf(s())]?.frame?.snapshot.figures ?? null;
    },
    get warmed() {
      return MECHANISMS.every((m) => laneClient(m)?.warmed);
    },
    get lanes() {
      const out: PtlabTestApi['lanes'] = {};
      for (const [m, l] of Object.entries(s().lanes)) {
        if (!l) continue;
        const p = l.status === 'running' ? s().progress[m as MechanismName] : undefined;
        out[m as MechanismName] = { status: l.status, figures: l.frame?.snapshot.figures ?? null, done: p ? p.done : l.summary?.steps ?? 0, total: p ? p.total : l.summary?.ops ?? 0, ms: l.summary?.ms ?? null };
      }
      return out;
    },
    get selectedSlot() {
      return s().selectedSlot;
    },
    get zoom() {
      return s().zoom;
    },
    get mode() {
      return s().mode;
    },
    get quiz() {
      return s().quiz;
    },
    get restoring() {
      return s().restoring !== null;
    },
    get running() {
      return Object.values(s().lanes).some((l) => l?.status === 'running');
    },
    seek: (i) => s().seek(i),
    loadPreset: (id, opts) => s().loadPreset(id, { asDeclared: !opts?.single }),
    setPrefetch: (on) => {
      prefetch.on = on;
    },
    setSource: (src) => s().setSource(src, null),
    setMechanism: (m) => s().setMechanism(m),
  };
  target.__ptlab = api;
}
