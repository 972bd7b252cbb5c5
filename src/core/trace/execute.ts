// One statement of the flat stream, executed on a process: resolve the
// mapping name to addresses, call the modelled syscall, report what ran.
import type { FlatOp } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE, TASK_SIZE, alignUp } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { faultRange } from '../mm/fault.ts';
import { do_madvise, do_mmap, do_mprotect, do_munmap } from '../mm/mmap.ts';
import { do_mremap } from '../mm/mremap.ts';
import { populate, setupSmallC } from '../mm/process.ts';
import { khugepaged_scan } from '../mm/khugepaged.ts';
import { do_mincore, pagemap_read } from '../mm/walkers.ts';
import type { ResolvedOp } from '../resolved.ts';
import type { SimError } from '../types.ts';
import { executeRace, type RaceReport } from '../races/report.ts';

/** What the scenario calls its mappings: name -> current address range. */
export type Names = Map<string, { start: number; len: number }>;

const hex = (n: number): string => '0x' + n.toString(16);

export interface Executed {
  op?: ResolvedOp;
  error?: SimError;
  race?: RaceReport;
}

/** resolve's address without an object: -1 where resolve returns an error (call it for the message). */
function resolveAddr(names: Names, name: string, off: number, len: number): number {
  const m = names.get(name);
  if (m === undefined || off >= alignUp(m.len, PAGE_SIZE) || m.start + off + len > TASK_SIZE) return -1;
  return m.start + off;
}

export function resolve(names: Names, name: string, off: number, len: number, what: string): { addr: number } | SimError {
  const m = names.get(name);
  if (!m) {
    const known = [...names.keys()];
    return { kind: 'unknown_mapping', message: `no mapping named ${name}${known.length ? ` (mappings: ${known.join(', ')})` : ' (nothing is mapped yet)'}` };
  }
  // The range starts inside the mapping; it may run on past its end, where
  // the kernel's rules apply (a hole: ENOMEM for madvise, SIGSEGV for touch).
  if (off >= alignUp(m.len, PAGE_SIZE)) {
    return { kind: 'range', message: `${what} at ${name}+${hex(off)} starts outside ${name}, which is ${hex(m.len)} bytes long` };
  }
  if (m.start + off + len > TASK_SIZE) {
    return { kind: 'range', message: `${what} [${name}+${hex(off)}, +${hex(len)}) runs past the end of the user address space (${hex(TASK_SIZE)})` };
  }
  return { addr: m.start + off };
}

/**
 * The work a run may do before it stops with a 'limit' error: one unit per
 * 2 MiB slot that a touch, read, madvise, munmap or mremap spans (a whole
 * slot costs the core O(1); a part of one, at most its 512 entries). About a
 * minute of the core's time: the 55 TiB production process needs ~60 M, an
 * absurd scenario (`repeat 1000000 { touch A 0 100T }`) stops at once.
 */
export const DEFAULT_MAX_WORK = 400_000_000;

const slotsSpanned = (addr: number, len: number): number => (len <= 0 ? 1 : Math.floor((addr + len - 1) / PMD_SIZE) - Math.floor(addr / PMD_SIZE) + 1);

/** Charge a statement's work; the limit error if it passes maxWork. */
function charge(mm: Mm, what: string, addr: number, len: number, maxWork: number): SimError | null {
  mm.work += slotsSpanned(addr, len);
  if (mm.work <= maxWork) return null;
  return { kind: 'limit', message: `too much work: this ${what} brings the run to ${mm.work.toLocaleString('en')} slot operations (2 MiB each); the limit is ${maxWork.toLocaleString('en')} (the 50 GiB test needs 51,200)` };
}

