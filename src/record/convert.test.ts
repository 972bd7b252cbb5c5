// The recording's pure half: perf script's lines -> events -> a scenario
// that replays. The lines are as perf 6.1 printed them on Linux 6.18 here.
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { divergences } from './annotate.ts';
import { Converter, Prescan } from './convert.ts';
import { MARK_BASE } from './markers.ts';
import { PerfJoiner, parseScriptLine } from './perf.ts';
import { parseRecOutput } from './snapshot.ts';

// `perf script -F tid,time,event,trace,addr` lines.
const hx = (n: number | bigint): string => n.toString(16);
const enter = (nr: number, args: (number | bigint)[], tid = 100): string => `   ${tid}     1.000000:       raw_syscalls:sys_enter: NR ${nr} (${[...args, 0, 0, 0, 0, 0, 0].slice(0, 6).map(hx).join(', ')})               0`;
const exit = (nr: number, ret: number, tid = 100): string => `   ${tid}     1.000010:        raw_syscalls:sys_exit: NR ${nr} = ${ret}               0`;
/** A system call that nothing interrupted: its entry and its return. */
const call = (nr: number, args: (number | bigint)[], ret: number, tid = 100): string[] => [enter(nr, args, tid), exit(nr, ret, tid)];
const MMAP = 9, MPROTECT = 10, BRK = 12, MADVISE = 28, CLONE = 56, EXECVE = 59, CLONE3 = 435;
const mark = (n: number, tid = 100): string[] => call(MADVISE, [MARK_BASE + n * 4096, 0, 0], 0, tid);
const fault = (addr: number, code: number, tid = 100): string => `   ${tid}     2.000000:   exceptions:page_fault_user: address=0x${hx(addr)} ip=0x7f77be25a060 error_code=0x${hx(code)}               0`;
const minfault = (addr: number, tid = 100): string => `   ${tid}     2.000100:                 minor-faults:     ${hx(addr)}`;

const REC = `fig warm 100 40 400
maps 100
555555554000-555555555000 r--p 00000000 fe:00 1  /usr/bin/prog
555555555000-555555556000 rw-p 00001000 fe:00 1  /usr/bin/prog
555555556000-555555577000 rw-p 00000000 00:00 0  [heap]
7f0000000000-7f0000026000 r--p 00000000 fe:00 2  /usr/lib/x86_64-linux-gnu/libc.so.6
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0  [stack]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]
endmaps
p 555555554000 1 f
p 555555555000 1 a
p 555555556000 2 a
p 7f0000000000 16 f
p 7fffffffd000 2 a
fig start 100 36 20
fig exit 100 40 2076
`;

function convert(lines: string[], rec = REC) {
  const out: string[] = [];
  const events = (() => {
    const j = new PerfJoiner();
    return lines.map((l) => j.push(l)).filter((e) => e !== null);
  })();
  const scan = new Prescan();
  for (const e of events) scan.push(e);
  const conv = new Converter(parseRecOutput(rec).get(100)!, (l) => out.push(l), { command: 'prog', zeroPage: false, thp: 'madvise' }, scan);
  for (const e of events) conv.push(e);
  return { text: out.join('\n') + '\n', report: conv.finish() };
}

