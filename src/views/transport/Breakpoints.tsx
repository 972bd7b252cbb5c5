// Breakpoints on state: play stops where one hits; "run to" jumps there.
// Collapsed by default (one line: what is set, and the run-to buttons), so the
// first screen gives its space to the view; opening it is remembered.
import { useState } from 'react';
import { useStore } from '../../store/store.ts';
import { selectBreakpoints, selectStoppedBy } from '../../store/selectors.ts';
import type { Breakpoints as Bp } from '../../store/breakpoints.ts';
import { remember, remembered } from '../remember.ts';

/** "a PTE table is freed, VmPTE > 1,024 kB" or "none set". */
export function breakpointSummary(bp: Bp): string {
  const on: string[] = [];
  if (bp.emptied) on.push('a table reaches 0');
  if (bp.freed) on.push('a table is freed');
  if (bp.vmPteAbove !== null) on.push(`VmPTE > ${bp.vmPteAbove.toLocaleString('en-US')} kB`);
  return on.length ? on.join(', ') : 'none set';
}

export function Breakpoints() {
  const bp = useStore(selectBreakpoints);
  const stopped = useStore(selectStoppedBy);
  const set = useStore.getState().setBreakpoints;
  const [open, setOpen] = useState(() => remembered('breakpoints') === 'open');
  const toggle = () => {
    remember('breakpoints', open ? null : 'open');
    setOpen(!open);
  };
  const runButtons = (
    <span className="bp-run">
      <button type="button" aria-label="Run back to the previous breakpoint" title="Run back to the previous breakpoint (Shift+b)" onClick={() => useStore.getState().runToBreak(-1)}>
        ⇠ break
      </button>
      <button type="button" aria-label="Run to the next breakpoint" title="Run to the next breakpoint (b)" onClick={() => useStore.getState().runToBreak(1)}>
        break ⇢
      </button>
    </span>
  );
  const stoppedLine = stopped && (
    <span className="stopped" role="status">
      stopped: {stopped}
    </span>
  );
  if (!open) {
    return (
      <div className="breakpoints breakpoints-closed">
        <button type="button" className="panel-toggle" aria-expanded={false} onClick={toggle}>
          ▸ Break when
        </button>
        <span className="muted">{breakpointSummary(bp)}</span>
        {runButtons}
        {stoppedLine}
      </div>
    );
  }
  return (
    <fieldset className="breakpoints">
      <legend>
        <button type="button" className="panel-toggle" aria-expanded={true} onClick={toggle}>
          ▾ Break when
        </button>
      </legend>
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
      {runButtons}
      {stoppedLine}
    </fieldset>
  );
}
