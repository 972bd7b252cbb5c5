// @vitest-environment jsdom
// Sharing and safety from the page's side: a crash shows a way back, a broken
// link offers its recovered text, captions and names stay text in lecture
// mode, the embed snippet and the strip SVG escape what they quote.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { configureSim, useStore } from '../../store/store.ts';
import { localSimPort } from '../../worker/localPort.ts';
import { ErrorBoundary } from '../chrome/ErrorBoundary.tsx';
import { LinkNotice } from '../chrome/LinkNotice.tsx';
import { LectureCaption } from '../lecture/LectureCaption.tsx';
import { reset, showRun } from '../testing.tsx';
import { embedCode } from './ShareDialog.tsx';
import { stripSvg } from './stripSvg.ts';
import { escapeXml } from './clipboard.ts';
import type { Shown } from '../useShown.ts';

const EVIL = '<b>x</b><img src=x onerror=alert(1)>';

beforeEach(reset);
afterEach(() => {
  cleanup();
  reset();
});

function Boom(): never {
  throw new Error('the frame had no snapshot');
}

describe('safety nets', () => {
  it('a render error shows a message and a button back to the default scenario', () => {
    let resets = 0;
    const quiet = console.error;
    console.error = () => {};
    try {
      render(
        <ErrorBoundary onReset={() => resets++}>
          <Boom />
        </ErrorBoundary>,
      );
    } finally {
      console.error = quiet;
    }
    expect(screen.getByRole('alert', { name: 'Something went wrong' }).textContent).toContain('the frame had no snapshot');
    fireEvent.click(screen.getByRole('button', { name: 'Reload the default scenario' }));
    expect(resets).toBe(1);
  });

  it('a broken link notice offers the recovered text, as text', () => {
    configureSim(localSimPort);
    useStore.setState({ linkNotice: { message: 'this link is corrupted or cut short', recovered: `say "${EVIL}"\nmmap A 4K` } });
    const { container } = render(<LinkNotice />);
    expect(screen.getByRole('alert', { name: 'Link problem' }).textContent).toContain('2 lines of the scenario could be recovered');
    fireEvent.click(screen.getByRole('button', { name: 'Open the recovered text' }));
    expect(useStore.getState().source).toBe(`say "${EVIL}"\nmmap A 4K`);
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('text stays text', () => {
  it('lecture captions print HTML literally', () => {
    showRun(`say "${EVIL}"\nmmap A 4K\n`, 'pte-ref', 0);
    const step = useStore.getState().lanes['pte-ref']!.frame!.step;
    const { container } = render(<LectureCaption step={step} index={0} />);
    expect(container.querySelector('.lecture-say')!.textContent).toBe(EVIL);
    expect(container.querySelector('b, img')).toBeNull();
  });

  it('the embed snippet escapes the address and the title', () => {
    const code = embedCode('https://h/p/?a="b"#v1:x;embed', 640, 400, `"><script>alert(1)</script>`);
    expect(code).toBe('<iframe src="https://h/p/?a=&quot;b&quot;#v1:x;embed" width="640" height="400" title="ptlab: &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" style="border:0" loading="lazy"></iframe>');
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('the strip SVG escapes its title and draws one rect per table', () => {
    showRun('mmap X 8M at 0x100000000000\ntouch X 0 4K\ntouch X 2M 8K\ntouch X 6M 4K\n', 'baseline', 3);
    const s = useStore.getState().lanes.baseline!.frame!;
    const shown = { mechanism: 'baseline', snapshot: s.snapshot, prev: null, step: s.step, items: [], vmas: [], events: null, event: null, eventEntries: null } as unknown as Shown;
    // Items as the view computes them.
    shown.items = Array.from(s.snapshot.pte.slot, (slot, k) => ({ id: s.snapshot.pte.id[k], slot, value: s.snapshot.pte.nonNone[k], kind: 0, status: 'live' })) as unknown as Shown['items'];
    const svg = stripSvg(shown, 2, EVIL);
    const doc = new DOMParser().parseFromString(svg.text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelectorAll('rect.tbl')).toHaveLength(3);
    expect(doc.querySelector('text')!.textContent).toBe(EVIL);
    expect(doc.querySelector('img, b')).toBeNull();
  });
});
