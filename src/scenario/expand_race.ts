// Expanding races: consecutive `cpu N:` lines, optionally closed by
// `interleave` lines, become one flat `race` op (src/core/races runs it).
// Any other statement, the end of a repeat pass or the end of the scenario
// ends the block; a `cpu` line after an `interleave` line starts a new race.
import { formatSize } from './format.ts';
import type { Expr, FlatOp, RaceOrder, RaceThread, RaceThreadOp, Statement } from './ast.ts';

type CpuSt = Extract<Statement, { op: 'cpu' }>;
type InterleaveSt = Extract<Statement, { op: 'interleave' }>;

/** Evaluates an expression to a whole number >= 0 (the expander's own rules). */
export type Natural = (e: Expr, what: string) => number;

/** A problem with the statement being added; the expander adds its position. */
export class RaceFail {
  constructor(readonly message: string) {}
}

export class RaceBlock {
  readonly threads: RaceThread[] = [];
  readonly orders: RaceOrder[] = [];
  /** The first `cpu` statement: the race's line and its say/quiz anchor. */
  constructor(readonly first: CpuSt) {}

  /** True once an `interleave` line closed the thread list. */
  get closed(): boolean {
    return this.orders.length > 0;
  }

  addCpu(st: CpuSt, text: string, natural: Natural): void {
    const prev = this.threads.find((t) => t.cpu === st.cpu);
    if (prev) throw new RaceFail(`cpu ${st.cpu} already runs \`${prev.text}\` (line ${prev.line}) in this race; a CPU runs one statement per race`);
    this.threads.push({ cpu: st.cpu as 0 | 1, line: st.loc.line, text, op: threadOp(st, natural) });
  }

  addOrder(st: InterleaveSt, natural: Natural): void {
    const same = this.orders.find((o) => o.mechanism === st.mechanism);
    if (same) throw new RaceFail(`this race already has an interleaving${st.mechanism ? ` for ${st.mechanism}` : ''} (line ${same.line})`);
    if (st.order.kind === 'random') {
      this.orders.push({ ...(st.mechanism ? { mechanism: st.mechanism } : {}), line: st.loc.line, schedule: { kind: 'random', seed: natural(st.order.seed, 'seed') } });
      return;
    }
    for (const it of st.order.items) {
      if (!this.threads.some((t) => t.cpu === it.cpu)) {
        throw new RaceFail(`interleave names CPU ${it.cpu}, but this race has no \`cpu ${it.cpu}:\` statement`);
      }
    }
    this.orders.push({ ...(st.mechanism ? { mechanism: st.mechanism } : {}), line: st.loc.line, schedule: { kind: 'list', items: st.order.items.map((i) => ({ ...i })) } });
  }

  op(): FlatOp {
    const threads = [...this.threads].sort((a, b) => a.cpu - b.cpu);
    return { op: 'race', threads, orders: this.orders };
  }

  /** The race's text in the step list: its CPU lines, joined. */
  text(): string {
    return [...this.threads].sort((a, b) => a.cpu - b.cpu).map((t) => t.text).join(' || ');
  }
}

function threadOp(st: CpuSt, natural: Natural): RaceThreadOp {
  const b = st.body;
  const off = natural(b.off, 'offset');
  const len = natural(b.len, 'length');
  switch (b.op) {
    case 'madvise': {
      const op: RaceThreadOp = { op: 'madvise', name: b.name, off, len, advice: 'dontneed', unfixed: b.unfixed };
      if (b.lockbreak) {
        const at = natural(b.lockbreak, 'lockbreak offset');
        if (at <= off || at >= off + len) {
          throw new RaceFail(`lockbreak ${formatSize(at)} must lie strictly inside the zapped range (${formatSize(off)}, ${formatSize(off + len)}): the zap drops the PTE lock there and resumes`);
        }
        op.lockbreak = at;
      }
      return op;
    }
    case 'munmap':
      return { op: 'munmap', name: b.name, off, len };
    default:
      return { op: b.op, name: b.name, off, len };
  }
}
