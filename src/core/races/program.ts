// A statement's micro-step program: a list of labelled instructions (the
// kernel's steps, named as the kernel names them) with jumps for retries and
// loops. The UI shows the list with an arrow at the CPU's pc.
import { PMD_SIZE } from '../constants.ts';
import type { PteTable } from '../mm/pgtable.ts';
import type { Cpu, Instr, Program, Race, ZapWork } from './state.ts';

export class ProgramBuilder {
  private readonly instrs: Instr[] = [];
  private readonly labels = new Map<string, number>();

  add(i: Instr): this {
    if (i.label) {
      if (this.labels.has(i.label)) throw new Error(`race model: label ${i.label} defined twice`);
      this.labels.set(i.label, this.instrs.length);
    }
    this.instrs.push(i);
    return this;
  }

  build(): Program {
    return { instrs: this.instrs, labels: this.labels };
  }
}

export const slotOf = (addr: number): number => Math.floor(addr / PMD_SIZE);
export const hex = (n: number): string => '0x' + n.toString(16);
export const whole = (w: ZapWork): boolean => w.a === w.slot * PMD_SIZE && w.b === (w.slot + 1) * PMD_SIZE;

/** The table a slot's PMD entry points to now (null: none). */
export const pmdNow = (r: Race, slot: number): PteTable | null => r.mm.pteAt(slot);

/** The CPU, other than c, whose work a table's state shows (for messages). */
export function other(r: Race, c: Cpu): string {
  const o = r.others(c)[0];
  return o ? `CPU ${o.id}` : 'another CPU';
}

/** Forget a pte-ref reference c held on t. */
export function dropRef(c: Cpu, t: PteTable): void {
  const i = c.refs.indexOf(t);
  if (i >= 0) c.refs.splice(i, 1);
}

/** This zap slot is done: on to the next one. */
export function nextSlot(c: Cpu): string {
  c.v.wi++;
  c.table = null;
  c.pmdSeen = undefined;
  return 'slot';
}
