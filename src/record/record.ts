// `ptlab record -- CMD`: run CMD under `perf record` with the recorder
// library preloaded, print perf's data in order with `perf script`, convert
// that into a scenario as it streams from disk, then replay the scenario
// under the three designs. Node only.
//
// perf records, in one stream that `perf script` orders by time across
// CPUs, the system calls that change page tables (mmap, munmap, mremap,
// mprotect, madvise, brk), the ones that change who shares the address
// space (clone, clone3, fork, vfork, execve), exit_group, and every page
// fault with its address and error code (exceptions:page_fault_user /
// page_fault_kernel: bit 1 says write), plus its software minor-fault event
// (the address again, when the fault completes). The library (ptlab_rec.c)
// gives the start state and the kernel's own VmPTE/RssAnon at exit.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { detectZeroPage } from '../../kernel/twin.ts';
import { Converter, Prescan, type ConvertReport } from './convert.ts';
import { PerfJoiner, SYSCALL_FILTER, type PerfEvent } from './perf.ts';
import { parseRecOutput, type RecSnapshot } from './snapshot.ts';

const REC_C = fileURLToPath(new URL('./ptlab_rec.c', import.meta.url));
/** perf record's events (-d: the minor-fault events carry their address; -c 1: every one). */
export const PERF_RECORD_ARGS = ['-q', '-B', '-d', '-c', '1', '-m', '16M', '-e', 'raw_syscalls:sys_enter', '--filter', SYSCALL_FILTER, '-e', 'raw_syscalls:sys_exit', '--filter', SYSCALL_FILTER, '-e', 'minor-faults', '-e', 'exceptions:page_fault_user', '-e', 'exceptions:page_fault_kernel'];
export const PERF_SCRIPT_ARGS = ['--show-lost-events', '-F', 'tid,time,event,trace,addr'];

export type Support = { ok: true } | { ok: false; reason: string };

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: !r.error && r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Whether this machine can record, with one line naming the fix if not. */
export function recordSupport(): Support {
  if (process.platform !== 'linux') return { ok: false, reason: `ptlab record needs Linux (this is ${process.platform})` };
  if (process.arch !== 'x64') return { ok: false, reason: `ptlab record needs x86-64 (this is ${process.arch})` };
  if (!run('perf', ['--version']).ok) return { ok: false, reason: 'no `perf` command: install Linux perf (Debian: apt-get install linux-perf)' };
  if (!run('cc', ['--version']).ok) return { ok: false, reason: 'no C compiler (`cc`): install one (Debian: apt-get install gcc); the recorder library is compiled on demand' };
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    let paranoid = 2;
    try {
      paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim());
    } catch {
      /* unreadable: assume the default */
    }
    if (paranoid > -1) return { ok: false, reason: `perf may not trace system calls and faults for this user (kernel.perf_event_paranoid is ${paranoid}): run ptlab record as root (sudo), or run \`sysctl kernel.perf_event_paranoid=-1\` and make /sys/kernel/tracing readable` };
  }
  return { ok: true };
}

/** Compiles the recorder library once per source version; returns its path. */
export function buildRecorder(): string {
  const source = readFileSync(REC_C, 'utf8');
  const hash = createHash('sha256').update('cc -O2 -shared -fPIC\0').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `ptlab-rec-${hash}`);
  const so = join(dir, 'ptlab_rec.so');
  if (existsSync(so)) return so;
  mkdirSync(dir, { recursive: true });
  const tmp = `${so}.${process.pid}.tmp`;
  const r = spawnSync('cc', ['-O2', '-shared', '-fPIC', '-o', tmp, REC_C], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`compiling the recorder library failed: ${r.error?.message ?? r.stderr.trim()}`);
  renameSync(tmp, so);
  return so;
}

/** CMD's executable as the shell would find it, or null. */
export function findCommand(cmd: string): string | null {
  const ok = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) return ok(cmd) ? resolve(cmd) : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && ok(join(dir, cmd))) return join(dir, cmd);
  return null;
}

export interface RecordOptions {
  command: string[];
  out: string;
  /** Libraries to preload after the recorder (an allocator). */
  preload?: string[];
  /** Start the replay at the program's execve (default; see ConvertOptions.fromExec), or false: from the snapshot after ld.so. */
  fromExec?: boolean;
  /** Extra environment for CMD only (MALLOC_CONF=...). */
  env?: Record<string, string>;
  /** Keep perf script's text here (perf.data as FILE.data, the recorder's output as FILE.rec). */
  keepTrace?: string;
  /** Progress lines (a terminal). */
  progress?: (msg: string) => void;
}

export interface Recording {
  out: string;
  snapshot: RecSnapshot;
  report: ConvertReport;
  zeroPage: boolean;
  perfStatus: number | null;
  perfMessage: string;
  traceBytes: number;
}

function thpMode(): 'never' | 'madvise' | 'always' {
  try {
    const s = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    const m = /\[(always|madvise|never)\]/.exec(s);
    if (m) return m[1] as 'never' | 'madvise' | 'always';
  } catch {
    /* no THP: never */
    return 'never';
  }
  return 'madvise';
}

