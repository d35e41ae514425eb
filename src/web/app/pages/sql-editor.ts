import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';

/**
 * The SQL editor: highlighting, autocomplete of namespaces, tables and columns from the catalog,
 * Ctrl/Cmd-Enter to run. Tab indents only with a selection, so Tab alone still moves the focus on.
 */
export function createEditor(parent: HTMLElement, doc: string, schema: SQLNamespace, onRun: () => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion(),
        // DuckDB's SQL is closest to PostgreSQL's among the dialects CodeMirror knows.
        sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true }),
        placeholder('SELECT … FROM gold.daily_sales'),
        EditorView.lineWrapping,
        keymap.of([{ key: 'Mod-Enter', run: () => (onRun(), true) }, ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap, { ...indentWithTab, key: 'Mod-]' }]),
        EditorView.contentAttributes.of({ 'aria-label': 'SQL statement (Ctrl+Enter runs it)' }),
        EditorView.theme({ '&': { fontSize: '14px' }, '.cm-scroller': { fontFamily: 'var(--mono)', minHeight: '140px' } }),
      ],
    }),
  });
}
