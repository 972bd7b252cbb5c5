// @vitest-environment jsdom
// What a person sees: the node view's tables and colours, the stepping
// buttons, the kernel path and reasons, the figures, the help.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { countColour, EMPTY_COLOUR } from '../layout/colour.ts';
import { useStore } from '../store/store.ts';
import { PageTableView } from './pt/PageTableView.tsx';
import { Transport } from './transport/Transport.tsx';
import { KernelPath } from './panels/KernelPath.tsx';
import { Figures } from './panels/Figures.tsx';
import { HelpOverlay } from './chrome/HelpOverlay.tsx';
import { SHORTCUTS, handleKey } from './shortcuts.ts';
import { CompareTable } from './compare/CompareTable.tsx';
import { reset, showRun } from './testing.tsx';

const FIRST = 'mmap X 4M at 0x100000000000\ntouch X 0 4K\nmadvise X 0 4K dontneed\ntouch X 2M 8K\n';

beforeEach(reset);
afterEach(() => {
  cleanup();
  reset();
});

describe('the page-table view (nodes)', () => {
  it('draws each PTE table coloured by its entries, with the count printed', () => {
    showRun(FIRST, 'baseline', 3);
    const { container } = render(<PageTableView mechanism="baseline" />);
    const boxes = container.querySelectorAll('g.tbl');
    expect(boxes).toHaveLength(2);
    const [empty, two] = Array.from(boxes);
    // The DONTNEEDed table: allocated, 0 entries: hatched vermillion with a 0.
    expect(empty.getAttribute('data-empty')).toBe('true');
    expect(empty.getAttribute('data-fill')).toBe(EMPTY_COLOUR);
    expect(empty.textContent).toContain('0');
    expect(two.getAttribute('data-fill')).toBe(countColour(2));
    expect(two.textContent).toContain('2');
    expect(screen.getByText('PTE table entries')).toBeTruthy();
  });

  it('under pte-ref the colour is the refcount, and the emptied table is gone', () => {
    showRun(FIRST, 'pte-ref', 3);
    const { container } = render(<PageTableView mechanism="pte-ref" />);
    const boxes = container.querySelectorAll('g.tbl:not(.tbl-freed)');
    expect(boxes).toHaveLength(1);
    expect(boxes[0].getAttribute('data-value')).toBe('2');
    expect(screen.getByText('PTE table refcount')).toBeTruthy();
  });

  it('a table allocated this step fades in; one freed this step stays as a fading ghost', () => {
    showRun(FIRST, 'pte-ref', 2);
    const { container } = render(<PageTableView mechanism="pte-ref" />);
    expect(container.querySelectorAll('g.tbl-freed')).toHaveLength(1);
    cleanup();
    showRun(FIRST, 'pte-ref', 3);
    const r = render(<PageTableView mechanism="pte-ref" />);
    expect(r.container.querySelectorAll('g.tbl-new')).toHaveLength(1);
  });

  it('hovering a table tells its range, level, entries, refcount and VMA; clicking selects it', () => {
    showRun(FIRST, 'pte-ref', 3);
    const { container } = render(<PageTableView mechanism="pte-ref" />);
    const box = container.querySelector('g.tbl:not(.tbl-freed)')!;
    fireEvent.mouseEnter(box, { clientX: 10, clientY: 10 });
    const tip = screen.getByRole('tooltip');
    expect(tip.textContent).toContain('0x100000200000 – 0x100000400000');
    expect(tip.textContent).toContain('2 of 512 non-none');
    expect(tip.textContent).toContain('refcount2');
    expect(tip.textContent).toContain('X [0x100000000000, +4M)');
    fireEvent.click(box);
    expect(useStore.getState().selectedSlot).toBe(0x100000200000 / 2 ** 21);
    expect(screen.getByRole('complementary', { name: 'PTE table entries' })).toBeTruthy();
  });

  it('has visible zoom and pan buttons', () => {
    showRun(FIRST, 'baseline', 1);
    render(<PageTableView mechanism="baseline" />);
    for (const name of ['Zoom in', 'Zoom out', 'Fit to view', 'Pan left', 'Pan right', 'Pan up', 'Pan down']) {
      expect(screen.getByRole('button', { name: `${name} (baseline)` })).toBeTruthy();
    }
  });
});

