// The scenario language: syntax tree and flat-stream types, the parser, the
// expander, and the notation helpers (number literals, sizes, addresses).

export * from './ast.ts';
export { parse, KEYWORDS } from './parse.ts';
export type { ParseResult } from './parse.ts';
export { expand, compile, DEFAULT_MAX_STATEMENTS } from './expand.ts';
export type { ExpandOptions, ExpandResult, CompileResult, FlatExpect } from './expand.ts';
export type { Program } from './program.ts';
export { formatSize, formatAddr, formatKB, parseNumber, sourceLines, suggest } from './format.ts';