describe('perf script lines', () => {
  it('reads a system call from its entry and return, naming its flags and leaving out the arguments that are 0 (as perf trace does)', () => {
    const j = new PerfJoiner();
    expect(j.push(enter(MMAP, [0, 38971, 1, 2, 4, 0], 1987))).toBeNull();
    const e = j.push(exit(MMAP, 139828838612992, 1987));
    expect(e).toMatchObject({ kind: 'syscall', tid: 1987, name: 'mmap', result: '139828838612992' });
    const args = e && e.kind === 'syscall' ? Object.fromEntries(e.args) : {};
    expect(args).toEqual({ len: '0x983b', prot: 'READ', flags: 'PRIVATE', fd: '4' });
    const anon = new PerfJoiner();
    anon.push(enter(MMAP, [0x7f0000000000, 0x200000, 3, 0x8032, 0xffffffffffffffffn, 0]));
    const a = anon.push(exit(MMAP, 0x7f0000000000));
    expect(a && a.kind === 'syscall' && Object.fromEntries(a.args)).toEqual({ addr: '0x7f0000000000', len: '0x200000', prot: 'READ|WRITE', flags: 'PRIVATE|FIXED|ANONYMOUS|POPULATE', fd: '-1' });
    const m = new PerfJoiner();
    m.push(enter(MADVISE, [0x7f0000000000, 0x1000, 4]));
    expect(m.push(exit(MADVISE, 0))).toMatchObject({ name: 'madvise', args: new Map([['start', '0x7f0000000000'], ['len_in', '0x1000'], ['behavior', 'MADV_DONTNEED']]) });
    m.push(enter(CLONE, [0x1200011, 0]));
    expect(m.push(exit(CLONE, 101))).toMatchObject({ args: new Map([['clone_flags', 'CHILD_CLEARTID|CHILD_SETTID|0x11']]) });
    m.push(enter(BRK, [0]));
    expect(m.push(exit(BRK, 0x555555577000))).toMatchObject({ name: 'brk', args: new Map() }); // a query: no `brk` argument
  });
  it('reads a fault: address and the write bit of the error code; and the software event', () => {
    expect(parseScriptLine(fault(0x7f77be25a060, 6))).toEqual({ kind: 'fault', tid: 100, addr: 0x7f77be25a060, write: true, user: true });
    expect(parseScriptLine(fault(0x7f77be25a060, 4))).toMatchObject({ write: false });
    expect(parseScriptLine('            2714   590.848017: exceptions:page_fault_kernel: address=0x5603ef55f028 ip=elf_load error_code=0x2               0')).toMatchObject({ tid: 2714, write: true, user: false });
    expect(parseScriptLine(minfault(0x561d53634424))).toEqual({ kind: 'minfault', tid: 100, addr: 0x561d53634424 });
  });
  it('joins a call that another thread interrupted; a failed call; exit_group where it entered; lost events', () => {
    const j = new PerfJoiner();
    expect(j.push(enter(MPROTECT, [0x7fd714d94000, 8388608, 3], 5765))).toBeNull();
    expect(j.push(fault(0x7fd714000000, 6, 5766))).toMatchObject({ kind: 'fault', tid: 5766 });
    const e = j.push(exit(MPROTECT, 0, 5765));
    expect(e).toMatchObject({ name: 'mprotect', result: '0' });
    expect(e && e.kind === 'syscall' && e.args.get('len')).toBe('0x800000');
    j.push(enter(MMAP, [0, 1 << 30, 3, 0x22, 0xffffffff, 0]));
    expect(j.push(exit(MMAP, -12))).toMatchObject({ result: '-12' });
    expect(j.push(enter(231, [3]))).toMatchObject({ name: 'exit_group', args: new Map([['error_code', '3']]), result: '?' });
    expect(j.push(exit(EXECVE, 0))).toMatchObject({ name: 'execve', args: new Map(), result: '0' }); // its entry came before perf's enable-on-exec
    expect(j.push('   10049   637.373678: PERF_RECORD_LOST lost 3818')).toEqual({ kind: 'lost', count: 3818 });
  });
});

