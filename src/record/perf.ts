// One line of `perf script` output over a `perf record` of the page-table
// system calls and the page faults (Debian's linux-perf 6.1 on Linux 6.18,
// measured: see kernel/FINDINGS.md "Recording real programs") -> an event.
// `perf script -F tid,time,event,trace,addr --show-lost-events` prints:
//
//   9570   590.862245:       raw_syscalls:sys_enter: NR 9 (0, 2000, 3, 22, ffffffff, 0)               0
//   9570   590.862341:        raw_syscalls:sys_exit: NR 9 = 140531096711168               0
//   9570   590.862351:   exceptions:page_fault_user: address=0x7fcff2197008 ip=0x7fcff21a723e error_code=0x6               0
//   9570   590.848017: exceptions:page_fault_kernel: address=0x561d53634424 ip=elf_load error_code=0x2               0
//   9570   590.848038:                 minor-faults:     561d53634424
//  10049   637.373678: PERF_RECORD_LOST lost 3818
//
// perf script reads perf.data in timestamp order across CPUs (perf
// record's rounds make that exact). `perf trace` live, which ptlab used
// before, flushes its sorting queue on a one-second window and printed
// events up to 90 ms late when perf itself was starved of CPU
// (kernel/FINDINGS.md): a thread's faults came before the mprotect that
// made their pages.
//
// The raw arguments are decoded here into the names perf trace's
// beautifiers print (prot READ|WRITE, flags PRIVATE|ANONYMOUS,
// behavior MADV_DONTNEED), leaving out the ones that are 0 as perf trace
// does. A system call counts where it returned (sys_exit); exit_group,
// which does not return, where it entered.

export type PerfEvent =
  | { kind: 'syscall'; tid: number; name: string; args: Map<string, string>; result: string }
  | { kind: 'fault'; tid: number; addr: number; write: boolean; user: boolean }
  /** perf's software minor-fault event (emitted when a fault completes): the address, not the access. */
  | { kind: 'minfault'; tid: number; addr: number }
  | { kind: 'lost'; count: number };

type Half =
  | { kind: 'enter'; tid: number; nr: number; raw: bigint[] }
  | { kind: 'exit'; tid: number; nr: number; result: string };

/** The x86-64 system calls recorded, by number, with their argument names (as perf trace names them). */
export const SYSCALLS: Record<number, { name: string; args: string[] }> = {
  9: { name: 'mmap', args: ['addr', 'len', 'prot', 'flags', 'fd', 'off'] },
  10: { name: 'mprotect', args: ['start', 'len', 'prot'] },
  11: { name: 'munmap', args: ['addr', 'len'] },
  12: { name: 'brk', args: ['brk'] },
  25: { name: 'mremap', args: ['addr', 'old_len', 'new_len', 'flags', 'new_addr'] },
  28: { name: 'madvise', args: ['start', 'len_in', 'behavior'] },
  56: { name: 'clone', args: ['clone_flags', 'newsp', 'parent_tidptr', 'child_tidptr', 'tls'] },
  57: { name: 'fork', args: [] },
  58: { name: 'vfork', args: [] },
  59: { name: 'execve', args: [] },
  231: { name: 'exit_group', args: ['error_code'] },
  435: { name: 'clone3', args: [] },
};

/** perf record's filter on raw_syscalls:sys_enter and sys_exit: only the calls above. */
export const SYSCALL_FILTER = Object.keys(SYSCALLS).map((n) => `id == ${n}`).join(' || ');

const PROT: [number, string][] = [[1, 'READ'], [2, 'WRITE'], [4, 'EXEC'], [0x1000000, 'GROWSDOWN'], [0x2000000, 'GROWSUP']];
const MAP: [number, string][] = [
  [0x10, 'FIXED'], [0x20, 'ANONYMOUS'], [0x100, 'GROWSDOWN'], [0x800, 'DENYWRITE'], [0x1000, 'EXECUTABLE'], [0x2000, 'LOCKED'],
  [0x4000, 'NORESERVE'], [0x8000, 'POPULATE'], [0x10000, 'NONBLOCK'], [0x20000, 'STACK'], [0x40000, 'HUGETLB'], [0x80000, 'SYNC'], [0x100000, 'FIXED_NOREPLACE'],
];
const CLONE: [number, string][] = [
  [0x100, 'VM'], [0x200, 'FS'], [0x400, 'FILES'], [0x800, 'SIGHAND'], [0x1000, 'PIDFD'], [0x2000, 'PTRACE'], [0x4000, 'VFORK'], [0x8000, 'PARENT'],
  [0x10000, 'THREAD'], [0x20000, 'NEWNS'], [0x40000, 'SYSVSEM'], [0x80000, 'SETTLS'], [0x100000, 'PARENT_SETTID'], [0x200000, 'CHILD_CLEARTID'], [0x1000000, 'CHILD_SETTID'],
];
const MADV = ['NORMAL', 'RANDOM', 'SEQUENTIAL', 'WILLNEED', 'DONTNEED', '5', '6', '7', 'FREE', 'REMOVE', 'DONTFORK', 'DOFORK', 'MERGEABLE', 'UNMERGEABLE', 'HUGEPAGE', 'NOHUGEPAGE', 'DONTDUMP', 'DODUMP', 'WIPEONFORK', 'KEEPONFORK', 'COLD', 'PAGEOUT', 'POPULATE_READ', 'POPULATE_WRITE', 'DONTNEED_LOCKED', 'COLLAPSE'];
const MADV_HIGH: Record<number, string> = { 100: 'HWPOISON', 101: 'SOFT_OFFLINE', 102: 'GUARD_INSTALL', 103: 'GUARD_REMOVE' };

