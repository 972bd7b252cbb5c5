// The kernel twin: runs a stream of absolute memory operations (ResolvedOp[])
// on the running Linux kernel through the small C program twin.c and reads
// VmPTE, RssAnon and VmSize (kB) after every operation. Node only.
//
// The C program is compiled on demand into a cache folder under the system's
// temporary directory, keyed by a hash of its source; nothing prebuilt is
// kept in the repository.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ResolvedOp } from '../src/core/resolved.ts';

/** Absolute figures from /proc/self/status, in kB (-1 if the kernel lacks the line). */
export interface Figures {
  VmPTE: number;
  RssAnon: number;
  VmSize: number;
}

/** A child's figures after a step (its own /proc/self/status). */
export interface ProcFigures extends Figures {
  name: string;
}

export type TwinStep =
  | ({ ok: true; procs?: ProcFigures[] } & Figures)
  | { ok: false; kind: 'segv' | 'errno' | 'unsupported'; message: string };

export interface TwinRun {
  /** The figures before the first operation. */
  base: Figures;
  /** With `fork`: a child forked before the first operation (what a fork copies of the twin itself). */
  cbase?: Figures;
  /**
   * One entry per operation that ran, in order. A run stops at its first
   * failure, so when steps is shorter than the operations the last entry is
   * the failure (ok: false) and later operations did not run.
   */
  steps: TwinStep[];
  /** Wall time of the whole twin process, milliseconds. */
  wallMs: number;
}

export type KernelSupport = { ok: true; cc: string } | { ok: false; reason: string };

/** The compiler command and flags; part of the cache key. */
const CC = 'cc';
const CFLAGS = ['-O2'];
/** The twin's op table holds at most this many operations (MAX_OPS in twin.c). */
export const MAX_TWIN_OPS = 1 << 20;
const BAKED_MARKER = '/* @@PTLAB_BAKED_OPS@@ */';

const TWIN_C = fileURLToPath(new URL('./twin.c', import.meta.url));

let supportCache: KernelSupport | undefined;

/** Whether this machine can run the twin, with a one-line reason if not. */
export function kernelSupport(): KernelSupport {
  if (supportCache) return supportCache;
  supportCache = probeSupport();
  return supportCache;
}

function probeSupport(): KernelSupport {
  if (process.platform !== 'linux') {
    return { ok: false, reason: `not Linux (platform ${process.platform})` };
  }
  if (process.arch !== 'x64') {
    return { ok: false, reason: `not x86-64 (arch ${process.arch}); the figures would not compare` };
  }
  if (!existsSync('/proc/self/status')) {
    return { ok: false, reason: 'no /proc/self/status (is /proc mounted?)' };
  }
  const r = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return { ok: false, reason: `no C compiler: \`${CC} --version\` failed` };
  }
  const first = (r.stdout.split('\n')[0] ?? '').trim();
  return { ok: true, cc: first || CC };
}

/** The twin's C source. */
export function twinSource(): string {
  return readFileSync(TWIN_C, 'utf8');
}

/** Compiles twin.c (once per source version) and returns the binary's path. */
export function buildTwin(): string {
  const source = twinSource();
  const hash = createHash('sha256')
    .update([CC, ...CFLAGS].join(' '))
    .update('\0')
    .update(source)
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `ptlab-twin-${hash}`);
  const bin = join(dir, 'twin');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  compileC(TWIN_C, bin);
  return bin;
}

/** Compiles one C file to `out`; the binary appears atomically (parallel callers are safe). */
export function compileC(cFile: string, out: string): void {
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  const r = spawnSync(CC, [...CFLAGS, '-o', tmp, cFile], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    const why = r.error ? r.error.message : r.stderr.trim();
    throw new Error(`compiling ${cFile} failed: ${why}`);
  }
  renameSync(tmp, out);
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function checkNum(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`twin: ${what} must be a non-negative integer, got ${n}`);
}

