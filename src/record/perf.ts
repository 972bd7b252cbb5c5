// One line of `perf trace` output (Debian's linux-perf 6.1 on Linux 6.18,
// measured: see kernel/FINDINGS.md "Recording real programs") -> an event.
//
//   12.738 ( 0.016 ms): t2/4504 madvise(start: 0x7f8aa4a05000, len_in: 8368128, behavior: MADV_DONTNEED) = 0
//   10.357 (         ): t2/4306 exceptions:page_fault_user(address: 0x7f77be25a060, ip: 1401522678, error_code: 6)
//   12.384 ( 0.232 ms): t2/4503 clone3(uargs: 0x7ffea1b32990, size: 88) = 4504
//        ? (         ): t2/4504  ... [continued]: clone3()) = 0
//   LOST 12 events!
//
// perf leaves out arguments that are 0 (`prot` of PROT_NONE, `addr` of a
// non-fixed mmap, `off` 0, `behavior` MADV_NORMAL). A system call that
// another thread's event interrupts prints as `name(args) ...` and later
// `... [continued]: name()) = result`: parsePerfLine reports both halves and
// the caller joins them (PerfJoiner).

export type PerfEvent =
  | { kind: 'syscall'; tid: number; comm: string; name: string; args: Map<string, string>; result: string }
  | { kind: 'fault'; tid: number; addr: number; write: boolean; user: boolean }
  /** perf's software minor-fault event (`-F min`) on anonymous memory: the address, not the access. */
  | { kind: 'minfault'; tid: number; addr: number }
  | { kind: 'lost'; count: number };

type Half =
  | { kind: 'enter'; tid: number; comm: string; name: string; args: Map<string, string> }
  | { kind: 'exit'; tid: number; comm: string; name: string; result: string };

const HEAD = /^\s*(?:[\d.]+|\?) \([^)]*\): (.+?)\/(\d+) +(.*)$/;

function parseArgs(s: string): Map<string, string> {
  const args = new Map<string, string>();
  if (!s.trim()) return args;
  for (const part of s.split(', ')) {
    const i = part.indexOf(': ');
    if (i > 0) args.set(part.slice(0, i).trim(), part.slice(i + 2).trim());
  }
  return args;
}

/** A line, as a whole event or half of an interrupted system call; null for anything else. */
export function parsePerfLine(line: string): PerfEvent | Half | null {
  const lost = /LOST (\d+) events!/.exec(line);
  if (lost) return { kind: 'lost', count: Number(lost[1]) };
  const m = HEAD.exec(line);
  if (!m) return null;
  const comm = m[1];
  const tid = Number(m[2]);
  const rest = m[3];
  if (rest.startsWith('exceptions:page_fault_')) {
    const a = /address: 0x([0-9a-f]+)/.exec(rest);
    const e = /error_code: (\d+)/.exec(rest);
    if (!a) return null;
    const code = e ? Number(e[1]) : 0;
    return { kind: 'fault', tid, addr: parseInt(a[1], 16), write: (code & 2) !== 0, user: rest.startsWith('exceptions:page_fault_user') };
  }
  if (rest.startsWith('minfault ')) {
    // `minfault [sym] => //anon@0x7f.. (d.)`, `[heap]@0x..`, `[stack]@0x..`; a file gives file@offset (no address).
    const a = /=> (?:\/\/anon@|\[heap\]@|\[stack\]@)?0x([0-9a-f]+) /.exec(rest);
    return a ? { kind: 'minfault', tid, addr: parseInt(a[1], 16) } : null;
  }
  const cont = /^\.\.\. \[continued\]: (\w+)\(\)\)\s+= (.*)$/.exec(rest);
  if (cont) return { kind: 'exit', tid, comm, name: cont[1], result: cont[2].trim() };
  const call = /^(\w+)\((.*)\)\s+= (.*)$/.exec(rest);
  if (call) return { kind: 'syscall', tid, comm, name: call[1], args: parseArgs(call[2]), result: call[3].trim() };
  const enter = /^(\w+)\((.*)\)\s+\.\.\.\s*$/.exec(rest);
  if (enter) return { kind: 'enter', tid, comm, name: enter[1], args: parseArgs(enter[2]) };
  return null;
}

/** Joins the halves of interrupted system calls; a call counts where it returned. */
export class PerfJoiner {
  private pending = new Map<number, { name: string; args: Map<string, string> }>();
  push(line: string): PerfEvent | null {
    const e = parsePerfLine(line);
    if (!e) return null;
    if (e.kind === 'enter') {
      this.pending.set(e.tid, { name: e.name, args: e.args });
      return null;
    }
    if (e.kind === 'exit') {
      const p = this.pending.get(e.tid);
      this.pending.delete(e.tid);
      const args = p && p.name === e.name ? p.args : new Map<string, string>();
      return { kind: 'syscall', tid: e.tid, comm: e.comm, name: e.name, args, result: e.result };
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

/** A system call's result: a number, or null when it failed (`-1 ENOMEM (...)`) or did not return (`?`). */
export function result(s: string): number | null {
  if (s.startsWith('-1 ') || s === '?' || s.startsWith('-')) return null;
  return num(s.split(' ')[0]);
}
