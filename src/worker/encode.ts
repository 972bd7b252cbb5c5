// Flattening core state for the trip to the page: a Snapshot's PTE tables
// into typed arrays (25,600 tables cost 17 bytes each), and per-step series
// into a Timeline grown as the run advances (transferred once, at the end).
import { PMD_SIZE, slotCells, snapshot, type Figures, type Mm, type StepRecord } from '../core/index.ts';
import type { FlatStatement } from '../scenario/ast.ts';
import type { Frame, Timeline, ViewSnapshot } from './protocol.ts';

type State = Parameters<typeof snapshot>[0];

export function encodeSnapshot(index: number, mm: State, names: Map<string, { start: number; len: number }>, figures: Figures): ViewSnapshot {
  const s = snapshot(mm);
  let n = 0;
  for (const pud of s.puds) for (const pmd of pud.pmds) n += pmd.ptes.length;
  const pte = {
    id: new Int32Array(n),
    slot: new Int32Array(n),
    nonNone: new Uint16Array(n),
    refcount: new Uint16Array(n),
    kind: new Uint8Array(n),
  };
  const puds: ViewSnapshot['puds'] = [];
  const pmds: ViewSnapshot['pmds'] = [];
  let k = 0;
  for (const pud of s.puds) {
    puds.push({ id: pud.id, addr: pud.addr });
    for (const pmd of pud.pmds) {
      pmds.push({ id: pmd.id, addr: pmd.addr });
      for (const t of pmd.ptes) {
        pte.id[k] = t.id;
        pte.slot[k] = Math.floor(t.addr / PMD_SIZE);
        pte.nonNone[k] = t.nonNone;
        pte.refcount[k] = Math.min(t.refcount, 0xffff);
        pte.kind[k] = t.kind === 'table' ? 0 : t.kind === 'huge' ? 1 : 2;
        k++;
      }
    }
  }
  const nameList = [...names].map(([name, r]) => ({ name, start: r.start, len: r.len }));
  return { index, puds, pmds, pte, vmas: s.vmas, names: nameList, figures };
}

const NO_PTES = (): ViewSnapshot['pte'] => ({ id: new Int32Array(0), slot: new Int32Array(0), nonNone: new Uint16Array(0), refcount: new Uint16Array(0), kind: new Uint8Array(0) });

/**
 * A production-size state (millions of PTE tables): no table list, but one
 * number per 2 MiB slot of every PMD table (core slotCells: 1 KB a GiB).
 */
export function encodeCells(index: number, mm: Mm, names: Map<string, { start: number; len: number }>, figures: Figures, byRefcount: boolean): ViewSnapshot {
  const c = slotCells(mm, byRefcount);
  const s = mm.vmas.map((v) => {
    const out: ViewSnapshot['vmas'][number] = { start: v.start, end: v.end, prot: v.prot, hugepage: v.hugepage, nohugepage: v.nohugepage, kind: v.kind };
    if (v.label) out.label = v.label;
    return out;
  });
  const nameList = [...names].map(([name, r]) => ({ name, start: r.start, len: r.len }));
  return { index, puds: c.puds, pmds: c.pmds, pte: NO_PTES(), cells: c.cells, vmas: s, names: nameList, figures };
}

/** About what a frame holds, in bytes (the frame cache's budget). */
export function frameBytes(f: Frame): number {
  const snap = (s: ViewSnapshot | undefined) => (s ? s.pte.id.length * 17 + (s.cells?.byteLength ?? 0) + s.pmds.length * 32 : 0);
  return 256 + snap(f.snapshot) + snap(f.before) + (f.beforeEntries?.length ?? 0) * 512 + (f.events?.length ?? 0) * 64;
}

export function newTimeline(capacity: number): Timeline {
  return {
    n: 0,
    vmPte: new Float64Array(capacity),
    rssAnon: new Float64Array(capacity),
    vmSize: new Float64Array(capacity),
    ptes: new Int32Array(capacity),
    pmds: new Int32Array(capacity),
    puds: new Int32Array(capacity),
    alloc: new Int32Array(capacity),
    freed: new Int32Array(capacity),
    faults: new Float64Array(capacity),
    line: new Int32Array(capacity),
    flags: new Uint8Array(capacity),
    liveSlots: new Float64Array(capacity),
    quizzes: [],
  };
}

export function recordStep(tl: Timeline, r: Readonly<StepRecord>, st: Pick<FlatStatement, 'line' | 'quiz'>, flags: number, liveSlots = -1): void {
  const i = tl.n++;
  if (tl.liveSlots) tl.liveSlots[i] = liveSlots;
  tl.vmPte[i] = r.VmPTE;
  tl.rssAnon[i] = r.RssAnon;
  tl.vmSize[i] = r.VmSize;
  tl.ptes[i] = r.pte;
  tl.pmds[i] = r.pmd;
  tl.puds[i] = r.pud;
  tl.alloc[i] = r.aPte;
  tl.freed[i] = r.fPte;
  tl.faults[i] = r.faults;
  tl.line[i] = st.line;
  tl.flags[i] = flags;
  if (st.quiz) tl.quizzes.push({ index: i, ...st.quiz });
}

/** The timeline cut to its length, ready to transfer (a run that did every step fills its arrays: no copy). */
export function trimTimeline(tl: Timeline): { timeline: Timeline; buffers: ArrayBuffer[] } {
  const n = tl.n;
  const cut = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => (a.length === n ? a : (a.slice(0, n) as T));
  const timeline: Timeline = {
    n,
    vmPte: cut(tl.vmPte),
    rssAnon: cut(tl.rssAnon),
    vmSize: cut(tl.vmSize),
    ptes: cut(tl.ptes),
    pmds: cut(tl.pmds),
    puds: cut(tl.puds),
    alloc: cut(tl.alloc),
    freed: cut(tl.freed),
    faults: cut(tl.faults),
    line: cut(tl.line),
    flags: cut(tl.flags),
    ...(tl.liveSlots ? { liveSlots: cut(tl.liveSlots) } : {}),
    quizzes: tl.quizzes.filter((q) => q.index < n),
  };
  const buffers = Object.values(timeline).filter((v) => ArrayBuffer.isView(v)).map((v) => (v as Uint8Array).buffer as ArrayBuffer);
  return { timeline, buffers };
}