/** A process name as the twin reads it: one word of letters, digits, _ and - (at most 31). */
function procWord(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,30}$/.test(name)) throw new Error(`twin: process name '${name}' must be a word of at most 31 letters, digits, _ or -`);
  return name;
}

/** One operation in the twin's text input format. `process` becomes `nop`. */
export function opLine(op: ResolvedOp): string {
  switch (op.op) {
    case 'mmap':
      // A placement the simulator chose itself (fixed: false) is replayed at
      // the same address, so the later absolute operations find the mapping.
      checkNum(op.addr, 'mmap address');
      checkNum(op.len, 'mmap length');
      return `mmap ${hex(op.addr)} ${hex(op.len)} ${op.prot} ${op.hugepage ? 1 : 0}`;
    case 'touch':
    case 'read':
    case 'munmap':
      checkNum(op.addr, `${op.op} address`);
      checkNum(op.len, `${op.op} length`);
      return `${op.op} ${hex(op.addr)} ${hex(op.len)}`;
    case 'madvise':
      checkNum(op.addr, 'madvise address');
      checkNum(op.len, 'madvise length');
      return `madvise ${hex(op.addr)} ${hex(op.len)} ${op.advice}`;
    case 'mprotect':
      checkNum(op.addr, 'mprotect address');
      checkNum(op.len, 'mprotect length');
      return `mprotect ${hex(op.addr)} ${hex(op.len)} ${op.prot}`;
    case 'mremap':
      checkNum(op.addr, 'mremap address');
      checkNum(op.len, 'mremap length');
      checkNum(op.to, 'mremap destination');
      return `mremap ${hex(op.addr)} ${hex(op.len)} ${hex(op.to)}`;
    case 'thp':
      return `thp ${op.mode}`;
    case 'swap':
      return `swap ${op.on ? 'on' : 'off'}`;
    case 'khugepaged':
      return 'khugepaged';
    case 'process':
      return 'nop';
    case 'fork':
      return `fork ${procWord(op.child)}`;
    case 'exit':
      return `exit ${procWord(op.proc)}`;
    case 'in':
      if (op.body.op === 'in' || op.body.op === 'exit') throw new Error(`twin: \`in ${op.proc}: ${op.body.op}\` cannot be replayed`);
      return `in ${procWord(op.proc)} ${opLine(op.body)}`;
    case 'mincore':
    case 'pagemap':
      // Read-only walks on the real kernel: the figures after them must not change.
      checkNum(op.addr, `${op.op} address`);
      checkNum(op.len, `${op.op} length`);
      return `${op.op} ${hex(op.addr)} ${hex(op.len)}`;
    case 'faults':
    case 'brk':
    case 'populate':
    case 'zeropage':
      throw new Error(`twin: \`${op.op}\` belongs to a recorded program; \`ptlab record\` replays those on the kernel itself`);
  }
}

/** The whole input text for twin.c. */
export function opsToText(ops: ResolvedOp[]): string {
  if (ops.length > MAX_TWIN_OPS) throw new Error(`twin: ${ops.length} operations, at most ${MAX_TWIN_OPS}`);
  return ops.map((o) => `${opLine(o)}\n`).join('');
}

function figuresOf(words: string[], from: number, line: string): Figures {
  const nums = words.slice(from, from + 3).map(Number);
  if (nums.length !== 3 || nums.some((n) => !Number.isInteger(n))) throw new Error(`twin: bad output line: ${line}`);
  return { VmPTE: nums[0], RssAnon: nums[1], VmSize: nums[2] };
}

