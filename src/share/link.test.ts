// Links keep their meaning forever, round-trip exactly, and a broken one
// never throws: it says what is wrong and recovers what it can.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { MECHANISMS } from '../scenario/ast.ts';
import { decodeLink, encodeLink, MAX_INFLATED_BYTES, type LinkState } from './link.ts';
import { compile } from '../scenario/index.ts';

/** Links released as format v1. Never edit these: a v1 link must always mean this. */
const GOLDEN: [string, LinkState][] = [
  [
    'v1:q1YqVrJSys1NLFCIUDDxVUgsUTCoMDRAgJi8kvzS5AygrIGCiXdMXm5iSllmcSqYb-SrkJKfV5KXmpoSk6eko5SrZBWtVFCiW5SanJOYmasUq6OUqWRlWAsA',
    { scenario: 'mmap X 4M at 0x100000000000\ntouch X 0 4K\nmadvise X 0 2M dontneed\n', mechanisms: ['pt-reclaim'], step: 1 },
  ],
  [
    'v1:RY-xDsIwEEN_5XRsKEG5g0IpExMTX0AZQntApCaN2oAQiH8nYqkn23oe_MERK5xB0_toB6mD9zbCHugANoF5kZlUh0Gi5Loghg-k_tHcM-rmfAQ-7sDb9ulGmSpo-5CCSAvfOqBCj9UJL3aUzgXJOSbRg1z_Lpums87jWaHDamOMQsFqqfCdV7wolCY2amUUbYotU1nSiop1mfGYHxjWbJh0kjFpui1i6uwFvz8;present',
    {
      scenario: '# compare\nmmap A 1G at 0x100000000000\nrepeat 512 { touch A i*2M 2M; madvise A i*2M 2M dontneed }\n',
      mechanisms: ['baseline', 'pte-ref', 'pt-reclaim'],
      step: 700,
      event: 3,
      view: { k: 2.5, x: -120, y: 40, selected: 0x100000200000 },
      mode: 'present',
      preset: '02-2021-test-1g.ptlab',
    },
  ],
  [
    'v1:LcixCoUgFAbgVzn8w-UGRkVNIkJzj5ANWgZBmqhLRO9eQ-t3IYEj6ZMUhJH-yGSOfRGVkfQjkea4hSz1bmP-N4WoPlBQ3jkdqKduUB4MDnxEyLaMdsXEsIGXDUN8uWbtdD8;embed',
    { scenario: 'say "<b>not bold</b> & <script>alert(1)</script>"\nmmap A 4K\n', mechanisms: ['pte-ref'], step: -1, range: [0, 3], mode: 'embed' },
  ],
];

const stateArb: fc.Arbitrary<LinkState> = fc.record(
  {
    scenario: fc.string({ maxLength: 400, unit: 'binary' }),
    mechanisms: fc.shuffledSubarray([...MECHANISMS], { minLength: 1 }),
    step: fc.integer({ min: -1, max: 1_000_000 }),
    event: fc.nat(10_000),
    view: fc.record({ k: fc.double({ min: 0.01, max: 100, noNaN: true }), x: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (v === 0 ? 0 : v)), y: fc.integer({ min: -5000, max: 5000 }), selected: fc.nat(2 ** 47) }, { requiredKeys: ['k', 'x', 'y'] }),
    mode: fc.constantFrom('present' as const, 'embed' as const),
    preset: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: ['scenario', 'mechanisms', 'step'] },
);

