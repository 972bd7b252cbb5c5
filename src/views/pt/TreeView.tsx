// The node view: PGD -> PUD -> PMD tables and the PTE tables under each PMD,
// as SVG. d3 computed the layout (layout/tree.ts); d3-zoom moves one <g>.
import { useEffect, useMemo, useRef } from 'react';
import type { ZoomTransform } from 'd3';
import { layoutTree, NODE_H } from '../../layout/tree.ts';
import { formatAddr } from '../../scenario/index.ts';
import type { PtViewProps } from './viewProps.ts';
import { useZoom } from '../useZoom.ts';
import { HatchDefs, TableBox } from './TableBox.tsx';

const LEVEL_NAME = { pgd: 'PGD (mm->pgd)', pud: 'PUD table', pmd: 'PMD table' } as const;
const SPAN = { pgd: '', pud: '512 GiB', pmd: '1 GiB' } as const;

type Props = PtViewProps;

export function TreeView({ shown, selectedSlot, hoverSlot, onHover, onPick, controlsRef, label, onUserZoom, sync, fitMaxK, group }: Props) {
  const svg = useRef<SVGSVGElement>(null);
  const g = useRef<SVGGElement>(null);
  const layout = useMemo(() => layoutTree(shown.snapshot, shown.items, shown.prev), [shown]);
  const bounds = { x: layout.x0, y: layout.y0, w: Math.max(layout.width, 200), h: Math.max(layout.height, 60) };
  const controls = useZoom(svg, bounds, (t: ZoomTransform) => g.current?.setAttribute('transform', t.toString()), { fitMaxK: fitMaxK ?? 1.3, onUserZoom, sync, group });
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
        {layout.nodes.map((n) => (
          <g key={n.key} className={`pt-node pt-${n.level} tbl-${n.status}`} transform={`translate(${n.x},${n.y})`}>
            <rect width={n.w} height={n.h} rx={6} />
            <text x={n.w / 2} y={19} textAnchor="middle" className="pt-node-title">
              {LEVEL_NAME[n.level]}
              {n.level !== 'pgd' ? ` #${n.id}` : ''}
            </text>
            <text x={n.w / 2} y={NODE_H - 10} textAnchor="middle" className="pt-node-sub">
              {n.level === 'pgd' ? '4-level, P4D folded' : `${formatAddr(n.addr)} +${SPAN[n.level]}`}
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
            onEnter={onHover}
            onLeave={leave}
            onPick={onPick}
          />
        ))}
      </g>
    </svg>
  );
}