/** Parses the twin's standard output (also the output of an emitC program). */
export function parseTwinOutput(stdout: string): { base: Figures; cbase?: Figures; steps: TwinStep[] } {
  let base: Figures | undefined;
  let cbase: Figures | undefined;
  const steps: TwinStep[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const words = line.split(' ');
    const kind = words[0];
    if (kind === 'base') {
      base = figuresOf(words, 1, line);
      continue;
    }
    if (kind === 'cbase') {
      cbase = figuresOf(words, 1, line);
      continue;
    }
    if (kind === 'proc') {
      // proc N NAME VMPTE RSSANON VMSIZE: a child's figures after step N.
      const st = steps[Number(words[1]) - 1];
      if (!st || !st.ok || Number(words[1]) !== steps.length) throw new Error(`twin: unexpected output line: ${line}`);
      (st.procs ??= []).push({ name: words[2], ...figuresOf(words, 3, line) });
      continue;
    }
    const n = Number(words[1]);
    if (!Number.isInteger(n) || n !== steps.length + 1) throw new Error(`twin: unexpected output line: ${line}`);
    const rest = words.slice(2).join(' ');
    if (kind === 'step') steps.push({ ok: true, ...figuresOf(words, 2, line) });
    else if (kind === 'segv') steps.push({ ok: false, kind: 'segv', message: `SIGSEGV at ${rest}` });
    else if (kind === 'err') steps.push({ ok: false, kind: 'errno', message: rest });
    else if (kind === 'unsupported') steps.push({ ok: false, kind: 'unsupported', message: rest });
    else throw new Error(`twin: unexpected output line: ${line}`);
  }
  if (!base) throw new Error('twin: no base line in the output');
  return cbase ? { base, cbase, steps } : { base, steps };
}

