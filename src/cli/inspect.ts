// ptlab inspect PID|--self [--json]: a live process's VmPTE beside the
// minimum its present and swapped pages need (src/inspect/inspect.ts), and
// which design this kernel runs.
import { detectMechanism } from '../../kernel/twin.ts';
import { writeFileSync } from 'node:fs';
import { InspectError, inspect, type Inspection } from '../inspect/inspect.ts';
import { INSPECT_FORMAT, INSPECT_VERSION, encodeSlots, type InspectSnapshot } from '../share/inspectSnapshot.ts';

export const INSPECT_USAGE = 'ptlab inspect PID|--self [--json] [--save FILE]';

/** The snapshot the app opens (src/share/inspectSnapshot.ts). */
export function toSnapshot(r: Inspection, kernel: { mechanism: string; why: string }, taken = new Date()): InspectSnapshot {
  return {
    format: INSPECT_FORMAT,
    version: INSPECT_VERSION,
    pid: r.pid,
    name: r.name,
    taken: taken.toISOString(),
    kernel: { mechanism: kernel.mechanism, why: kernel.why },
    VmPTE: r.VmPTE,
    VmRSS: r.VmRSS,
    presentPages: r.presentPages,
    swappedPages: r.swappedPages,
    minimum: { pud: r.min.pud, pmd: r.min.pmd, pte: r.min.pte, kB: r.min.kb },
    mappings: r.vmas.map((v) => ({ start: v.start, end: v.end, prot: v.prot, shared: v.shared, path: v.path, rssKb: v.rssKb, swapKb: v.swapKb })),
    slots: encodeSlots(r.slotPages),
  };
}

const kb = (n: number): string => `${n.toLocaleString('en')} kB`;
const hex = (n: number): string => n.toString(16);

function top(r: Inspection, n: number) {
  return r.vmas
    .filter((v) => v.rssKb + v.swapKb > 0 && v.slots > v.slotsWithPages)
    .sort((a, b) => b.slots - b.slotsWithPages - (a.slots - a.slotsWithPages))
    .slice(0, n);
}

export function cmdInspect(argv: string[]): number {
  let target: number | 'self' | undefined;
  let json = false;
  let save: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--self') target = 'self';
    else if (a === '--json') json = true;
    else if (a === '--save') {
      save = argv[++i];
      if (!save) {
        console.error(`ptlab inspect: --save needs a file name\nusage: ${INSPECT_USAGE}`);
        return 2;
      }
    }
    else if (/^\d+$/.test(a)) target = Number(a);
    else {
      console.error(`ptlab inspect: unexpected ${a}\nusage: ${INSPECT_USAGE}`);
      return 2;
    }
  }
  if (target === undefined) {
    console.error(`ptlab inspect: which process? Give a PID or --self\nusage: ${INSPECT_USAGE}`);
    return 2;
  }
  let r: Inspection;
  try {
    r = inspect(target);
  } catch (e) {
    if (e instanceof InspectError) {
      console.error(`ptlab inspect: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const design = detectMechanism();
  const worst = top(r, 10);
  if (save) {
    try {
      writeFileSync(save, JSON.stringify(toSnapshot(r, design)) + '\n');
    } catch (e) {
      console.error(`ptlab inspect: cannot write ${save}: ${(e as Error).message}`);
      return 2;
    }
    // With --json stdout stays JSON only.
    (json ? console.error : console.log)(`saved a snapshot of process ${r.pid} to ${save}: drop it on the ptlab app, or open it with the Export dialog's file picker`);
  }
  if (json) {
    process.stdout.write(JSON.stringify({
      pid: r.pid, name: r.name, VmPTE: r.VmPTE, VmRSS: r.VmRSS, presentPages: r.presentPages, swappedPages: r.swappedPages,
      minimum: { pud: r.min.pud, pmd: r.min.pmd, pte: r.min.pte, kB: r.min.kb }, beyondMinimum: { kB: r.beyondKb, tables: r.beyondTables }, kernel: design,
      mappings: worst.map((v) => ({ start: v.start, end: v.end, prot: v.prot, path: v.path, rssKb: v.rssKb, swapKb: v.swapKb, slots: v.slots, slotsWithPages: v.slotsWithPages })),
    }) + '\n');
    return 0;
  }
  console.log(`process ${r.pid} (${r.name}): VmPTE ${kb(r.VmPTE)}, VmRSS ${kb(r.VmRSS)}`);
  console.log(`this kernel: ${design.mechanism} (${design.why})`);
  const slots = r.min.pte;
  console.log(`present pages ${r.presentPages.toLocaleString('en')}, swapped ${r.swappedPages.toLocaleString('en')}, in ${slots.toLocaleString('en')} 2 MiB slots`);
  console.log(`minimum tables for them: ${r.min.pud} PUD + ${r.min.pmd} PMD + ${r.min.pte.toLocaleString('en')} PTE = ${kb(r.min.kb)}`);
  console.log(`beyond the minimum: ${kb(r.beyondKb)} = ${r.beyondTables.toLocaleString('en')} tables that map no present or swapped page (empty PTE tables, or PMD/PUD tables above freed ones)`);
  if (worst.length) {
    console.log('mappings with pages whose other 2 MiB slots have none (each such slot may hold an empty PTE table):');
    for (const v of worst) {
      const what = v.path || '[anon]';
      console.log(`  ${hex(v.start)}-${hex(v.end)} ${v.prot.padEnd(4)} ${what.slice(0, 40).padEnd(40)} ${(v.slots - v.slotsWithPages).toLocaleString('en').padStart(8)} of ${v.slots.toLocaleString('en')} slots without a page, Rss ${kb(v.rssKb)}`);
    }
  }
  return 0;
}