describe('stepping controls', () => {
  it('the buttons call the store, and are disabled at the ends', () => {
    showRun(FIRST, 'baseline', -1);
    render(<Transport />);
    expect(screen.getByRole('button', { name: 'Previous statement' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('step-label').textContent).toContain('start · 4 steps');
    fireEvent.click(screen.getByRole('button', { name: 'Go to end' }));
    expect(useStore.getState().step).toBe(3);
    expect(screen.getByTestId('step-label').textContent).toBe('step 4 / 4');
    expect(screen.getByRole('button', { name: 'Next statement' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Previous statement' }));
    expect(useStore.getState().step).toBe(2);
  });

  it('every shortcut has a label in the help, and keys typed in the editor are left alone', () => {
    useStore.setState({ help: true });
    render(<HelpOverlay />);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts and glossary' });
    for (const s of SHORTCUTS) expect(within(dialog).getByText(s.label)).toBeTruthy();
    // The glossary names the words the view uses.
    const words = within(dialog).getAllByRole('term').map((t) => t.textContent);
    for (const w of ['PTE table', 'refcount', 'VmPTE', 'RssAnon', 'slot', 'zap', 'THP']) expect(words.some((t) => t?.startsWith(w))).toBe(true);
    // p presents, and only presents: "previous free" is Shift+n (N), never p.
    const byKey = (k: string) => SHORTCUTS.filter((s) => s.keys.includes(k)).map((s) => s.label);
    expect(byKey('p')).toEqual(byKey('P'));
    expect(byKey('p')[0]).toMatch(/^Presentation/);
    expect(byKey('N')[0]).toMatch(/^Previous step that frees/);
    expect(new Set(SHORTCUTS.flatMap((s) => s.keys)).size).toBe(SHORTCUTS.flatMap((s) => s.keys).length);
    const toggle = vi.spyOn(useStore.getState(), 'togglePlay');
    const ed = document.createElement('div');
    ed.className = 'cm-editor';
    const inner = document.createElement('div');
    ed.appendChild(inner);
    document.body.appendChild(ed);
    expect(handleKey(new KeyboardEvent('keydown', { key: ' ', bubbles: true }))).toBe(true);
    const e = new KeyboardEvent('keydown', { key: ' ' });
    Object.defineProperty(e, 'target', { value: inner });
    expect(handleKey(e)).toBe(false);
    expect(toggle).toHaveBeenCalledTimes(1);
    ed.remove();
  });
});

describe('why and how much', () => {
  it('shows the kernel path and each table\'s verdict and reason', () => {
    const run = showRun(FIRST, 'pt-reclaim', 2);
    render(<KernelPath step={run.steps[2]} events={null} event={null} />);
    expect(screen.getByRole('list', { name: 'Call path' }).textContent).toContain('zap_pte_range');
    const why = screen.getByRole('list', { name: /freed or kept/ });
    expect(why.textContent).toMatch(/kept.*needs the whole slot/);
  });

  it('shows a runtime error beside its step', () => {
    const run = showRun('mmap X 4M\ntouch Y 0 4K', 'baseline', 1);
    render(<KernelPath step={run.steps[1]} events={null} event={null} />);
    expect(screen.getByRole('alert').textContent).toMatch(/no mapping named Y.*the run stops here/);
  });

  it('figures with the change the step made', () => {
    const f = { VmPTE: 12, RssAnon: 4, VmSize: 4096, tables: { pte: 1, pmd: 1, pud: 1 } };
    render(<Figures figures={f} before={{ ...f, VmPTE: 0, tables: { pte: 0, pmd: 0, pud: 0 } }} />);
    const vm = screen.getByText('VmPTE').parentElement!;
    expect(vm.textContent).toBe('VmPTE12 kB+12 kB');
  });

  it('the compare table lines up figures and counters by mechanism', () => {
    showRun(FIRST, 'baseline', 2);
    const base = useStore.getState().lanes.baseline!;
    showRun(FIRST, 'pte-ref', 2);
    act(() => useStore.setState((s) => ({ lanes: { ...s.lanes, baseline: base }, compare: ['baseline', 'pte-ref'] })));
    const { container } = render(<CompareTable mechanisms={['baseline', 'pte-ref']} />);
    const cell = (m: string, row: string) => container.querySelector(`td[data-mechanism="${m}"][data-row="${row}"]`)!.textContent;
    expect(cell('baseline', 'VmPTE')).toBe('12 kB');
    expect(cell('pte-ref', 'VmPTE')).toBe('8 kB');
    expect(cell('pte-ref', 'PTE tables freed')).toBe('1');
    expect(container.querySelector('tr.differ th')!.textContent).toBe('VmPTE');
  });

  it('the compare table says how much of the possible saving each design captures', () => {
    const src = 'alloc H arena 64M live 16M end 2M ticks 30 extent 16K 256K churn 30 purge dontneed';
    const last = 10_000;
    showRun(src, 'baseline', last);
    const base = useStore.getState().lanes.baseline!;
    showRun(src, 'pt-reclaim', last);
    const pr = useStore.getState().lanes['pt-reclaim']!;
    showRun(src, 'pte-ref', last);
    act(() => useStore.setState((s) => ({ lanes: { ...s.lanes, baseline: base, 'pt-reclaim': pr }, compare: ['baseline', 'pte-ref', 'pt-reclaim'] })));
    const { container } = render(<CompareTable mechanisms={['baseline', 'pte-ref', 'pt-reclaim']} />);
    const cell = (m: string) => container.querySelector(`td[data-mechanism="${m}"][data-row="captures"]`)!.textContent;
    expect([cell('baseline'), cell('pte-ref'), cell('pt-reclaim')]).toEqual(['0%', '100%', '0%']);
    expect(container.textContent).toMatch(/the possible saving: [\d,]+ kB \(minimum [\d,]+ kB, from the live set\)/);
  });
});
