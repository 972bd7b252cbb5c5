// The scenario language's syntax tree. The parser (parse.ts) produces it,
// expand.ts flattens repeat loops into the statement stream the core runs.
// Numbers are plain JS numbers: every x86-64 user address (< 2^47) and size
// fits exactly in a double.

export type Prot = 'r' | 'rw' | 'none';
export type Advice = 'dontneed' | 'free' | 'hugepage' | 'nohugepage';
export type ThpMode = 'never' | 'madvise' | 'always';
export type MechanismName = 'baseline' | 'pte-ref' | 'pt-reclaim';
export const MECHANISMS: readonly MechanismName[] = ['baseline', 'pte-ref', 'pt-reclaim'];

/** Where a statement came from: 1-based line and column of its first character. */
export interface Loc {
  line: number;
  col: number;
  /**
   * 1-based column just past the statement's last character, on `line`
   * (set by the parser for every statement but `repeat`, which may span lines).
   * expand() uses it to quote the statement's own text.
   */
  endCol?: number;
}

/** An integer expression over sizes, numbers and the loop variable `i`. */
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: 'i' }
  | { kind: 'bin'; op: '+' | '-' | '*'; left: Expr; right: Expr };

export type FigureName = 'VmPTE' | 'RssAnon' | 'VmSize' | 'pte' | 'pmd' | 'pud';

export type Statement =
  | { op: 'mmap'; loc: Loc; name: string; size: Expr; at?: Expr; hugepage: boolean; prot: Prot }
  | { op: 'touch' | 'read'; loc: Loc; name: string; off: Expr; len: Expr }
  | { op: 'madvise'; loc: Loc; name: string; off: Expr; len: Expr; advice: Advice }
  | { op: 'munmap'; loc: Loc; name: string; off: Expr; len: Expr }
  | { op: 'mprotect'; loc: Loc; name: string; off: Expr; len: Expr; prot: Prot }
  | { op: 'mremap'; loc: Loc; name: string; to: Expr }
  | { op: 'thp'; loc: Loc; mode: ThpMode }
  | { op: 'process'; loc: Loc; kind: 'small-c' | 'empty' }
  | { op: 'say'; loc: Loc; text: string }
  | { op: 'quiz'; loc: Loc; question: string; answer: string }
  | { op: 'expect'; loc: Loc; mechanism?: MechanismName; figure: FigureName; value: Expr }
  | { op: 'repeat'; loc: Loc; count: Expr; body: Statement[] };

export interface Scenario {
  statements: Statement[];
  /** The source text, kept so steps can quote their line. */
  source: string;
}

/** A parse error: nothing runs. */
export interface ParseError {
  line: number;
  col: number;
  message: string;
  /** The offending source line, for display. */
  lineText: string;
}

/**
 * One statement of the flat stream: a repeat body appears once per pass with
 * `i` bound and every expression evaluated to a number.
 */
export type FlatOp =
  | { op: 'mmap'; name: string; size: number; at?: number; hugepage: boolean; prot: Prot }
  | { op: 'touch' | 'read'; name: string; off: number; len: number }
  | { op: 'madvise'; name: string; off: number; len: number; advice: Advice }
  | { op: 'munmap'; name: string; off: number; len: number }
  | { op: 'mprotect'; name: string; off: number; len: number; prot: Prot }
  | { op: 'mremap'; name: string; to: number }
  | { op: 'thp'; mode: ThpMode }
  | { op: 'process'; kind: 'small-c' | 'empty' };

export interface FlatStatement {
  /** 1-based source line of the statement (inside a repeat: the body statement's line). */
  line: number;
  /** The statement's own source text, trimmed (for a repeat body: that statement only). */
  text: string;
  /** The loop variable for a repeat body pass, else undefined. */
  iter?: number;
  op: FlatOp;
  /** Captions from `say` statements just before this statement. */
  say?: string[];
  /** A `quiz` just before this statement. */
  quiz?: { question: string; answer: string };
  /** `expect` lines just after this statement: checked against its figures. */
  expects?: { line: number; mechanism?: MechanismName; figure: FigureName; value: number }[];
}
