// The race panel's keys: while it is shown, 0 and 1 step CPU 0 and CPU 1
// (1 then no longer picks the baseline mechanism). The global key handler
// (shortcuts.ts) looks here first; the help overlay lists them.
import { useRaceStore } from '../../store/race.ts';
import type { Shortcut } from '../shortcuts.ts';

export const RACE_SHORTCUTS: Shortcut[] = [
  { keys: ['0'], label: 'At a race step: CPU 0 takes one micro-step', run: () => useRaceStore.getState().stepRace(0) },
  { keys: ['1'], label: 'At a race step: CPU 1 takes one micro-step (instead of choosing baseline)', run: () => useRaceStore.getState().stepRace(1) },
];

/** The race panel is on screen: its keys win. */
export const raceKeysActive = (): boolean => useRaceStore.getState().snap !== null;
