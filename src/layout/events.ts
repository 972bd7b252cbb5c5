// Stepping inside a statement: the state after the first k+1 kernel events
// of a step, drawn from the state before it plus the events the core
// recorded. This replays no kernel logic, it applies each reported fact
// (a table allocated, an entry set, a refcount changed, a table freed) to
// the picture. It is exact for the tables whose entries the worker sent
// (every table the step's entry events touch); at the step's end the page
// shows the core's own snapshot again.
import type { SimEvent, VmaView } from '../core/index.ts';
// The core's own module, not its index (which would bring the whole core into the first screen's JavaScript).
import { PTE_SWAP, isAnonPte, isLazyPte } from '../core/mm/pgtable.ts';
import type { ViewSnapshot } from '../worker/protocol.ts';

const SLOT = 2 * 1024 * 1024;
const PAGE = 4096;
const NONE = 0;
const ANON = 1;
const ZERO = 2;
const FILE = 3;
const ANON_THP = 4;
const SWAP = PTE_SWAP;

interface T {
  id: number;
  slot: number;
  nonNone: number;
  refcount: number;
  kind: number;
}

export interface EventState {
  snapshot: ViewSnapshot;
  /** Entries of the tables the events touched, as they are after event k. */
  entries: Map<number, Uint8Array>;
}

const slotOf = (addr: number) => Math.floor(addr / SLOT);
const indexIn = (addr: number) => Math.floor((addr % SLOT) / PAGE);
const isAnon = (e: number) => isAnonPte(e);

