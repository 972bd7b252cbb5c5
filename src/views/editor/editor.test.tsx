// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { EditorState } from '@codemirror/state';
import { compile } from '../../scenario/index.ts';
import { resetStore, useStore } from '../../store/store.ts';
import { Editor, toDiagnostics } from './Editor.tsx';
import { ptlabLanguage } from './ptlabLanguage.ts';

afterEach(() => {
  cleanup();
  resetStore();
});

describe('the scenario editor', () => {
  it('puts a parse error on its line and word', () => {
    const src = 'mmap X 4M\ntuch X 0 4K\n';
    const c = compile(src);
    if (c.ok) throw new Error('expected an error');
    const state = EditorState.create({ doc: src });
    const [d] = toDiagnostics(state, c.errors);
    expect(state.doc.sliceString(d.from, d.to)).toBe('tuch');
    expect(d.message).toMatch(/did you mean 'touch'/);
  });

  it('clamps errors past the end of the current text', () => {
    const state = EditorState.create({ doc: 'a' });
    const [d] = toDiagnostics(state, [{ line: 9, col: 40, message: 'x', lineText: '' }]);
    expect(d.from).toBeLessThanOrEqual(1);
  });

  it('shows the store\'s source and highlights statements', () => {
    useStore.setState({ source: 'mmap X 4M # a comment\ntouch X 0 "s"' });
    const { container } = render(<Editor />);
    expect(container.textContent).toContain('mmap X 4M');
    expect(ptlabLanguage.name).toBe('ptlab');
  });
});
