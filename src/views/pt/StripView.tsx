// The strip view: every PMD table as a strip of its 512 slots on a canvas,
// for runs too large for SVG nodes (25,600 tables in the 50 GiB preset).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { zoomIdentity, type ZoomTransform } from 'd3';
import { layoutStrips, slotAt, CELL } from '../../layout/strip.ts';
import { bySlot, cellItem, cellRows, type TableItem } from '../../layout/tables.ts';
import type { PtViewProps } from './viewProps.ts';
import { useZoom } from '../useZoom.ts';
import { drawStrips, paintAtlas } from './stripDraw.ts';

const FADE_MS = 600;

type Props = PtViewProps;

export function StripView({ shown, selectedSlot, hoverSlot, onHover, onPick, controlsRef, label, onUserZoom, sync, fitMaxK, contentKey, group }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [aspect, setAspect] = useState(2);
  const transform = useRef<ZoomTransform>(zoomIdentity);
  const raf = useRef(0);
  const sized = useRef({ w: 0, h: 0 });
  const fadeStart = useRef(0);

  const pmds = useMemo(() => {
    const now = new Set(shown.snapshot.pmds.map((p) => p.id));
    const ghosts = shown.prev && Math.abs(shown.prev.index - shown.snapshot.index) <= 1 ? shown.prev.pmds.filter((p) => !now.has(p.id)).map((p) => ({ ...p, status: 'freed' as const })) : [];
    return [...shown.snapshot.pmds, ...ghosts];
  }, [shown]);
  const layout = useMemo(() => layoutStrips(pmds, aspect), [pmds, aspect]);
  const slots = useMemo(() => bySlot(shown.items), [shown.items]);
  const changed = useMemo(() => shown.items.filter((t) => t.status !== 'live'), [shown.items]);
  // Production size: no table list, one number per slot (the worker's slot cells).
  const rows = useMemo(() => cellRows(shown.snapshot), [shown.snapshot]);
  const tableAt = useMemo(() => (rows ? (slot: number) => cellItem(shown.snapshot, rows, slot, shown.mechanism) : (slot: number) => slots.get(slot) ?? null), [rows, shown.snapshot, shown.mechanism, slots]);
  const atlasCanvas = useRef<HTMLCanvasElement | undefined>(undefined);
  const atlas = useMemo(
    () => paintAtlas(layout, shown.items, shown.vmas, atlasCanvas.current, rows && shown.snapshot.cells ? { cells: shown.snapshot.cells, rowOf: rows } : undefined),
    [layout, shown.items, shown.vmas, rows, shown.snapshot.cells],
  );
  useEffect(() => {
    atlasCanvas.current = atlas.canvas;
  }, [atlas]);

  const draw = () => {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    if (!sized.current.w) sized.current = { w: c.clientWidth, h: c.clientHeight };
    const { w, h } = sized.current;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const fade = changed.length ? Math.min(1, (performance.now() - fadeStart.current) / FADE_MS) : 1;
    drawStrips(ctx, layout, atlas, slots, { width: w, height: h, dpr, t: transform.current, selectedSlot, hoverSlot, fade, changed, ...(rows ? { cellItem: tableAt } : {}) });
    if (fade < 1) schedule();
  };
  const drawRef = useRef(draw);
  useLayoutEffect(() => {
    drawRef.current = draw;
  });
  const schedule = () => {
    if (!raf.current) raf.current = requestAnimationFrame(() => {
      raf.current = 0;
      drawRef.current();
    });
  };

  const controls = useZoom(canvas, { x: 0, y: 0, w: Math.max(layout.width, CELL * 64), h: Math.max(layout.height, CELL * 10) }, (t) => {
    transform.current = t;
    schedule();
  }, { maxK: 60, fitMaxK: fitMaxK ?? 3, onUserZoom, sync, contentKey, group });
  useEffect(() => {
    controlsRef.current = controls;
  });

  useEffect(() => {
    fadeStart.current = performance.now();
  }, [changed]);
  useEffect(schedule);
  useEffect(() => () => cancelAnimationFrame(raf.current), []);
  useEffect(() => {
    const c = canvas.current;
    if (!c || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      sized.current = { w: r.width, h: r.height };
      if (r.height > 0) setAspect(r.width / r.height);
      schedule();
    });
    ro.observe(c);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const hit = (e: React.MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    const [wx, wy] = transform.current.invert([e.clientX - r.left, e.clientY - r.top]);
    return slotAt(layout, wx, wy);
  };
  const move = (e: React.MouseEvent) => {
    const slot = hit(e);
    const it: TableItem | null = slot === null ? null : tableAt(slot);
    onHover(it && it.status !== 'freed' ? it : null, e, slot ?? undefined);
  };
  const click = (e: React.MouseEvent) => {
    const slot = hit(e);
    const it: TableItem | null = slot === null ? null : tableAt(slot);
    if (it && it.status !== 'freed') onPick(it);
  };

  return (
    <canvas
      ref={canvas}
      className="pt-canvas"
      role="img"
      aria-label={label}
      tabIndex={0}
      data-tables={shown.snapshot.cells ? shown.snapshot.figures.tables.pte : shown.snapshot.pte.id.length}
      data-cells={shown.snapshot.cells ? '' : undefined}
      onMouseMove={move}
      onMouseLeave={() => onHover(null)}
      onClick={click}
    />
  );
}