export function applyEvents(
  before: ViewSnapshot,
  beforeEntries: { slot: number; ents: Uint8Array }[],
  events: SimEvent[],
  upto: number,
): EventState {
  const tables = new Map<number, T>();
  const p = before.pte;
  for (let k = 0; k < p.id.length; k++) tables.set(p.slot[k], { id: p.id[k], slot: p.slot[k], nonNone: p.nonNone[k], refcount: p.refcount[k], kind: p.kind[k] });
  const entries = new Map(beforeEntries.map((e) => [e.slot, e.ents.slice()]));
  let puds = [...before.puds];
  let pmds = [...before.pmds];
  let vmas: VmaView[] = [...before.vmas];
  let rss = before.figures.RssAnon;
  const byId = (id: number) => {
    for (const t of tables.values()) if (t.id === id) return t;
    return undefined;
  };

  for (let i = 0; i <= upto && i < events.length; i++) {
    const e = events[i];
    switch (e.kind) {
      case 'table_allocated':
        if (e.level === 'pte') {
          tables.set(slotOf(e.addr), { id: e.id, slot: slotOf(e.addr), nonNone: 0, refcount: 0, kind: 0 });
          if (!entries.has(slotOf(e.addr))) entries.set(slotOf(e.addr), new Uint8Array(512));
        } else if (e.level === 'pmd') pmds.push({ id: e.id, addr: e.addr });
        else puds.push({ id: e.id, addr: e.addr });
        break;
      case 'table_freed':
        if (e.level === 'pte') {
          const t = byId(e.id);
          if (t) tables.delete(t.slot);
        } else if (e.level === 'pmd') pmds = pmds.filter((x) => x.id !== e.id);
        else puds = puds.filter((x) => x.id !== e.id);
        break;
      case 'pte_set': {
        const t = tables.get(slotOf(e.addr));
        if (!t) break;
        const ents = entries.get(t.slot);
        const v = e.value === 'anon' ? ANON : e.value === 'file' ? FILE : ZERO;
        const old = ents ? ents[indexIn(e.addr)] : NONE;
        if (ents) ents[indexIn(e.addr)] = v;
        if (old === NONE) t.nonNone++;
        if (v === ANON && !isAnon(old)) rss += 4;
        break;
      }
      case 'ptes_cleared': {
        const t = tables.get(slotOf(e.addr));
        if (!t) break;
        t.nonNone = Math.max(0, t.nonNone - e.count);
        const ents = entries.get(t.slot);
        if (!ents) break;
        for (let k = indexIn(e.addr), stop = indexIn(e.end - 1) + 1, left = e.count; k < stop && left > 0; k++) {
          if (ents[k] === NONE) continue;
          if (isAnon(ents[k])) rss -= 4;
          ents[k] = NONE;
          left--;
        }
        break;
      }
      case 'ptes_swapped': {
        const ents = entries.get(slotOf(e.addr));
        if (!ents) break;
        for (let k = indexIn(e.addr), stop = indexIn(e.end - 1) + 1, left = e.count; k < stop && left > 0; k++) {
          if (!isAnon(ents[k]) || isLazyPte(ents[k])) continue;
          ents[k] = SWAP;
          rss -= 4;
          left--;
        }
        break;
      }
      case 'huge_collapsed': {
        const t = tables.get(slotOf(e.addr));
        if (!t) break;
        const ents = entries.get(t.slot);
        let anon = 0;
        if (ents) for (let k = 0; k < 512; k++) if (isAnon(ents[k])) anon++;
        rss += 4 * (512 - anon);
        entries.set(t.slot, new Uint8Array(512));
        t.kind = 1;
        t.nonNone = 512;
        break;
      }
      case 'refcount': {
        const t = byId(e.tableId);
        if (t) t.refcount = e.to;
        break;
      }
      case 'huge_mapped': {
        const t = tables.get(slotOf(e.addr));
        if (t) {
          t.kind = e.zero ? 2 : 1;
          t.nonNone = 512;
        }
        if (!e.zero) rss += 2048;
        break;
      }
      case 'huge_split': {
        const t = tables.get(slotOf(e.addr));
        if (!t) break;
        const ents = new Uint8Array(512).fill(t.kind === 2 ? ZERO : ANON_THP);
        entries.set(t.slot, ents);
        t.kind = 0;
        t.nonNone = 512;
        break;
      }
      case 'huge_zapped': {
        const t = tables.get(slotOf(e.addr));
        if (t && t.kind === 1) rss -= 2048;
        if (t) t.nonNone = 0;
        break;
      }
      case 'pmd_moved':
        if (e.level === 'pmd') moveTable(tables, entries, slotOf(e.from), slotOf(e.to));
        else {
          const from = Math.floor(e.from / 2 ** 30);
          const to = Math.floor(e.to / 2 ** 30);
          for (const t of [...tables.values()]) if (Math.floor(t.slot / 512) === from) moveTable(tables, entries, t.slot, t.slot + (to - from) * 512);
          pmds = pmds.map((x) => (x.addr === from * 2 ** 30 ? { ...x, addr: to * 2 ** 30 } : x));
        }
        break;
      case 'ptes_moved':
        movePtes(tables, entries, e.from, e.to, e.count);
        break;
      case 'vma':
        if (e.action === 'insert') {
          const v: VmaView = { start: e.start, end: e.end, prot: 'rw', hugepage: false, nohugepage: false, kind: 'anon' };
          vmas = [...vmas, v].sort((a, b) => a.start - b.start);
        }
        else if (e.action === 'remove') vmas = vmas.filter((v) => !(v.start === e.start && v.end === e.end));
        break;
      default:
    }
  }
  return { snapshot: rebuild(before, tables, puds, pmds, vmas, rss), entries };
}

function moveTable(tables: Map<number, T>, entries: Map<number, Uint8Array>, from: number, to: number): void {
  const t = tables.get(from);
  if (!t) return;
  tables.delete(from);
  tables.set(to, { ...t, slot: to });
  const ents = entries.get(from);
  if (ents) {
    entries.delete(from);
    entries.set(to, ents);
  }
}

function movePtes(tables: Map<number, T>, entries: Map<number, Uint8Array>, from: number, to: number, count: number): void {
  const src = tables.get(slotOf(from));
  const dst = tables.get(slotOf(to));
  if (src) src.nonNone = Math.max(0, src.nonNone - count);
  if (dst) dst.nonNone = Math.min(512, dst.nonNone + count);
  const se = src && entries.get(src.slot);
  const de = dst && entries.get(dst.slot);
  if (!se || !de) return;
  const shift = indexIn(to) - indexIn(from);
  for (let k = indexIn(from), left = count; k < 512 && left > 0; k++) {
    if (se[k] === NONE) continue;
    const d = k + shift;
    if (d >= 0 && d < 512) de[d] = se[k];
    se[k] = NONE;
    left--;
  }
}

