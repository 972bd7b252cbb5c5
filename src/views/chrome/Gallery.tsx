// The preset gallery: every bundled scenario with its one-line description.
import { useStore } from '../../store/store.ts';
import { PRESETS } from '../../store/presets.ts';
import { selectGallery, selectPresetId } from '../../store/selectors.ts';
import { Overlay } from './Overlay.tsx';

export function Gallery() {
  const open = useStore(selectGallery);
  const current = useStore(selectPresetId);
  if (!open) return null;
  return (
    <Overlay title="Presets" onClose={() => useStore.getState().toggleGallery(false)}>
      <ul className="gallery">
        {PRESETS.map((p) => (
          <li key={p.id}>
            <button type="button" aria-current={p.id === current ? 'true' : undefined} onClick={() => useStore.getState().loadPreset(p.id)}>
              <strong>{p.title}</strong>
              <span>{p.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </Overlay>
  );
}
