// The legend's entries for what a step did (layout/tables.ts STEP_MARKS), the
// fault walk and the tables linked to the statement under the pointer.
import { STEP_MARKS } from '../../layout/tables.ts';

export function MarksLegend() {
  return (
    <span className="legend-swatch legend-marks" aria-label="Marks of this step">
      <span className="muted">this step:</span>
      {STEP_MARKS.map((m) => (
        <span key={m.status} className={`sw-mark sw-mark-${m.status}`} title={m.text} data-mark={m.status}>
          {m.label}
        </span>
      ))}
      <span className="sw-line sw-walk" title="A fault's walk: PGD -> PUD -> PMD -> PTE table" data-mark="walk" /> walk
      <span className="sw sw-linked" title="Touched by the statement under the pointer in the editor" data-mark="linked" /> statement
    </span>
  );
}
