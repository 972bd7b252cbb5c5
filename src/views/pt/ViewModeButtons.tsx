// Nodes (SVG), strips (canvas) or automatic: beside the view it changes.
import { useStore } from '../../store/store.ts';
import { selectViewMode } from '../../store/selectors.ts';

export function ViewModeButtons() {
  const mode = useStore(selectViewMode);
  return (
    <div className="seg view-mode" role="group" aria-label="Page-table view">
      {(['auto', 'tree', 'strip'] as const).map((m) => (
        <button key={m} type="button" aria-pressed={mode === m} title="Page-table view (v)" onClick={() => useStore.getState().setViewMode(m)}>
          {m === 'tree' ? 'nodes' : m === 'strip' ? 'strips' : 'auto'}
        </button>
      ))}
    </div>
  );
}
