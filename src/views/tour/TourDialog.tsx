// The tour of the 2021 series (src/share/series.ts): its 15 patches by number
// and title; choosing one says what it changes in ptlab's terms and links to
// a preset at the step (and kernel event) that shows it, under pte-ref. The
// link is an ordinary ptlab link (#v1:...): following it opens the preset
// exactly as a shared link would. Loaded on demand (views/lazy.tsx).
import { useState } from 'react';
import { encodeLink } from '../../share/link.ts';
import { SERIES, SERIES_COVER, type SeriesPatch } from '../../share/series.ts';
import { presetById } from '../../store/presets.ts';
import { useStore } from '../../store/store.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import './tour.css';

/** The link that opens a patch's preset at its step and event under pte-ref. */
export function tourHref(p: SeriesPatch): string | null {
  const preset = presetById(p.at.preset);
  if (!preset?.source) return null;
  return '#' + encodeLink({ scenario: preset.source, mechanisms: ['pte-ref'], step: p.at.step, event: p.at.event, preset: preset.id });
}

function Detail({ p }: { p: SeriesPatch }) {
  const href = tourHref(p);
  const preset = presetById(p.at.preset);
  const close = () => useStore.getState().openDialog(null);
  return (
    <section className="tour-detail" aria-label={`Patch ${p.n} of 15`}>
      <h3>
        {p.n}/15 {p.title}
      </h3>
      <p>{p.changes}</p>
      <p className="muted">
        {p.preparatory ? 'Preparation: no behaviour of the design yet. ' : ''}
        {p.rules.length ? `Rules: ${p.rules.join(', ')}. ` : ''}
        Posted as <code>{p.messageId}</code>.
      </p>
      {href ? (
        <a className="tour-open" href={href} onClick={close}>
          Open “{preset?.title ?? p.at.preset}” at step {p.at.step + 1}, event {p.at.event + 1} ({p.at.shows.kind} by {p.at.shows.by}) under pte-ref
        </a>
      ) : (
        <p className="muted">The preset {p.at.preset} is not bundled.</p>
      )}
    </section>
  );
}

export function TourDialog() {
  const [n, setN] = useState(11);
  const close = () => useStore.getState().openDialog(null);
  const p = SERIES.find((x) => x.n === n) ?? SERIES[0];
  return (
    <Overlay title="Tour of the 2021 series" onClose={close}>
      <p className="muted">
        {SERIES_COVER.title} ({SERIES_COVER.author}, {SERIES_COVER.date}, based on {SERIES_COVER.basedOn}; never merged). Pick a patch to see what it changes here and open the step that shows it.
      </p>
      <div className="series-tour">
        <ol className="tour-list" aria-label="Patches of the series">
          {SERIES.map((x) => (
            <li key={x.n}>
              <button type="button" aria-pressed={x.n === n} onClick={() => setN(x.n)}>
                <span className="tour-n">{x.n}/15</span> {x.title}
              </button>
            </li>
          ))}
        </ol>
        <Detail p={p} />
      </div>
    </Overlay>
  );
}
