// Reading a scenario for the command line: compile it, and format parse
// errors the way a compiler does (file:line:col, the line, a caret).
import { readFileSync } from 'node:fs';
import { compile, type CompileResult, type ParseError } from '../scenario/index.ts';

export function readScenario(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

export function formatParseError(file: string, e: ParseError): string {
  const caret = ' '.repeat(Math.max(0, e.col - 1)) + '^';
  return `${file}:${e.line}:${e.col}: error: ${e.message}\n  ${e.lineText}\n  ${caret}`;
}

export function compileFile(file: string): { ok: true; result: Extract<CompileResult, { ok: true }> } | { ok: false; message: string } {
  let source: string;
  try {
    source = readScenario(file);
  } catch (err) {
    return { ok: false, message: `ptlab: cannot read ${file}: ${(err as Error).message}` };
  }
  const r = compile(source);
  if (!r.ok) return { ok: false, message: r.errors.map((e) => formatParseError(file, e)).join('\n') };
  return { ok: true, result: r };
}
