// The race statements of the scenario language (see src/core/races):
// `cpu N: STATEMENT` and `interleave [MECHANISM] ...`. The expander groups
// consecutive `cpu` lines (and the `interleave` lines closing them) into one
// race; this file only checks their syntax.
import { MECHANISM_VARIANTS } from './ast.ts';
import type { CpuStatement, Expr, InterleaveItem, Loc, MechanismVariant, Statement } from './ast.ts';
import { describe, orList } from './lex.ts';
import type { Ctx, Parser } from './parse.ts';

const CPU_STATEMENTS = ['touch', 'read', 'gup', 'madvise', 'munmap', 'mincore', 'pagemap'] as const;
const MAX_INTERLEAVE_ITEMS = 100_000;
const OFFSET: Ctx = { what: 'an offset like 0 or 2M' };
const LENGTH: Ctx = { what: 'a length like 2M or 4K' };

/** `cpu N: STATEMENT`: what CPU N runs in a race. */
export function cpuStatement(p: Parser, loc: Loc): Statement {
  const n = p.next();
  if (n.kind !== 'num' || n.numErr || n.unit !== 1 || (n.value !== 0 && n.value !== 1)) p.expected(n, 'a CPU number, 0 or 1');
  const colon = p.next();
  if (!p.isSym(colon, ':')) p.expected(colon, `':' after 'cpu ${n.value}'`);
  const kw = p.next();
  if (kw.kind !== 'id' || !(CPU_STATEMENTS as readonly string[]).includes(kw.text)) {
    p.expected(kw, `what CPU ${n.value} runs (${orList(CPU_STATEMENTS)})`);
  }
  let body: CpuStatement;
  const [name, off, len] = [p.name(), p.expr(OFFSET), p.expr(LENGTH)];
  switch (kw.text) {
    case 'madvise': {
      const adv = p.word("the madvise advice ('dontneed')");
      if (adv.text !== 'dontneed') p.fail(adv.tok, `a race models madvise dontneed only, not '${adv.text}'`);
      let lockbreak: Expr | undefined;
      let unfixed = false;
      for (let t = p.peek(); t.kind === 'id'; t = p.peek()) {
        p.next();
        if (t.text === 'lockbreak') {
          if (lockbreak) p.fail(t, "'lockbreak' is given twice");
          lockbreak = p.expr(OFFSET);
        } else if (t.text === 'unfixed') {
          if (unfixed) p.fail(t, "'unfixed' is given twice");
          unfixed = true;
        } else p.expected(t, "'lockbreak OFFSET', 'unfixed' or the end of the statement");
      }
      body = { op: 'madvise', name, off, len, advice: 'dontneed', ...(lockbreak ? { lockbreak } : {}), unfixed };
      break;
    }
    case 'munmap':
      body = { op: 'munmap', name, off, len };
      break;
    default:
      body = { op: kw.text as 'touch' | 'read' | 'gup' | 'mincore' | 'pagemap', name, off, len };
  }
  return { op: 'cpu', loc, cpu: n.value, body };
}

/** `interleave [MECHANISM] ITEM...` or `interleave [MECHANISM] random seed EXPR`. */
export function interleave(p: Parser, loc: Loc): Statement {
  let mechanism: MechanismVariant | undefined;
  if (p.peek().kind === 'id' && p.peek().text !== 'random') {
    mechanism = p.oneOf('mechanism', MECHANISM_VARIANTS);
  }
  const m = mechanism ? { mechanism } : {};
  const first = p.peek();
  if (first.kind === 'id' && first.text === 'random') {
    p.next();
    const seed = p.next();
    if (!(seed.kind === 'id' && seed.text === 'seed')) p.expected(seed, "'seed' and a number, like 'random seed 42'");
    return { op: 'interleave', loc, ...m, order: { kind: 'random', seed: p.expr({ what: 'a seed like 42' }) } };
  }
  const items: InterleaveItem[] = [];
  for (let t = p.peek(); t.kind === 'num'; t = p.peek()) {
    p.next();
    if (t.numErr || t.unit !== 1 || (t.value !== 0 && t.value !== 1)) p.fail(t, `expected a CPU number, 0 or 1, found ${describe(t)}`);
    let count: number | 'run' = 1;
    const star = p.peek();
    if (p.isSym(star, '*') && star.start === t.end) {
      p.next();
      const c = p.peek();
      if (c.kind === 'num' && c.start === star.end) {
        p.next();
        if (c.numErr || c.unit !== 1 || !c.value) p.fail(c, `expected a step count like 3 after '${t.text}*', found ${describe(c)}`);
        count = c.value;
      } else count = 'run';
    }
    if (items.length >= MAX_INTERLEAVE_ITEMS) p.fail(t, `the interleaving is too long (the limit is ${MAX_INTERLEAVE_ITEMS} entries)`);
    items.push({ cpu: t.value as number, count });
  }
  if (items.length === 0) p.expected(p.peek(), "CPU numbers like '0 0 1* 0*' or 'random seed 42'");
  return { op: 'interleave', loc, ...m, order: { kind: 'list', items } };
}
