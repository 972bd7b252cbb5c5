// The recording's pure half: perf's lines -> events -> a scenario that
// replays. The lines are as perf 6.1 printed them on Linux 6.18 here.
import { describe, expect, it } from 'vitest';
import { runFlat } from '../core/index.ts';
import { compile, MECHANISMS } from '../scenario/index.ts';
import { divergences } from './annotate.ts';
import { Converter, Prescan } from './convert.ts';
import { MARK_BASE } from './markers.ts';
import { PerfJoiner, parsePerfLine } from './perf.ts';
import { parseRecOutput } from './snapshot.ts';

const mark = (n: number, tid = 100): string => `     1.000 ( 0.010 ms): prog/${tid} madvise(start: 0x${(MARK_BASE + n * 4096).toString(16)})                                        = 0`;
const fault = (addr: number, code: number, tid = 100): string => `     2.000 (         ): prog/${tid} exceptions:page_fault_user(address: 0x${addr.toString(16)}, ip: 140152267895264, error_code: ${code})`;

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

describe('perf trace lines', () => {
  it('reads a system call, leaving out the arguments perf omits when 0', () => {
    const e = parsePerfLine('     1.181 ( 0.013 ms): t1/1987 mmap(len: 38971, prot: READ, flags: PRIVATE, fd: 4)                   = 0x7f2c4770c000');
    expect(e).toMatchObject({ kind: 'syscall', tid: 1987, name: 'mmap', result: '0x7f2c4770c000' });
    expect(e && e.kind === 'syscall' && e.args.get('addr')).toBe(undefined);
  });
  it('reads a fault: address and the write bit of the error code', () => {
    expect(parsePerfLine(fault(0x7f77be25a060, 6))).toEqual({ kind: 'fault', tid: 100, addr: 0x7f77be25a060, write: true, user: true });
    expect(parsePerfLine(fault(0x7f77be25a060, 4))).toMatchObject({ write: false });
    expect(parsePerfLine('     0.000 (         ): t1/2714 exceptions:page_fault_kernel(address: 0x5603ef55f028, ip: -2122874470, error_code: 2)')).toMatchObject({ write: true, user: false });
  });
  it('joins a call that another thread interrupted; counts lost events', () => {
    const j = new PerfJoiner();
    expect(j.push('    23.098 (         ): thr/5765 mprotect(start: 0x7fd714d94000, len: 8388608, prot: READ|WRITE)    ...')).toBeNull();
    const e = j.push('    23.098 ( 0.146 ms): thr/5765  ... [continued]: mprotect())                                         = 0');
    expect(e).toMatchObject({ name: 'mprotect', result: '0' });
    expect(e && e.kind === 'syscall' && e.args.get('len')).toBe('8388608');
    expect(j.push('LOST 17 events!')).toEqual({ kind: 'lost', count: 17 });
  });
});

describe('a recording as a scenario', () => {
  const lines = [
    '     0.100 ( 0.010 ms): prog/100 brk() = 0x555555577000', // before the start marker: ignored
    mark(0),
    mark(1),
    '     3.000 ( 0.010 ms): prog/100 mmap(len: 4194304, prot: READ|WRITE, flags: PRIVATE|ANONYMOUS)        = 0x7f0000400000',
    ...Array.from({ length: 1024 }, (_, k) => fault(0x7f0000400000 + k * 4096 + 8, 6)),
    fault(0x7f0000001000, 4), // a libc page, read
    '     4.000 ( 0.010 ms): prog/100 madvise(start: 0x7f0000400000, len_in: 2097152, behavior: MADV_DONTNEED) = 0',
    '     4.100 ( 0.010 ms): prog/100 brk(brk: 0x555555598000) = 0x555555598000',
    fault(0x555555590000, 6),
    fault(0x7ffffffdd000, 6), // the stack grows
    mark(2),
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
      '     0.500 ( 0.010 ms): prog/100 brk() = 0x555555577000',
      mark(0),
      '     3.000 ( 0.200 ms): prog/100 clone(clone_flags: CHILD_CLEARTID|CHILD_SETTID|0x11, newsp: 0) = 101',
      fault(0x7f0000001000, 6, 101), // the child's COW fault: its own address space
      'LOST 5 events!',
      '     4.000 ( 0.010 ms): prog/100 madvise(start: 0x7f0000000000, len_in: 4096, behavior: MADV_DONTDUMP) = 0',
      mark(2),
    ]);
    expect(report).toMatchObject({ refused: null, forks: 1, faults: 0, lost: 5 });
    expect([...report.inexact.keys()].join()).toMatch(/MADV_DONTDUMP/);
  });

  it('follows the last program image of the process (a wrapper exec’d it)', () => {
    const { report, text } = convert([
      '     0.100 ( 0.010 ms): sh/100 brk() = 0x555555577000',
      mark(0),
      '     0.300 ( 0.010 ms): sh/100 mmap(len: 4096, prot: READ|WRITE, flags: PRIVATE|ANONYMOUS) = 0x7f0000800000',
      '     0.400 ( 0.200 ms): prog/100 execve(filename: 0x1234, argv: 0x5678, envp: 0x9abc) = 0',
      mark(0),
      fault(0x555555556000, 6),
      mark(2),
    ]);
    expect(report).toMatchObject({ started: true, ended: true, execs: 1, faults: 1 });
    expect(text).not.toContain('0x7f0000800000');
  });

  it('replays a fault whose tracepoint perf dropped, from its software event, and no fault twice', () => {
    const minfault = (addr: number): string => `     2.100 ( 0.000 ms): prog/100 minfault [memset+0x32] => //anon@0x${addr.toString(16)} (d.)`;
    const { report, text } = convert([
      mark(0),
      fault(0x555555557010, 6),
      minfault(0x555555557010), // the same fault, seen twice
      minfault(0x555555558010), // its tracepoint event is missing
      fault(0x555555559010, 6),
      minfault(0x555555559010),
      mark(2),
    ]);
    expect(report).toMatchObject({ faults: 3, recovered: 1 });
    expect(text).toContain('faults heap 0x1000 0x3000 w\n');
  });

  it('follows a thread (clone3) into the same address space', () => {
    const { report } = convert([
      mark(0),
      fault(0x555555557000, 6, 101), // the thread's first fault, printed before its parent's clone3 returned
      '     3.000 ( 0.200 ms): prog/100 clone3(uargs: 0x7ffea1b32990, size: 88) = 101',
      fault(0x555555556000, 6, 101),
      mark(2),
    ]);
    expect(report).toMatchObject({ refused: null, faults: 2 });
  });
});
