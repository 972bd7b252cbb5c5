// The node view: PGD -> PUD -> PMD tables and the PTE tables under each PMD,
// as SVG. d3 computed the layout (layout/tree.ts); d3-zoom moves one <g>.
import { useEffect, useMemo, useRef } from 'react';
import type { ZoomTransform } from 'd3';
import { layoutTree, NODE_H } from '../../layout/tree.ts';
import { formatAddr } from '../../scenario/index.ts';
import type { PtViewProps } from './viewProps.ts';
import { useZoom } from '../useZoom.ts';
import { HatchDefs, TableBox } from './TableBox.tsx';
import { faultsIn, opSlots } from '../../layout/touches.ts';

const LEVEL_NAME = { pgd: 'PGD (mm->pgd)', pud: 'PUD table', pmd: 'PMD table' } as const;
const SPAN = { pgd: '', pud: '512 GiB', pmd: '1 GiB' } as const;

type Props = PtViewProps;

export function TreeView({ shown, selectedSlot, hoverSlot, onHover, onPick, controlsRef, label, onUserZoom, sync, fitMaxK, linked, contentKey, group }: Props) {
  const svg = useRef<SVGSVGElement>(null);
  const g = useRef<SVGGElement>(null);
  // A step that faulted pages in walked PGD -> PUD -> PMD -> PTE table for each: drawn along that path.
  const step = shown.step;
  const walk = useMemo(() => (step && step.faults > 0 && faultsIn(step.op) ? opSlots(step.op, 512) : undefined), [step]);
  const layout = useMemo(() => layoutTree(shown.snapshot, shown.items, shown.prev, walk), [shown, walk]);
  const bounds = { x: layout.x0, y: layout.y0, w: Math.max(layout.width, 200), h: Math.max(layout.height, 60) };
  const controls = useZoom(svg, bounds, (t: ZoomTransform) => g.current?.setAttribute('transform', t.toString()), { fitMaxK: fitMaxK ?? 1.3, onUserZoom, sync, contentKey, group });
  useEffect(() => {
    controlsRef.current = controls;
  });
  const leave = () => onHover(null);
  return (
    <svg ref={svg} className="pt-svg" role="img" aria-label={label} tabIndex={0}>
      <HatchDefs />
      <g ref={g}>
        {layout.links.map((l) => (
          <path key={l.key} d={l.d} className={`pt-link tbl-${l.status}`} />
        ))}
        {/* The walk, drawn over the links in its order (PGD -> PUD, PUD -> PMD, PMD -> the PTE tables); keyed by step so it replays. */}
        {layout.links.filter((l) => l.walk !== undefined).map((l) => (
          <path key={`walk-${step?.index}-${l.key}`} d={l.d} pathLength={1} className={`pt-walk pt-walk-${l.walk}`} data-walk={l.walk} />
        ))}
        {layout.nodes.map((n) => (
          <g key={n.key} className={`pt-node pt-${n.level} tbl-${n.status}${n.walk ? ' pt-node-walk' : ''}`} transform={`translate(${n.x},${n.y})`} data-mark={n.status === 'live' ? undefined : n.status}>
            <rect width={n.w} height={n.h} rx={6} />
            <text x={n.w / 2} y={19} textAnchor="middle" className="pt-node-title">
              {LEVEL_NAME[n.level]}
              {n.level !== 'pgd' ? ` #${n.id}` : ''}
            </text>
            <text x={n.w / 2} y={NODE_H - 10} textAnchor="middle" className="pt-node-sub">
              {n.level === 'pgd' ? '4-level, P4D folded' : n.status === 'freed' ? 'freed' : `${formatAddr(n.addr)} +${SPAN[n.level]}`}
            </text>
          </g>
        ))}
        {layout.blocks.map((b) => (
          <g key={b.key} transform={`translate(${b.x},${b.y})`} className="pt-block">
            <rect width={b.w} height={b.h} rx={8} />
            <text x={12} y={16} className="pt-block-title">
              {b.count} PTE table{b.count === 1 ? '' : 's'}
            </text>
          </g>
        ))}
        {layout.tables.map((t) => (
          <TableBox
            key={`${t.item.id}-${t.item.status}`}
            item={t.item}
            x={t.x}
            y={t.y}
            selected={t.item.slot === selectedSlot && t.item.status !== 'freed'}
            hovered={t.item.slot === hoverSlot}
            walk={!!t.walk}
            linked={!!linked?.has(t.item.slot) && t.item.status !== 'freed'}
            onEnter={onHover}
            onLeave={leave}
            onPick={onPick}
          />
        ))}
      </g>
    </svg>
  );
}