/** Runs the operations on this kernel; figures are absolute kB, deltas are the caller's. */
export function runTwin(ops: ResolvedOp[]): TwinRun {
  const input = opsToText(ops);
  const bin = buildTwin();
  const t0 = performance.now();
  const r = spawnSync(bin, ['-'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - t0;
  if (r.error) throw new Error(`twin: ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.signal ? `signal ${r.signal}` : `exit status ${r.status}`;
    throw new Error(`twin failed (${how}): ${r.stderr.trim()}`);
  }
  return { ...parseTwinOutput(r.stdout), wallMs };
}

const PROT_C: Record<string, string> = { r: 'PROT_READ', rw: 'PROT_READ | PROT_WRITE', none: 'PROT_NONE' };
const ADVICE_C: Record<string, string> = {
  dontneed: 'MADV_DONTNEED',
  free: 'MADV_FREE',
  hugepage: 'MADV_HUGEPAGE',
  nohugepage: 'MADV_NOHUGEPAGE',
  collapse: 'MADV_COLLAPSE',
  pageout: 'MADV_PAGEOUT',
  dontfork: 'MADV_DONTFORK',
  dofork: 'MADV_DOFORK',
  wipeonfork: 'MADV_WIPEONFORK',
  keeponfork: 'MADV_KEEPONFORK',
};
const THP_C: Record<string, string> = { never: 'THP_NEVER', madvise: 'THP_MADVISE', always: 'THP_ALWAYS' };

function cHex(n: number): string {
  return `${hex(n)}UL`;
}

function opInitializer(op: ResolvedOp): string {
  switch (op.op) {
    case 'mmap':
      return `{ .kind = OP_MMAP, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)}, .arg = ${PROT_C[op.prot]}, .huge = ${op.hugepage ? 1 : 0} }`;
    case 'touch':
      return `{ .kind = OP_TOUCH, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)} }`;
    case 'read':
      return `{ .kind = OP_READ, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)} }`;
    case 'madvise':
      return `{ .kind = OP_MADVISE, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)}, .arg = ${ADVICE_C[op.advice]} }`;
    case 'munmap':
      return `{ .kind = OP_MUNMAP, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)} }`;
    case 'mprotect':
      return `{ .kind = OP_MPROTECT, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)}, .arg = ${PROT_C[op.prot]} }`;
    case 'mremap':
      return `{ .kind = OP_MREMAP, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)}, .to = ${cHex(op.to)} }`;
    case 'thp':
      return `{ .kind = OP_THP, .arg = ${THP_C[op.mode]} }`;
    case 'swap':
      return `{ .kind = OP_SWAP, .arg = ${op.on ? 1 : 0} }`;
    case 'khugepaged':
      return `{ .kind = OP_KHUGEPAGED }`;
    case 'process':
      return `{ .kind = OP_NOP }`;
    case 'fork':
    case 'exit':
    case 'in':
      throw new Error('twin: a baked program (--emit-c) runs one process; run the scenario with `ptlab kernel` instead');
    case 'mincore':
      return `{ .kind = OP_MINCORE, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)} }`;
    case 'pagemap':
      return `{ .kind = OP_PAGEMAP, .addr = ${cHex(op.addr)}, .len = ${cHex(op.len)} }`;
    default:
      return opLine(op); // a recorded program's statement: opLine refuses it
  }
}

function commentSafe(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ');
}

/**
 * A standalone C program: twin.c with the operations compiled in. It prints
 * the same lines as the twin and runs on any Linux kernel.
 */
export function emitC(ops: ResolvedOp[], meta: { title: string; lines: number[] }): string {
  const source = twinSource();
  if (!source.includes(BAKED_MARKER)) throw new Error('twin.c lost its baked-table marker');
  const rows = ops.map((op, i) => {
    opLine(op); // validates the numbers
    const line = meta.lines[i];
    const where = line === undefined ? `step ${i + 1}` : `step ${i + 1}, line ${line}`;
    const what = op.op === 'process' ? `process ${op.kind}: nothing to replay` : opLine(op);
    return `  /* ${where}: ${commentSafe(what)} */\n  ${opInitializer(op)},\n`;
  });
  const table =
    '/* The operations, in order. The last entry only ends the table. */\n' +
    'static const struct op baked_ops[] = {\n' +
    rows.join('') +
    '  { .kind = OP_NOP } /* end */\n' +
    '};\n' +
    '#define PTLAB_BAKED_COUNT ((long)(sizeof baked_ops / sizeof baked_ops[0]) - 1)';
  const header =
    '/*\n' +
    ` * ptlab scenario: ${commentSafe(meta.title)}\n` +
    ' *\n' +
    ' * The ptlab kernel twin with this scenario\'s operations compiled in: it runs\n' +
    ' * them on the running kernel and prints VmPTE, RssAnon and VmSize (kB, from\n' +
    ' * /proc/self/status) before the first and after every operation. Compare the\n' +
    ' * changes from the `base` line, not the absolute values: the program\'s own\n' +
    ' * page tables vary from run to run. Works on any x86-64 Linux kernel; one\n' +
    ' * without CONFIG_PT_RECLAIM keeps every emptied PTE table until munmap.\n' +
    ' *\n' +
    ' *   cc -O2 -o t t.c && ./t\n' +
    ' */\n' +
    '#define PTLAB_BAKED 1\n';
  return header + source.replace(BAKED_MARKER, table);
}

/** Tells which PTE-table-freeing mechanism this kernel runs, and how that was found. */
export function detectMechanism(): { mechanism: 'pt-reclaim' | 'baseline'; why: string } {
  const release = readText('/proc/sys/kernel/osrelease')?.trim();
  const configs: [string, () => string | undefined][] = [
    ['/proc/config.gz', () => readGz('/proc/config.gz')],
  ];
  if (release) configs.push([`the kernel's build config for ${release}`, () => readText(`/boot/config-${release}`)]);
  for (const [name, read] of configs) {
    const text = read();
    if (text === undefined) continue;
    if (/^CONFIG_PT_RECLAIM=y$/m.test(text)) return { mechanism: 'pt-reclaim', why: `${name} has CONFIG_PT_RECLAIM=y` };
    return { mechanism: 'baseline', why: `${name} has no CONFIG_PT_RECLAIM=y` };
  }
  const support = kernelSupport();
  if (!support.ok) return { mechanism: 'baseline', why: `no kernel config readable and cannot probe: ${support.reason}` };
  const probed = probeMechanism();
  return { mechanism: probed.mechanism, why: `no kernel config readable; ${probed.why}` };
}

