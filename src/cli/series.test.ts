// The tour's data (src/share/series.ts) against the core (here, beside the presets' goldens: it reads scenarios/): all 15 patches, in order, each pointing
// at a preset step where the event it names really happens under pte-ref.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../scenario/index.ts';
import { Run } from '../core/trace/run.ts';
import { SERIES } from '../share/series.ts';

const runs = new Map<string, Run>();
function runOf(preset: string): Run {
  let r = runs.get(preset);
  if (!r) {
    const c = compile(readFileSync(new URL(`../../scenarios/${preset}.ptlab`, import.meta.url), 'utf8'));
    if (!c.ok) throw new Error(`${preset}: ${JSON.stringify(c.errors)}`);
    r = new Run(c.ops, { mechanism: 'pte-ref', checkpoints: true });
    runs.set(preset, r);
  }
  return r;
}

describe('the tour of the 2021 series', () => {
  it('lists patches 1 to 15 once each, with a title and a Message-ID of the v3 posting', () => {
    expect(SERIES.map((p) => p.n)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const p of SERIES) {
      expect(p.title.length, `${p.n}`).toBeGreaterThan(10);
      expect(p.messageId).toBe(`20211110105428.32458-${p.n + 1}-zhengqi.arch@bytedance.com`);
    }
    expect(new Set(SERIES.map((p) => p.title)).size).toBe(15);
  });

  for (const p of SERIES) {
    it(`${p.n}/15 ${p.title}: ${p.at.preset} step ${p.at.step} shows ${p.at.shows.kind} by ${p.at.shows.by}`, () => {
      const run = runOf(p.at.preset);
      const { events } = run.stateAt(p.at.step, true);
      const e = events[p.at.event] as { kind: string; by?: string } | undefined;
      expect(e, `event ${p.at.event} of ${events.length}`).toBeDefined();
      expect({ kind: e!.kind, by: e!.by }).toEqual(p.at.shows);
      // The step itself runs without an error, under the design the tour opens.
      run.advance();
      expect(run.error === undefined || run.error.index > p.at.step).toBe(true);
    });
  }

  it('11/15 opens the walker: the count rises by one and falls back in the same step', () => {
    const p = SERIES[10];
    const ev = runOf(p.at.preset).stateAt(p.at.step, true).events.filter((e) => e.kind === 'refcount') as { from: number; to: number }[];
    expect(ev).toHaveLength(2);
    expect(ev[0].to).toBe(ev[0].from + 1);
    expect(ev[1]).toEqual(expect.objectContaining({ from: ev[0].to, to: ev[0].from }));
  });
});
