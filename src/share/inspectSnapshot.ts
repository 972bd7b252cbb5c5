// The snapshot `ptlab inspect PID --save FILE` writes and the app opens (file
// picker or drag and drop): a live process's mappings, the resident and
// swapped pages in each of its 2 MiB slots, and its measured VmPTE beside the
// minimum those pages need. Pure: the CLI builds it, the app reads it, and
// both go through checkInspectSnapshot, so a damaged or foreign file gets one
// clear message instead of a broken view.

export const INSPECT_FORMAT = 'ptlab-inspect';
export const INSPECT_VERSION = 1;

const TASK_SIZE = 2 ** 47;
const SLOT = 2 ** 21;
/** At most this many mappings and slots with pages: a 128 TiB address space has 64 Mi slots. */
const MAX_MAPPINGS = 1_000_000;
const MAX_SLOTS = TASK_SIZE / SLOT;

export interface SnapshotMapping {
  start: number;
  end: number;
  prot: 'r' | 'rw' | 'none';
  shared: boolean;
  /** The pathname column of /proc/PID/maps ('' for anonymous memory). */
  path: string;
  rssKb: number;
  swapKb: number;
}

export interface InspectSnapshot {
  format: typeof INSPECT_FORMAT;
  version: number;
  pid: number;
  name: string;
  /** When it was taken (ISO 8601). */
  taken: string;
  /** Which design the kernel that ran the process uses, and how that was found. */
  kernel: { mechanism: string; why: string };
  /** kB, from /proc/PID/status. */
  VmPTE: number;
  VmRSS: number;
  presentPages: number;
  swappedPages: number;
  /** The fewest tables the present and swapped pages need. */
  minimum: { pud: number; pmd: number; pte: number; kB: number };
  mappings: SnapshotMapping[];
  /**
   * The 2 MiB slots holding a present or swapped page, in address order:
   * slot numbers (address >> 21) as differences from the previous one (the
   * first from 0), and the pages (1 to 512) in each.
   */
  slots: { delta: number[]; pages: number[] };
}

/** Slot numbers from the snapshot's differences. */
export function slotNumbers(s: InspectSnapshot): Float64Array {
  const out = new Float64Array(s.slots.delta.length);
  let at = 0;
  for (let i = 0; i < out.length; i++) out[i] = at += s.slots.delta[i];
  return out;
}

/** The slots-with-pages encoding of a map slot -> pages. */
export function encodeSlots(pages: Map<number, number>): InspectSnapshot['slots'] {
  const keys = [...pages.keys()].sort((a, b) => a - b);
  const delta: number[] = [];
  const counts: number[] = [];
  let prev = 0;
  for (const k of keys) {
    delta.push(k - prev);
    counts.push(pages.get(k)!);
    prev = k;
  }
  return { delta, pages: counts };
}

export type SnapshotCheck = { ok: true; snapshot: InspectSnapshot } | { ok: false; message: string };

