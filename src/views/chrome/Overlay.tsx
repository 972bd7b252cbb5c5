// A modal panel: a labelled dialog with a close button; Esc closes it too.
import { useEffect, useRef } from 'react';

export function Overlay({ title, onClose, children }: { title: string; onClose(): void; children: React.ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, []);
  return (
    <div className="overlay" onClick={onClose}>
      <div className="overlay-panel" role="dialog" aria-modal="true" aria-label={title} tabIndex={-1} ref={panel} onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>{title}</h2>
          <button type="button" aria-label={`Close ${title.toLowerCase()}`} onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
