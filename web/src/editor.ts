// The expression editor: CodeMirror 6 with a small stream highlighter for the matcalc language, completion of the
// engine's function names (from its own table), and the engine's errors as lint diagnostics (underline + hover).

import { type CompletionContext, type CompletionResult, autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { FUNCTIONS } from "../../src/shape/functions.js";

const TYPE_WORDS = new Set(["scalar", "vector", "matrix", "symmetric", "spd", "diagonal", "orthogonal"]);

/** Tokens as the lexer (src/syntax/lexer.ts) reads them, MATLAB's dot rule included: `2.*x` is `2 .* x`. */
export const matcalcLanguage = StreamLanguage.define<null>({
  name: "matcalc",
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^[#%].*/)) return "comment";
    if (stream.match(/^(?:[0-9]+(?:\.(?![*/^'])[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (TYPE_WORDS.has(word)) {
        const before = stream.string.slice(0, stream.start);
        const statement = before.slice(before.lastIndexOf(";") + 1);
        if (/^\s*[A-Za-z_][A-Za-z0-9_\s,]*:/.test(statement)) return "typeName"; // a declaration's type word
      }
      if (stream.match(/^\s*\(/, false)) return "variableName.function";
      return "variableName";
    }
    if (stream.match(/^(?:\.[*/^']|[-+*/^'])/)) return "operator";
    if (stream.match(/^[()]/)) return "paren";
    if (stream.match(/^[,:;=]/)) return "punctuation";
    stream.next();
    return "invalid";
  },
  languageData: { commentTokens: { line: "#" } },
});

const highlight = HighlightStyle.define([
  { tag: tags.comment, color: "var(--hl-comment)", fontStyle: "italic" },
  { tag: tags.number, color: "var(--hl-number)" },
  { tag: tags.function(tags.variableName), color: "var(--hl-function)" },
  { tag: tags.variableName, color: "var(--hl-variable)" },
  { tag: tags.typeName, color: "var(--hl-type)", fontWeight: "600" },
  { tag: tags.operator, color: "var(--hl-operator)" },
  { tag: [tags.paren, tags.punctuation], color: "var(--hl-punct)" },
  { tag: tags.invalid, color: "var(--bad)", textDecoration: "underline wavy" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--field)", color: "var(--fg)", border: "1px solid var(--line)", borderRadius: "6px" },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "1px" },
  ".cm-scroller": { maxHeight: "20rem", overflow: "auto" },
  ".cm-content": { fontFamily: "var(--mono)", fontSize: "16px", padding: "8px 0", caretColor: "var(--fg)" },
  ".cm-line": { padding: "0 10px" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection)" },
  ".cm-placeholder": { color: "var(--muted)" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--fg)", border: "1px solid var(--line)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--bad)", textUnderlineOffset: "3px" },
  ".cm-lintPoint-error:after": { borderBottomColor: "var(--bad)" },
});

/** Function names as you type a word (after two letters, or at once with Ctrl+Space), each with its one-line doc. */
export function completeFunction(ctx: CompletionContext): CompletionResult | null {
  const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
  if (!word || (word.from === word.to && !ctx.explicit) || (word.to - word.from < 2 && !ctx.explicit)) return null;
  const after = ctx.state.sliceDoc(word.to, word.to + 1);
  return {
    from: word.from,
    options: Object.entries(FUNCTIONS).map(([name, f]) => ({
      label: name,
      type: "function",
      detail: f.maxArgs === 0 ? "()" : f.minArgs === f.maxArgs ? `(${f.minArgs} argument${f.minArgs === 1 ? "" : "s"})` : `(${f.minArgs} to ${f.maxArgs} arguments)`,
      info: f.doc,
      apply: after === "(" ? name : `${name}(`,
    })),
    validFor: /^[A-Za-z_][A-Za-z0-9_]*$/,
  };
}

export interface ExprEditor {
  readonly view: EditorView;
  /** Replaces the whole text (an example, a restored link) without firing onChange. */
  setText(text: string): void;
  /** Shows the engine's error over [from, to), or clears it with null. */
  showError(error: { message: string; span: readonly [number, number] } | null): void;
}

/**
 * onChange gets the new text and whether the change left none of the old text (select all and type or paste, or
 * clearing it): a new problem, not an edit of the old one.
 */
export function createEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string, replacedAll: boolean) => void,
  onHelp: () => void = () => {},
): ExprEditor {
  let quiet = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        history(),
        keymap.of([{ key: "F1", run: () => (onHelp(), true) }, ...completionKeymap, ...defaultKeymap, ...historyKeymap]),
        autocompletion({ override: [completeFunction], icons: false }),
        bracketMatching(),
        matcalcLanguage,
        syntaxHighlighting(highlight),
        theme,
        EditorView.lineWrapping,
        placeholder("e.g. tr(A*X*B) or x'*A*x"),
        EditorView.contentAttributes.of({ tabindex: "0", "aria-label": "Expression", "aria-describedby": "diagnostic editor-help" }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || quiet) return;
          let replacedAll = false;
          for (const tr of u.transactions) {
            if (tr.isUserEvent("input.table")) continue;
            const before = tr.startState.doc.length;
            tr.changes.iterChangedRanges((fromA, toA) => {
              if (before > 0 && fromA === 0 && toA === before) replacedAll = true;
            });
          }
          onChange(u.state.doc.toString(), replacedAll);
        }),
      ],
    }),
  });
  return {
    view,
    setText(next) {
      if (next === view.state.doc.toString()) return;
      quiet = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
      } finally {
        quiet = false;
      }
    },
    showError(error) {
      const len = view.state.doc.length;
      const diagnostics: Diagnostic[] = [];
      if (error) {
        const from = Math.min(Math.max(0, error.span[0]), len);
        const to = Math.min(Math.max(from, error.span[1]), len);
        diagnostics.push({ from, to, severity: "error", message: error.message, source: "matcalc" });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
  };
}
