// The hover card over a PTE table: beside the pointer, flipped left or up so it stays inside the view (the
// stage clips what overflows it) and the window.
import { useLayoutEffect, useRef, useState } from 'react';
import type { InfoLine } from './tableInfo.ts';

const GAP = 14;

/** Where a w x h card goes for a pointer at (x, y) in a box of size bw x bh: right-below, else flipped, always inside. */
export function tooltipPlace(x: number, y: number, w: number, h: number, bw: number, bh: number): { left: number; top: number } {
  let left = x + GAP;
  if (left + w > bw - 4) left = x - GAP - w;
  let top = y + GAP;
  if (top + h > bh - 4) top = y - GAP - h;
  return { left: Math.max(4, Math.min(left, bw - w - 4)), top: Math.max(4, Math.min(top, bh - h - 4)) };
}

export function Tooltip({ x, y, title, lines }: { x: number; y: number; title: string; lines: InfoLine[] }) {
  const el = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState<{ left: number; top: number }>({ left: x + GAP, top: y + GAP });
  useLayoutEffect(() => {
    const card = el.current;
    const box = card?.offsetParent as HTMLElement | null;
    if (!card || !box) return;
    const next = tooltipPlace(x, y, card.offsetWidth, card.offsetHeight, box.clientWidth, box.clientHeight);
    setAt((a) => (a.left === next.left && a.top === next.top ? a : next));
  }, [x, y, title, lines]);
  return (
    <div className="tooltip" role="tooltip" ref={el} style={{ left: at.left, top: at.top }}>
      <div className="tooltip-title">{title}</div>
      <dl>
        {lines.map((l) => (
          <div key={l.k}>
            <dt>{l.k}</dt>
            <dd>{l.v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
