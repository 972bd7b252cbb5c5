// The scenario editor: CodeMirror 6 with the ptlab language. Edits reach the
// store after a pause (it compiles and, when valid, re-runs); the store's
// parse errors come back as diagnostics on their lines.
import { useEffect, useRef } from 'react';
import { Annotation, EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import type { ParseError } from '../../scenario/index.ts';
import { useStore } from '../../store/store.ts';
import { selectErrors, selectSource, selectStepLine } from '../../store/selectors.ts';
import { primaryOf } from '../../store/cursor.ts';
import { ptlabHighlight, ptlabLanguage } from './ptlabLanguage.ts';
import { activeLineField, setActiveLine } from './activeLine.ts';
import { lineAt, linkedLinesField, setLinkedLines } from './linkedLines.ts';
import { linkLine, useLinkStore } from '../../store/linking.ts';

export const EDIT_DEBOUNCE_MS = 400;

/** Marks a change that came from the store (a preset, a link), not from typing. */
const fromStore = Annotation.define<boolean>();


/** Diagnostics from parse errors, positioned by line and column in the current text. */
export function toDiagnostics(state: EditorState, errors: ParseError[], severity: Diagnostic['severity'] = 'error'): Diagnostic[] {
  const doc = state.doc;
  return errors.map((e) => {
    const line = doc.line(Math.max(1, Math.min(e.line, doc.lines)));
    const from = Math.min(line.from + Math.max(0, e.col - 1), line.to);
    const word = /^[^\s;{}]*/.exec(line.text.slice(from - line.from))?.[0].length ?? 0;
    return { from, to: Math.min(line.to, from + Math.max(1, word)), severity, message: e.message };
  });
}

export function Editor() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const source = useStore(selectSource);
  const errors = useStore(selectErrors);
  // What the run found, on its lines: the error that stopped it and failed `expect`s (of the source that ran).
  const summary = useStore((s) => s.lanes[primaryOf(s)]?.summary ?? null);
  const ranSource = useStore((s) => s.lanes[primaryOf(s)]?.source ?? null);
  const line = useStore(selectStepLine);
  /** The text this editor last sent, so its own edits are not loaded back over newer typing. */
  const sent = useRef<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: useStore.getState().source,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          ptlabLanguage,
          ptlabHighlight,
          lintGutter(),
          activeLineField,
          linkedLinesField,
          // Two-way linking: the statement under the pointer (else the caret's, while focused) outlines the tables it touches.
          EditorView.domEventHandlers({
            mousemove(e, view) {
              void linkLine(lineAt(view, e.clientX, e.clientY));
            },
            mouseleave(_e, view) {
              void linkLine(view.hasFocus ? view.state.doc.lineAt(view.state.selection.main.head).number : null);
            },
            blur() {
              void linkLine(null);
            },
          }),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Scenario source' }),
          EditorView.updateListener.of((u) => {
            if (u.selectionSet && u.view.hasFocus && !u.docChanged) void linkLine(u.state.doc.lineAt(u.state.selection.main.head).number);
            if (!u.docChanged || u.transactions.some((t) => t.annotation(fromStore))) return;
            clearTimeout(timer);
            const text = u.state.doc.toString();
            timer = setTimeout(() => {
              sent.current = text;
              useStore.getState().setSource(text, null);
            }, EDIT_DEBOUNCE_MS);
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      clearTimeout(timer);
      v.destroy();
      view.current = null;
    };
  }, []);

  // A preset (or a link) replaced the source: load it into the editor.
  useEffect(() => {
    const v = view.current;
    if (source === sent.current) return;
    if (v && v.state.doc.toString() !== source) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: source }, annotations: fromStore.of(true) });
  }, [source]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const found: ParseError[] = [];
    const warned: ParseError[] = [];
    if (!errors.length && summary && ranSource === source) {
      if (summary.error) found.push({ line: summary.error.line, col: 1, message: `${summary.mechanism}: ${summary.error.error.message} (the run stops here)`, lineText: '' });
      for (const f of summary.expectFailures) warned.push({ line: f.line, col: 1, message: f.message, lineText: '' });
    }
    v.dispatch(setDiagnostics(v.state, [...toDiagnostics(v.state, errors), ...toDiagnostics(v.state, found), ...toDiagnostics(v.state, warned, 'warning')]));
  }, [errors, source, summary, ranSource]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch({ effects: setActiveLine.of(line) });
  }, [line]);

  // The table under the pointer: the lines of the statements that changed it.
  const tableLines = useLinkStore((l) => l.tableLines);
  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch({ effects: setLinkedLines.of(tableLines) });
  }, [tableLines]);

  return <div className="editor" ref={host} />;
}
