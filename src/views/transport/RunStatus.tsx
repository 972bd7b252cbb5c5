// A run in progress (progress bar, cancel), a scenario too large to run,
// or a run that failed.
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store/store.ts';
import { selectRunning, selectSizeMessage } from '../../store/selectors.ts';

export function RunStatus() {
  const running = useStore(useShallow(selectRunning));
  const size = useStore(selectSizeMessage);
  const failed = useStore((s) => (s.compare ?? [s.mechanism]).map((m) => s.lanes[m]?.message).find((m) => m && m !== 'run cancelled') ?? null);
  const cancelled = useStore((s) => (s.compare ?? [s.mechanism]).some((m) => s.lanes[m]?.message === 'run cancelled'));
  return (
    <div className="run-status">
      {running && (
        <div className="progress-row">
          <label>
            Simulating {running.done.toLocaleString('en-US')} / {running.total ? running.total.toLocaleString('en-US') : '…'} steps
            <progress aria-label="Simulation progress" max={running.total || 1} value={running.done} />
          </label>
          <button type="button" aria-label="Cancel the run" onClick={() => useStore.getState().cancelRun()}>
            Cancel
          </button>
        </div>
      )}
      {size && (
        <p className="warn" role="alert">
          {size}
        </p>
      )}
      {failed && (
        <p className="warn" role="alert">
          {failed}
        </p>
      )}
      {cancelled && !running && <p className="muted">Run cancelled: showing the last finished run.</p>}
    </div>
  );
}
