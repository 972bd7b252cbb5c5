// The timeline: a range input to scrub (keyboard and screen readers get it
// for free) over a canvas of markers: PTE tables allocated (above), freed
// (below), errors. 51,200 steps fold into one mark per pixel column.
import { useEffect, useRef } from 'react';
import { FLAG_ERROR } from '../../worker/protocol.ts';
import { useStore } from '../../store/store.ts';
import { selectShownTimeline, selectStale, selectStep, selectStepCount } from '../../store/selectors.ts';
import { EMPTY_COLOUR } from '../../layout/colour.ts';

const ALLOC = '#0072b2';

export function Timeline() {
  const tl = useStore(selectShownTimeline);
  const stale = useStore(selectStale);
  const n = useStore(selectStepCount);
  const step = useStore(selectStep);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !tl) return;
    const draw = () => {
      const w = c.clientWidth;
      const h = c.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const cols = Math.max(1, Math.floor(w));
      const alloc = new Uint8Array(cols);
      const freed = new Uint8Array(cols);
      const err = new Uint8Array(cols);
      // Position -1 (the start) is the left end: step i sits at (i + 1) / n.
      for (let i = 0; i < tl.n; i++) {
        const x = Math.min(cols - 1, Math.floor(((i + 1) / Math.max(1, tl.n)) * cols));
        if (tl.alloc[i]) alloc[x] = 1;
        if (tl.freed[i]) freed[x] = 1;
        if (tl.flags[i] & FLAG_ERROR) err[x] = 1;
      }
      for (let x = 0; x < cols; x++) {
        if (alloc[x]) {
          ctx.fillStyle = ALLOC;
          ctx.fillRect(x, 0, 1, 9);
        }
        if (freed[x]) {
          ctx.fillStyle = EMPTY_COLOUR;
          ctx.fillRect(x, h - 9, 1, 9);
        }
        if (err[x]) {
          ctx.fillStyle = '#000';
          ctx.fillRect(Math.max(0, x - 1), 0, 3, h);
        }
      }
    };
    draw();
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(draw) : null;
    ro?.observe(c);
    return () => ro?.disconnect();
  }, [tl]);

  return (
    <div className="timeline" data-stale={stale || undefined}>
      <div className="timeline-track">
        <canvas ref={canvas} className="timeline-marks" aria-hidden="true" />
        <input
        type="range"
        aria-label="Timeline: step"
        min={-1}
        max={Math.max(-1, n - 1)}
        step={1}
        value={step}
        onChange={(e) => useStore.getState().seek(Number(e.target.value))}
        />
      </div>
      <div className="timeline-key" aria-hidden="true">
        <span style={{ color: ALLOC }}>▮ allocated</span>
        <span style={{ color: EMPTY_COLOUR }}>▮ freed</span>
      </div>
    </div>
  );
}