function rebuild(before: ViewSnapshot, tables: Map<number, T>, puds: ViewSnapshot['puds'], pmds: ViewSnapshot['pmds'], vmas: VmaView[], rss: number): ViewSnapshot {
  const list = [...tables.values()].sort((a, b) => a.slot - b.slot);
  const n = list.length;
  const pte = { id: new Int32Array(n), slot: new Int32Array(n), nonNone: new Uint16Array(n), refcount: new Uint16Array(n), kind: new Uint8Array(n) };
  list.forEach((t, k) => {
    pte.id[k] = t.id;
    pte.slot[k] = t.slot;
    pte.nonNone[k] = t.nonNone;
    pte.refcount[k] = t.refcount;
    pte.kind[k] = t.kind;
  });
  const vmSize = vmas.reduce((s, v) => s + (v.end - v.start), 0) / 1024;
  const counts = { pud: puds.length, pmd: pmds.length, pte: n };
  return {
    index: before.index,
    puds: [...puds].sort((a, b) => a.addr - b.addr),
    pmds: [...pmds].sort((a, b) => a.addr - b.addr),
    pte,
    vmas,
    names: before.names,
    figures: { VmPTE: (counts.pud + counts.pmd + counts.pte) * 4, RssAnon: Math.max(0, rss), VmSize: vmSize, tables: counts },
  };
}

/** One line for an event, in the kernel's words. */
export function describeEvent(e: SimEvent): string {
  const hex = (n: number) => '0x' + n.toString(16);
  switch (e.kind) {
    case 'fault':
      return `${e.by}: ${e.write ? 'write' : 'read'} fault at ${hex(e.addr)}`;
    case 'table_allocated':
      return `${e.by}: ${e.level.toUpperCase()} table #${e.id} allocated for ${hex(e.addr)}`;
    case 'table_freed':
      return `${e.by}: ${e.level.toUpperCase()} table #${e.id} at ${hex(e.addr)} freed${e.rcu ? ' (after an RCU grace period)' : ''}`;
    case 'pte_set':
      return `${e.by}: entry for ${hex(e.addr)} set to ${e.value === 'anon' ? 'an anonymous page' : e.value === 'file' ? 'a file page' : 'the zero page'}`;
    case 'ptes_cleared':
      return `${e.by}: ${e.count} entr${e.count === 1 ? 'y' : 'ies'} cleared from ${hex(e.addr)}`;
    case 'ptes_swapped':
      return `${e.by}: ${e.count} entr${e.count === 1 ? 'y' : 'ies'} from ${hex(e.addr)} became swap entries`;
    case 'huge_collapsed':
      return `${e.by}: slot ${hex(e.addr)} collapsed into a huge PMD; PTE table #${e.tableId} deposited under it`;
    case 'refcount':
      return `${e.by}: table #${e.tableId} refcount ${e.from} → ${e.to}`;
    case 'huge_mapped':
      return `${e.by}: huge PMD at ${hex(e.addr)} maps ${e.zero ? 'the huge zero page' : 'a 2 MiB page'}`;
    case 'huge_split':
      return `${e.by}: huge PMD at ${hex(e.addr)} split into 512 PTEs`;
    case 'huge_zapped':
      return `${e.by}: huge PMD at ${hex(e.addr)} zapped`;
    case 'pmd_moved':
      return `${e.by}: ${e.level === 'pmd' ? 'PTE table' : 'PMD table'} moved ${hex(e.from)} → ${hex(e.to)}`;
    case 'ptes_moved':
      return `${e.by}: ${e.count} entries moved ${hex(e.from)} → ${hex(e.to)}`;
    case 'tlb_flush':
      return `${e.by}: TLB flush`;
    case 'vma':
      return `${e.by}: VMA [${hex(e.start)}, ${hex(e.end)}) ${e.action}`;
    case 'reason':
      return `${e.reason.verdict}: ${e.reason.text}`;
  }
}
