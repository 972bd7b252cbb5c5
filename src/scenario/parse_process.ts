// Several processes in the scenario language: `fork [NAME]` (the current
// process forks a child called NAME, `child` by default), `exit NAME` (the
// child's exit_mmap) and the prefix `in NAME: STATEMENT`, which runs one
// statement in another process. Statements without `in` run in the first
// process, `parent`; so do `expect` lines without a process name
// (`expect child VmPTE 16` checks the child's). One line, one process: the
// prefix never spans a block, and races stay single-process.
import { FIRST_PROCESS, type Loc, type Statement } from './ast.ts';
import { orList } from './lex.ts';
import type { Parser } from './parse.ts';

/** What `in NAME:` may run: the memory statements and fork. */
export const IN_STATEMENTS = ['mmap', 'touch', 'read', 'madvise', 'munmap', 'mprotect', 'mremap', 'fork'] as const;

/** A process name: an identifier; `parent` names the first process. */
function procName(p: Parser, what: string): string {
  const t = p.next();
  if (t.kind !== 'id') p.expected(t, what);
  return t.text;
}

export function forkStatement(p: Parser, loc: Loc): Statement {
  const t = p.peek();
  let child = 'child';
  if (t.kind === 'id') {
    child = procName(p, "the child's name");
    if (child === FIRST_PROCESS) p.fail(t, `'${FIRST_PROCESS}' names the first process; call the child something else`);
  }
  return { op: 'fork', loc, child };
}

export function exitStatement(p: Parser, loc: Loc): Statement {
  const t = p.peek();
  const proc = procName(p, "the name of the process that exits, like 'exit child'");
  if (proc === FIRST_PROCESS) p.fail(t, `the first process ('${FIRST_PROCESS}') cannot exit: it holds the scenario; exit a child`);
  return { op: 'exit', loc, proc };
}

/** `in NAME: STATEMENT`; `statement` parses the statement after the colon. */
export function inStatement(p: Parser, loc: Loc, statement: () => Statement): Statement {
  const proc = procName(p, "a process name like 'child' (in child: touch A 0 4K)");
  const colon = p.next();
  if (!p.isSym(colon, ':')) p.expected(colon, `':' after 'in ${proc}'`);
  const kw = p.peek();
  if (kw.kind !== 'id' || !(IN_STATEMENTS as readonly string[]).includes(kw.text)) {
    p.expected(kw, `what ${proc} runs (${orList(IN_STATEMENTS)})`);
  }
  return { op: 'in', loc, proc, body: statement() };
}
