// A recording -> a ptlab scenario, line by line (never the whole text at
// once). Input: the recorder library's snapshot (the address space when
// recording began) and perf's events in time order. Output: statements
// of the scenario language, one step per system call, the faults between two
// system calls gathered into one `faults` step with their exact pages.
//
// The replay starts at the recorder's start marker (its constructor, after
// ld.so loaded the libraries) from the snapshot: `mmap` per VMA, `populate`
// per run of present pages. It ends at the exit marker (its destructor),
// where the library measured VmPTE and RssAnon: those become `expect
// pt-reclaim` lines, so `ptlab run` checks the replay against the kernel.
import { MARK_BASE, MARK_PAGES } from './markers.ts';
import { flags, num, result, type PerfEvent } from './perf.ts';
import type { MapsVma, RecSnapshot } from './snapshot.ts';

const PAGE = 4096;
const TASK_SIZE = 0x800000000000;
const hex = (n: number): string => '0x' + n.toString(16);
const alignUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

/** Disjoint address ranges -> the scenario's mapping name that covers them (the latest mmap wins). */
class NameIndex {
  private starts: number[] = [];
  private ends: number[] = [];
  private names: { name: string; start: number }[] = [];
  /** Index of the first range ending above addr. */
  private from(addr: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  remove(start: number, end: number): void {
    let i = this.from(start);
    while (i < this.starts.length && this.starts[i] < end) {
      const [s, e, n] = [this.starts[i], this.ends[i], this.names[i]];
      const pieces: [number, number][] = [];
      if (s < start) pieces.push([s, start]);
      if (e > end) pieces.push([end, e]);
      this.starts.splice(i, 1, ...pieces.map((p) => p[0]));
      this.ends.splice(i, 1, ...pieces.map((p) => p[1]));
      this.names.splice(i, 1, ...pieces.map(() => n));
      i += pieces.length;
    }
  }
  add(start: number, end: number, name: string): void {
    this.remove(start, end);
    const i = this.from(start);
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, end);
    this.names.splice(i, 0, { name, start });
  }
  /** The name covering addr, or the first one starting inside [addr, end): [name, its start]. */
  find(addr: number, end = addr + 1): { name: string; start: number; at: number } | null {
    const i = this.from(addr);
    if (i >= this.starts.length || this.starts[i] >= end) return null;
    return { ...this.names[i], at: Math.max(addr, this.starts[i]) };
  }
}

export interface ConvertOptions {
  command: string;
  /**
   * Start at the recorded image's execve (the mappings exec made, and the
   * pages present then) and replay ld.so's work step by step, instead of
   * starting from the snapshot taken after ld.so.
   */
  fromExec?: boolean;
  zeroPage: boolean;
  thp: 'never' | 'madvise' | 'always';
}

export interface ConvertReport {
  started: boolean;
  /** The exit measurement was reached (the program returned from main or called exit). */
  ended: boolean;
  steps: number;
  faults: number;
  syscalls: number;
  lost: number;
  exitCode: number | null;
  /** Why the figures may not be exact (each once, with a count). */
  inexact: Map<string, number>;
  /** Why the recording cannot be replayed at all (fork, exec). */
  refused: string | null;
  checkpoints: string[];
  /** Forked child processes, not followed (each has its own address space). */
  forks: number;
  /** Program images of the recorded process before the one replayed (a wrapper that exec'd it). */
  execs: number;
  /** Faults whose tracepoint event perf dropped, recovered from its software fault event. */
  recovered: number;
}

type Run = { name: string; off: number; len: number; write: boolean };

/** What happened between an exec and the recorder's start marker. */
export interface ExecWindow {
  /** Which successful exec of the root (1 = the first). */
  exec: number;
  mmaps: [number, number][];
  mprotects: [number, number][];
  /** Pages faulted (page numbers). */
  faulted: Set<number>;
}

const isMarker = (e: PerfEvent, n?: number): boolean => {
  if (e.kind !== 'syscall' || e.name !== 'madvise' || num(e.args.get('len_in')) !== 0) return false;
  const start = num(e.args.get('start'));
  if (start < MARK_BASE || start >= MARK_BASE + MARK_PAGES * PAGE || start % PAGE) return false;
  return n === undefined || (start - MARK_BASE) / PAGE === n;
};