/** Records CMD and writes the scenario to opts.out. Throws an Error with a one-line message on failure. */
export async function record(opts: RecordOptions): Promise<Recording> {
  const [cmd, ...args] = opts.command;
  const exe = findCommand(cmd);
  if (!exe) throw new Error(`${cmd}: command not found`);
  const so = buildRecorder();
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-record-'));
  const trace = opts.keepTrace ?? join(dir, 'perf.txt');
  const data = opts.keepTrace ? `${opts.keepTrace}.data` : join(dir, 'perf.data');
  const recOut = join(dir, 'rec.txt');
  try {
    const preload = [so, ...(opts.preload ?? []), ...(process.env.LD_PRELOAD ? [process.env.LD_PRELOAD] : [])].join(':');
    opts.progress?.(`recording ${opts.command.join(' ')} (perf record)…`);
    rmSync(data, { force: true }); // perf record would keep an old one as FILE.old
    const p = spawnSync('perf', ['record', ...PERF_RECORD_ARGS, '-o', data, '--', 'env', `PTLAB_REC_OUT=${recOut}`, `LD_PRELOAD=${preload}`, ...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`), exe, ...args], { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' });
    const perfMessage = (p.stderr ?? '').trim();
    if (p.error) throw new Error(`perf could not run: ${p.error.message}`);
    if (!existsSync(data) || statSync(data).size === 0) {
      const perm = /permission|not permitted|access/i.test(perfMessage);
      throw new Error(perm ? `perf was refused access to the trace events: run ptlab record as root (sudo) (perf said: ${perfMessage.split('\n')[0]})` : `perf record wrote no data (perf said: ${perfMessage.split('\n')[0] || `exit status ${p.status}`})`);
    }
    opts.progress?.('ordering the events (perf script)…');
    const fd0 = openSync(trace, 'w');
    const s = spawnSync('perf', ['script', '-i', data, ...PERF_SCRIPT_ARGS], { stdio: ['ignore', fd0, 'pipe'], encoding: 'utf8' });
    closeSync(fd0);
    if (s.error || s.status !== 0) throw new Error(`perf script could not read the recording (perf said: ${(s.stderr ?? '').trim().split('\n').filter((l) => !/not valid for/.test(l))[0] ?? s.error?.message ?? `exit status ${s.status}`})`);
    if (!opts.keepTrace) rmSync(data, { force: true });
    process.stderr.write(perfMessage ? `${perfMessage}\n` : '');
    const recText = existsSync(recOut) ? readFileSync(recOut, 'utf8') : '';
    if (opts.keepTrace) writeFileSync(`${opts.keepTrace}.rec`, recText);
    const procs = parseRecOutput(recText);
    // Pass 1: which process and program image to follow, and its threads.
    const scan = new Prescan();
    await eachEvent(trace, (e) => scan.push(e));
    const snapshot = procs.get(scan.root);
    if (!snapshot || !snapshot.figures.has('start')) {
      throw new Error(`the recorder library did not run in ${cmd}: it must be a dynamically linked program that the loader may preload into (not static, not setuid)`);
    }
    const zeroPage = detectZeroPage().zeroPage;
    const fd = openSync(opts.out, 'w');
    let buf: string[] = [];
    let bufLen = 0;
    const write = (line: string): void => {
      buf.push(line);
      bufLen += line.length + 1;
      if (bufLen > 1 << 16) {
        writeSync(fd, buf.join('\n') + '\n');
        buf = [];
        bufLen = 0;
      }
    };
    // Pass 2: the scenario, streamed.
    const conv = new Converter(snapshot, write, { command: opts.command.join(' '), zeroPage, thp: thpMode(), fromExec: opts.fromExec ?? true }, scan);
    const size = statSync(trace).size;
    await eachEvent(trace, (e) => conv.push(e), opts.progress && ((done) => opts.progress!(`converting: ${Math.round((100 * done) / size)}% of ${(size / 1e6).toFixed(0)} MB`)));
    const report = conv.finish();
    writeSync(fd, buf.length ? buf.join('\n') + '\n' : '');
    closeSync(fd);
    return { out: opts.out, snapshot, report, zeroPage, perfStatus: p.status, perfMessage, traceBytes: size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Streams perf's trace file event by event (never the whole file in memory). */
async function eachEvent(trace: string, fn: (e: PerfEvent) => void, progress?: (bytes: number) => void): Promise<void> {
  const joiner = new PerfJoiner();
  let read = 0;
  let next = 1 << 26;
  const lines = createInterface({ input: createReadStream(trace, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    read += line.length + 1;
    if (progress && read > next) {
      progress(read);
      next += 1 << 26;
    }
    const e = joiner.push(line);
    if (e) fn(e);
  }
}

/** The default scenario file for a command: ./NAME.ptlab. */
export function defaultOut(cmd: string): string {
  return `${basename(cmd).replace(/[^A-Za-z0-9_.-]/g, '_')}.ptlab`;
}