const isNat = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Is this text a snapshot ptlab can show? Every field is checked; the message says what is wrong. */
export function checkInspectSnapshot(text: string): SnapshotCheck {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not valid JSON (${(e as Error).message})` };
  }
  const bad = (what: string): SnapshotCheck => ({ ok: false, message: `damaged snapshot: ${what}` });
  if (!v || typeof v !== 'object' || (v as { format?: unknown }).format !== INSPECT_FORMAT) {
    return { ok: false, message: `not a ptlab inspect snapshot (no "format": "${INSPECT_FORMAT}"); \`ptlab inspect PID --save FILE\` makes one` };
  }
  const s = v as Record<string, unknown>;
  if (!isNat(s.version) || s.version < 1) return bad('no valid version');
  if (s.version > INSPECT_VERSION) return { ok: false, message: `this snapshot is version ${s.version}, made by a newer ptlab; this one reads version ${INSPECT_VERSION}` };
  if (!isNat(s.pid)) return bad('pid is not a number');
  if (typeof s.name !== 'string' || typeof s.taken !== 'string') return bad('name or taken is missing');
  const k = s.kernel as Record<string, unknown> | undefined;
  if (!k || typeof k.mechanism !== 'string' || typeof k.why !== 'string') return bad('kernel is missing');
  for (const f of ['VmPTE', 'VmRSS', 'presentPages', 'swappedPages'] as const) if (!isNat(s[f])) return bad(`${f} is not a count`);
  const m = s.minimum as Record<string, unknown> | undefined;
  if (!m || !isNat(m.pud) || !isNat(m.pmd) || !isNat(m.pte) || !isNat(m.kB)) return bad('minimum is missing or not counts');
  if (!Array.isArray(s.mappings) || s.mappings.length > MAX_MAPPINGS) return bad('mappings is not a list (or has more than a million)');
  let prevEnd = 0;
  for (const [i, x] of (s.mappings as Record<string, unknown>[]).entries()) {
    if (!x || !isNat(x.start, TASK_SIZE) || !isNat(x.end, TASK_SIZE) || x.end <= x.start) return bad(`mapping ${i + 1} has no valid start and end below 128 TiB`);
    if (x.start < prevEnd) return bad(`mapping ${i + 1} overlaps the one before or is out of order`);
    prevEnd = x.end;
    if (x.prot !== 'r' && x.prot !== 'rw' && x.prot !== 'none') return bad(`mapping ${i + 1} has protection ${JSON.stringify(x.prot)}`);
    if (typeof x.shared !== 'boolean' || typeof x.path !== 'string' || !isNat(x.rssKb) || !isNat(x.swapKb)) return bad(`mapping ${i + 1} is incomplete`);
  }
  const sl = s.slots as Record<string, unknown> | undefined;
  if (!sl || !Array.isArray(sl.delta) || !Array.isArray(sl.pages) || sl.delta.length !== sl.pages.length) return bad('slots is missing, or its two lists differ in length');
  if (sl.delta.length > MAX_SLOTS) return bad('more slots than a 128 TiB address space has');
  let at = 0;
  for (let i = 0; i < sl.delta.length; i++) {
    const d = sl.delta[i];
    if (!isNat(d) || (i > 0 && d === 0)) return bad(`slot ${i + 1} is not after the one before`);
    at += d;
    if (at >= MAX_SLOTS) return bad(`slot ${i + 1} lies above 128 TiB`);
    if (!isNat(sl.pages[i], 512) || sl.pages[i] === 0) return bad(`slot ${i + 1} has ${JSON.stringify(sl.pages[i])} pages (1 to 512)`);
  }
  return { ok: true, snapshot: v as InspectSnapshot };
}

/** One mapping's slots in at most `width` bins: each bin's slots, how many hold a page, and their pages. */
export interface MappingBins {
  mapping: SnapshotMapping;
  /** Slots the mapping spans (a slot it shares with a neighbour counts for both). */
  slots: number;
  /** Slots holding a present or swapped page. */
  withPages: number;
  bins: { slots: Uint32Array; withPages: Uint32Array; pages: Float64Array };
}

/**
 * For the view: per mapping, its slots gathered into at most `width` bins
 * (one slot a bin when it has few), so a 55 TiB mapping costs `width`
 * numbers, not 28 million. A slot shared by neighbouring mappings shows its
 * pages (all its mappings') in each.
 */
export function mappingBins(s: InspectSnapshot, width: number): MappingBins[] {
  const nums = slotNumbers(s);
  const out: MappingBins[] = [];
  let j = 0;
  for (const mp of s.mappings) {
    const first = Math.floor(mp.start / SLOT);
    const n = Math.floor((mp.end - 1) / SLOT) - first + 1;
    const nb = Math.max(1, Math.min(width, n));
    const bins = { slots: new Uint32Array(nb), withPages: new Uint32Array(nb), pages: new Float64Array(nb) };
    // Slot i goes to bin floor(i * nb / n): bin b holds i in [ceil(b n / nb), ceil((b + 1) n / nb)).
    for (let b = 0; b < nb; b++) bins.slots[b] = Math.ceil(((b + 1) * n) / nb) - Math.ceil((b * n) / nb);
    while (j > 0 && nums[j - 1] >= first) j--;
    while (j < nums.length && nums[j] < first) j++;
    let withPages = 0;
    for (let i = j; i < nums.length && nums[i] < first + n; i++) {
      const b = Math.floor(((nums[i] - first) * nb) / n);
      bins.withPages[b]++;
      bins.pages[b] += s.slots.pages[i];
      withPages++;
    }
    out.push({ mapping: mp, slots: n, withPages, bins });
  }
  return out;
}
