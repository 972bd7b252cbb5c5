// Visible buttons for what the mouse and keys do to the page-table view.
import type { MechanismName } from '../../core/index.ts';
import type { ZoomControls } from '../useZoom.ts';

const PAN = 120;

export function ZoomButtons({ controls, mechanism }: { controls: React.MutableRefObject<ZoomControls | null>; mechanism: MechanismName }) {
  const c = () => controls.current;
  const b = (label: string, text: string, f: () => void) => (
    <button type="button" aria-label={`${label} (${mechanism})`} title={label} onClick={f}>
      {text}
    </button>
  );
  return (
    <div className="zoom-buttons">
      {b('Zoom in', '+', () => c()?.zoomBy(1.5))}
      {b('Zoom out', '−', () => c()?.zoomBy(1 / 1.5))}
      {b('Fit to view', '⤢', () => c()?.fit())}
      {b('Pan left', '←', () => c()?.panBy(PAN, 0))}
      {b('Pan right', '→', () => c()?.panBy(-PAN, 0))}
      {b('Pan up', '↑', () => c()?.panBy(0, PAN))}
      {b('Pan down', '↓', () => c()?.panBy(0, -PAN))}
    </div>
  );
}
