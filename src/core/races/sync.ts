// Synchronisation the race engine models: mmap_lock (an rwsem), split PMD
// locks and PTE locks (spinlocks in the page-table page's ptdesc), RCU read
// side sections (rcu_read_lock, and interrupts-off regions, which also hold
// off grace periods), grace periods, and the TLB-flush IPI (flush_tlb_mm_range
// waits until every other CPU of the mm acknowledged it; a CPU with
// interrupts off, like gup-fast, cannot).
//
// A lock is owned, never queued: a CPU that would spin on it is "blocked" and
// the scheduler runs the other CPU. Every wait is a pure predicate, so a
// blocked CPU never changes state and any loop is bounded.
import { PMD_SIZE } from '../constants.ts';
import type { PteTable } from '../mm/pgtable.ts';
import type { Cpu, CpuId, Race } from './state.ts';

export const ptl = (t: PteTable): string => `ptl:${t.id}`;

/** The split PMD lock guarding a slot's PMD entry: the lock of the PMD table holding it. */
export function pml(r: Race, slot: number): string {
  const pmd = r.mm.pmdTableAt(slot * PMD_SIZE);
  return `pml:${pmd ? pmd.id : `none-${Math.floor(slot / 512)}`}`;
}

/** A lock key as a person reads it. */
export function lockName(key: string): string {
  const [kind, id] = key.split(':');
  return kind === 'ptl' ? `PTE lock of table #${id}` : `PMD lock (PMD table #${id})`;
}

/** Why c cannot take the lock now, or null. */
export function lockWait(r: Race, c: Cpu, key: string): string | null {
  const h = r.locks.get(key);
  return h !== undefined && h !== c.id ? `spinning: the ${lockName(key)} is held by CPU ${h}` : null;
}

export function lock(r: Race, c: Cpu, key: string): void {
  const h = r.locks.get(key);
  if (h !== undefined) throw new Error(`race model: CPU ${c.id} takes the ${lockName(key)}, held by CPU ${h}`);
  r.locks.set(key, c.id);
  c.locks.add(key);
  if (key.startsWith('ptl')) r.mm.counters.pteLocks++;
  else r.mm.counters.pmdLocks++;
}

/** spin_trylock: take the lock if it is free; never waits. */
export function trylock(r: Race, c: Cpu, key: string): boolean {
  if (r.locks.has(key)) return false;
  lock(r, c, key);
  return true;
}

export function unlock(r: Race, c: Cpu, key: string): void {
  if (r.locks.get(key) !== c.id) throw new Error(`race model: CPU ${c.id} releases the ${lockName(key)}, which it does not hold`);
  r.locks.delete(key);
  c.locks.delete(key);
}

// ---- mmap_lock ----

export function mmapReadWait(r: Race, c: Cpu): string | null {
  return r.mmapWriter !== null && r.mmapWriter !== c.id ? `mmap_lock is held for write by CPU ${r.mmapWriter}` : null;
}

export function mmapWriteWait(r: Race, c: Cpu): string | null {
  if (r.mmapWriter !== null && r.mmapWriter !== c.id) return `mmap_lock is held for write by CPU ${r.mmapWriter}`;
  const readers = [...r.mmapReaders].filter((id) => id !== c.id);
  return readers.length ? `mmap_lock is held for read by CPU ${readers.join(', ')}` : null;
}

export function mmapRead(r: Race, c: Cpu): void {
  r.mmapReaders.add(c.id);
  c.mmap = 'read';
}

export function mmapWrite(r: Race, c: Cpu): void {
  r.mmapWriter = c.id;
  c.mmap = 'write';
}

export function mmapDowngrade(r: Race, c: Cpu): void {
  r.mmapWriter = null;
  r.mmapReaders.add(c.id);
  c.mmap = 'read';
}

export function mmapUnlock(r: Race, c: Cpu): void {
  if (c.mmap === 'write') r.mmapWriter = null;
  else r.mmapReaders.delete(c.id);
  c.mmap = null;
}

// ---- RCU and interrupts ----

export const inReadSide = (c: Cpu): boolean => !c.done && (c.rcuDepth > 0 || c.irqsOff);

function enterReadSide(c: Cpu): void {
  if (!inReadSide(c)) c.section++;
}

export function rcuReadLock(c: Cpu): void {
  enterReadSide(c);
  c.rcuDepth++;
}

export function rcuReadUnlock(c: Cpu): void {
  if (c.rcuDepth === 0) throw new Error(`race model: CPU ${c.id} rcu_read_unlock without rcu_read_lock`);
  c.rcuDepth--;
}

export function irqOff(c: Cpu): void {
  enterReadSide(c);
  c.irqsOff = true;
}

export function irqOn(c: Cpu): void {
  c.irqsOff = false;
}

/** call_rcu: the grace period must wait for every other CPU's current read-side section. */
export function startGracePeriod(r: Race, c: Cpu): Map<CpuId, number> {
  const gp = new Map<CpuId, number>();
  for (const o of r.others(c)) if (inReadSide(o)) gp.set(o.id, o.section);
  return gp;
}

/** Why the grace period is not over yet, or null. */
export function gracePeriodWait(r: Race, gp: Map<CpuId, number>): string | null {
  for (const [id, section] of gp) {
    const o = r.cpu(id)!;
    if (inReadSide(o) && o.section === section) {
      return `waiting for an RCU grace period: CPU ${id} is still inside ${o.irqsOff ? 'an interrupts-off region' : 'rcu_read_lock()'}`;
    }
  }
  return null;
}

export const IPI_WAIT = 'the TLB-flush IPI waits';

/** Why the TLB-flush IPI cannot be acknowledged yet, or null. */
export function flushWait(r: Race, c: Cpu): string | null {
  const off = r.others(c).filter((o) => !o.done && o.irqsOff);
  return off.length ? `${IPI_WAIT}: CPU ${off.map((o) => o.id).join(', ')} has interrupts off` : null;
}
