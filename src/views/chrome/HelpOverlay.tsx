// Every shortcut, from the same table the key handler uses, and the words the lab uses (glossary.ts).
import { useStore } from '../../store/store.ts';
import { selectHelp } from '../../store/selectors.ts';
import { keyLabel, LECTURE_SHORTCUTS, SHORTCUTS, VIEW_SHORTCUTS } from '../shortcuts.ts';
import { RACE_SHORTCUTS } from '../race/raceKeys.ts';
import { Overlay } from './Overlay.tsx';
import { GLOSSARY } from './glossary.ts';

export function HelpOverlay() {
  const open = useStore(selectHelp);
  if (!open) return null;
  return (
    <Overlay title="Keyboard shortcuts and glossary" onClose={() => useStore.getState().toggleHelp(false)}>
      <h3>Words</h3>
      <dl className="glossary" aria-label="Glossary">
        {GLOSSARY.map((g) => (
          <div key={g.term}>
            <dt>{g.term}</dt>
            <dd>{g.text}</dd>
          </div>
        ))}
      </dl>
      <h3>Keys</h3>
      <table className="shortcuts">
        <tbody>
          {[...SHORTCUTS, ...RACE_SHORTCUTS, ...VIEW_SHORTCUTS, ...LECTURE_SHORTCUTS.map((l) => ({ ...l, label: `In presentation mode: ${l.label.toLowerCase()}` }))].map((s) => (
            <tr key={s.label}>
              <td>
                {s.keys.map((k) => (
                  <kbd key={k}>{keyLabel(k)}</kbd>
                ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Every shortcut also has a button. The mouse wheel zooms the page-table view and dragging pans it; click a PTE table to see its 512 entries.
        Colours: cividis by refcount (pte-ref) or by non-none entries (baseline, pt-reclaim); hatched vermillion with a 0 is a table that is allocated
        but empty.
      </p>
    </Overlay>
  );
}
