// @vitest-environment jsdom
// The race panel as a person sees it, on preset 20 (a fault against
// MADV_DONTNEED): the two CPU lanes, the step buttons and their blocked
// reasons, back and reset, the keys 0 and 1, the switch to 'broken' and the
// checker's catch in red.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { MechanismName } from '../../core/index.ts';
import { presetById } from '../../store/presets.ts';
import { resetRaceStore, useRaceStore } from '../../store/race.ts';
import { configureSim, useStore } from '../../store/store.ts';
import { localSimPort } from '../../worker/localPort.ts';
import { HelpOverlay } from '../chrome/HelpOverlay.tsx';
import { handleKey } from '../shortcuts.ts';
import { reset, showRun } from '../testing.tsx';
import { RacePanel } from './RacePanel.tsx';

const P20 = presetById('20-race-fault-vs-dontneed')!.source;
const RACE = 2; // mmap, touch, then the race

function mount(mechanism: MechanismName = 'pt-reclaim', index = RACE) {
  showRun(P20, mechanism, index);
  const step = useStore.getState().lanes[mechanism]!.frame!.step;
  return render(<RacePanel mechanism={mechanism} step={step} />);
}

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
const click = (name: string) => act(() => void fireEvent.click(button(name)));
const key = (k: string) => act(() => void handleKey(new KeyboardEvent('keydown', { key: k })));
const lane = (id: 0 | 1) => screen.getByRole('region', { name: `CPU ${id}` });

beforeEach(reset);
afterEach(() => {
  cleanup();
  reset();
  resetRaceStore();
});

describe('the race panel', () => {
  it('is there only at a race step', () => {
    const { container } = mount('pt-reclaim', 1);
    expect(container.textContent).toBe('');
    expect(useRaceStore.getState().open).toBeNull();
  });

  it('shows each CPU with its statement and micro-steps, the table and the locks', () => {
    mount();
    expect(screen.getByRole('region', { name: 'Race lab' })).toBeTruthy();
    expect(within(lane(0)).getByText('touch A 16K 4K')).toBeTruthy();
    expect(within(lane(1)).getByText('madvise A 0 2M dontneed')).toBeTruthy();
    const steps0 = within(lane(0)).getByRole('list', { name: 'CPU 0 micro-steps' });
    expect(steps0.querySelector('[aria-current="step"]')!.textContent).toContain('page fault: mmap_read_lock');
    const tables = screen.getByRole('region', { name: 'Tables and locks' });
    expect(tables.querySelector('[data-table="3"]')!.getAttribute('data-state')).toBe('linked');
    expect(within(tables).getByText(/mmap_lock/).parentElement!.textContent).toContain('free');
    expect(screen.getByText('interleave 0*3 1* 0* 1*')).toBeTruthy();
  });

  it('steps CPUs by button and by the keys 0 and 1; a blocked CPU cannot move and says why', () => {
    mount();
    click('Step CPU 0');
    key('0');
    key('0');
    expect(useRaceStore.getState().cpus).toEqual([0, 0, 0]);
    expect(within(lane(0)).getByText(/RCU read side/)).toBeTruthy();
    // 1 steps CPU 1 here, it does not choose the baseline mechanism.
    for (let k = 0; k < 4; k++) key('1');
    expect(useStore.getState().mechanism).toBe('pt-reclaim');
    expect(useRaceStore.getState().cpus).toEqual([0, 0, 0, 1, 1, 1, 1]);
    const why = 'spinning: the PTE lock of table #3 is held by CPU 1';
    expect(button('Step CPU 0').disabled).toBe(true);
    expect(screen.getByTestId('race-blocked-0').textContent).toContain(why);
    expect(button('Step CPU 0').parentElement!.getAttribute('title')).toBe(why);
    expect(within(lane(1)).getByText('PTE lock of table #3')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Locks' })).getByText(/PTE lock of table #3: held by CPU 1/)).toBeTruthy();
    key('0'); // refused
    expect(useRaceStore.getState().cpus).toHaveLength(7);
    click('Back one micro-step');
    expect(useRaceStore.getState().cpus).toEqual([0, 0, 0, 1, 1, 1]);
    expect(button('Step CPU 0').disabled).toBe(false);
    click('Reset');
    expect(screen.getByText(/No micro-step taken yet/)).toBeTruthy();
  });

  it("under 'broken', the scenario's interleaving ends in a use-after-free, marked red", () => {
    mount();
    act(() => void fireEvent.click(within(screen.getByRole('group', { name: 'Race design' })).getByRole('button', { name: 'broken' })));
    expect(useRaceStore.getState().mechanism).toBe('broken');
    for (let k = 0; k < 13; k++) click('Next of the interleaving');
    expect(screen.queryByTestId('race-verdict')).toBeNull();
    click('Next of the interleaving');
    const verdict = screen.getByTestId('race-verdict');
    expect(verdict.textContent).toContain('CPU 0 spun on the PTE lock of table #3, but CPU 1 freed it at micro-step 10');
    const bad = within(lane(0)).getByRole('list', { name: 'CPU 0 micro-steps' }).querySelector('.race-step-bad')!;
    expect(bad.textContent).toContain('spin_lock(PTE lock)');
    expect(bad.textContent).toContain('use-after-free');
    expect(button('Step CPU 0').disabled).toBe(true);
    expect(button('Step CPU 1').disabled).toBe(true);
    const t3 = screen.getByRole('region', { name: 'Tables and locks' }).querySelector('[data-table="3"]')!;
    expect(t3.getAttribute('data-state')).toBe('freed');
    expect(t3.getAttribute('class')).toContain('race-raced');
    // The raced table's slot is outlined in the page-table view too.
    expect(document.querySelector('style')!.textContent).toMatch(/g\.tbl\[data-slot="\d+"\]/);
  });

  it('runs the interleaving to the end: no violation under the lane design', () => {
    mount('pte-ref');
    click('Run the interleaving');
    expect(screen.getByTestId('race-verdict').textContent).toContain('Both CPUs finished');
    expect(screen.getByTestId('race-verdict').textContent).toContain('pte-ref');
    expect(screen.getByRole('region', { name: 'Tables and locks' }).textContent).toContain('refcount');
  });

  it('the help lists the race keys', () => {
    useStore.setState({ help: true });
    render(<HelpOverlay />);
    expect(screen.getByText('At a race step: CPU 0 takes one micro-step')).toBeTruthy();
  });

  it('without the race panel, 1 still picks baseline', () => {
    configureSim(localSimPort);
    showRun(P20, 'pt-reclaim', 1);
    key('1');
    expect(useStore.getState().mechanism).toBe('baseline');
  });
});
