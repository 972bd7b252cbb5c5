// A short message about a file opened or refused; it goes by itself.
import { useEffect } from 'react';
import { useStore } from '../../store/store.ts';
import { selectNotice } from '../../store/selectors.ts';

export function Notice() {
  const text = useStore(selectNotice);
  useEffect(() => {
    if (!text) return;
    const t = setTimeout(() => useStore.getState().setNotice(null), 8000);
    return () => clearTimeout(t);
  }, [text]);
  if (!text) return null;
  return (
    <div className="notice" role="status" aria-label="Notice">
      {text}
      <button type="button" aria-label="Dismiss the notice" onClick={() => useStore.getState().setNotice(null)}>
        ×
      </button>
    </div>
  );
}
