// The allocator workload statement (alloc.ts generates it):
//   alloc NAME arena SIZE live SIZE ticks N purge dontneed|free|hugepage|decay N
//         [end SIZE] [extent MIN MAX] [churn PERCENT] [seed N] [at ADDRESS]
// Keywords after the name come in any order; each at most once. This file
// only checks the syntax; alloc.ts checks the values.
import type { AllocStatement, Expr, Loc, Statement } from './ast.ts';
import { orList } from './lex.ts';
import type { Ctx, Parser } from './parse.ts';

const SIZE: Ctx = { what: 'a size like 4G or 64K' };
const COUNT: Ctx = { what: 'a whole number like 1000' };
const ADDR: Ctx = { what: 'an address like 0x100000000000' };
const PURGES = ['dontneed', 'decay', 'free', 'hugepage'] as const;
const KEYS = ['arena', 'live', 'ticks', 'purge', 'end', 'extent', 'churn', 'seed', 'at'] as const;
const REQUIRED = ['arena', 'live', 'ticks', 'purge'] as const;

export function allocStatement(p: Parser, loc: Loc): Statement {
  const name = p.name();
  const st: Partial<AllocStatement> & { op: 'alloc'; loc: Loc; name: string } = { op: 'alloc', loc, name };
  const seen = new Set<string>();
  for (let t = p.peek(); t.kind === 'id'; t = p.peek()) {
    const w = p.word(`a workload parameter (${orList(KEYS)})`);
    if (!(KEYS as readonly string[]).includes(w.text)) p.fail(w.tok, `unknown workload parameter '${w.text}': expected ${orList(KEYS)}`);
    if (seen.has(w.text)) p.fail(w.tok, `'${w.text}' is given twice`);
    seen.add(w.text);
    switch (w.text as (typeof KEYS)[number]) {
      case 'arena':
        st.arena = p.expr(SIZE);
        break;
      case 'live':
        st.live = p.expr(SIZE);
        break;
      case 'end':
        st.end = p.expr(SIZE);
        break;
      case 'ticks':
        st.ticks = p.expr(COUNT);
        break;
      case 'seed':
        st.seed = p.expr(COUNT);
        break;
      case 'churn':
        st.churn = p.expr({ what: 'a percentage like 10' });
        break;
      case 'at':
        st.at = p.expr(ADDR);
        break;
      case 'extent': {
        const lo: Expr = p.expr(SIZE);
        st.extent = [lo, p.expr(SIZE)];
        break;
      }
      case 'purge':
        st.purge = p.oneOf('purge policy', PURGES);
        if (st.purge === 'decay') st.decay = p.expr({ what: "the ticks a freed extent waits, like 'decay 10'" });
        break;
    }
  }
  const missing = REQUIRED.filter((k) => !seen.has(k));
  if (missing.length > 0) {
    p.fail(p.peek(), `alloc needs ${missing.length === 1 ? `'${missing[0]}'` : orList(missing.map((k) => `'${k}'`))}: e.g. alloc ${name} arena 4G live 256M ticks 500 purge dontneed`);
  }
  return st as AllocStatement;
}
