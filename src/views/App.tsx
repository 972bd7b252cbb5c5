// The page: editor on the left (collapsible); the VmPTE headline, stepping,
// breakpoints (collapsible), then the page-table view with the figures and the
// why-line pinned beside it, the mapping strip, the kernel path and the charts;
// or, in compare mode, the lanes side by side. In lecture and embed mode, only
// the view and caption. A first visit shows a short tour (lazy.tsx).
import { useEffect, useState } from 'react';
import { useStore } from '../store/store.ts';
import { figuresAt, selectCompare, selectErrors, selectMode, selectPlaying, selectPrimary, selectStale } from '../store/selectors.ts';
import { shownLane } from '../store/cursor.ts';
import { Header } from './chrome/Header.tsx';
import { Gallery } from './chrome/Gallery.tsx';
import { HelpOverlay } from './chrome/HelpOverlay.tsx';
import { LinkNotice } from './chrome/LinkNotice.tsx';
import { useFileDrop } from './share/files.ts';
import { Notice } from './chrome/Notice.tsx';
import { Transport } from './transport/Transport.tsx';
import { Timeline } from './transport/Timeline.tsx';
import { Breakpoints } from './transport/Breakpoints.tsx';
import { RunStatus } from './transport/RunStatus.tsx';
import { PageTableView } from './pt/PageTableView.tsx';
import { Processes } from './panels/Processes.tsx';
import { ComparePane } from './compare/ComparePane.tsx';
import { Caption } from './panels/Caption.tsx';
import { KernelPath } from './panels/KernelPath.tsx';
import { Figures } from './panels/Figures.tsx';
import { Charts } from './panels/Charts.tsx';
import { MappingStrip } from './panels/MappingStrip.tsx';
import { Dialogs, Editor, InspectSnapshot, Lecture, RacePanel, Tour } from './lazy.tsx';
import { Headline } from './panels/Headline.tsx';
import { WhyLine } from './panels/WhyLine.tsx';
import { remembered, remember } from './remember.ts';
import { useShown } from './useShown.ts';
import { handleKey } from './shortcuts.ts';

function usePlayer(): void {
  const playing = useStore(selectPlaying);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let id = requestAnimationFrame(function frame(now) {
      useStore.getState().tick(now - last);
      last = now;
      id = requestAnimationFrame(frame);
    });
    return () => cancelAnimationFrame(id);
  }, [playing]);
}

function useGlobalKeys(): void {
  useEffect(() => {
    const on = (e: KeyboardEvent) => void handleKey(e);
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
}

function ErrorList() {
  const errors = useStore(selectErrors);
  if (!errors.length) return null;
  return (
    <div className="errors" role="alert" aria-label="Scenario errors">
      <p>The scenario has {errors.length === 1 ? 'an error' : `${errors.length} errors`}; the last good run stays on screen.</p>
      <ul>
        {errors.slice(0, 8).map((e, k) => (
          <li key={k}>
            line {e.line}:{e.col}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Single() {
  const m = useStore(selectPrimary);
  const shown = useShown(m);
  const lane = useStore((s) => shownLane(s, m));
  const i = shown?.step?.index;
  // The change this step made (so far, inside it): against the state after the step before.
  const before = i !== undefined ? figuresAt(lane, i - 1) : null;
  return (
    <>
      <Caption step={shown?.event === null ? shown?.step ?? null : null} />
      <RacePanel mechanism={m} step={shown?.step ?? null} />
      <div className="single">
        <PageTableView mechanism={m} />
        {/* Pinned beside the view, so the numbers and the reason stay in sight at 1024 x 700. */}
        <aside className="side" aria-label="This step">
          {shown && <Figures figures={shown.snapshot.figures} before={before} />}
          <WhyLine step={shown?.step} stale={shown?.stale} />
        </aside>
      </div>
      <Processes procs={lane?.frame?.procs} />
      {shown && <MappingStrip shown={shown} />}
      <div className="lower">
        <KernelPath step={shown?.step ?? null} events={shown?.events ?? null} event={shown?.event ?? null} />
        <div className="numbers">
          <Charts mechanisms={[m]} />
        </div>
      </div>
    </>
  );
}

function ComparePage({ mechanisms }: { mechanisms: NonNullable<ReturnType<typeof selectCompare>> }) {
  const primary = useStore(selectPrimary);
  const shown = useShown(primary);
  return (
    <>
      <Caption step={shown?.step ?? null} />
      {/* The race lab steps the primary lane's design (or the unsafe one) on two CPUs, in compare mode too. */}
      <RacePanel mechanism={primary} step={shown?.step ?? null} />
      <ComparePane mechanisms={mechanisms} />
      <Charts mechanisms={mechanisms} />
    </>
  );
}

export function App() {
  const compare = useStore(selectCompare);
  const mode = useStore(selectMode);
  usePlayer();
  useGlobalKeys();
  const dragging = useFileDrop(mode === 'normal');
  // A run on screen is not the one asked for yet: what belongs to the previous run is dimmed (styles.css) and marked.
  const stale = useStore(selectStale);
  const [editorOpen, setEditorOpen] = useState(() => remembered('editor') !== 'closed');
  const toggleEditor = () => {
    remember('editor', editorOpen ? 'closed' : 'open');
    setEditorOpen(!editorOpen);
  };
  if (mode !== 'normal') return <Lecture embed={mode === 'embed'} />;
  return (
    <div className={`app${dragging ? ' app-drop' : ''}`}>
      <Header />
      <LinkNotice />
      <div className={`body${editorOpen ? '' : ' body-editor-closed'}`}>
        <aside className="left" aria-label="Scenario">
          <button type="button" className="panel-toggle" aria-expanded={editorOpen} aria-label={editorOpen ? 'Hide the scenario editor' : 'Show the scenario editor'} title={editorOpen ? 'Hide the scenario editor' : 'Show the scenario editor'} onClick={toggleEditor}>
            {editorOpen ? '◂ scenario' : '▸'}
          </button>
          {editorOpen && <Editor />}
          {editorOpen && <ErrorList />}
        </aside>
        <main className="main" data-stale={stale || undefined}>
          <Headline />
          <RunStatus />
          <Transport />
          <Timeline />
          <Breakpoints />
          {compare ? <ComparePage mechanisms={compare} /> : <Single />}
        </main>
      </div>
      <Gallery />
      <HelpOverlay />
      <Tour />
      <Dialogs />
      <InspectSnapshot />
      <Notice />
      {dragging && <div className="drop-hint">Drop a .ptlab file (or a ptlab inspect snapshot) to open it</div>}
    </div>
  );
}
