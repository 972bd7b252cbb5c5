// The race panel's keys: while it is shown, 0 and 1 step CPU 0 and CPU 1
// (1 then no longer picks the baseline mechanism). The global key handler
// (shortcuts.ts) looks here first; the help overlay lists them. The race lab
// loads on demand (views/lazy.tsx): its module registers its store here.
import type { CpuId } from '../../core/index.ts';
import type { Shortcut } from '../shortcuts.ts';

interface RaceKeysTarget {
  getState(): { snap: unknown; stepRace(id: CpuId): void };
}

let target: RaceKeysTarget | null = null;

/** Called by the race lab's module when it loads. */
export function registerRaceKeys(t: RaceKeysTarget): void {
  target = t;
}

export const RACE_SHORTCUTS: Shortcut[] = [
  { keys: ['0'], label: 'At a race step: CPU 0 takes one micro-step', run: () => target?.getState().stepRace(0) },
  { keys: ['1'], label: 'At a race step: CPU 1 takes one micro-step (instead of choosing baseline)', run: () => target?.getState().stepRace(1) },
];

/** The race panel is on screen: its keys win. */
export const raceKeysActive = (): boolean => (target?.getState().snap ?? null) !== null;
