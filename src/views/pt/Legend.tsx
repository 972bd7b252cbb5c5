// The colour legend: the count scale, and the swatches that are not on it.
import type { MechanismName } from '../../core/index.ts';
import { MarksLegend } from './MarksLegend.tsx';
import { EMPTY_COLOUR, HUGE_COLOUR, legendStops, legendTicks, NONE_IN_VMA, valueName } from '../../layout/colour.ts';

/** strips: the strip view also draws slots that are mapped but have no table. */
/** aggregate: a production-size run, whose strips show a PMD table (1 GiB) as one square when zoomed out. */
export function Legend({ mechanism, strips = true, compare = false, aggregate = false }: { mechanism: MechanismName; strips?: boolean; compare?: boolean; aggregate?: boolean }) {
  const stops = legendStops();
  const gradient = `linear-gradient(to right, ${stops.map(([o, c]) => `${c} ${(o * 100).toFixed(1)}%`).join(', ')})`;
  return (
    <div className="legend" aria-label="Colour legend">
      <span className="legend-title">{compare ? 'PTE table entries (pte-ref: refcount)' : `PTE table ${valueName(mechanism)}`}</span>
      <span className="legend-scale">
        <span className="legend-bar" style={{ background: gradient }} />
        {legendTicks().map((t) => (
          <span key={t.value} className="legend-tick" style={{ left: `${t.at * 100}%` }}>
            {t.value}
          </span>
        ))}
      </span>
      <span className="legend-swatch">
        <span className="sw sw-empty" style={{ borderColor: EMPTY_COLOUR }}>0</span> allocated, empty
      </span>
      <span className="legend-swatch">
        <span className="sw" style={{ background: HUGE_COLOUR }} /> huge page
      </span>
      {strips && (
        <span className="legend-swatch">
          <span className="sw" style={{ background: NONE_IN_VMA }} /> mapped, no table
        </span>
      )}
      {aggregate && (
        <span className="legend-swatch legend-aggregate" data-testid="legend-aggregate">
          zoomed out, a square is a PMD table (1 GiB): the mean colour of its PTE tables; zoom in for its 512 slots
        </span>
      )}
      <MarksLegend />
    </div>
  );
}
