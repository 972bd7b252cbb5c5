// Pan and zoom for one element: d3-zoom owns this one behaviour on this one
// node (mouse wheel, drag, pinch); buttons and keys call the same transform.
// Until the user pans or zooms, the view follows its content (fits it).
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ZoomControls {
  zoomBy(factor: number): void;
  panBy(dx: number, dy: number): void;
  fit(animate?: boolean): void;
  /** Zoom so a world rectangle fills the view. */
  focus(b: Bounds): void;
  transform(): ZoomTransform;
}

/** The transform that fits bounds into a viewport, never magnifying beyond maxK. */
export function fitTransform(b: Bounds, vw: number, vh: number, maxK = 1.4, margin = 16): ZoomTransform {
  if (b.w <= 0 || b.h <= 0 || vw <= 0 || vh <= 0) return zoomIdentity;
  const k = Math.min(maxK, (vw - 2 * margin) / b.w, (vh - 2 * margin) / b.h);
  return zoomIdentity.translate((vw - b.w * k) / 2 - b.x * k, (vh - b.h * k) / 2 - b.y * k).scale(k);
}

export function useZoom<E extends Element>(
  ref: React.RefObject<E | null>,
  bounds: Bounds,
  onTransform: (t: ZoomTransform) => void,
  opts: { maxK?: number; minK?: number; fitMaxK?: number; onUserZoom?: (t: ZoomTransform) => void } = {},
): ZoomControls {
  const behaviour = useRef<ZoomBehavior<E, unknown> | null>(null);
  const current = useRef<ZoomTransform>(zoomIdentity);
  const follow = useRef(true);
  const boundsRef = useRef(bounds);
  const cb = useRef(onTransform);
  const userCb = useRef(opts.onUserZoom);
  useLayoutEffect(() => {
    boundsRef.current = bounds;
    cb.current = onTransform;
    userCb.current = opts.onUserZoom;
  });

  // The element's size, kept by a ResizeObserver: reading clientWidth in every zoom event forces a layout.
  const sized = useRef<{ w: number; h: number } | null>(null);
  const size = useCallback(() => {
    if (!sized.current) {
      const el = ref.current as unknown as HTMLElement | null;
      return { w: el?.clientWidth ?? 0, h: el?.clientHeight ?? 0 };
    }
    return sized.current;
  }, [ref]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const z = zoom<E, unknown>()
      // The viewport from layout sizes (d3's default reads SVG baseVal, which not every DOM has).
      .extent(() => {
        const { w, h } = size();
        return [[0, 0], [Math.max(1, w), Math.max(1, h)]];
      })
      .scaleExtent([opts.minK ?? 0.02, opts.maxK ?? 40])
      .on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => {
        current.current = e.transform;
        cb.current(e.transform);
        if (e.sourceEvent) {
          follow.current = false;
          userCb.current?.(e.transform);
        }
      });
    behaviour.current = z;
    select(el).call(z).on('dblclick.zoom', null);
    return () => {
      select(el).on('.zoom', null);
    };
  }, [ref, size, opts.minK, opts.maxK]);

  const apply = useCallback((t: ZoomTransform, animate: boolean) => {
    const el = ref.current;
    const z = behaviour.current;
    if (!el || !z) return;
    const sel = select(el);
    if (animate && typeof window !== 'undefined' && !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
      sel.transition().duration(250).call(z.transform as never, t);
    } else sel.call(z.transform, t);
  }, [ref]);

  const controls: ZoomControls = {
    zoomBy(f) {
      follow.current = false;
      const el = ref.current;
      const z = behaviour.current;
      if (el && z) select(el).transition().duration(150).call(z.scaleBy as never, f);
    },
    panBy(dx, dy) {
      follow.current = false;
      apply(current.current.translate(dx / current.current.k, dy / current.current.k), false);
    },
    fit(animate = true) {
      follow.current = true;
      const { w, h } = size();
      apply(fitTransform(boundsRef.current, w, h, opts.fitMaxK), animate);
    },
    focus(b) {
      follow.current = false;
      const { w, h } = size();
      apply(fitTransform(b, w, h, opts.maxK ?? 40, 24), true);
    },
    transform: () => current.current,
  };

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      sized.current = { w: r.width, h: r.height };
      if (follow.current) controls.fit(false);
    });
    ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);

  // Follow the content while the user has not taken over.
  const key = `${bounds.x},${bounds.y},${bounds.w},${bounds.h}`;
  useEffect(() => {
    if (follow.current) controls.fit(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return controls;
}
