// The VIRT/RES sweep: how much of the possible saving each design captures
// as the address space grows relative to what is resident. One `alloc`
// workload per point: a fixed arena (VIRT), a live set that peaks at half of
// it and shrinks to arena / ratio by the end (RES), under one purge policy.
// The whole arena is touched over the run (next-fit wraps round it), so the
// baseline ends with a PTE table for every 2 MiB slot, as the 2021 cover
// letter's process did (VIRT 55 TiB, RES 590 GiB, VmPTE 110 GiB).
//
// The minimum the resident pages need: the upper-level tables the run keeps
// anyway plus one PTE table per 2 MiB slot holding a live page (the
// workload knows its live set; MADV_FREE'd pages are resident but not live).
// possible = baseline - minimum; a design captures (baseline - its VmPTE) / possible.
// Pure: the CLI prints it, the app draws it (in a worker).
import { runFlat } from '../core/index.ts';
import { compile, formatSize, MECHANISMS, type MechanismName } from '../scenario/index.ts';
import { capturedPercent, minimumVmPte } from './saving.ts';

import { DEFAULT_RATIOS, type SweepOptions, type SweepPoint } from './sweepFormat.ts';

export { capturedPercent } from './saving.ts';
export * from './sweepFormat.ts';

export function sweepScenario(o: Required<Omit<SweepOptions, 'ratios'>>, ratio: number): string {
  const end = Math.max(4096, Math.floor(o.arena / ratio / 4096) * 4096);
  const purge = o.purge === 'decay' ? 'decay 10' : o.purge;
  return `# VIRT/RES ${ratio}: ${o.purge}\n# The sweep's point: arena ${formatSize(o.arena)}, live set ${formatSize(o.arena / 2)} at its peak, ${formatSize(end)} at the end.\n` +
    `alloc H arena ${formatSize(o.arena)} live ${formatSize(o.arena / 2)} end ${formatSize(end)} ticks ${o.ticks} extent 16K 512K churn 10 purge ${purge} seed ${o.seed}\n`;
}

export function sweepPoint(opts: SweepOptions, ratio: number): SweepPoint {
  const o = { arena: opts.arena ?? 512 * 2 ** 20, purge: opts.purge, seed: opts.seed ?? 1, ticks: opts.ticks ?? 100 };
  const scenario = sweepScenario(o, ratio);
  const c = compile(scenario);
  if (!c.ok) throw new Error(`VIRT/RES ${ratio}: ${c.errors[0].message}`);
  const lastLive = c.program.at(c.program.length - 1)?.live;
  const vmPte = {} as Record<MechanismName, number>;
  let base: ReturnType<typeof runFlat> | undefined;
  for (const m of MECHANISMS) {
    const r = runFlat(c.program, { mechanism: m, keepSteps: false });
    if (r.error) throw new Error(`VIRT/RES ${ratio}, ${m}: ${r.error.error.message}`);
    vmPte[m] = r.final.VmPTE;
    if (m === 'baseline') base = r;
  }
  const b = base!.final;
  const slots = lastLive?.slots ?? 0;
  const minimum = minimumVmPte(b.VmPTE, b.tables.pte, slots);
  const captures = {} as Record<MechanismName, number | null>;
  for (const m of MECHANISMS) captures[m] = capturedPercent(b.VmPTE, vmPte[m], minimum);
  return {
    purge: o.purge, ratio, scenario, virt: b.VmSize, res: b.RssAnon, live: ((lastLive?.pages ?? 0) * 4096) / 1024,
    vmPte, minimum, possible: b.VmPTE - minimum, captures,
  };
}

export function sweep(opts: SweepOptions, onPoint?: (p: SweepPoint) => void): SweepPoint[] {
  return (opts.ratios ?? DEFAULT_RATIOS).map((r) => {
    const p = sweepPoint(opts, r);
    onPoint?.(p);
    return p;
  });
}

