// The hover card over a PTE table.
import type { InfoLine } from './tableInfo.ts';

export function Tooltip({ x, y, title, lines }: { x: number; y: number; title: string; lines: InfoLine[] }) {
  return (
    <div className="tooltip" role="tooltip" style={{ left: x + 14, top: y + 14 }}>
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