/** Bits -> `A|B|0x..` (the unnamed rest in hex), as perf trace prints flags. */
function bits(v: bigint, names: [number, string][], first: string[] = []): string {
  const out = [...first];
  let rest = v;
  for (const [b, n] of names) {
    if (rest & BigInt(b)) {
      out.push(n);
      rest &= ~BigInt(b);
    }
  }
  if (rest) out.push('0x' + rest.toString(16));
  return out.join('|');
}

function decode(nr: number, raw: bigint[]): Map<string, string> {
  const sc = SYSCALLS[nr];
  const args = new Map<string, string>();
  if (!sc) return args;
  sc.args.forEach((name, i) => {
    const v = raw[i] ?? 0n;
    if (v === 0n) return; // perf trace leaves out the arguments that are 0; brk(0) is a query
    let s: string;
    if (name === 'prot') s = bits(v, PROT);
    else if (name === 'flags' && sc.name === 'mmap') {
      const type = Number(v & 3n);
      s = bits(v & ~3n, MAP, type === 1 ? ['SHARED'] : type === 2 ? ['PRIVATE'] : type === 3 ? ['SHARED_VALIDATE'] : []);
    } else if (name === 'clone_flags') s = bits(v & ~0xffn, CLONE, []) + ((v & 0xffn) ? `|0x${(v & 0xffn).toString(16)}` : '');
    else if (name === 'behavior') s = 'MADV_' + (MADV[Number(v)] ?? MADV_HIGH[Number(v)] ?? String(v));
    else if (name === 'fd' || name === 'error_code') s = String(BigInt.asIntN(32, v));
    else s = '0x' + v.toString(16);
    args.set(name, s.replace(/^\|/, ''));
  });
  return args;
}

// `  TID   SECONDS.MICROS: EVENT: REST`
const HEAD = /^\s*(-?\d+)\s+\d+\.\d+:\s+(\S+):\s?(.*)$/;

/** A line, as a whole event or half of a system call; null for anything else. */
export function parseScriptLine(line: string): PerfEvent | Half | null {
  const m = HEAD.exec(line);
  if (!m) {
    const lost = /PERF_RECORD_LOST\S* lost (\d+)/.exec(line);
    return lost ? { kind: 'lost', count: Number(lost[1]) } : null;
  }
  const tid = Number(m[1]);
  const event = m[2];
  const rest = m[3];
  if (event === 'exceptions:page_fault_user' || event === 'exceptions:page_fault_kernel') {
    const a = /address=0x([0-9a-f]+)/.exec(rest);
    const e = /error_code=0x([0-9a-f]+)/.exec(rest);
    if (!a) return null;
    const code = e ? parseInt(e[1], 16) : 0;
    return { kind: 'fault', tid, addr: parseInt(a[1], 16), write: (code & 2) !== 0, user: event === 'exceptions:page_fault_user' };
  }
  if (event === 'minor-faults') {
    const a = /^\s*([0-9a-f]+)/.exec(rest);
    return a ? { kind: 'minfault', tid, addr: parseInt(a[1], 16) } : null;
  }
  if (event === 'raw_syscalls:sys_enter') {
    const c = /^NR (\d+) \(([^)]*)\)/.exec(rest);
    if (!c) return null;
    return { kind: 'enter', tid, nr: Number(c[1]), raw: c[2].split(',').map((s) => BigInt('0x' + (s.trim() || '0'))) };
  }
  if (event === 'raw_syscalls:sys_exit') {
    const c = /^NR (\d+) = (-?\d+)/.exec(rest);
    return c ? { kind: 'exit', tid, nr: Number(c[1]), result: c[2] } : null;
  }
  return null;
}

/** Joins each system call's entry and return (another thread's events may come between). */
export class PerfJoiner {
  private pending = new Map<number, { nr: number; raw: bigint[] }>();
  push(line: string): PerfEvent | null {
    const e = parseScriptLine(line);
    if (!e) return null;
    if (e.kind === 'enter') {
      const sc = SYSCALLS[e.nr];
      if (!sc) return null;
      // exit_group does not return: it counts where it entered.
      if (sc.name === 'exit_group') return { kind: 'syscall', tid: e.tid, name: sc.name, args: decode(e.nr, e.raw), result: '?' };
      this.pending.set(e.tid, { nr: e.nr, raw: e.raw });
      return null;
    }
    if (e.kind === 'exit') {
      const sc = SYSCALLS[e.nr];
      if (!sc) return null;
      const p = this.pending.get(e.tid);
      this.pending.delete(e.tid);
      // The first execve's entry came before perf enabled its events (enable on exec): no arguments, as perf trace printed it.
      const args = p && p.nr === e.nr ? decode(e.nr, p.raw) : new Map<string, string>();
      return { kind: 'syscall', tid: e.tid, name: sc.name, args, result: e.result };
    }
    return e;
  }
}

/** A number perf printed: hex with 0x, or decimal; absent means 0. */
export function num(s: string | undefined): number {
  if (s === undefined) return 0;
  const t = s.trim();
  return t.startsWith('0x') ? parseInt(t.slice(2), 16) : Number.parseInt(t, 10);
}

/** The flags of a `A|B|C` argument. */
export function flags(s: string | undefined): Set<string> {
  return new Set((s ?? '').split('|').filter(Boolean));
}

/** A system call's result: a number, or null when it failed (a negative errno) or did not return (`?`). */
export function result(s: string): number | null {
  if (s.startsWith('-1 ') || s === '?' || s.startsWith('-')) return null;
  return num(s.split(' ')[0]);
}
