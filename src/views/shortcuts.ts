// Every keyboard shortcut, in one table: the help overlay lists it and the
// key handler dispatches from it, so the two cannot drift apart.
import { useStore } from '../store/store.ts';
import { RACE_SHORTCUTS, raceKeysActive } from './race/raceKeys.ts';

type S = ReturnType<typeof useStore.getState>;

export interface Shortcut {
  keys: string[];
  label: string;
  run(s: S): void;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: [' ', 'k'], label: 'Play / pause', run: (s) => s.togglePlay() },
  { keys: ['ArrowRight', 'l', 'PageDown'], label: 'Next statement', run: (s) => s.stepBy(1) },
  { keys: ['ArrowLeft', 'h', 'PageUp'], label: 'Previous statement', run: (s) => s.stepBy(-1) },
  { keys: ['Shift+ArrowRight', '.'], label: 'Next kernel event (fault, allocation, entry, refcount, free)', run: (s) => void s.stepEvent(1) },
  { keys: ['Shift+ArrowLeft', ','], label: 'Previous kernel event', run: (s) => void s.stepEvent(-1) },
  { keys: ['Home'], label: 'Go to the start (before the first statement)', run: (s) => s.seek(-1) },
  { keys: ['End'], label: 'Go to the end', run: (s) => s.seek(Number.MAX_SAFE_INTEGER) },
  // n / N (Shift+n), like b / B: forward, and back with Shift. p is never "previous": it only presents.
  { keys: ['n'], label: 'Next step that frees a PTE table', run: (s) => s.jumpMarker('freed', 1) },
  { keys: ['N'], label: 'Previous step that frees a PTE table (Shift+n)', run: (s) => s.jumpMarker('freed', -1) },
  { keys: ['b'], label: 'Run to the next breakpoint', run: (s) => s.runToBreak(1) },
  { keys: ['Shift+B', 'B'], label: 'Run back to the previous breakpoint', run: (s) => s.runToBreak(-1) },
  { keys: [']'], label: 'Play faster', run: (s) => s.setSpeed(s.speed * 2) },
  { keys: ['['], label: 'Play slower', run: (s) => s.setSpeed(s.speed / 2) },
  { keys: ['1'], label: 'Mechanism: baseline', run: (s) => s.setMechanism('baseline') },
  { keys: ['2'], label: 'Mechanism: pte-ref (2021 series)', run: (s) => s.setMechanism('pte-ref') },
  { keys: ['3'], label: 'Mechanism: pt-reclaim (mainline 6.14+)', run: (s) => s.setMechanism('pt-reclaim') },
  { keys: ['c'], label: 'Compare all three mechanisms side by side (again: back to one)', run: (s) => s.setCompare(s.compare ? null : ['baseline', 'pte-ref', 'pt-reclaim']) },
  { keys: ['v'], label: 'Page-table view: nodes / strips / automatic', run: (s) => s.setViewMode(s.viewMode === 'auto' ? 'tree' : s.viewMode === 'tree' ? 'strip' : 'auto') },
  { keys: ['g'], label: 'Open the preset gallery', run: (s) => s.toggleGallery() },
  { keys: ['p', 'P'], label: 'Presentation (lecture) mode: clicker keys, arrows and Space step; Esc or p leaves', run: (s) => s.togglePresent() },
  { keys: ['?'], label: 'This help', run: (s) => s.toggleHelp() },
  { keys: ['Escape'], label: 'Close overlays, deselect the table', run: (s) => (s.help || s.gallery || s.dialog ? (s.toggleHelp(false), s.toggleGallery(false), s.openDialog(null)) : s.select(null)) },
];

/** In presentation and embed mode: a clicker sends PageDown / PageUp; arrows and Space step too. */
export const LECTURE_SHORTCUTS: Shortcut[] = [
  { keys: ['PageDown', 'ArrowRight', 'ArrowDown', ' '], label: 'Next (a quiz question first, then its answer)', run: (s) => s.presentNext() },
  { keys: ['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace'], label: 'Back', run: (s) => s.presentPrev() },
  { keys: ['Home'], label: 'Go to the start', run: (s) => s.seek(-1) },
  { keys: ['End'], label: 'Go to the end', run: (s) => s.seek(Number.MAX_SAFE_INTEGER) },
  { keys: ['Escape', 'p', 'P'], label: 'Leave the presentation', run: (s) => s.mode === 'present' && s.setMode('normal') },
];

/** Shortcuts that only work with the page-table view focused (listed in help, handled there). */
export const VIEW_SHORTCUTS: { keys: string[]; label: string }[] = [
  { keys: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'], label: 'Pan (with the page-table view focused; click it or Tab to it)' },
  { keys: ['+', '-'], label: 'Zoom in / out (view focused; or the mouse wheel)' },
  { keys: ['0'], label: 'Fit the page tables to the view (view focused)' },
];

export function keyName(e: KeyboardEvent): string {
  return e.shiftKey && (e.key.startsWith('Arrow') || e.key === 'B') ? `Shift+${e.key}` : e.key;
}

const KEY_LABEL: Record<string, string> = { ' ': 'Space', ArrowRight: '→', ArrowLeft: '←', ArrowUp: '↑', ArrowDown: '↓', 'Shift+ArrowRight': 'Shift+→', 'Shift+ArrowLeft': 'Shift+←', Escape: 'Esc' };
export const keyLabel = (k: string): string => KEY_LABEL[k] ?? k;

/** The global key handler; ignores keys typed into the editor and form fields. */
export function handleKey(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (t && (t.closest?.('.cm-editor') || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) && e.key !== 'Escape') return false;
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  // Space and Enter on a focused button press that button.
  if (t?.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return false;
  const name = keyName(e);
  const state = useStore.getState();
  const race = (state.mode === 'normal' || state.mode === 'present') && raceKeysActive() ? RACE_SHORTCUTS.find((s) => s.keys.includes(name)) : undefined;
  const sc = race ?? (state.mode === 'normal' ? SHORTCUTS : LECTURE_SHORTCUTS).find((s) => s.keys.includes(name));
  if (!sc) return false;
  e.preventDefault();
  sc.run(state);
  return true;
}