describe('links', () => {
  it('decode every released v1 link to exactly its state', () => {
    for (const [link, state] of GOLDEN) {
      const r = decodeLink('#' + link);
      expect(r).toEqual({ ok: true, state, version: 1 });
    }
  });

  it('round-trip any state exactly', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const r = decodeLink(encodeLink(s));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.state).toEqual(s);
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('carry a scenario with swap, pageout, collapse and khugepaged to the same statements', () => {
    const scenario = 'swap on\nthp always\nmmap A 4M at 0x100000000000\ntouch A 0 8K\nmadvise A 0 2M pageout\nmadvise A 0 2M collapse\nkhugepaged max_ptes_none 0 max_ptes_swap 8\nexpect VmSwap 0\n';
    const r = decodeLink(encodeLink({ scenario, mechanisms: ['pte-ref'], step: 3 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b] = [compile(scenario), compile(r.state.scenario)];
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(b.ops.map((o) => o.op)).toEqual(a.ops.map((o) => o.op));
    if (a.ok) expect(a.ops.map((o) => o.op.op)).toEqual(['swap', 'thp', 'mmap', 'touch', 'madvise', 'madvise', 'khugepaged']);
  });

  it('say a newer ptlab made a link from a newer format', () => {
    const r = decodeLink('#v2:abc');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/made by a newer ptlab \(link format v2\); this ptlab reads formats up to v1/);
  });

  it('recover the scenario from a link cut short', () => {
    const scenario = 'mmap X 4M at 0x100000000000\n' + 'touch X 0 4K\n'.repeat(40) + 'madvise X 0 2M dontneed\n';
    const link = encodeLink({ scenario, mechanisms: ['baseline'], step: 2 });
    const cut = link.slice(0, Math.floor(link.length * 0.8));
    const r = decodeLink(cut);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/corrupted or cut short/);
    expect(r.recovered && scenario.startsWith(r.recovered.slice(0, 40))).toBe(true);
    expect(r.recovered!.length).toBeGreaterThan(100);
  });

  it('refuse a compression bomb without inflating it all', () => {
    const bomb = 'v1:' + btoa(String.fromCharCode(...deflateSync(strToU8(`{"s":"${'a'.repeat(MAX_INFLATED_BYTES + 10)}"`)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const r = decodeLink(bomb);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/unpacks to more than 1024 KiB/);
  });

  it('explain wrong state inside a well-formed link', () => {
    const bad = 'v1:' + btoa(String.fromCharCode(...deflateSync(strToU8('{"s":"mmap A 4K","m":["magic"],"i":0}')))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const r = decodeLink(bad);
    expect(r).toEqual({ ok: false, message: 'the link names no valid mechanism (baseline, pte-ref, pt-reclaim)', recovered: 'mmap A 4K' });
    expect(decodeLink('#hello')).toMatchObject({ ok: false, message: expect.stringMatching(/not a ptlab link/) });
    expect(decodeLink('#v1:a;frobnicate')).toMatchObject({ ok: false, message: expect.stringMatching(/unknown link option/) });
    expect(decodeLink('#v1:' + 'A'.repeat(70000))).toMatchObject({ ok: false, message: expect.stringMatching(/too long/) });
  });

  it('never throw on thousands of random and mutated links', () => {
    const valid = GOLDEN.map(([l]) => l);
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(300), fc.constantFrom('delete', 'flip', 'insert', 'cut')), { maxLength: 6 }), fc.string({ maxLength: 3 })).map(([link, edits, ins]) => {
      let s = link;
      for (const [pos, kind] of edits) {
        const p = pos % (s.length + 1);
        if (kind === 'delete') s = s.slice(0, p) + s.slice(p + 1);
        else if (kind === 'insert') s = s.slice(0, p) + ins + s.slice(p);
        else if (kind === 'cut') s = s.slice(0, p);
        else s = s.slice(0, p) + String.fromCharCode((s.charCodeAt(p) || 65) ^ 1) + s.slice(p + 1);
      }
      return s;
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => 'v1:' + s), mutated), (link) => {
        const r = decodeLink(link);
        if (r.ok) {
          expect(Array.isArray(r.state.mechanisms)).toBe(true);
          expect(typeof r.state.scenario).toBe('string');
        } else {
          expect(r.message.length).toBeGreaterThan(10);
        }
      }),
      { seed: 42, numRuns: 5000 },
    );
  });
});
