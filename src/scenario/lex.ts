// The scenario language's lexer: source text -> tokens with line and column.
// Comments and blanks vanish, newlines stay (they end statements). Number
// literals are decoded here (format.ts parseNumber); a malformed one stays a
// single 'num' token carrying its error, so the parser can name it whole.
import { parseNumber } from './format.ts';

export type TokKind = 'id' | 'num' | 'str' | 'sym' | 'nl' | 'eof' | 'bad';
export interface Tok {
  kind: TokKind;
  text: string;
  line: number;
  col: number;
  start: number;
  end: number;
  idx: number;
  /** num: value in bytes; unit: the suffix multiplier (1 for a bare number). */
  value?: number;
  unit?: number;
  numErr?: 'format' | 'range';
  /** str: the unescaped contents; bad: the error message. */
  str?: string;
}

const isWs = (c: string) => c !== '\n' && /\s/.test(c);

/** Splits the source into tokens; comments and blanks vanish, newlines stay. */
export function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const eol = (j: number) => src[j] === '\n' || (src[j] === '\r' && src[j + 1] === '\n');
  const scan = (re: RegExp) => {
    let j = i + 1;
    while (j < n && re.test(src[j])) j++;
    return j;
  };
  const push = (kind: TokKind, start: number, end: number, extra?: Partial<Tok>) => {
    toks.push({ kind, text: src.slice(start, end), line, col: start - lineStart + 1, start, end, idx: toks.length, ...extra });
  };
  while (i < n) {
    const c = src[i];
    if (eol(i)) {
      const len = c === '\n' ? 1 : 2;
      push('nl', i, i + len);
      i += len;
      line++;
      lineStart = i;
    } else if (isWs(c)) {
      i++;
    } else if (c === '#') {
      while (i < n && !eol(i)) i++;
    } else if (c === '"') {
      let j = i + 1;
      let val = '';
      let closed = false;
      while (j < n && !eol(j)) {
        if (src[j] === '\\' && (src[j + 1] === '"' || src[j + 1] === '\\')) {
          val += src[j + 1];
          j += 2;
        } else if (src[j] === '"') {
          closed = true;
          j++;
          break;
        } else val += src[j++];
      }
      if (closed) push('str', i, j, { str: val });
      else push('bad', i, j, { str: 'unterminated string: add the closing "' });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      const j = scan(/[A-Za-z0-9_]/);
      push('id', i, j);
      i = j;
    } else if (/[0-9]/.test(c)) {
      const j = scan(/[A-Za-z0-9_.]/); // 1.5M and 2Q become one (bad) number, not pieces
      const r = parseNumber(src.slice(i, j));
      push('num', i, j, typeof r === 'string' ? { numErr: r } : r);
      i = j;
    } else if ('+-*(){};:'.includes(c)) {
      push('sym', i, i + 1);
      i++;
    } else {
      const ch = String.fromCodePoint(src.codePointAt(i) ?? 0xfffd);
      push('bad', i, i + ch.length, { str: `unexpected character '${ch}'` });
      i += ch.length;
    }
  }
  push('eof', n, n);
  return toks;
}

export function describe(t: Tok): string {
  if (t.kind === 'nl') return 'end of line';
  if (t.kind === 'eof') return 'end of input';
  return `'${t.text.length > 30 ? t.text.slice(0, 30) + '…' : t.text}'`;
}

/** 'a, b or c', for error messages. */
export const orList = (xs: readonly string[]): string => `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
