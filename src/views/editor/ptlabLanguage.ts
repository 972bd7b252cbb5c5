// Syntax colouring for the scenario language (see src/scenario/parse.ts for
// the grammar): statements, advice and protection words, sizes (2M, 0x1000,
// 1_000), quoted captions and # comments.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { KEYWORDS } from '../../scenario/index.ts';

const STATEMENTS = new Set<string>(KEYWORDS);
const WORDS = new Set([
  'at', 'to', 'prot', 'hugepage', 'nohugepage', 'dontneed', 'free', 'collapse', 'pageout', 'r', 'rw', 'none', 'never', 'madvise', 'always', 'small-c', 'empty', 'i',
  // swap and khugepaged
  'on', 'off', 'max_ptes_none', 'max_ptes_swap', 'max_ptes_shared',
  // races
  'gup', 'lockbreak', 'unfixed', 'violation', 'random', 'seed', 'broken', 'use-after-free', 'lost-write', 'non-empty-freed', 'negative-refcount',
  // alloc workloads
  'arena', 'live', 'end', 'ticks', 'extent', 'churn', 'purge', 'decay',
]);
const FIGURES = new Set(['VmPTE', 'RssAnon', 'VmSize', 'VmSwap', 'pte', 'pmd', 'pud', 'baseline', 'pte-ref', 'pt-reclaim']);

export const ptlabLanguage = StreamLanguage.define<{ lineStart: boolean }>({
  name: 'ptlab',
  startState: () => ({ lineStart: true }),
  token(stream, state) {
    if (stream.sol()) state.lineStart = true;
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.peek() === '"') {
      stream.next();
      let escaped = false;
      while (!stream.eol()) {
        const c = stream.next();
        if (c === '"' && !escaped) break;
        escaped = c === '\\' && !escaped;
      }
      return 'string';
    }
    if (stream.match(/^0[xX][0-9a-fA-F_]+/) || stream.match(/^[0-9][0-9_]*([kmgtKMGT][bB]?)?/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_-]*/)) {
      const w = stream.current();
      const first = state.lineStart;
      state.lineStart = false;
      // `madvise` is a statement at the start of a line and a THP mode after `thp`.
      if (STATEMENTS.has(w) && first) return 'keyword';
      if (FIGURES.has(w)) return 'typeName';
      if (WORDS.has(w)) return 'atom';
      return 'variableName';
    }
    const c = stream.next();
    if (c === ';' || c === '{') state.lineStart = true;
    if (c === '{' || c === '}') return 'brace';
    return 'operator';
  },
  languageData: { commentTokens: { line: '#' } },
});

export const ptlabHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.keyword, color: '#7a2a8c', fontWeight: 'bold' },
    { tag: tags.atom, color: '#00639c' },
    { tag: tags.typeName, color: '#8a4b00' },
    { tag: tags.number, color: '#116644' },
    { tag: tags.string, color: '#a11' },
    { tag: tags.comment, color: '#6a737d', fontStyle: 'italic' },
    { tag: tags.variableName, color: '#1f2328' },
    { tag: tags.brace, color: '#555' },
  ]),
);
