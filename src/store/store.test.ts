// Store actions against the real core, in-process: load, run, step, seek,
// step by event, breakpoints, play, compare, bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from './store.ts';
import { freshStore, ready, until } from './testing.ts';
import { selectDoc } from './selectors.ts';

const LOOP = 'mmap X 8M at 0x100000000000\nrepeat 4 { touch X i*2M 2M; madvise X i*2M 2M dontneed }\nmunmap X 0 8M\n';
const st = () => useStore.getState();
const fig = () => st().lanes[st().mechanism]!.frame!.snapshot.figures;

beforeEach(freshStore);
afterEach(freshStore);

describe('running a scenario', () => {
  it('compiles, runs in the lane worker and shows the state before the first step', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    expect(st().lanes.baseline?.status).toBe('running');
    await ready();
    expect(st().lanes.baseline?.timeline?.n).toBe(10);
    expect(st().step).toBe(-1);
    expect(fig().VmPTE).toBe(0);
  });

  it('seeks anywhere, forward and back, exactly', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().seek(8);
    await ready();
    expect(fig().tables.pte).toBe(4);
    st().stepBy(1);
    await ready();
    expect(fig().VmPTE).toBe(0);
    st().stepBy(-1);
    await ready();
    expect(fig().tables.pte).toBe(4);
    st().seek(1);
    await ready();
    expect(fig().RssAnon).toBe(2048);
    st().seek(999);
    expect(st().step).toBe(9);
    st().seek(-5);
    expect(st().step).toBe(-1);
  });

  it('steps kernel event by kernel event inside a statement, and back out of it', async () => {
    st().setMechanism('pte-ref');
    st().setSource('mmap X 2M at 0x100000000000\ntouch X 0 8K');
    await ready();
    st().seek(0);
    await ready();
    await st().stepEvent(1);
    expect(st().step).toBe(1);
    expect(st().event).toBe(0);
    await ready();
    const n = st().lanes['pte-ref']!.frame!.events!.length;
    expect(n).toBeGreaterThan(5);
    for (let k = 1; k < n - 1; k++) await st().stepEvent(1);
    expect(st().event).toBe(n - 2);
    await st().stepEvent(1);
    expect(st().event).toBeNull();
    expect(st().step).toBe(1);
    await st().stepEvent(-1);
    expect(st().event).toBe(n - 2);
    st().stepBy(-1);
    expect(st().step).toBe(0);
    expect(st().event).toBeNull();
  });

  it('jumps to the next and previous step that frees a table', async () => {
    st().setMechanism('pt-reclaim');
    st().setSource(LOOP);
    await ready();
    st().jumpMarker('freed', 1);
    expect(st().step).toBe(2);
    st().jumpMarker('freed', 1);
    expect(st().step).toBe(4);
    st().jumpMarker('freed', -1);
    expect(st().step).toBe(2);
  });

  it('play stops at a breakpoint on state, and at the end', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().setBreakpoints({ freed: true });
    st().setSpeed(1000);
    st().play();
    st().tick(1000);
    expect(st().playing).toBe(false);
    expect(st().step).toBe(9); // baseline frees only at munmap
    expect(st().stoppedBy).toMatch(/4 PTE tables freed/);
    st().setBreakpoints({ freed: false, emptied: true });
    st().play();
    st().tick(1000);
    expect(st().step).toBe(2); // the first DONTNEED empties a table
    st().setBreakpoints({ emptied: false, vmPteAbove: 16 });
    st().runToBreak(1);
    expect(st().step).toBe(5); // the third table: 20 kB
    st().setBreakpoints({ vmPteAbove: null });
    st().play();
    st().tick(100);
    expect(st().step).toBe(9);
    expect(st().playing).toBe(false);
    expect(st().stoppedBy).toBe('end of run');
  });

  it('plays at its speed', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().setSpeed(4);
    st().play();
    st().tick(250);
    expect(st().step).toBe(0);
    st().tick(500);
    expect(st().step).toBe(2);
    st().pause();
    st().tick(1000);
    expect(st().step).toBe(2);
  });
});

