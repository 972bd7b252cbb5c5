// Share: a link to the scenario (from the start, or at this exact step), a
// presentation link, and an <iframe> snippet for slides and course pages,
// optionally limited to a range of steps. The text is copied to the
// clipboard and also shown, to copy by hand where the clipboard is closed.
import { useState } from 'react';
import { encodeLink, MAX_LINK_CHARS } from '../../share/link.ts';
import { linkStateOf, type LinkOptions } from '../../store/links.ts';
import { selectDoc, selectDialog } from '../../store/selectors.ts';
import { titleOf } from '../../store/presets.ts';
import { useStore } from '../../store/store.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import { copyText, escapeXml, pageBase } from './clipboard.ts';

/** The full address for a link, or null (with a reason) when it is too long. */
export function linkUrl(opts: LinkOptions): { url: string } | { error: string } {
  const h = encodeLink(linkStateOf(selectDoc(useStore.getState()), opts));
  if (h.length > MAX_LINK_CHARS) return { error: `This scenario makes a link of ${h.length.toLocaleString('en-US')} characters; links stop at ${MAX_LINK_CHARS.toLocaleString('en-US')}. Share the .ptlab file instead (Export).` };
  return { url: `${pageBase()}#${h}` };
}

export function embedCode(url: string, width: number, height: number, title: string): string {
  return `<iframe src="${escapeXml(url)}" width="${width}" height="${height}" title="${escapeXml(`ptlab: ${title}`)}" style="border:0" loading="lazy"></iframe>`;
}

const num = (v: string, lo: number, hi: number, dflt: number) => {
  const n = Math.round(Number(v));
  return Number.isFinite(n) && v.trim() !== '' ? Math.max(lo, Math.min(hi, n)) : dflt;
};

export function ShareDialog() {
  const open = useStore(selectDialog) === 'share';
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [size, setSize] = useState({ w: '960', h: '600' });
  const [range, setRange] = useState({ from: '', to: '' });
  const steps = useStore((s) => s.lanes[s.mechanism]?.timeline?.n ?? 0);
  if (!open) return null;

  const put = async (r: { url: string } | { error: string }, what: string, wrap?: (url: string) => string) => {
    if ('error' in r) {
      setText('');
      setStatus(r.error);
      return;
    }
    const t = wrap ? wrap(r.url) : r.url;
    setText(t);
    setStatus((await copyText(t)) ? `${what} copied to the clipboard.` : `${what} is below: select it and copy it.`);
  };
  const embed = () => {
    // Steps as people count them (1..n; 0 is the start) -> link steps (-1..n-1).
    const from = num(range.from, 0, Math.max(0, steps), 0) - 1;
    const to = num(range.to, 0, Math.max(0, steps), steps) - 1;
    const limited = range.from.trim() !== '' || range.to.trim() !== '';
    const r = linkUrl({ at: 'current', mode: 'embed', range: limited ? [Math.min(from, to), Math.max(from, to)] : null });
    const w = num(size.w, 200, 4000, 960);
    const h = num(size.h, 150, 4000, 600);
    void put(r, 'Embed code', (url) => embedCode(url, w, h, titleOf(useStore.getState().source)));
  };

  return (
    <Overlay title="Share" onClose={() => useStore.getState().openDialog(null)}>
      <div className="share">
        <p className="muted">
          A link holds the whole scenario, the mechanisms, the step and the view: no server keeps anything. Opening it shows exactly this.
        </p>
        <div className="share-row">
          <button type="button" onClick={() => void put(linkUrl({ at: 'start' }), 'Link')}>
            Copy link
          </button>
          <button type="button" onClick={() => void put(linkUrl({ at: 'current' }), 'Link to this step')}>
            Copy link to this step
          </button>
          <button type="button" onClick={() => void put(linkUrl({ at: 'current', mode: 'present' }), 'Presentation link')}>
            Copy presentation link
          </button>
        </div>
        <fieldset className="share-embed">
          <legend>Embed in slides or a course page</legend>
          <label>
            width <input aria-label="Embed width" inputMode="numeric" value={size.w} onChange={(e) => setSize({ ...size, w: e.target.value })} />
          </label>
          <label>
            height <input aria-label="Embed height" inputMode="numeric" value={size.h} onChange={(e) => setSize({ ...size, h: e.target.value })} />
          </label>
          <label>
            steps from <input aria-label="Embed from step" inputMode="numeric" placeholder="0" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
          </label>
          <label>
            to <input aria-label="Embed to step" inputMode="numeric" placeholder={String(steps)} value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
          </label>
          <button type="button" onClick={embed}>
            Copy embed code
          </button>
        </fieldset>
        <textarea className="share-text" aria-label="Copied text" readOnly value={text} rows={4} onFocus={(e) => e.currentTarget.select()} />
        <p role="status" className="share-status">
          {status}
        </p>
      </div>
    </Overlay>
  );
}
