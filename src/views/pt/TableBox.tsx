// One PTE table in the node view: filled by its count on the colour scale,
// hatched vermillion with a "0" when allocated but empty, black for a huge PMD.
import { memo } from 'react';
import { countColour, EMPTY_COLOUR, HUGE_COLOUR, textOn } from '../../layout/colour.ts';
import { TABLE_H, TABLE_W } from '../../layout/tree.ts';
import type { TableItem } from '../../layout/tables.ts';
import { formatAddr } from '../../scenario/index.ts';

export const HATCH_ID = 'pt-empty-hatch';

export function HatchDefs() {
  return (
    <defs>
      <pattern id={HATCH_ID} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#fff4ec" />
        <rect width="3" height="8" fill={EMPTY_COLOUR} opacity="0.35" />
      </pattern>
    </defs>
  );
}

interface Props {
  item: TableItem;
  x: number;
  y: number;
  selected: boolean;
  hovered: boolean;
  onEnter(item: TableItem, e: React.MouseEvent): void;
  onLeave(): void;
  onPick(item: TableItem): void;
}

export const TableBox = memo(function TableBox({ item, x, y, selected, hovered, onEnter, onLeave, onPick }: Props) {
  const empty = item.kind === 0 && item.value === 0;
  const huge = item.kind !== 0;
  const fill = huge ? HUGE_COLOUR : empty ? `url(#${HATCH_ID})` : countColour(item.value);
  const ink = huge ? '#fff' : empty ? '#8a3300' : textOn(countColour(item.value));
  const label = huge ? (item.kind === 2 ? 'huge zero' : 'huge page') : String(item.value);
  return (
    <g
      className={`tbl tbl-${item.status}${selected ? ' tbl-selected' : ''}${hovered ? ' tbl-hover' : ''}`}
      transform={`translate(${x},${y})`}
      data-slot={item.slot}
      data-value={item.value}
      data-fill={huge ? HUGE_COLOUR : empty ? EMPTY_COLOUR : countColour(item.value)}
      data-empty={empty ? 'true' : undefined}
      onMouseEnter={(e) => onEnter(item, e)}
      onMouseLeave={onLeave}
      onClick={() => onPick(item)}
    >
      <rect
        width={TABLE_W}
        height={TABLE_H}
        rx={5}
        fill={fill}
        stroke={empty ? EMPTY_COLOUR : selected ? '#000' : '#2b2b2b'}
        strokeWidth={empty || selected ? 3 : 1}
        strokeDasharray={item.kind === 2 ? '5 3' : undefined}
      />
      <text x={TABLE_W / 2} y={22} textAnchor="middle" className="tbl-count" fill={ink}>
        {label}
      </text>
      <text x={TABLE_W / 2} y={40} textAnchor="middle" className="tbl-addr" fill={ink}>
        {formatAddr(item.slot * 2 ** 21)}
      </text>
    </g>
  );
});