export function execute(mm: Mm, names: Names, op: FlatOp, maxWork = DEFAULT_MAX_WORK): Executed {
  switch (op.op) {
    case 'mmap': {
      const m = names.get(op.name);
      if (m && !op.fixed && mm.vmas.some((v) => v.start < m.start + m.len && v.end > m.start)) {
        return { error: { kind: 'exists', message: `mapping ${op.name} already exists; munmap it first or pick another name` } };
      }
      const backing = op.file !== undefined || op.stack ? { kind: op.stack ? ('stack' as const) : ('file' as const), label: op.file ?? '[stack]', shared: op.shared, replace: op.fixed } : op.fixed ? { kind: 'anon' as const, replace: true } : undefined;
      const r = do_mmap(mm, op.size, op.at, op.prot, op.hugepage, backing);
      if ('kind' in r) return { error: r };
      names.set(op.name, { start: r.addr, len: alignUp(op.size, PAGE_SIZE) });
      const extra = { ...(op.file !== undefined ? { file: op.file } : {}), ...(op.shared ? { shared: true } : {}), ...(op.stack ? { stack: true } : {}), ...(op.fixed ? { replace: true } : {}) };
      return { op: { op: 'mmap', addr: r.addr, len: alignUp(op.size, PAGE_SIZE), prot: op.prot, hugepage: op.hugepage, fixed: op.at !== undefined, ...extra } };
    }
    case 'touch':
    case 'read': {
      const addr = resolveAddr(names, op.name, op.off, op.len);
      if (addr < 0) return { error: resolve(names, op.name, op.off, op.len, op.op) as SimError };
      const res: ResolvedOp = { op: op.op, addr, len: op.len };
      const limit = charge(mm, op.op, addr, op.len, maxWork);
      if (limit) return { error: limit };
      const e = faultRange(mm, addr, addr + op.len, op.op === 'touch');
      return e ? { op: res, error: e } : { op: res };
    }
    case 'madvise':
    case 'munmap':
    case 'mprotect': {
      const addr = resolveAddr(names, op.name, op.off, op.len);
      if (addr < 0) return { error: resolve(names, op.name, op.off, op.len, op.op) as SimError };
      if (op.op !== 'mprotect') {
        const limit = charge(mm, op.op, addr, op.len, maxWork);
        if (limit) return { error: limit };
      }
      let e: SimError | null;
      let res: ResolvedOp;
      if (op.op === 'madvise') {
        res = { op: 'madvise', addr, len: op.len, advice: op.advice };
        e = do_madvise(mm, addr, op.len, op.advice);
      } else if (op.op === 'munmap') {
        res = { op: 'munmap', addr, len: op.len };
        e = do_munmap(mm, addr, op.len);
      } else {
        res = { op: 'mprotect', addr, len: op.len, prot: op.prot };
        e = do_mprotect(mm, addr, op.len, op.prot);
      }
      return e ? { op: res, error: e } : { op: res };
    }
    case 'mincore':
    case 'pagemap': {
      const r = resolve(names, op.name, op.off, op.len, op.op);
      if ('kind' in r) return { error: r };
      const res: ResolvedOp = { op: op.op, addr: r.addr, len: op.len };
      const limit = charge(mm, op.op, r.addr, op.len, maxWork);
      if (limit) return { error: limit };
      const e = op.op === 'mincore' ? do_mincore(mm, r.addr, op.len) : pagemap_read(mm, r.addr, op.len);
      return e ? { op: res, error: e } : { op: res };
    }
    case 'mremap': {
      const m = names.get(op.name);
      if (!m) return { error: { kind: 'unknown_mapping', message: `no mapping named ${op.name}` } };
      const res: ResolvedOp = { op: 'mremap', addr: m.start, len: m.len, to: op.to };
      const limit = charge(mm, 'mremap', m.start, m.len, maxWork);
      if (limit) return { error: limit };
      const e = do_mremap(mm, m.start, m.len, op.to);
      if (e) return { op: res, error: e };
      names.set(op.name, { start: op.to, len: m.len });
      return { op: res };
    }
    case 'faults': {
      // A recorded program's faults between two system calls, in order.
      const runs: { addr: number; len: number; write: boolean }[] = [];
      for (const f of op.runs) {
        const r = f.name === '' ? { addr: f.off } : resolve(names, f.name, f.off, f.len, 'fault');
        if ('kind' in r) return { op: { op: 'faults', runs }, error: r };
        runs.push({ addr: r.addr, len: f.len, write: f.write });
        const limit = charge(mm, 'fault run', r.addr, f.len, maxWork);
        if (limit) return { op: { op: 'faults', runs }, error: limit };
        const e = faultRange(mm, r.addr, r.addr + f.len, f.write);
        if (e) return { op: { op: 'faults', runs }, error: e };
      }
      return { op: { op: 'faults', runs } };
    }
    case 'brk': {
      // brk (mm/mmap.c): grow with do_brk_flags (a new VMA merged into the heap), shrink with do_vmi_align_munmap.
      const m = names.get(op.name);
      const oldEnd = alignUp(m ? m.start + m.len : op.start, PAGE_SIZE);
      const newEnd = alignUp(op.end, PAGE_SIZE);
      const res: ResolvedOp = { op: 'brk', start: op.start, end: op.end };
      if (op.end < op.start) return { op: res, error: { kind: 'einval', message: `brk ${hex(op.end)} lies below the heap's start ${hex(op.start)}` } };
      mm.enter('brk');
      if (newEnd > oldEnd) {
        mm.enter('do_brk_flags');
        const r = do_mmap(mm, newEnd - oldEnd, oldEnd, 'rw', false);
        if ('kind' in r) return { op: res, error: r };
      } else if (newEnd < oldEnd) {
        const e = do_munmap(mm, newEnd, oldEnd - newEnd);
        if (e) return { op: res, error: e };
      }
      names.set(op.name, { start: op.start, len: op.end - op.start });
      return { op: res };
    }
    case 'populate': {
      const r = resolve(names, op.name, op.off, op.len, 'populate');
      if ('kind' in r) return { error: r };
      const message = populate(mm, r.addr, r.addr + alignUp(op.len, PAGE_SIZE), op.anon);
      const res: ResolvedOp = { op: 'populate', addr: r.addr, len: op.len, anon: op.anon };
      return message ? { op: res, error: { kind: 'range', message } } : { op: res };
    }
    case 'zeropage':
      mm.zeroPage = op.on;
      return { op: { op: 'zeropage', on: op.on } };
    case 'thp':
      mm.thp = op.mode;
      return { op: { op: 'thp', mode: op.mode } };
    case 'swap':
      mm.swap = op.on;
      return { op: { op: 'swap', on: op.on } };
    case 'khugepaged': {
      // The sysfs writes, then one full scan of this mm (its work: one unit per 2 MiB slot with a PTE table).
      const { op: _, ...limits } = op;
      if (limits.maxPtesNone !== undefined) mm.khugepaged.maxPtesNone = limits.maxPtesNone;
      if (limits.maxPtesSwap !== undefined) mm.khugepaged.maxPtesSwap = limits.maxPtesSwap;
      if (limits.maxPtesShared !== undefined) mm.khugepaged.maxPtesShared = limits.maxPtesShared;
      mm.work += mm.nr.pte;
      if (mm.work > maxWork) return { error: { kind: 'limit', message: `too much work: this khugepaged scan brings the run to ${mm.work.toLocaleString('en')} slot operations; the limit is ${maxWork.toLocaleString('en')}` } };
      const collapsed = khugepaged_scan(mm);
      return { op: { op: 'khugepaged', ...limits, collapsed } };
    }
    case 'process':
      if (mm.vmas.length > 0) return { error: { kind: 'einval', message: '`process` must come before any mapping' } };
      if (op.kind === 'small-c') setupSmallC(mm);
      return { op: { op: 'process', kind: op.kind } };
    case 'fork':
    case 'exit':
    case 'in':
      // Several processes: the run binds these to their process (procs.ts prepare).
      return { error: { kind: 'einval', message: `${op.op} needs a run that holds processes (trace/procs.ts)` } };
    case 'race':
      // Two CPUs from this state on (src/core/races). No ResolvedOp: the
      // kernel twin replays one thread and stops at a race.
      return executeRace(mm, names, op);
  }
}
