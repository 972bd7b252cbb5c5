// One statement of the flat stream, executed on a process: resolve the
// mapping name to addresses, call the modelled syscall, report what ran.
import type { FlatOp } from '../../scenario/ast.ts';
import { PAGE_SIZE, PMD_SIZE, TASK_SIZE, alignUp } from '../constants.ts';
import type { Mm } from '../mm/mm.ts';
import { faultRange } from '../mm/fault.ts';
import { do_madvise, do_mmap, do_mprotect, do_munmap } from '../mm/mmap.ts';
import { do_mremap } from '../mm/mremap.ts';
import { setupSmallC } from '../mm/process.ts';
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
      if (m && mm.vmas.some((v) => v.start < m.start + m.len && v.end > m.start)) {
        return { error: { kind: 'exists', message: `mapping ${op.name} already exists; munmap it first or pick another name` } };
      }
      const r = do_mmap(mm, op.size, op.at, op.prot, op.hugepage);
      if ('kind' in r) return { error: r };
      names.set(op.name, { start: r.addr, len: alignUp(op.size, PAGE_SIZE) });
      return { op: { op: 'mmap', addr: r.addr, len: alignUp(op.size, PAGE_SIZE), prot: op.prot, hugepage: op.hugepage, fixed: op.at !== undefined } };
    }
    case 'touch':
    case 'read': {
      const r = resolve(names, op.name, op.off, op.len, op.op);
      if ('kind' in r) return { error: r };
      const res: ResolvedOp = { op: op.op, addr: r.addr, len: op.len };
      const limit = charge(mm, op.op, r.addr, op.len, maxWork);
      if (limit) return { error: limit };
      const e = faultRange(mm, r.addr, r.addr + op.len, op.op === 'touch');
      return e ? { op: res, error: e } : { op: res };
    }
    case 'madvise':
    case 'munmap':
    case 'mprotect': {
      const r = resolve(names, op.name, op.off, op.len, op.op);
      if ('kind' in r) return { error: r };
      if (op.op !== 'mprotect') {
        const limit = charge(mm, op.op, r.addr, op.len, maxWork);
        if (limit) return { error: limit };
      }
      let e: SimError | null;
      let res: ResolvedOp;
      if (op.op === 'madvise') {
        res = { op: 'madvise', addr: r.addr, len: op.len, advice: op.advice };
        e = do_madvise(mm, r.addr, op.len, op.advice);
      } else if (op.op === 'munmap') {
        res = { op: 'munmap', addr: r.addr, len: op.len };
        e = do_munmap(mm, r.addr, op.len);
      } else {
        res = { op: 'mprotect', addr: r.addr, len: op.len, prot: op.prot };
        e = do_mprotect(mm, r.addr, op.len, op.prot);
      }
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
    case 'thp':
      mm.thp = op.mode;
      return { op: { op: 'thp', mode: op.mode } };
    case 'process':
      if (mm.vmas.length > 0) return { error: { kind: 'einval', message: '`process` must come before any mapping' } };
      if (op.kind === 'small-c') setupSmallC(mm);
      return { op: { op: 'process', kind: op.kind } };
    case 'race':
      // Two CPUs from this state on (src/core/races). No ResolvedOp: the
      // kernel twin replays one thread and stops at a race.
      return executeRace(mm, names, op);
  }
}