/**
 * A first pass over the trace: which process is recorded (perf's workload:
 * the first task in the trace), which of its program images (the last one:
 * a wrapper script or a shim execs the real program), and which tasks share
 * its address space (threads: clone3, or clone with CLONE_VM; vfork children
 * until they exec).
 */
export class Prescan {
  root = -1;
  /** Start markers of the root process (one per program image that loaded the recorder). */
  starts = 0;
  readonly shares = new Map<number, number>();
  readonly forks = new Set<number>();
  /** Successful execs of the root so far. */
  private execs = 0;
  private win: ExecWindow | null = null;
  /** From the recorded image's execve to its start marker: what ld.so did (see Converter's fromExec). */
  image: ExecWindow | null = null;
  push(e: PerfEvent): void {
    if (e.kind === 'lost') return;
    if (this.root < 0) this.root = e.tid;
    if (e.kind === 'fault' || e.kind === 'minfault') {
      if (this.win && e.tid === this.root) this.win.faulted.add(Math.floor(e.addr / PAGE));
      return;
    }
    if (e.tid === this.root && isMarker(e, 0)) {
      this.starts++;
      this.image = this.win;
    }
    if (e.tid === this.root && this.win) {
      const a = e.args;
      if (e.name === 'mmap' && result(e.result) !== null) this.win.mmaps.push([result(e.result)!, result(e.result)! + alignUp(num(a.get('len')))]);
      if (e.name === 'mprotect' && result(e.result) === 0) this.win.mprotects.push([num(a.get('start')), num(a.get('start')) + alignUp(num(a.get('len')))]);
    }
    if (e.tid === this.root && e.name === 'execve' && result(e.result) === 0) this.win = { exec: ++this.execs, mmaps: [], mprotects: [], faulted: new Set() };
    if (['clone', 'clone3', 'vfork', 'fork'].includes(e.name)) {
      const child = result(e.result);
      if (child === null || child === 0) return;
      const f = [...e.args.entries()].filter(([k]) => k.includes('flags')).map(([, v]) => flags(v));
      // clone3's flags are behind a pointer perf does not follow: glibc's pthread_create and posix_spawn use clone3 (both share the mm); fork uses clone.
      if (e.name === 'clone3' || e.name === 'vfork' || f.some((s) => s.has('VM'))) this.shares.set(child, e.tid);
      else this.forks.add(child);
    }
  }
  /** Tasks in the root's address space (at some time). */
  members(): Set<number> {
    const set = new Set([this.root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [child, parent] of this.shares) {
        if (set.has(parent) && !set.has(child)) {
          set.add(child);
          grew = true;
        }
      }
    }
    return set;
  }
}

export class Converter {
  private names = new NameIndex();
  private used = new Map<string, number>();
  private phase: 'before' | 'replay' | 'done' = 'before';
  private runs: Run[] = [];
  private heapStart = -1;
  private heapEnd = -1;
  private startsSeen = 0;
  private execsSeen = 0;
  /** Per task, the page of its last fault tracepoint (to pair it with its software event). */
  private lastFault = new Map<number, number>();
  /** Replaying ld.so's work, before the start marker (fromExec). */
  private preStart = false;
  private readonly members: Set<number>;
  readonly report: ConvertReport;

  constructor(
    private readonly snap: RecSnapshot,
    private readonly out: (line: string) => void,
    private readonly opts: ConvertOptions,
    private readonly scan: Prescan,
  ) {
    this.members = scan.members();
    this.report = { started: false, ended: false, steps: 0, faults: 0, syscalls: 0, lost: 0, exitCode: null, inexact: new Map(), refused: null, checkpoints: [], forks: scan.forks.size, execs: Math.max(0, scan.starts - 1), recovered: 0 };
  }

  private inexact(why: string): void {
    this.report.inexact.set(why, (this.report.inexact.get(why) ?? 0) + 1);
  }

  private nameFor(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_');
    if (!/^[A-Za-z_]/.test(n)) n = 'm_' + n;
    if (n === 'at' || n === 'i') n = n + '_';
    const k = this.used.get(n) ?? 0;
    this.used.set(n, k + 1);
    return k === 0 ? n : `${n}_${k + 1}`;
  }

  private step(line: string): void {
    this.out(line);
    this.report.steps++;
  }

