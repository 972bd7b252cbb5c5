// ptlab inspect PID: a live process's page tables as far as /proc shows
// them. Node only.
//
// /proc/PID/status gives VmPTE (every PUD, PMD and PTE table, 4 kB each);
// /proc/PID/smaps gives each mapping's Rss and Swap; /proc/PID/pagemap gives
// each page's present (bit 63) and swapped (bit 62) bits, read only for the
// mappings with Rss or Swap, in large chunks. From those pages follows the
// minimum: one PTE table per 2 MiB slot holding a present or swapped page
// (a THP's deposited table included), one PMD table per 1 GiB, one PUD table
// per 512 GiB. VmPTE above that minimum is tables that map nothing: mostly
// empty PTE tables (the 2021 cover letter's "in theory only 1.2g" figure is
// this minimum), or PMD/PUD tables left above reclaimed PTE tables.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parseMapsLine, type MapsVma } from '../record/snapshot.ts';

const PAGE = 4096;
const CHUNK = 1 << 16; // pagemap entries per read: 512 kB

export interface InspectedVma extends MapsVma {
  rssKb: number;
  swapKb: number;
  /** 2 MiB slots the mapping spans. */
  slots: number;
  /** Of those, slots with a present or swapped page of this mapping. */
  slotsWithPages: number;
}

export interface Inspection {
  pid: number;
  name: string;
  VmPTE: number;
  VmRSS: number;
  presentPages: number;
  swappedPages: number;
  min: { pud: number; pmd: number; pte: number; kb: number };
  /** VmPTE above the minimum, kB, and as 4 kB tables. */
  beyondKb: number;
  beyondTables: number;
  vmas: InspectedVma[];
  /** Present and swapped pages per 2 MiB slot (address >> 21) that has any. */
  slotPages: Map<number, number>;
}

export class InspectError extends Error {}

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new InspectError(`no process ${pid} (it has exited, or never existed)`);
    if (code === 'EACCES' || code === 'EPERM') throw new InspectError(`permission denied reading /proc/${pid}/${file}: inspect your own processes, or run as root`);
    throw new InspectError(`cannot read /proc/${pid}/${file}: ${(e as Error).message}`);
  }
}

const field = (status: string, key: string): number => Number(new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(status)?.[1] ?? NaN);

export function inspect(pidArg: number | 'self'): Inspection {
  if (process.platform !== 'linux') throw new InspectError(`ptlab inspect reads /proc: it needs Linux (this is ${process.platform})`);
  const pid = String(pidArg);
  const status = readProc(pid, 'status');
  const VmPTE = field(status, 'VmPTE');
  if (Number.isNaN(VmPTE)) throw new InspectError(`/proc/${pid}/status has no VmPTE (a kernel thread has no page tables of its own)`);
  const vmas: InspectedVma[] = [];
  let cur: InspectedVma | null = null;
  for (const line of readProc(pid, 'smaps').split('\n')) {
    const v = /^[0-9a-f]+-[0-9a-f]+ /.test(line) ? parseMapsLine(line) : null;
    if (v) {
      cur = { ...v, rssKb: 0, swapKb: 0, slots: 0, slotsWithPages: 0 };
      if (v.end <= 0x800000000000) vmas.push(cur); // not [vsyscall]
    } else if (cur && line.startsWith('Rss:')) cur.rssKb = Number(/\d+/.exec(line)?.[0] ?? 0);
    else if (cur && line.startsWith('Swap:')) cur.swapKb = Number(/\d+/.exec(line)?.[0] ?? 0);
  }
  const slots = new Map<number, number>();
  const gigs = new Set<number>();
  const regions = new Set<number>();
  let presentPages = 0;
  let swappedPages = 0;
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch (e) {
    throw new InspectError(`cannot open /proc/${pid}/pagemap: ${(e as Error).message} (inspect your own processes, or run as root)`);
  }
  const buf = Buffer.alloc(CHUNK * 8);
  try {
    for (const v of vmas) {
      v.slots = Math.floor((v.end - 1) / (PAGE * 512)) - Math.floor(v.start / (PAGE * 512)) + 1;
      if (v.rssKb === 0 && v.swapKb === 0) continue;
      let lastSlot = -1;
      for (let a = v.start; a < v.end; ) {
        const n = Math.min(CHUNK, (v.end - a) / PAGE);
        const got = readSync(fd, buf, 0, n * 8, (a / PAGE) * 8) / 8;
        if (got <= 0) break;
        for (let i = 0; i < got; i++) {
          const hi = buf.readUInt32LE(i * 8 + 4);
          const present = (hi & 0x80000000) !== 0;
          const swapped = (hi & 0x40000000) !== 0;
          if (!present && !swapped) continue;
          if (present) presentPages++;
          else swappedPages++;
          const addr = a + i * PAGE;
          const slot = Math.floor(addr / (PAGE * 512));
          slots.set(slot, (slots.get(slot) ?? 0) + 1);
          if (slot !== lastSlot) {
            if (slots.get(slot) === 1) {
              gigs.add(Math.floor(slot / 512));
              regions.add(Math.floor(slot / (512 * 512)));
            }
            v.slotsWithPages++;
            lastSlot = slot;
          }
        }
        a += got * PAGE;
      }
    }
  } finally {
    closeSync(fd);
  }
  const min = { pud: regions.size, pmd: gigs.size, pte: slots.size, kb: 4 * (regions.size + gigs.size + slots.size) };
  const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '';
  return {
    pid: Number(/^Pid:\s*(\d+)/m.exec(status)?.[1] ?? pid), name, VmPTE, VmRSS: field(status, 'VmRSS'),
    presentPages, swappedPages, min, beyondKb: VmPTE - min.kb, beyondTables: (VmPTE - min.kb) / 4, vmas, slotPages: slots,
  };
}
