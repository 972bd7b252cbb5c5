// Stepping inside a statement: applying all of a step's recorded events to
// the state before it must give the core's own state after it, for every
// step of every lecture preset under every mechanism.
import { describe, expect, it } from 'vitest';
import { Run } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { PRESETS } from '../store/presets.ts';
import { SimHost } from '../worker/host.ts';
import type { ViewSnapshot } from '../worker/protocol.ts';
import { applyEvents, describeEvent } from './events.ts';

const host = new SimHost({ post: () => {}, yieldNow: () => Promise.resolve(), now: () => 0 });

const tables = (s: ViewSnapshot, refcounts: boolean) =>
  Array.from(s.pte.id, (_, k) => [s.pte.slot[k], s.pte.kind[k], s.pte.nonNone[k], refcounts ? s.pte.refcount[k] : 0]);

// Lecture-sized presets: not the 50 GiB test, nor a production-size one (terabytes: preset 29), whose frames carry no table list.
const small = PRESETS.filter((p) => !p.source.includes('50G') && !/\b\d+T\b/.test(p.source));

describe('applyEvents', () => {
  it('has lecture presets to check', () => {
    expect(small.length).toBeGreaterThan(3);
  });

  for (const p of small) {
    for (const m of MECHANISMS) {
      it(`${p.id} under ${m}: all events of a step give the state after it`, () => {
        const c = compile(p.source);
        if (!c.ok) throw new Error(c.errors[0].message);
        const run = new Run(c.ops, { mechanism: m, checkpoints: true });
        run.advance();
        const n = Math.min(run.steps.length, 600);
        for (let i = 0; i < n; i += n > 60 ? 37 : 1) {
          const f = host.buildFrame(run, i, true);
          const after = applyEvents(f.before!, f.beforeEntries!, f.events!, f.events!.length - 1).snapshot;
          const where = `${p.id} ${m} step ${i} (${run.steps[i].text})`;
          expect(tables(after, m === 'pte-ref'), where).toEqual(tables(f.snapshot, m === 'pte-ref'));
          expect(after.figures.VmPTE, where).toBe(f.snapshot.figures.VmPTE);
          expect(after.figures.RssAnon, where).toBe(f.snapshot.figures.RssAnon);
          expect(after.pmds.map((x) => x.addr), where).toEqual(f.snapshot.pmds.map((x) => x.addr));
          for (const e of f.events!) expect(describeEvent(e).length).toBeGreaterThan(5);
        }
      });
    }
  }

  it('part way through a touch, only the first faults have landed', () => {
    const c = compile('mmap X 2M at 0x100000000000\ntouch X 0 16K');
    if (!c.ok) throw new Error('bad');
    const run = new Run(c.ops, { mechanism: 'baseline', checkpoints: true });
    run.advance();
    const f = host.buildFrame(run, 1, true);
    const firstSet = f.events!.findIndex((e) => e.kind === 'pte_set');
    const mid = applyEvents(f.before!, f.beforeEntries!, f.events!, firstSet);
    expect(mid.snapshot.pte.nonNone[0]).toBe(1);
    expect(mid.snapshot.figures.RssAnon).toBe(4);
    expect(Array.from(mid.entries.values())[0].slice(0, 4)).toEqual(Uint8Array.from([1, 0, 0, 0]));
  });
});