describe('mechanisms and compare', () => {
  it('switching mechanism runs it once and keeps the step', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().seek(2);
    await ready();
    expect(fig().tables.pte).toBe(1);
    st().setMechanism('pt-reclaim');
    await ready();
    expect(st().step).toBe(2);
    expect(fig().tables.pte).toBe(0);
  });

  it('compare runs every mechanism in lockstep', async () => {
    st().setSource(LOOP);
    st().setCompare(['pt-reclaim', 'baseline']);
    expect(st().compare).toEqual(['baseline', 'pt-reclaim']);
    await ready();
    st().seek(8);
    await ready();
    expect(st().lanes.baseline!.frame!.snapshot.figures.tables.pte).toBe(4);
    expect(st().lanes['pt-reclaim']!.frame!.snapshot.figures.tables.pte).toBe(0);
    st().setCompare(['baseline']);
    expect(st().compare).toBeNull();
  });
});

describe('bad input', () => {
  it('an invalid edit shows the error and keeps the last good run', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().seek(3);
    await ready();
    st().setSource(LOOP + 'mmapp Y 4M\n');
    expect(st().errors[0]).toMatchObject({ line: 4, message: expect.stringContaining("did you mean 'mmap'") });
    expect(st().lanes.baseline?.status).toBe('ready');
    expect(st().goodSource).toBe(LOOP);
    expect(st().step).toBe(3);
  });

  it('a runtime error ends the run at its step, with the message', async () => {
    st().setMechanism('baseline');
    st().setSource('mmap X 4M\ntouch X 0 4K\ntouch Y 0 4K\ntouch X 0 8K\n');
    await ready();
    const lane = st().lanes.baseline!;
    expect(lane.timeline!.n).toBe(3);
    expect(lane.summary!.error?.error.kind).toBe('unknown_mapping');
    st().seek(2);
    await ready();
    expect(st().lanes.baseline!.frame!.step!.error!.message).toMatch(/no mapping named Y/);
  });

  it('a scenario too large for the browser says so and does not start', async () => {
    st().setSource('mmap X 1T\nrepeat 1100000 { touch X i*4K 4K }');
    expect(st().errors[0].message).toMatch(/1100000 statements; the limit is 1000000/);
    expect(st().lanes).toEqual({});
    st().setSource('mmap X 100T\nrepeat 200 { madvise X 0 100T dontneed }');
    expect(st().sizeMessage).toMatch(/works on 10,485,760,000 2 MiB slots; the browser lab stops at 160,000,000/);
    expect(st().lanes).toEqual({});
    st().setSource('mmap X 10T\nrepeat 600000 { touch X i*8M+4K 4M }');
    expect(st().sizeMessage).toMatch(/touches part of a 2 MiB slot 1,200,000 times .*; the browser lab stops at 1,000,000/);
    expect(st().lanes).toEqual({});
  });

  it('the document part of the state is plain, serialisable data', async () => {
    st().setSource(LOOP);
    await ready();
    const doc = selectDoc(st());
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('cancel', () => {
  it('a cancelled run leaves the previous run on screen', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().setSource('mmap A 50G\nrepeat 25600 { touch A i*2M 2M; madvise A i*2M 2M dontneed }');
    await until(() => (st().lanes.baseline?.done ?? 0) > 0, 'progress');
    st().cancelRun();
    await until(() => st().lanes.baseline?.status === 'ready', 'cancelled');
    expect(st().lanes.baseline?.message).toBe('run cancelled');
    expect(st().lanes.baseline?.timeline?.n).toBe(10);
  });
});

describe('stopped', () => {
  it('"stopped: ..." stays until the next move by hand', async () => {
    st().setMechanism('baseline');
    st().setSource(LOOP);
    await ready();
    st().setBreakpoints({ emptied: true });
    st().runToBreak(1);
    expect(st().stoppedBy).toMatch(/reached 0/);
    st().stepBy(1);
    expect(st().stoppedBy).toBeNull();
  });
});
