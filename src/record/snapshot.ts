// What the recorder library (ptlab_rec.c) wrote: the address space when
// recording began (/proc/self/maps lines, present pages from pagemap) and
// VmPTE/RssAnon (kB) at each measurement: start, exit, checkpoints.

export interface MapsVma {
  start: number;
  end: number;
  prot: 'r' | 'rw' | 'none';
  shared: boolean;
  /** The pathname column: a file, [heap], [stack], [vdso], or '' (anonymous). */
  path: string;
}

export interface PageRun {
  start: number;
  pages: number;
  /** a: anonymous (private), f: file or shared, s: swapped. */
  kind: 'a' | 'f' | 's';
}

export interface RecFigures {
  VmPTE: number;
  RssAnon: number;
}

export interface RecSnapshot {
  vmas: MapsVma[];
  pages: PageRun[];
  /** tag (start, exit, cp1, ...) -> figures. */
  figures: Map<string, RecFigures>;
  /** Present pages at exit (to compare a replay with, page by page). */
  exitPages: PageRun[];
}

/** A maps line's permissions as the simulator's prot (x is not modelled; -w- acts as rw). */
export function protOf(perms: string): MapsVma['prot'] {
  if (perms[1] === 'w') return 'rw';
  if (perms[0] === 'r' || perms[2] === 'x') return 'r';
  return 'none';
}

export function parseMapsLine(line: string): MapsVma | null {
  const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (!m) return null;
  return { start: parseInt(m[1], 16), end: parseInt(m[2], 16), prot: protOf(m[3]), shared: m[3][3] === 's', path: m[4].trim() };
}

/** The recorder's output: per process (pid), the snapshot of its last program image (an exec starts a new one). */
export function parseRecOutput(text: string): Map<number, RecSnapshot> {
  const all = new Map<number, RecSnapshot>();
  let cur: RecSnapshot | undefined;
  let inMaps = false;
  let atExit = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('exitpages ')) {
      atExit = true;
      cur = all.get(Number(line.slice(10)));
    }
    else if (line === 'endexitpages') atExit = false;
    else if (line.startsWith('maps ')) {
      inMaps = true;
      cur = { vmas: [], pages: [], figures: new Map(), exitPages: [] };
      all.set(Number(line.slice(5)), cur);
    } else if (line === 'endmaps') inMaps = false;
    else if (inMaps && cur) {
      const v = parseMapsLine(line);
      if (v && v.end <= 0x800000000000) cur.vmas.push(v); // not [vsyscall]
    } else if (line.startsWith('p ') && cur) {
      const [, s, n, k] = line.split(' ');
      (atExit ? cur.exitPages : cur.pages).push({ start: parseInt(s, 16), pages: Number(n), kind: k as PageRun['kind'] });
    } else if (line.startsWith('fig ')) {
      const [, tag, pid, pte, anon] = line.split(' ');
      all.get(Number(pid))?.figures.set(tag, { VmPTE: Number(pte), RssAnon: Number(anon) });
    }
  }
  return all;
}
