// One zoom and pan for every compare lane: a wheel, drag or button in one lane
// moves them all, and fitting fits the union of the lanes' contents into the
// smallest lane, so at equal states tables are drawn at equal sizes (each lane
// fitting its own content would draw pt-reclaim's 5 tables larger than
// baseline's 25,605). useZoom joins a group when given one.
import { zoomIdentity, type ZoomTransform } from 'd3';
import { fitTransform, type Bounds } from './useZoom.ts';

export interface GroupMember {
  bounds(): Bounds;
  size(): { w: number; h: number };
  /** Set this member's transform (no echo back to the group). */
  apply(t: ZoomTransform, animate: boolean): void;
}

/** The smallest rectangle holding every bounds. */
export function unionBounds(list: Bounds[]): Bounds | null {
  if (!list.length) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of list) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export class ZoomGroup {
  private members = new Set<GroupMember>();
  /** Until someone zooms or pans, the lanes follow their content (fit). */
  follow = true;
  current: ZoomTransform = zoomIdentity;

  constructor(readonly fitMaxK?: number) {}

  add(m: GroupMember): () => void {
    this.members.add(m);
    if (this.follow) this.fit(false);
    else m.apply(this.current, false);
    return () => {
      this.members.delete(m);
    };
  }

  /** The transform fitting every member's content into the smallest member's viewport. */
  fitTransform(): ZoomTransform {
    const ms = [...this.members];
    const b = unionBounds(ms.map((m) => m.bounds()));
    const sizes = ms.map((m) => m.size()).filter((s) => s.w > 0 && s.h > 0);
    if (!b || !sizes.length) return this.current;
    return fitTransform(b, Math.min(...sizes.map((s) => s.w)), Math.min(...sizes.map((s) => s.h)), this.fitMaxK);
  }

  fit(animate: boolean): void {
    this.follow = true;
    this.applyAll(this.fitTransform(), animate);
  }

  /** Every member but `except` takes t (the one a gesture moved has it already). */
  applyAll(t: ZoomTransform, animate: boolean, except?: GroupMember): void {
    this.current = t;
    for (const m of this.members) if (m !== except) m.apply(t, animate);
  }

  /** The smallest member viewport (every lane is drawn at the same transform in it). */
  private viewport(): { w: number; h: number } {
    const sizes = [...this.members].map((m) => m.size()).filter((s) => s.w > 0 && s.h > 0);
    return sizes.length ? { w: Math.min(...sizes.map((s) => s.w)), h: Math.min(...sizes.map((s) => s.h)) } : { w: 0, h: 0 };
  }

  /** Zoom every lane by f about the middle of the view. */
  zoomBy(f: number, minK = 0.02, maxK = 60): void {
    const { w, h } = this.viewport();
    const t = this.current;
    const k = Math.max(minK, Math.min(maxK, t.k * f));
    const r = k / t.k;
    this.follow = false;
    this.applyAll(zoomIdentity.translate(w / 2 - (w / 2 - t.x) * r, h / 2 - (h / 2 - t.y) * r).scale(k), true);
  }

  /** Pan every lane by (dx, dy) screen pixels. */
  panBy(dx: number, dy: number): void {
    this.follow = false;
    this.applyAll(this.current.translate(dx / this.current.k, dy / this.current.k), false);
  }

  /** A gesture in one member (wheel, drag, pinch): the others follow at once. */
  moved(from: GroupMember, t: ZoomTransform): void {
    this.follow = false;
    this.applyAll(t, false, from);
  }
}
