// The page-table view of one lane: nodes (SVG) for lecture-sized runs,
// strips (canvas) for large ones, with zoom buttons, the legend, the hover
// card and, for the primary lane, the detail panel of the selected table.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ZoomTransform } from 'd3';
import type { MechanismName } from '../../core/index.ts';
import { CELL } from '../../layout/strip.ts';
import { cellItem, cellRows, type TableItem } from '../../layout/tables.ts';
import { useStore } from '../../store/store.ts';
import { laneProgress, selectEntries, selectHoverSlot, selectPrimary, selectSelectedSlot, selectStep, selectViewMode, selectZoom, shownMaxPtes } from '../../store/selectors.ts';
import { shownLane } from '../../store/cursor.ts';
import { useShown } from '../useShown.ts';
import { linkTable, useLinkStore, type LinkingState } from '../../store/linking.ts';
import type { ZoomControls, ZoomSync } from '../useZoom.ts';
import type { ZoomGroup } from '../zoomGroup.ts';
import { Legend } from './Legend.tsx';
import { StripView } from './StripView.tsx';
import { TableDetail } from './TableDetail.tsx';
import { tableInfo } from './tableInfo.ts';
import { Tooltip } from './Tooltip.tsx';
import { TreeView } from './TreeView.tsx';
import { ZoomButtons } from './ZoomButtons.tsx';
import { ViewModeButtons } from './ViewModeButtons.tsx';

const PAN_KEYS: Record<string, [number, number]> = { ArrowLeft: [80, 0], ArrowRight: [-80, 0], ArrowUp: [0, 80], ArrowDown: [0, -80] };

/** With the view focused, arrows pan and + - 0 zoom (elsewhere the arrows step; in lecture mode they always step). */
function viewKeys(e: React.KeyboardEvent, c: ZoomControls | null, lecture: boolean): void {
  if (!c || e.altKey || e.ctrlKey || e.metaKey || lecture) return;
  const pan = PAN_KEYS[e.key];
  if (pan && !e.shiftKey) c.panBy(pan[0], pan[1]);
  else if (e.key === '+' || e.key === '=') c.zoomBy(1.5);
  else if (e.key === '-') c.zoomBy(1 / 1.5);
  else if (e.key === '0') c.fit();
  else return;
  e.preventDefault();
  e.stopPropagation();
}

/** Node view zoomed out below this scale: show the strips instead. */
const SEMANTIC_OUT_K = 0.3;
/** Strip cells zoomed in beyond this many pixels: back to nodes (when the run is small enough for them). */
const SEMANTIC_IN_PX = 36;

/** Above this many PTE tables at once (over the run), the auto mode draws strips. */
export const TREE_MAX_TABLES = 160;

const selectLineSlots = (l: LinkingState) => l.lineSlots;

const reportZoom: ZoomSync['report'] = (v) => useStore.getState().setZoom(v);

/** The lane's progress, read where it is shown: progress arrives 5 times a second and re-renders only these. */
const useProgress = (mechanism: MechanismName) => useStore(useMemo(() => laneProgress(mechanism), [mechanism]));

/** Over a view that is not the current run's: what it shows and how far the new run is. */
function StaleBadge({ mechanism, from }: { mechanism: MechanismName; from: MechanismName }) {
  const progress = useProgress(mechanism);
  return (
    <div className="pt-stale-badge" role="status" aria-label="Previous run">
      {progress !== null ? (
        <>
          {/* The worker's progress as a pie, redrawn only when progress arrives: an endless spinner made the
              compositor draw every frame, which on two cores took CPU from the runs themselves. */}
          <span className="pt-progress-pie" aria-hidden="true" style={{ '--p': progress } as React.CSSProperties} />
          computing{from !== mechanism ? ` ${mechanism}` : ''}… {progress}%
        </>
      ) : (
        'not the current run'
      )}
      <span className="muted"> · showing {from !== mechanism ? `${from}, ` : ''}the previous run</span>
    </div>
  );
}

/** In the view's place when there is nothing to show yet. */
function ComputingNote({ mechanism }: { mechanism: MechanismName }) {
  const progress = useProgress(mechanism);
  return <p role="status">{progress !== null ? `Computing ${mechanism}… ${progress}%` : `${mechanism}: no run`}</p>;
}

interface ViewProps {
  mechanism: MechanismName;
  /** A compare lane. */
  compact?: boolean;
  /** Presentation or embed: bigger fit, no detail panel, arrows step. */
  lecture?: boolean;
  /** Compare lanes: one zoom and pan for all (zoomGroup.ts). */
  group?: ZoomGroup;
  /** Compare lanes: the most PTE tables any lane has at once, so all lanes draw nodes or all draw strips. */
  sharedMaxPtes?: number;
}

