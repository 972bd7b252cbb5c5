// Pan and zoom for one element: d3-zoom owns this one behaviour on this one
// node (mouse wheel, drag, pinch); buttons and keys call the same transform.
// Until the user pans or zooms, the view follows its content (fits it).
// With `sync`, the transform is also the store's (so links carry it): every
// settled change is reported, and a change from outside (a link) is applied.
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { ZoomView } from '../store/state.ts';
import type { GroupMember, ZoomGroup } from './zoomGroup.ts';

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

/** Is the whole of b on screen under transform t in a vw x vh viewport? (An unsized viewport: yes.) */
export function inView(t: ZoomTransform, b: Bounds, vw: number, vh: number): boolean {
  if (vw <= 0 || vh <= 0) return true;
  const x0 = b.x * t.k + t.x;
  const y0 = b.y * t.k + t.y;
  const x1 = (b.x + b.w) * t.k + t.x;
  const y1 = (b.y + b.h) * t.k + t.y;
  return x0 >= -0.5 && y0 >= -0.5 && x1 <= vw + 0.5 && y1 <= vh + 0.5;
}

/** The store's view of a transform (rounded: links stay short and echoes compare equal). */
export function viewOf(t: ZoomTransform, fit: boolean): ZoomView {
  const v: ZoomView = { k: Math.round(t.k * 1e4) / 1e4, x: Math.round(t.x * 10) / 10, y: Math.round(t.y * 10) / 10 };
  if (fit) v.fit = true;
  return v;
}

/** The user asked for no motion: zooms jump instead of gliding. */
const reducedMotion = (): boolean => typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

const sameView = (a: ZoomView | null | undefined, b: ZoomView | null | undefined) =>
  a === b || (!!a && !!b && a.k === b.k && a.x === b.x && a.y === b.y && !!a.fit === !!b.fit);

export interface ZoomSync {
  /** The store's zoom: applied when it changes from outside (a link). */
  view: ZoomView | null;
  report(v: ZoomView | null): void;
}

export function useZoom<E extends Element>(
  ref: React.RefObject<E | null>,
  bounds: Bounds,
  onTransform: (t: ZoomTransform) => void,
  opts: { maxK?: number; minK?: number; fitMaxK?: number; onUserZoom?: (t: ZoomTransform) => void; sync?: ZoomSync; contentKey?: string; group?: ZoomGroup } = {},
): ZoomControls {
  const group = opts.group;
  const member = useRef<GroupMember | null>(null);
  const behaviour = useRef<ZoomBehavior<E, unknown> | null>(null);
  const current = useRef<ZoomTransform>(zoomIdentity);
  const follow = useRef(true);
  const syncRef = useRef(opts.sync);
  /** The last view reported to (or taken from) the store: a store change equal to it is our own echo. */
  const lastView = useRef<ZoomView | null | undefined>(undefined);
  /** A wheel, drag or pinch is under way: report when it settles. */
  const gesture = useRef(false);
  const report = useCallback(() => {
    const sync = syncRef.current;
    if (!sync) return;
    const v = viewOf(current.current, follow.current);
    lastView.current = v;
    sync.report(v);
  }, []);
  const boundsRef = useRef(bounds);
  const cb = useRef(onTransform);
  const userCb = useRef(opts.onUserZoom);
  useLayoutEffect(() => {
    boundsRef.current = bounds;
    cb.current = onTransform;
    userCb.current = opts.onUserZoom;
    syncRef.current = opts.sync;
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
        // The transform on the element itself: e2e tests read that compare lanes share it.
        (el as Element).setAttribute('data-zoom', `${e.transform.k.toFixed(4)},${e.transform.x.toFixed(1)},${e.transform.y.toFixed(1)}`);
        if (e.sourceEvent) {
          follow.current = false;
          gesture.current = true;
          userCb.current?.(e.transform);
          if (group && member.current) group.moved(member.current, e.transform);
        }
      })
      // Settled (a gesture, a transition or a jump): tell the store.
      .on('end', () => {
        gesture.current = false;
        report();
      });
    behaviour.current = z;
    select(el).call(z).on('dblclick.zoom', null);
    return () => {
      select(el).on('.zoom', null);
    };
  }, [ref, size, report, opts.minK, opts.maxK, group]);

  const apply = useCallback((t: ZoomTransform, animate: boolean) => {
    const el = ref.current;
    const z = behaviour.current;
    if (!el || !z) return;
    const sel = select(el);
    sel.interrupt();
    if (animate && !reducedMotion()) {
      sel.transition().duration(250).call(z.transform as never, t);
    } else sel.call(z.transform, t);
  }, [ref]);

  const controls: ZoomControls = group
    ? {
        // In a group every control moves every lane (this one included) to the same transform.
        zoomBy(f) {
          group.zoomBy(f, opts.minK ?? 0.02, opts.maxK ?? 40);
        },
        panBy(dx, dy) {
          group.panBy(dx, dy);
        },
        fit(animate = true) {
          group.fit(animate);
        },
        focus(b) {
          const { w, h } = size();
          group.follow = false;
          group.applyAll(fitTransform(b, w, h, opts.maxK ?? 40, 24), true);
        },
        transform: () => current.current,
      }
    : {
        zoomBy(f) {
          follow.current = false;
          const el = ref.current;
          const z = behaviour.current;
          if (!el || !z) return;
          if (reducedMotion()) select(el).call(z.scaleBy, f);
          else select(el).transition().duration(150).call(z.scaleBy as never, f);
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
  const following = () => (group ? group.follow : follow.current);

  // Join the group: it fits the union of every lane's content, or gives this lane the transform the others have.
  useEffect(() => {
    if (!group) return;
    const m: GroupMember = { bounds: () => boundsRef.current, size, apply: (t, animate) => apply(t, animate) };
    member.current = m;
    const leave = group.add(m);
    return () => {
      leave();
      member.current = null;
    };
  }, [group, size, apply]);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      sized.current = { w: r.width, h: r.height };
      if (following()) controls.fit(false);
    });
    ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);

  // Follow the content while the user has not taken over, without jumping: a step whose tables still fit where
  // they are keeps the view (node sizes and positions stay); it fits again only when the content outgrows the
  // view, for new content (opts.contentKey: another scenario or design), or when asked (fit: the button, the 0 key).
  const key = `${bounds.x},${bounds.y},${bounds.w},${bounds.h}`;
  const fittedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!following()) return;
    const content = opts.contentKey ?? '';
    const { w, h } = size();
    if (fittedFor.current !== content || !inView(current.current, boundsRef.current, w, h)) controls.fit(fittedFor.current === content);
    fittedFor.current = content;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, opts.contentKey]);

  // A zoom from outside (a link, or a reset after switching nodes <-> strips); last, so it wins over the first fit.
  const ext = opts.sync?.view ?? null;
  const extKey = ext ? `${ext.k},${ext.x},${ext.y},${ext.fit ? 1 : 0}` : 'none';
  useEffect(() => {
    if (!opts.sync || sameView(ext, lastView.current)) return;
    lastView.current = ext;
    if (!ext || ext.fit) {
      if (!follow.current) controls.fit(false);
      return;
    }
    follow.current = false;
    apply(zoomIdentity.translate(ext.x, ext.y).scale(ext.k), false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [extKey, !!opts.sync]);

  return controls;
}
