// Marks the scenario line of the current step in the editor.
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

export const setActiveLine = StateEffect.define<number>();
const mark = Decoration.line({ class: 'cm-stepLine' });

export const activeLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let d = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setActiveLine)) continue;
      const n = e.value;
      d = n >= 1 && n <= tr.state.doc.lines ? Decoration.set([mark.range(tr.state.doc.line(n).from)]) : Decoration.none;
    }
    return d;
  },
  provide: (f) => EditorView.decorations.from(f),
});