/** Tells the mechanism by experiment (needs kernelSupport().ok). */
export function probeMechanism(): { mechanism: 'pt-reclaim' | 'baseline'; why: string } {
  // One slot: touch a page, then DONTNEED the whole 2 MiB slot. Under
  // PT_RECLAIM the PTE table goes (-4 kB); the PMD and PUD tables stay.
  const M2 = 2 << 20;
  for (const addr of [0x100000000000, 0x200000000000, 0x300000000000]) {
    const run = runTwin([
      { op: 'mmap', addr, len: M2, prot: 'rw', hugepage: false, fixed: true },
      { op: 'thp', mode: 'never' },
      { op: 'touch', addr, len: 4096 },
      { op: 'madvise', addr, len: M2, advice: 'dontneed' },
    ]);
    const [, , touched, zapped] = run.steps;
    if (!touched?.ok || !zapped?.ok) continue;
    const delta = zapped.VmPTE - touched.VmPTE;
    if (delta < 0) {
      return { mechanism: 'pt-reclaim', why: `probe: MADV_DONTNEED of a whole 2 MiB slot freed its PTE table (VmPTE ${delta} kB)` };
    }
    return { mechanism: 'baseline', why: 'probe: MADV_DONTNEED of a whole 2 MiB slot kept its PTE table' };
  }
  return { mechanism: 'baseline', why: 'probe: could not map a free slot' };
}

/**
 * Whether a read fault on untouched anonymous memory maps the shared zero
 * page (no RssAnon). Some kernels are booted with the zero page disabled (a
 * vendor boot option); there every read maps a real page, so RssAnon after a
 * `read` differs from a simulator that models the zero page.
 */
export function detectZeroPage(): { zeroPage: boolean; why: string } {
  const support = kernelSupport();
  if (!support.ok) return { zeroPage: true, why: `cannot probe: ${support.reason}` };
  const cmdline = readText('/proc/cmdline') ?? '';
  const hint = /\S*no_zero_page\S*/.exec(cmdline)?.[0];
  for (const addr of [0x100000000000, 0x200000000000, 0x300000000000]) {
    const run = runTwin([
      { op: 'mmap', addr, len: 1 << 21, prot: 'rw', hugepage: false, fixed: true },
      { op: 'thp', mode: 'never' },
      { op: 'read', addr, len: 1 << 21 },
    ]);
    const [, before, after] = run.steps;
    if (!before?.ok || !after?.ok) continue;
    const delta = after.RssAnon - before.RssAnon;
    if (delta === 0) return { zeroPage: true, why: 'probe: reading 2 MiB of untouched memory added no RssAnon' };
    const boot = hint ? ` (boot option ${hint})` : '';
    return { zeroPage: false, why: `probe: reading 2 MiB of untouched memory added ${delta} kB RssAnon${boot}` };
  }
  return { zeroPage: true, why: 'probe: could not map a free slot' };
}

/** Whether this machine has swap on: /proc/swaps lists a device (a line after its header). */
export function detectSwap(): { swap: boolean; why: string } {
  const text = readText('/proc/swaps');
  if (text === undefined) return { swap: false, why: 'no /proc/swaps' };
  const devices = text.split('\n').slice(1).filter((l) => l.trim() !== '');
  return devices.length ? { swap: true, why: `/proc/swaps lists ${devices.length} device${devices.length === 1 ? '' : 's'}` } : { swap: false, why: '/proc/swaps lists no device' };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readGz(path: string): string | undefined {
  try {
    return gunzipSync(readFileSync(path)).toString('utf8');
  } catch {
    return undefined;
  }
}
