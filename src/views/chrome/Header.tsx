// The top bar: presets, mechanism, compare, view mode, share, export, present, help.
import type { MechanismName } from '../../core/index.ts';
import { MECHANISMS } from '../../scenario/index.ts';
import { useStore } from '../../store/store.ts';
import { selectCompare, selectMechanism, selectPresetId, selectViewMode } from '../../store/selectors.ts';
import { presetById } from '../../store/presets.ts';

const TITLES: Record<MechanismName, string> = {
  baseline: 'baseline: zaps never free PTE tables; only munmap does',
  'pte-ref': 'pte-ref: the 2021 refcount series; a table is freed when its refcount reaches 0',
  'pt-reclaim': 'pt-reclaim: mainline 6.14+; MADV_DONTNEED of a whole empty slot frees the table',
};

export function Header() {
  const mechanism = useStore(selectMechanism);
  const compare = useStore(selectCompare);
  const mode = useStore(selectViewMode);
  const preset = useStore(selectPresetId);
  const s = () => useStore.getState();
  return (
    <header className="top">
      <h1>
        ptlab <span className="muted">page tables, live</span>
      </h1>
      <button type="button" className="preset-button" aria-label="Presets" onClick={() => s().toggleGallery(true)}>
        ☰ {preset ? presetById(preset)?.title ?? preset : 'custom scenario'}
      </button>
      <div className="seg" role="group" aria-label="Mechanism">
        {MECHANISMS.map((m) => (
          <button key={m} type="button" aria-pressed={!compare && m === mechanism} title={TITLES[m]} onClick={() => {
            s().setCompare(null);
            s().setMechanism(m);
          }}>
            {m}
          </button>
        ))}
      </div>
      <button type="button" aria-pressed={!!compare} aria-label="Compare mechanisms" onClick={() => s().setCompare(compare ? null : [...MECHANISMS])}>
        compare all
      </button>
      <div className="seg" role="group" aria-label="Page-table view">
        {(['auto', 'tree', 'strip'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => s().setViewMode(m)}>
            {m === 'tree' ? 'nodes' : m === 'strip' ? 'strips' : 'auto'}
          </button>
        ))}
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
        <button type="button" onClick={() => s().setMode('present')} title="Presentation mode (P): view and caption fill the screen; clicker keys step">
          Present
        </button>
      </span>
      <button type="button" className="help-button" aria-label="Keyboard shortcuts and help" onClick={() => s().toggleHelp(true)}>
        ?
      </button>
    </header>
  );
}
