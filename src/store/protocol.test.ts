// The worker protocol, driven without a worker: SimHost's handler directly,
// and LaneClient over the in-process port.
import { afterEach, describe, expect, it } from 'vitest';
import { SimHost, eventSlots } from '../worker/host.ts';
import { localSimPort } from '../worker/localPort.ts';
import { FLAG_EMPTIED, type FromWorker, type ToWorker } from '../worker/protocol.ts';
import { LaneClient } from './laneClient.ts';

const LOOP = 'mmap X 8M at 0x100000000000\nrepeat 4 { touch X i*2M 2M; madvise X i*2M 2M dontneed }\nmunmap X 0 8M\n';

function host() {
  const out: FromWorker[] = [];
  let clock = 0;
  const h = new SimHost({ post: (m) => out.push(m), yieldNow: () => Promise.resolve(), now: () => (clock += 50), clockEvery: 1 }); // every step outlasts a chunk
  const send = (m: ToWorker) => h.handle(m);
  return { out, send };
}

describe('SimHost', () => {
  it('runs a scenario in chunks, posting progress, then the timeline and summary', async () => {
    const { out, send } = host();
    await send({ t: 'run', runId: 1, source: LOOP, mechanism: 'baseline' });
    expect(out.some((m) => m.t === 'progress')).toBe(true);
    const ready = out.find((m) => m.t === 'ready');
    if (ready?.t !== 'ready') throw new Error('no ready');
    expect(ready.timeline.n).toBe(10);
    expect(Array.from(ready.timeline.ptes)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 0]);
    expect(ready.timeline.alloc[1]).toBe(1);
    expect(ready.timeline.freed[9]).toBe(4);
    // Baseline keeps each emptied table: the DONTNEED steps are flagged.
    expect(ready.timeline.flags[2] & FLAG_EMPTIED).toBe(FLAG_EMPTIED);
    expect(ready.summary.final.VmPTE).toBe(0);
    expect(ready.summary.maxPtes).toBe(4);
  });

  it('answers a frame with a flat snapshot of the state at that step', async () => {
    const { out, send } = host();
    await send({ t: 'run', runId: 1, source: LOOP, mechanism: 'baseline' });
    await send({ t: 'frame', runId: 1, reqId: 7, index: 4, record: false });
    const f = out.find((m) => m.t === 'frame');
    if (f?.t !== 'frame') throw new Error('no frame');
    expect(f.reqId).toBe(7);
    const s = f.frame!.snapshot;
    expect(s.index).toBe(4);
    expect(Array.from(s.pte.slot)).toEqual([0x100000000000 / 2 ** 21, 0x100000000000 / 2 ** 21 + 1]);
    expect(Array.from(s.pte.nonNone)).toEqual([0, 0]);
    expect(s.names).toEqual([{ name: 'X', start: 0x100000000000, len: 8 * 2 ** 20 }]);
    expect(s.figures.VmPTE).toBe(16);
    expect(f.frame!.step?.text).toBe('madvise X i*2M 2M dontneed');
  });

  it('a production-size run: frames carry one number per slot instead of a table list, few reasons a step', async () => {
    const { out, send } = host();
    // 600 GiB touched whole (307,200 PTE tables), a partial hole, then half of it purged.
    const src = 'mmap X 600G at 0x100000000000\ntouch X 0 600G\nmadvise X 4K 8K dontneed\nmadvise X 300G 300G dontneed';
    await send({ t: 'run', runId: 1, source: src, mechanism: 'pte-ref' });
    const ready = out.find((m) => m.t === 'ready');
    if (ready?.t !== 'ready') throw new Error('no ready');
    expect(ready.summary.maxPtes).toBe(307_200);
    await send({ t: 'frame', runId: 1, reqId: 1, index: 3, record: false });
    const f = out.find((m) => m.t === 'frame');
    if (f?.t !== 'frame') throw new Error('no frame');
    const s = f.frame!.snapshot;
    expect(s.pte.id.length).toBe(0);
    expect(s.pmds).toHaveLength(600);
    expect(s.cells!.length).toBe(600 * 512);
    // pte-ref frees every table the purge emptied: the first 300 PMD tables keep 512 full tables, but the first keeps 510 entries in its first table.
    expect(s.cells![0]).toBe(510 + 1);
    expect(s.cells![1]).toBe(512 + 1);
    expect(s.cells![300 * 512 - 1]).toBe(512 + 1);
    expect(s.cells!.subarray(300 * 512).every((v) => v === 0)).toBe(true);
    expect(s.figures.tables.pte).toBe(153_600);
    // The purge's step keeps 2 reason lines and counts the other 153,598.
    const step = f.frame!.step!;
    expect(step.reasons).toHaveLength(2);
    expect(step.moreReasons!.reduce((n, m) => n + m.count, 0)).toBe(153_598);
  });

  it('a recorded frame carries the events, the state before and the touched tables\' entries', async () => {
    const { out, send } = host();
    await send({ t: 'run', runId: 1, source: 'mmap X 2M at 0x100000000000\ntouch X 0 8K', mechanism: 'pte-ref' });
    await send({ t: 'frame', runId: 1, reqId: 1, index: 1, record: true });
    const f = out.find((m) => m.t === 'frame');
    if (f?.t !== 'frame') throw new Error('no frame');
    const kinds = f.frame!.events?.map((e) => e.kind);
    expect(kinds).toContain('table_allocated');
    expect(kinds?.filter((k) => k === 'fault')).toHaveLength(2);
    expect(kinds).toContain('refcount');
    expect(f.frame!.before?.pte.id.length).toBe(0);
    expect(f.frame!.snapshot.pte.refcount[0]).toBe(2);
  });

  it('reports a compile error as failed', async () => {
    const { out, send } = host();
    await send({ t: 'run', runId: 3, source: 'mmap X', mechanism: 'baseline' });
    expect(out).toEqual([expect.objectContaining({ t: 'failed', runId: 3 })]);
  });

  it('a cancel stops a run at its next chunk and keeps the previous run serving frames', async () => {
    const { out, send } = host();
    await send({ t: 'run', runId: 1, source: LOOP, mechanism: 'baseline' });
    const running = send({ t: 'run', runId: 2, source: LOOP, mechanism: 'baseline' });
    send({ t: 'cancel', runId: 2 });
    await running;
    expect(out.some((m) => m.t === 'cancelled' && m.runId === 2)).toBe(true);
    expect(out.some((m) => m.t === 'ready' && m.runId === 2)).toBe(false);
    await send({ t: 'frame', runId: 1, reqId: 9, index: 0, record: false });
    expect(out.at(-1)).toMatchObject({ t: 'frame', runId: 1, reqId: 9 });
  });

  it('eventSlots names every slot whose entries change', () => {
    const M2 = 2 ** 21;
    expect(eventSlots([
      { kind: 'pte_set', addr: M2 * 3 + 4096, tableId: 1, value: 'anon', by: 'do_anonymous_page' },
      { kind: 'ptes_moved', from: M2 * 5, to: M2 * 9, count: 2, by: 'move_ptes' },
      { kind: 'tlb_flush', by: 'x' },
    ]).sort()).toEqual([3, 5, 9]);
  });
});