describe('a recording as a scenario', () => {
  const lines = [
    ...call(BRK, [0], 0x555555577000), // before the start marker: ignored
    ...mark(0),
    ...mark(1),
    ...call(MMAP, [0, 4194304, 3, 0x22, 0xffffffff, 0], 0x7f0000400000),
    ...Array.from({ length: 1024 }, (_, k) => fault(0x7f0000400000 + k * 4096 + 8, 6)),
    fault(0x7f0000001000, 4), // a libc page, read
    ...call(MADVISE, [0x7f0000400000, 2097152, 4], 0),
    ...call(BRK, [0x555555598000], 0x555555598000),
    fault(0x555555590000, 6),
    fault(0x7ffffffdd000, 6), // the stack grows
    ...mark(2),
    fault(0x7f0000600000, 6), // after the exit measurement: ignored
  ];

  it('starts from the snapshot, groups faults between calls, and checks the exit figures', () => {
    const { text, report } = convert(lines);
    expect(report).toMatchObject({ started: true, ended: true, faults: 1027, lost: 0, refused: null });
    expect(text).toContain('mmap heap 0x21000 at 0x555555556000\n');
    expect(text).toContain('mmap libc_so_6_7f0000000000 0x26000 at 0x7f0000000000 prot r file "libc.so.6"\n');
    expect(text).toContain('populate stack 0x1f000 0x2000 anon\n');
    expect(text).toContain('faults anon_7f0000400000 0x0 0x400000 w libc_so_6_7f0000000000 0x1000 0x1000 r\n');
    expect(text).toContain('brk heap 0x555555556000 0x555555598000\n');
    expect(text).toContain('faults heap 0x3a000 0x1000 w at 0x7ffffffdd000 0x1000 w\n');
    const c = compile(text);
    if (!c.ok) throw new Error(c.errors[0].message);
    const r = runFlat(c.program, { mechanism: 'pt-reclaim', checkInvariants: true }, c.initialExpects);
    expect(r.error).toBeUndefined();
    expect(r.invariantViolations).toEqual([]);
    // The snapshot: 3 PUD + 3 PMD + 3 PTE tables = 36 kB, as the fixture's `fig start` says.
    expect(r.expectFailures.map((f) => f.message)).toEqual([]);
    expect(r.final).toMatchObject({ VmPTE: 40, RssAnon: 2076 });
    const base = runFlat(c.program, { mechanism: 'baseline' }, c.initialExpects);
    expect(base.final.VmPTE).toBe(44); // the DONTNEEDed slot keeps its PTE table
  });

  it('gets a caption where pt-reclaim first frees what baseline keeps', () => {
    const { text } = convert(lines);
    const d = divergences(text);
    expect(d.whole?.text).toBe('madvise anon_7f0000400000 0x0 0x200000 dontneed');
    expect(d.partial).toBeUndefined();
  });

  it('fails its expect when the replay differs from the measurement', () => {
    const { text } = convert(lines, REC.replace('fig exit 100 40 2076', 'fig exit 100 44 2076'));
    const c = compile(text);
    if (!c.ok) throw new Error(c.errors[0].message);
    const r = runFlat(c.program, { mechanism: 'pt-reclaim' }, c.initialExpects);
    expect(r.expectFailures.length).toBe(1);
    for (const m of MECHANISMS.filter((x) => x !== 'pt-reclaim')) expect(runFlat(c.program, { mechanism: m }, c.initialExpects).expectFailures).toEqual([]);
  });

  it('leaves a forked child alone, reports lost events and what it does not model', () => {
    const { report } = convert([
      ...call(BRK, [0], 0x555555577000),
      ...mark(0),
      ...call(CLONE, [0x1200011, 0], 101), // glibc's fork
      fault(0x7f0000001000, 6, 101), // the child's COW fault: its own address space
      '     100     3.500000: PERF_RECORD_LOST lost 5',
      ...call(MADVISE, [0x7f0000000000, 4096, 16], 0), // MADV_DONTDUMP
      ...mark(2),
    ]);
    expect(report).toMatchObject({ refused: null, forks: 1, faults: 0, lost: 5 });
    expect([...report.inexact.keys()].join()).toMatch(/MADV_DONTDUMP/);
  });

  it('follows the last program image of the process (a wrapper exec’d it)', () => {
    const { report, text } = convert([
      ...call(BRK, [0], 0x555555577000),
      ...mark(0),
      ...call(MMAP, [0, 4096, 3, 0x22, 0xffffffff, 0], 0x7f0000800000),
      ...call(EXECVE, [0x1234, 0x5678, 0x9abc], 0),
      ...mark(0),
      fault(0x555555556000, 6),
      ...mark(2),
    ]);
    expect(report).toMatchObject({ started: true, ended: true, execs: 1, faults: 1 });
    expect(text).not.toContain('0x7f0000800000');
  });

  it('replays a fault whose tracepoint perf dropped, from its software event, and no fault twice', () => {
    const { report, text } = convert([
      ...mark(0),
      fault(0x555555557010, 6),
      minfault(0x555555557010), // the same fault, seen twice
      minfault(0x555555558010), // its tracepoint event is missing
      fault(0x555555559010, 6),
      minfault(0x555555559010),
      ...mark(2),
    ]);
    expect(report).toMatchObject({ faults: 3, recovered: 1 });
    expect(text).toContain('faults heap 0x1000 0x3000 w\n');
  });

  it('follows a thread (clone3) into the same address space', () => {
    const { report } = convert([
      ...mark(0),
      fault(0x555555557000, 6, 101), // the thread's first fault, printed before its parent's clone3 returned
      ...call(CLONE3, [0x7ffea1b32990, 88], 101),
      fault(0x555555556000, 6, 101),
      ...mark(2),
    ]);
    expect(report).toMatchObject({ refused: null, faults: 2 });
  });
});
