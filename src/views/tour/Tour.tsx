// The first-visit tour: four short cards, each pointing at one part of the
// screen. Not modal (keys and clicks still work), dismissable at any card,
// and shown once: the page remembers it was seen (remember.ts), so a
// returning user never meets it again. Loaded on demand (lazy.tsx).
import { useEffect, useState } from 'react';

interface Card {
  /** What the card points at (a CSS selector); the card sits beside it. */
  target: string;
  title: string;
  text: string;
}

export const TOUR: Card[] = [
  {
    target: '.pt-stage',
    title: 'The page tables of one process',
    text: 'Each box is a PTE table: 4 kB of kernel memory mapping 2 MiB of address space. Its colour is how many entries it holds (its refcount under pte-ref); a hatched vermillion 0 is a table still allocated though empty, the waste this lab is about.',
  },
  {
    target: '.transport',
    title: 'Step through the scenario',
    text: '“step ▶” runs one statement (→), “▶▶ play” runs them all (Space), “event ▷” walks inside a statement fault by fault. The editor on the left is the scenario: change a line and it runs again.',
  },
  {
    target: '.design-seg',
    title: 'Three kernel designs',
    text: 'baseline is Linux up to 6.13 (only munmap frees PTE tables); pte-ref is the 2021 refcount series, never merged; pt-reclaim is what Linux 6.14 and later do, and the default here. “compare all” runs them side by side on one scale.',
  },
  {
    target: '.headline',
    title: 'What it costs',
    text: 'VmPTE is the memory in page tables (as /proc/PID/status reports it), for each design at this step. Beside the view: the figures and why tables were freed or kept. Press ? for every key and a glossary; the preset gallery (g) has the 50 GiB test.',
  },
];

function place(target: string): { top: number; left: number } {
  const el = document.querySelector(target);
  const w = 340;
  const h = 190;
  if (!el) return { top: 80, left: Math.max(8, window.innerWidth - w - 16) };
  const r = el.getBoundingClientRect();
  // A large target (the view): inside its top right corner. Else below it if that fits, else above; always in the window.
  if (r.height > 250) return { top: Math.max(8, Math.min(window.innerHeight - h - 8, r.top + 8)), left: Math.max(8, Math.min(r.right - w - 8, window.innerWidth - w - 8)) };
  let top = r.bottom + 8;
  if (top + h > window.innerHeight) top = r.top - h - 8;
  if (top < 8) top = Math.min(window.innerHeight - h - 8, r.top + 8);
  const left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
  return { top: Math.max(8, top), left };
}

export function TourCards({ onDone }: { onDone(): void }) {
  const [k, setK] = useState(0);
  const card = TOUR[k];
  const [at, setAt] = useState(() => place(card.target));
  useEffect(() => {
    // The target may appear later (the view draws when the first run is ready) or move: follow it.
    let el: Element | null = null;
    const update = () => {
      const now = document.querySelector(card.target);
      if (now !== el) {
        el?.classList.remove('tour-target');
        now?.classList.add('tour-target');
        el = now;
      }
      const next = place(card.target);
      setAt((a) => (a.top === next.top && a.left === next.left ? a : next));
    };
    update();
    const id = setInterval(update, 300);
    window.addEventListener('resize', update);
    return () => {
      clearInterval(id);
      el?.classList.remove('tour-target');
      window.removeEventListener('resize', update);
    };
  }, [card.target]);
  const last = k === TOUR.length - 1;
  return (
    <section className="tour" role="dialog" aria-modal="false" aria-label="Tour" style={{ top: at.top, left: at.left }}>
      <p className="tour-count muted">
        {k + 1} / {TOUR.length}
      </p>
      <h2>{card.title}</h2>
      <p>{card.text}</p>
      <footer>
        <button type="button" onClick={onDone}>
          Skip the tour
        </button>
        {k > 0 && (
          <button type="button" onClick={() => setK(k - 1)}>
            Back
          </button>
        )}
        <button type="button" className="tour-next" onClick={() => (last ? onDone() : setK(k + 1))}>
          {last ? 'Done' : 'Next'}
        </button>
      </footer>
    </section>
  );
}
