// Breakpoints on state: play stops where one hits; "run to" jumps there.
import { useStore } from '../../store/store.ts';
import { selectBreakpoints, selectStoppedBy } from '../../store/selectors.ts';

export function Breakpoints() {
  const bp = useStore(selectBreakpoints);
  const stopped = useStore(selectStoppedBy);
  const set = useStore.getState().setBreakpoints;
  return (
    <fieldset className="breakpoints">
      <legend>Break when</legend>
      <label>
        <input type="checkbox" checked={bp.emptied} onChange={(e) => set({ emptied: e.target.checked })} /> a PTE table reaches 0 (refcount / entries)
      </label>
      <label>
        <input type="checkbox" checked={bp.freed} onChange={(e) => set({ freed: e.target.checked })} /> a PTE table is freed
      </label>
      <label>
        <input type="checkbox" checked={bp.vmPteAbove !== null} onChange={(e) => set({ vmPteAbove: e.target.checked ? 1024 : null })} /> VmPTE &gt;
        <input
          type="number"
          aria-label="VmPTE breakpoint in kB"
          min={0}
          step={4}
          value={bp.vmPteAbove ?? 1024}
          disabled={bp.vmPteAbove === null}
          onChange={(e) => set({ vmPteAbove: Math.max(0, Number(e.target.value) || 0) })}
        />{' '}
        kB
      </label>
      <span className="bp-run">
        <button type="button" aria-label="Run back to the previous breakpoint" onClick={() => useStore.getState().runToBreak(-1)}>
          ⇠ break
        </button>
        <button type="button" aria-label="Run to the next breakpoint" onClick={() => useStore.getState().runToBreak(1)}>
          break ⇢
        </button>
      </span>
      {stopped && (
        <span className="stopped" role="status">
          stopped: {stopped}
        </span>
      )}
    </fieldset>
  );
}
