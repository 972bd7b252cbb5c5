// The top bar: presets, the design (each with the kernels that have it), compare, share, export, sweep, present, help.
// One line at 1024 px: the view mode (nodes / strips) sits with the view it changes (ViewModeButtons).
import { MECHANISMS } from '../../scenario/index.ts';
import { useStore } from '../../store/store.ts';
import { selectCompare, selectMechanism, selectPresetId } from '../../store/selectors.ts';
import { presetById } from '../../store/presets.ts';
import { DESIGN_ERA, DESIGN_TITLE } from '../designs.ts';

export function Header() {
  const mechanism = useStore(selectMechanism);
  const compare = useStore(selectCompare);
  const preset = useStore(selectPresetId);
  const s = () => useStore.getState();
  return (
    <header className="top">
      <h1>
        ptlab <span className="muted">page tables, live</span>
      </h1>
      <button type="button" className="preset-button" aria-label="Presets" title="The preset gallery (g)" onClick={() => s().toggleGallery(true)}>
        ☰ {preset ? presetById(preset)?.title ?? preset : 'custom scenario'}
      </button>
      <div className="seg design-seg" role="group" aria-label="Mechanism">
        {MECHANISMS.map((m) => (
          // The name alone is the accessible name (the era is its visible subtitle; the title says more).
          <button key={m} type="button" aria-label={m} aria-pressed={!compare && m === mechanism} title={DESIGN_TITLE[m]} onClick={() => {
            s().setCompare(null);
            s().setMechanism(m);
          }}>
            <span className="design-name">{m}</span>
            <span className="design-era">{DESIGN_ERA[m]}</span>
          </button>
        ))}
        <button type="button" aria-pressed={!!compare} aria-label="Compare mechanisms" title="All three designs side by side, in lockstep, on one scale (c)" onClick={() => s().setCompare(compare ? null : [...MECHANISMS])}>
          <span className="design-name">compare all</span>
          <span className="design-era">side by side</span>
        </button>
      </div>
      <span className="header-actions">
        <button type="button" onClick={() => s().openDialog('share')} title="Links to this scenario and step, and embed code">
          Share
        </button>
        <button type="button" onClick={() => s().openDialog('export')} title="Pictures (PNG, SVG), the run as JSON, the scenario as a file; open a file">
          Export
        </button>
        <button type="button" onClick={() => s().openDialog('sweep')} title="VIRT/RES sweep: how much of the possible saving each design captures, per allocator purge policy">
          Sweep
        </button>
        <button type="button" onClick={() => s().openDialog('tour')} title="The 15 patches of the 2021 series, each at a step that shows it">
          Tour
        </button>
        <button type="button" onClick={() => s().setMode('present')} title="Presentation mode (p): view and caption fill the screen; clicker keys step">
          Present
        </button>
      </span>
      <button type="button" className="help-button" aria-label="Keyboard shortcuts and help" title="Keys, and what the words mean (?)" onClick={() => s().toggleHelp(true)}>
        ?
      </button>
    </header>
  );
}
