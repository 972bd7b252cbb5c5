// What the first screen does not need loads on demand (React.lazy: a chunk of
// its own, fetched from the same origin, which the CSP allows): the CodeMirror
// editor (a read-only copy of the text stands in until it is there), the race
// lab (only at a race step), the share, export and sweep dialogs (when opened) and
// lecture mode, the first-visit tour. Each stand-in takes the place, and the name, of what it stands for.
import { lazy, Suspense, useEffect, useState } from 'react';
import type { MechanismName, StepResult } from '../core/index.ts';
import { useStore } from '../store/store.ts';
import { selectDialog, selectSource } from '../store/selectors.ts';
import { useInspectView } from '../store/inspectView.ts';
import { remember, remembered } from './remember.ts';

const CodeEditor = lazy(() => import('./editor/Editor.tsx').then((m) => ({ default: m.Editor })));
const RaceLab = lazy(() => import('./race/RacePanel.tsx').then((m) => ({ default: m.RacePanel })));
const Share = lazy(() => import('./share/ShareDialog.tsx').then((m) => ({ default: m.ShareDialog })));
const Export = lazy(() => import('./share/ExportDialog.tsx').then((m) => ({ default: m.ExportDialog })));
const Sweep = lazy(() => import('./sweep/SweepDialog.tsx').then((m) => ({ default: m.SweepDialog })));
const Curves = lazy(() => import('./curves/CurvesDialog.tsx').then((m) => ({ default: m.CurvesDialog })));
const Designs = lazy(() => import('./designs/DesignsDialog.tsx').then((m) => ({ default: m.DesignsDialog })));
const Inspect = lazy(() => import('./inspect/InspectView.tsx').then((m) => ({ default: m.InspectHost })));
const SeriesTour = lazy(() => import('./tour/TourDialog.tsx').then((m) => ({ default: m.TourDialog })));
const TourCards = lazy(() => import('./tour/Tour.tsx').then((m) => ({ default: m.TourCards })));
const LectureMode = lazy(() => import('./lecture/Lecture.tsx').then((m) => ({ default: m.Lecture })));

/** The scenario text, plain, while CodeMirror loads. */
function EditorPlaceholder() {
  const source = useStore(selectSource);
  return (
    <div className="editor editor-loading" aria-busy="true">
      <pre aria-label="Scenario source (the editor is loading)">{source}</pre>
    </div>
  );
}

export function Editor() {
  return (
    <Suspense fallback={<EditorPlaceholder />}>
      <CodeEditor />
    </Suspense>
  );
}

/** The race lab, at a race step only (its store replays the scenario on the main thread: core code the rest never needs). */
export function RacePanel({ mechanism, step }: { mechanism: MechanismName; step: StepResult | null }) {
  if (!step?.race) return null;
  return (
    <Suspense
      fallback={
        <section className="race" aria-label="Race lab" aria-busy="true">
          <p className="muted">Loading the race lab…</p>
        </section>
      }
    >
      <RaceLab mechanism={mechanism} step={step} />
    </Suspense>
  );
}

export function Dialogs() {
  const dialog = useStore(selectDialog);
  return <Suspense fallback={null}>{dialog === 'share' ? <Share /> : dialog === 'export' ? <Export /> : dialog === 'sweep' ? <Sweep /> : dialog === 'curves' ? <Curves /> : dialog === 'designs' ? <Designs /> : dialog === 'tour' ? <SeriesTour /> : null}</Suspense>;
}

/** A live process's snapshot (ptlab inspect --save), when one was opened. */
export function InspectSnapshot() {
  const open = useInspectView((s) => s.snapshot !== null);
  return open ? (
    <Suspense fallback={null}>
      <Inspect />
    </Suspense>
  ) : null;
}

export function Lecture({ embed }: { embed: boolean }) {
  return (
    <Suspense fallback={<div className="lecture" aria-busy="true" />}>
      <LectureMode embed={embed} />
    </Suspense>
  );
}

/**
 * The first-visit tour, once: never after it was shown (localStorage "ptlab.tour"), and never with `?tour=0` in the
 * address (tests, kiosks). `?tour=1` shows it again. Its code loads only when it shows.
 */
export function shouldShowTour(search: string, seen: string | null): boolean {
  const flag = new URLSearchParams(search).get('tour');
  if (flag === '0') return false;
  if (flag === '1') return true;
  return seen === null;
}

export function Tour() {
  const [show, setShow] = useState(() => typeof location !== 'undefined' && shouldShowTour(location.search, remembered('tour')));
  // Seen as soon as it shows: a visitor who closes the tab mid-tour does not get it again either.
  useEffect(() => {
    if (show) remember('tour', 'seen');
  }, [show]);
  if (!show) return null;
  return (
    <Suspense fallback={null}>
      <TourCards onDone={() => setShow(false)} />
    </Suspense>
  );
}