describe('LaneClient over an in-process port', () => {
  let c: LaneClient | null = null;
  afterEach(() => c?.dispose());

  it('runs, then coalesces frame requests: only the latest is answered', async () => {
    const events: string[] = [];
    const ready = new Promise<void>((resolve) => {
      c = new LaneClient(localSimPort, {
        progress: () => events.push('progress'),
        ready: () => {
          events.push('ready');
          resolve();
        },
        failed: (m) => events.push('failed ' + m),
        cancelled: () => events.push('cancelled'),
      });
    });
    c!.run(LOOP, 'pt-reclaim');
    await ready;
    const a = c!.frame(1, false);
    const b = c!.frame(2, false);
    const d = c!.frame(2, false);
    const [fa, fb, fd] = await Promise.all([a, b, d]);
    expect(fa?.index).toBe(1);
    expect(fb).toBeNull();
    expect(fd?.index).toBe(2);
    // pt-reclaim freed the table on the whole-slot DONTNEED.
    expect(fd?.snapshot.pte.id.length).toBe(0);
    const ents = await c!.entries(1, 0x100000000000 / 2 ** 21);
    expect(ents?.filter((e) => e !== 0).length).toBe(512);
  });
});

describe('requests for a run that is gone', () => {
  it('still get an answer, so the client never waits forever', async () => {
    const { out, send } = host();
    await send({ t: 'frame', runId: 42, reqId: 1, index: 0, record: false });
    await send({ t: 'entries', runId: 42, reqId: 2, index: 0, slot: 0 });
    expect(out).toEqual([
      { t: 'frame', runId: 42, reqId: 1, frame: null },
      { t: 'entries', runId: 42, reqId: 2, index: 0, slot: 0, ents: null },
    ]);
  });
});