  private header(): void {
    this.out(`# Recorded by ptlab record: ${this.opts.command.replace(/[\r\n]/g, ' ')}`);
    this.out(this.opts.fromExec ? '# From the program\'s execve (the mappings exec made), ld.so\'s work, then every fault and' : '# The address space when recording began (after ld.so), then every fault and');
    this.out('# mmap/munmap/mremap/mprotect/madvise/brk until exit(), in order.');
    if (!this.opts.zeroPage) this.out('zeropage off');
    if (this.opts.thp !== 'madvise') this.out(`thp ${this.opts.thp}`);
  }

  private mapVma(v: MapsVma, prot: MapsVma['prot']): void {
    const name = this.vmaName(v);
    this.names.add(v.start, v.end, name);
    if (v.path === '[heap]') [this.heapStart, this.heapEnd] = [v.start, v.end];
    this.out(`mmap ${name} ${hex(v.end - v.start)} at ${hex(v.start)}${prot !== 'rw' ? ` prot ${prot}` : ''}${backing(v)}`);
  }

  /** `populate` for the snapshot's present pages that `keep` accepts (by page number). */
  private populateAll(keep: (page: number, anon: boolean) => boolean): void {
    const s = this.snap;
    const special = (v: MapsVma): boolean => v.shared || /^\[(vvar|vvar_vclock|vdso)\]$/.test(v.path);
    let vi = 0;
    for (const p of s.pages) {
      while (vi < s.vmas.length && s.vmas[vi].end <= p.start) vi++;
      const v = s.vmas[vi];
      if (!v || v.start > p.start) continue;
      if (p.kind === 's') {
        this.inexact('swapped pages at start (not modelled)');
        continue;
      }
      const anon = p.kind === 'a' && !special(v);
      for (let i = 0; i < p.pages; ) {
        const first = p.start / PAGE + i;
        if (!keep(first, anon)) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < p.pages && keep(p.start / PAGE + j, anon)) j++;
        const hit = this.names.find(first * PAGE);
        if (hit) this.out(`populate ${hit.name} ${hex(first * PAGE - hit.start)} ${hex((j - i) * PAGE)} ${anon ? 'anon' : 'file'}`);
        i = j;
      }
    }
  }

  private startChecks(): void {
    const f = this.snap.figures.get('start');
    if (f) this.out(`expect pt-reclaim VmPTE ${f.VmPTE}\nexpect pt-reclaim RssAnon ${f.RssAnon}`);
    this.out('say "Recording starts: the process as ld.so left it"');
  }

  /** The snapshot as the replay's start state (after ld.so). */
  private prelude(): void {
    this.header();
    for (const v of this.snap.vmas) this.mapVma(v, v.prot);
    this.populateAll(() => true);
    this.startChecks();
  }

  /**
   * The state at the recorded image's execve: the snapshot's mappings that
   * ld.so did not make (the executable, ld.so, the stack, vvar/vdso), with
   * the protection they had before ld.so's mprotect (RELRO: read-write), and
   * their anonymous pages that ld.so did not fault (argv and envp on the
   * stack, the bss pages exec cleared).
   */
  private execPrelude(w: ExecWindow): void {
    this.header();
    this.out('say "execve: the kernel mapped the program, ld.so, the stack and the vDSO"');
    const overlaps = (v: MapsVma, rs: [number, number][]): boolean => rs.some(([a, b]) => a < v.end && b > v.start);
    const exec = this.snap.vmas.filter((v) => v.path !== '[heap]' && !overlaps(v, w.mmaps));
    for (const v of exec) this.mapVma(v, v.prot === 'r' && v.path.startsWith('/') && overlaps(v, w.mprotects) ? 'rw' : v.prot);
    const inExec = (page: number): boolean => exec.some((v) => v.start <= page * PAGE && page * PAGE < v.end);
    // File pages ld.so did not fault came with fault-around: the start marker populates them.
    this.populateAll((page, anon) => anon && inExec(page) && !w.faulted.has(page));
  }

  private vmaName(v: MapsVma): string {
    if (v.path === '[heap]') return this.nameFor('heap');
    if (v.path.startsWith('[')) return this.nameFor(v.path.slice(1, -1).replace(/^anon:/, ''));
    if (v.path) return this.nameFor(`${basename(v.path)}_${v.start.toString(16)}`);
    return this.nameFor(`anon_${v.start.toString(16)}`);
  }

  /** One event of the trace, in order. */
  push(e: PerfEvent): void {
    if (e.kind === 'lost') {
      this.report.lost += e.count;
      return;
    }
    if (!this.members.has(e.tid)) return; // a forked child: another address space
    if (e.kind === 'syscall' && e.name === 'exit_group' && this.phase !== 'before') {
      this.report.exitCode = num(e.args.get('error_code')); // after the exit marker, as a rule
      return;
    }
    if (this.phase === 'done') return;
    if (e.kind === 'fault') {
      this.lastFault.set(e.tid, Math.floor(e.addr / PAGE));
      if (this.phase === 'replay') this.fault(e.addr, e.write);
      return;
    }
    if (e.kind === 'minfault') {
      // The same fault seen once more, at its end (perf's software event): it counts only if its
      // tracepoint event is missing, which perf does now and then without a LOST line (kernel/FINDINGS.md).
      const page = Math.floor(e.addr / PAGE);
      if (this.lastFault.get(e.tid) === page) return;
      this.lastFault.set(e.tid, page);
      if (this.phase === 'replay' && e.addr < TASK_SIZE) {
        this.report.recovered++;
        this.fault(e.addr, true); // anonymous memory: without the zero page a read maps a page too
        if (this.opts.zeroPage) this.inexact('a fault seen only by perf\'s software event, taken as a write (the zero page makes reads differ)');
      }
      return;
    }
    if (this.phase === 'before' && this.opts.fromExec && this.scan.image && e.tid === this.scan.root && e.name === 'execve' && result(e.result) === 0 && ++this.execsSeen === this.scan.image.exec) {
      this.phase = 'replay';
      this.preStart = true;
      this.execPrelude(this.scan.image);
      return;
    }
    if (isMarker(e)) {
      this.onMarker(e.tid, (num(e.args.get('start')) - MARK_BASE) / PAGE);
      return;
    }
    if (this.phase !== 'replay') return;
    this.syscall(e);
  }

  private onMarker(tid: number, n: number): void {
    if (n === 0 && this.preStart && tid === this.scan.root && ++this.startsSeen === this.scan.starts) {
      // Fault-around's extra file pages and anything else perf did not see: the snapshot has them (populate skips present pages).
      this.flush();
      this.preStart = false;
      this.report.started = true;
      this.populateAll(() => true);
      this.startChecks();
    } else if (n === 0 && this.phase === 'before' && tid === this.scan.root) {
      // The root's last program image is the one recorded (earlier ones exec'd it).
      if (++this.startsSeen < this.scan.starts) return;
      this.phase = 'replay';
      this.report.started = true;
      this.prelude();
    } else if (this.phase === 'replay' && n === 2 && tid === this.scan.root) {
      this.flush();
      const f = this.snap.figures.get('exit');
      if (f) this.out(`expect pt-reclaim VmPTE ${f.VmPTE}\nexpect pt-reclaim RssAnon ${f.RssAnon}`);
      this.report.ended = true;
      this.phase = 'done';
    } else if (this.phase === 'replay' && n >= 16 && n % 2 === 0) {
      this.flush();
      const tag = `cp${(n - 16) / 2}`;
      const f = this.snap.figures.get(tag);
      this.report.checkpoints.push(tag);
      if (f) this.out(`expect pt-reclaim VmPTE ${f.VmPTE}\nexpect pt-reclaim RssAnon ${f.RssAnon}\nsay "Checkpoint ${(n - 16) / 2}: the program measured VmPTE ${f.VmPTE} kB, RssAnon ${f.RssAnon} kB here"`);
    }
  }

  private fault(addr: number, write: boolean): void {
    if (addr >= TASK_SIZE) return;
    this.report.faults++;
    const page = addr - (addr % PAGE);
    const hit = this.names.find(page);
    const name = hit ? hit.name : '';
    const off = hit ? page - hit.start : page;
    const last = this.runs[this.runs.length - 1];
    if (last && last.name === name && last.write === write) {
      if (last.off + last.len === off) {
        last.len += PAGE;
        return;
      }
      if (off >= last.off && off < last.off + last.len) return; // the same page again
    }
    this.runs.push({ name, off, len: PAGE, write });
  }

  /** The faults since the last system call, as one step. */
  private flush(): void {
    if (this.runs.length === 0) return;
    const parts = this.runs.map((r) => `${r.name || 'at'} ${hex(r.off)} ${hex(r.len)} ${r.write ? 'w' : 'r'}`);
    this.step(`faults ${parts.join(' ')}`);
    this.runs = [];
  }

  /** The statement's mapping name and offset for a range [addr, addr+len) (the first named part of it). */
  private at(addr: number, len: number): { ref: string; len: number } | null {
    const hit = this.names.find(addr, addr + Math.max(len, 1));
    if (!hit) return null;
    return { ref: `${hit.name} ${hex(hit.at - hit.start)}`, len: addr + len - hit.at };
  }

  private syscall(e: Extract<PerfEvent, { kind: 'syscall' }>): void {
    const a = e.args;
    switch (e.name) {
      case 'mmap':
        return this.mmap(e);
      case 'munmap': {
        const addr = num(a.get('addr'));
        const len = alignUp(num(a.get('len')));
        if (result(e.result) === null) return;
        this.flush();
        this.report.syscalls++;
        const r = this.at(addr, len);
        if (r) this.step(`munmap ${r.ref} ${hex(r.len)}`);
        this.names.remove(addr, addr + len);
        return;
      }
      case 'mprotect': {
        if (result(e.result) === null) return;
        this.flush();
        this.report.syscalls++;
        const addr = num(a.get('start'));
        const len = alignUp(num(a.get('len')));
        const p = flags(a.get('prot'));
        const r = this.at(addr, len);
        if (r) this.step(`mprotect ${r.ref} ${hex(r.len)} ${p.has('WRITE') ? 'rw' : p.has('READ') || p.has('EXEC') ? 'r' : 'none'}`);
        return;
      }
      case 'madvise':
        return this.madvise(e);
      case 'brk': {
        const r = result(e.result);
        if (r === null) return;
        const want = a.has('brk') ? num(a.get('brk')) : null;
        if (this.heapStart < 0) this.heapStart = this.heapEnd = r; // the first query: start_brk (the heap is empty)
        if (want === null || want !== r) return; // a query, or a refused brk: nothing changes
        this.flush();
        this.report.syscalls++;
        this.step(`brk heap ${hex(this.heapStart)} ${hex(r)}`);
        this.names.remove(this.heapStart, Math.max(this.heapEnd, alignUp(r)));
        this.heapEnd = alignUp(r);
        if (this.heapEnd > this.heapStart) this.names.add(this.heapStart, this.heapEnd, 'heap');
        return;
      }
      case 'mremap':
        return this.mremap(e);
      case 'execve':
        // A vfork child (posix_spawn) leaves the address space when its exec succeeds.
        if (result(e.result) === 0 && e.tid !== this.scan.root) this.members.delete(e.tid);
        else if (result(e.result) === 0) this.report.refused ??= 'a thread of the program called execve after recording began';
        return;
    }
  }

  private mmap(e: Extract<PerfEvent, { kind: 'syscall' }>): void {
    const a = e.args;
    const addr = result(e.result);
    if (addr === null) return;
    this.flush();
    this.report.syscalls++;
    const len = alignUp(num(a.get('len')));
    const p = flags(a.get('prot'));
    const f = flags(a.get('flags'));
    const prot = p.has('WRITE') ? 'rw' : p.has('READ') || p.has('EXEC') ? 'r' : 'none';
    const shared = f.has('SHARED') || f.has('SHARED_VALIDATE');
    const anon = f.has('ANONYMOUS');
    if (f.has('HUGETLB')) this.inexact('MAP_HUGETLB mappings (not modelled)');
    const label = anon ? (shared ? '[shmem]' : '') : `fd ${num(a.get('fd'))}`;
    const name = this.nameFor(anon && !shared ? `anon_${addr.toString(16)}` : `${anon ? 'shmem' : 'file'}_${addr.toString(16)}`);
    let line = `mmap ${name} ${hex(len)} at ${hex(addr)}`;
    if (prot !== 'rw') line += ` prot ${prot}`;
    if (label) line += ` file "${label}"`;
    if (shared) line += ' shared';
    if (f.has('GROWSDOWN')) line += ' stack';
    if (f.has('FIXED')) line += ' fixed';
    this.step(line);
    this.names.add(addr, addr + len, name);
    if (f.has('POPULATE') && prot !== 'none') {
      // MAP_POPULATE faults the pages in through GUP, which perf does not see as faults.
      this.step(`faults ${name} 0 ${hex(len)} ${prot === 'rw' && !shared ? 'w' : 'r'}`);
    }
  }

  private madvise(e: Extract<PerfEvent, { kind: 'syscall' }>): void {
    const a = e.args;
    const start = num(a.get('start'));
    const len = alignUp(num(a.get('len_in')));
    const b = a.get('behavior') ?? 'MADV_NORMAL';
    const ok = result(e.result) !== null;
    const advice: Record<string, string> = { MADV_DONTNEED: 'dontneed', MADV_DONTNEED_LOCKED: 'dontneed', MADV_FREE: 'free', MADV_HUGEPAGE: 'hugepage', MADV_NOHUGEPAGE: 'nohugepage' };
    if (len === 0) return;
    if (!ok) {
      if (advice[b] === 'dontneed') this.inexact('a MADV_DONTNEED that failed (ENOMEM still zaps the mapped part; not replayed)');
      return;
    }
    const r = this.at(start, len);
    if (advice[b]) {
      this.flush();
      this.report.syscalls++;
      if (r) this.step(`madvise ${r.ref} ${hex(r.len)} ${advice[b]}`);
    } else if (b === 'MADV_POPULATE_WRITE' || b === 'MADV_POPULATE_READ') {
      this.flush();
      if (r) this.step(`faults ${r.ref} ${hex(r.len)} ${b === 'MADV_POPULATE_WRITE' ? 'w' : 'r'}`);
    } else if (!['MADV_NORMAL', 'MADV_WILLNEED', 'MADV_COLD'].includes(b)) {
      this.inexact(`madvise ${b} (changes VMA flags or reclaims pages; not modelled)`);
    }
  }

  private mremap(e: Extract<PerfEvent, { kind: 'syscall' }>): void {
    const a = e.args;
    const to = result(e.result);
    if (to === null) return;
    this.flush();
    this.report.syscalls++;
    const addr = num(a.get('addr'));
    const oldLen = alignUp(num(a.get('old_len')));
    const newLen = alignUp(num(a.get('new_len')));
    const hit = this.names.find(addr);
    if (hit && hit.start === addr && oldLen === newLen && to !== addr) {
      this.step(`mremap ${hit.name} to ${hex(to)}`);
      this.names.remove(addr, addr + oldLen);
      this.names.add(to, to + newLen, hit.name);
      return;
    }
    this.inexact('mremap that resizes or moves part of a mapping (approximated as munmap + mmap)');
    if (to === addr && newLen < oldLen) {
      const r = this.at(addr + newLen, oldLen - newLen);
      if (r) this.step(`munmap ${r.ref} ${hex(r.len)}`);
      this.names.remove(addr + newLen, addr + oldLen);
    } else if (to === addr) {
      const name = this.nameFor(`anon_${(addr + oldLen).toString(16)}`);
      this.step(`mmap ${name} ${hex(newLen - oldLen)} at ${hex(addr + oldLen)}`);
      this.names.add(addr + oldLen, addr + newLen, name);
    } else {
      const r = this.at(addr, oldLen);
      if (r) this.step(`munmap ${r.ref} ${hex(r.len)}`);
      this.names.remove(addr, addr + oldLen);
      const name = this.nameFor(`anon_${to.toString(16)}`);
      this.step(`mmap ${name} ${hex(newLen)} at ${hex(to)} fixed`);
      this.names.add(to, to + newLen, name);
    }
  }

  /** After the last event: closes the last step and says what the recording is worth. */
  finish(): ConvertReport {
    this.flush();
    return this.report;
  }
}

function backing(v: MapsVma): string {
  if (v.path === '[stack]') return ' stack';
  if (v.path === '' || v.path === '[heap]' || v.path.startsWith('[anon:')) return v.shared ? ' file "[shmem]" shared' : '';
  return ` file "${v.path.startsWith('[') ? v.path : basename(v.path)}"${v.shared ? ' shared' : ''}`;
}

function basename(p: string): string {
  const s = p.replace(/ \(deleted\)$/, '');
  return s.slice(s.lastIndexOf('/') + 1) || s;
}