export function PageTableView({ mechanism, compact = false, lecture = false, group, sharedMaxPtes }: ViewProps) {
  const shown = useShown(mechanism);
  const mode = useStore(selectViewMode);
  const ownMaxPtes = useStore((s) => shownMaxPtes(s, mechanism));
  const maxPtes = sharedMaxPtes ?? ownMaxPtes;
  const frameSource = useStore((s) => shownLane(s, mechanism)?.frameSource ?? '');
  const primary = useStore(selectPrimary) === mechanism;
  const selectedSlot = useStore(selectSelectedSlot);
  const hoverSlot = useStore(selectHoverSlot);
  const entries = useStore(selectEntries);
  const step = useStore(selectStep);
  // While a new run is computed, what was on screen stays there, dimmed and marked, until the new run has a frame.
  const stale = !!shown?.stale;
  const controls = useRef<ZoomControls | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ item: TableItem; x: number; y: number } | null>(null);
  // Semantic zoom in auto mode: zooming far out of the nodes shows the strips, zooming into the strips shows nodes again.
  const [zoomedOut, setZoomedOut] = useState(false);
  // The primary view's zoom is the store's (links carry it).
  const zoomView = useStore(selectZoom);
  const sync = useMemo<ZoomSync | undefined>(() => (primary && !compact ? { view: zoomView, report: reportZoom } : undefined), [primary, compact, zoomView]);
  // Nodes and strips have different coordinates: switching between them starts from a fitted view.
  const kind = useRef<boolean | null>(null);
  // A production-size frame has no table list to draw as nodes: strips whatever the mode.
  const strips = !!shown && (mode === 'strip' || !!shown.snapshot.cells || (mode === 'auto' && (maxPtes > TREE_MAX_TABLES || zoomedOut)));
  useEffect(() => {
    if (!shown) return;
    if (kind.current !== null && kind.current !== strips && sync) useStore.getState().setZoom(null);
    kind.current = strips;
  }, [strips, shown, sync]);

  const linked = useLinkStore(selectLineSlots);
  const onHover = useCallback((item: TableItem | null, e?: React.MouseEvent, slot?: number) => {
    useStore.getState().setHover(item ? item.slot : slot ?? null);
    // Two-way linking: the statements that changed this table light up in the editor (the primary lane's history).
    if (primary) linkTable(item && item.status !== 'freed' ? item.slot : null);
    const r = box.current?.getBoundingClientRect();
    setTip(item && e && r ? { item, x: e.clientX - r.left, y: e.clientY - r.top } : null);
  }, [primary]);
  const onPick = useCallback((item: TableItem) => useStore.getState().select(item.slot), []);

  if (!shown) {
    // Nothing to keep on screen (the first run, a lane just added): say what is happening, in the view's place.
    return (
      <div className={`pt-view pt-empty${compact ? ' pt-compact' : ''}`} data-mechanism={mechanism}>
        <ComputingNote mechanism={mechanism} />
      </div>
    );
  }
  const big = maxPtes > TREE_MAX_TABLES;
  // Grouped lanes switch nodes <-> strips together (by sharedMaxPtes), never one by its own zoom.
  const onUserZoom = mode !== 'auto' || big || group ? undefined : strips ? (t: ZoomTransform) => t.k * CELL >= SEMANTIC_IN_PX && setZoomedOut(false) : (t: ZoomTransform) => t.k < SEMANTIC_OUT_K && setZoomedOut(true);
  const label = `Page tables under ${mechanism}: ${shown.snapshot.cells ? shown.snapshot.figures.tables.pte : shown.snapshot.pte.id.length} PTE tables`;
  const props = { shown, selectedSlot, hoverSlot, onHover, onPick, controlsRef: controls, label, onUserZoom, sync, fitMaxK: lecture ? (strips ? 6 : 3.2) : undefined, linked, contentKey: `${shown.mechanism}\n${frameSource}`, group };
  const rows = shown.snapshot.cells && primary && selectedSlot !== null ? cellRows(shown.snapshot) : null;
  const sel = primary && selectedSlot !== null ? (rows ? cellItem(shown.snapshot, rows, selectedSlot, shown.mechanism) : shown.items.find((t) => t.slot === selectedSlot && t.status !== 'freed') ?? null) : null;
  const ents = selectedSlot === null ? null : shown.eventEntries?.get(selectedSlot) ?? (entries && entries.slot === selectedSlot && entries.index === step ? entries.ents : null);
  const info = tip ? tableInfo(tip.item, mechanism, shown.vmas) : null;

  return (
    <div
      className={`pt-view${compact ? ' pt-compact' : ''}${stale ? ' pt-stale' : ''}`}
      data-mechanism={mechanism}
      data-mode={strips ? 'strip' : 'tree'}
      data-stale={stale || undefined}
      aria-busy={stale || undefined}
    >
      <div className="pt-stage" ref={box} onKeyDown={(e) => viewKeys(e, controls.current, lecture)}>
        {strips ? <StripView {...props} /> : <TreeView {...props} />}
        {info && tip && <Tooltip x={tip.x} y={tip.y} title={info.title} lines={info.lines} />}
        {stale && <StaleBadge mechanism={mechanism} from={shown.mechanism} />}
      </div>
      <div className="pt-bar">
        {!compact && <Legend mechanism={mechanism} strips={strips} aggregate={!!shown.snapshot.cells} />}
        {!compact && !lecture && <ViewModeButtons />}
        {!lecture && !group && <ZoomButtons controls={controls} mechanism={mechanism} />}
      </div>
      {primary && !compact && !lecture && selectedSlot !== null && (
        <TableDetail item={sel} slot={selectedSlot} ents={ents} mechanism={mechanism} vmas={shown.vmas} onClose={() => useStore.getState().select(null)} />
      )}
    </div>
  );
}
