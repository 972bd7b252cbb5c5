// One PTE table in the node view: filled by its count on the colour scale,
// hatched vermillion with a "0" when allocated but empty, black for a huge PMD;
// a tag for what this step did to it (new, emptied, freed: layout/tables.ts).
import { memo } from 'react';
import { countColour, EMPTY_COLOUR, HUGE_COLOUR, textOn } from '../../layout/colour.ts';
import { TABLE_H, TABLE_W } from '../../layout/tree.ts';
import { STEP_MARKS, type TableItem } from '../../layout/tables.ts';
import { formatAddr } from '../../scenario/index.ts';

export const HATCH_ID = 'pt-empty-hatch';
/** A mark's tag: wide enough for its word at 9.5px bold. */
const markWidth = (label: string): number => 12 + 6.2 * label.length;

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
  /** A fault of this step walked to this table. */
  walk?: boolean;
  /** The statement under the pointer (or selected) in the editor touches this table. */
  linked?: boolean;
  onEnter(item: TableItem, e: React.MouseEvent): void;
  onLeave(): void;
  onPick(item: TableItem): void;
}

/** A freed table's ghost: no count (it has none any more), the word "freed". */
export const FREED_FILL = '#eceff1';

export const TableBox = memo(function TableBox({ item, x, y, selected, hovered, walk = false, linked = false, onEnter, onLeave, onPick }: Props) {
  const freed = item.status === 'freed';
  const empty = !freed && item.kind === 0 && item.value === 0;
  const huge = !freed && item.kind !== 0;
  const fill = freed ? FREED_FILL : huge ? HUGE_COLOUR : empty ? `url(#${HATCH_ID})` : countColour(item.value);
  const ink = freed ? '#4a525a' : huge ? '#fff' : empty ? '#8a3300' : textOn(countColour(item.value));
  const label = freed ? 'freed' : huge ? (item.kind === 2 ? 'huge zero' : 'huge page') : String(item.value);
  const mark = item.status === 'live' ? null : STEP_MARKS.find((m) => m.status === item.status)!;
  return (
    <g
      className={`tbl tbl-${item.status}${selected ? ' tbl-selected' : ''}${hovered ? ' tbl-hover' : ''}${walk ? ' tbl-walk' : ''}${linked ? ' tbl-linked' : ''}`}
      transform={`translate(${x},${y})`}
      data-slot={item.slot}
      data-value={freed ? undefined : item.value}
      data-mark={mark?.status}
      data-linked={linked || undefined}
      data-fill={freed ? FREED_FILL : huge ? HUGE_COLOUR : empty ? EMPTY_COLOUR : countColour(item.value)}
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
      {mark && (
        <g className={`tbl-mark tbl-mark-${mark.status}`} transform={`translate(${TABLE_W - markWidth(mark.label) + 6},-8)`}>
          <rect width={markWidth(mark.label)} height={15} rx={7.5} />
          <text x={markWidth(mark.label) / 2} y={11} textAnchor="middle">
            {mark.label}
          </text>
        </g>
      )}
    </g>
  );
});
