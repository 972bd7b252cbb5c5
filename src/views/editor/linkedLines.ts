// Marks the lines of the statements that changed the PTE table under the
// pointer (two-way linking, store/linking.ts).
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

export const setLinkedLines = StateEffect.define<readonly number[]>();
const mark = Decoration.line({ class: 'cm-linkedLine', attributes: { 'data-linked': 'true' } });

export const linkedLinesField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let d = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setLinkedLines)) continue;
      const doc = tr.state.doc;
      const lines = [...new Set(e.value)].filter((n) => n >= 1 && n <= doc.lines).sort((a, b) => a - b);
      d = Decoration.set(lines.map((n) => mark.range(doc.line(n).from)));
    }
    return d;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** The editor's line (1-based) at a mouse position, or null off the text. */
export function lineAt(view: EditorView, x: number, y: number): number | null {
  const pos = view.posAtCoords({ x, y });
  return pos === null ? null : view.state.doc.lineAt(pos).number;
}
