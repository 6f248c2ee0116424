// The answer panel: function and derivative typeset with KaTeX, copy buttons, conventions, notes, assumptions and
// the verification badge. Pure rendering from one MainAnswer; the page decides when to call it.

import type { MainAnswer, Rendered } from "./compute.js";
import { copyButton, h, math } from "./dom.js";
import type { Notation } from "./state.js";

export interface ResultOptions {
  readonly order: number;
  readonly notation: Notation;
  /** Table edits in force for this answer, as declarations ("X: symmetric(n)"). */
  readonly edits: readonly string[];
  /** Re-run the check with another seed. */
  readonly onNewSeed: () => void;
  /** Drop every table edit. */
  readonly onResetEdits: () => void;
}

function derivativeSymbol(kind: string, order: number, x: string): string {
  if (order === 1) return `\\frac{\\partial f}{\\partial ${x}}`;
  if (kind === "hessian") return `\\frac{\\partial^{2} f}{\\partial ${x}\\, \\partial ${x}^{\\top}}`;
  return `\\frac{\\partial^{${order}} f}{\\partial ${x}^{${order}}}`;
}

function shapeText(shape: readonly (string | number)[]): string {
  const [r, c] = shape;
  if (r === 1 && c === 1) return "scalar";
  if (c === 1) return `vector of length ${r}`;
  return `${r} × ${c} matrix`;
}

function sci(x: number): string {
  return x === 0 ? "0" : x.toExponential(1);
}

function badge(answer: MainAnswer): HTMLElement | null {
  if (!answer.response.ok || !answer.response.check) return null;
  const c = answer.response.check;
  const cls = c.status === "PASS" ? "pass" : c.status === "FAIL" ? "fail" : "skipped";
  const sizes = Object.entries(c.sizes).map(([k, v]) => `${k}=${v}`).join(", ");
  // a skipped check has no error figure: its reason is what the reader needs
  const reason = (c as { reason?: string }).reason ?? c.message.replace(/^SKIPPED:\s*/, "");
  const detail =
    c.status === "SKIPPED"
      ? `not checked: ${reason}`
      : `worst relative error ${sci(c.worstRelError)} · seed ${c.seed}${sizes ? ` · ${sizes}` : ""} · ${c.directions} random directions`;
  return h(
    "div",
    { class: `badge ${cls}`, id: "check", "data-status": c.status },
    h("strong", { class: "status" }, c.status),
    h("span", { class: "detail" }, detail),
    h("button", { type: "button", class: "small", id: "new-seed", title: "check again with other random values" }, "New seed"),
  );
}

/** Legal but probably unintended readings the engine noticed, next to the answer. */
function warningsBlock(answer: MainAnswer): HTMLElement | null {
  const r = answer.response;
  const list = r.ok ? ((r as { warnings?: { code: string; message: string }[] }).warnings ?? []) : [];
  if (list.length === 0) return null;
  return h(
    "div",
    { class: "warnings", id: "warnings", role: "note" },
    h("strong", {}, list.length === 1 ? "Warning" : "Warnings"),
    h("ul", {}, ...list.map((w) => h("li", { "data-code": w.code }, w.message))),
  );
}

/** The table edits this answer was computed with, and a way to drop them. */
function editsBlock(opts: ResultOptions): HTMLElement | null {
  if (opts.edits.length === 0) return null;
  const reset = h("button", { type: "button", class: "small", id: "reset-edits" }, "Reset table edits");
  reset.addEventListener("click", opts.onResetEdits);
  return h(
    "div",
    { class: "edits", id: "table-edits", role: "note" },
    h("span", {}, ...opts.edits.flatMap((e, i) => [i > 0 ? "; " : "", h("code", {}, e)]), ", set in the table"),
    reset,
  );
}

/** A typeset formula (scrolling sideways when wider than the panel, with a visible hint) and its copy buttons. */
function formulaBlock(label: string, latex: string, text: string, role: string): HTMLElement {
  const formula = h("div", { class: "formula", "data-text": text, tabindex: 0, role: "group", "aria-label": label }, math(latex, true, text));
  return h(
    "div",
    { class: "formula-block", "data-role": role },
    formula,
    h("p", { class: "scroll-hint" }, "The formula is wider than the panel: scroll it sideways (or use the arrow keys) for the rest."),
    h(
      "div",
      { class: "actions", role: "group", "aria-label": `copy the ${label}` },
      copyButton(`Copy ${label} LaTeX`, () => latex, { "data-copy": `${role}-latex` }),
      copyButton(`Copy ${label} text`, () => text, { "data-copy": `${role}-text` }),
    ),
  );
}

/** The derivative in the chosen notation, or that notation's message in its place followed by the matrix form. */
function derivativeBlocks(answer: MainAnswer, opts: ResultOptions): HTMLElement[] {
  const r = answer.response;
  if (!r.ok) return [];
  // an answer in index notation (tensors) names its own left-hand side
  const named = /^\\frac\{\\partial/.test(r.derivative.latex);
  const lhs = derivativeSymbol(r.kind, opts.order, answer.analysis.wrtLatex);
  const latex = named ? r.derivative.latex : `${lhs} = ${r.derivative.latex}`;
  const matrix = (): HTMLElement => formulaBlock("derivative", latex, r.derivative.text, "derivative");
  const part = answer.notation;
  if (opts.notation === "matrix" || part === null) return [matrix()];
  if (part.ok) return [notationBlock(opts.notation, part.value)];
  return [
    h(
      "p",
      { class: "unsupported", id: "notation-message", role: "note" },
      h("strong", {}, `${opts.notation} notation: `),
      part.message,
      ". The matrix form:",
    ),
    matrix(),
  ];
}

function notationBlock(notation: Notation, v: Rendered): HTMLElement {
  const latex = notation === "differential" ? `\\mathrm{d}f = ${v.latex || v.text}` : v.latex;
  if (!v.latex) return h("pre", { class: "formula-text", "data-role": "derivative" }, v.text);
  return formulaBlock(`${notation} form`, latex, v.text, "derivative");
}

/** Marks the formulas wider than their panel, so their scroll hint shows (call again when the width changes). */
export function markOverflow(root: HTMLElement): void {
  for (const block of root.querySelectorAll<HTMLElement>(".formula-block")) {
    const f = block.querySelector<HTMLElement>(".formula");
    block.classList.toggle("overflows", f !== null && f.scrollWidth > f.clientWidth + 1);
  }
}

export function renderResult(root: HTMLElement, answer: MainAnswer, opts: ResultOptions): void {
  const r = answer.response;
  root.replaceChildren();
  root.dataset.state = r.ok ? "ok" : r.error.code === "unsupported" ? "unsupported" : "error";
  if (!r.ok) {
    const unsupported = r.error.code === "unsupported";
    root.append(
      h(
        "div",
        { class: unsupported ? "message unsupported" : "message error", id: "error", "data-code": r.error.code },
        h("strong", {}, unsupported ? "Not supported yet" : `Error (${r.error.code})`),
        h("p", {}, r.error.message),
      ),
    );
    return;
  }
  const fn = formulaBlock("function", `f = ${r.function.latex}`, r.function.text, "function");
  fn.classList.add("function");
  const edits = editsBlock(opts);
  const warnings = warningsBlock(answer);
  root.append(fn, ...derivativeBlocks(answer, opts));
  if (edits) root.append(edits);
  if (warnings) root.append(warnings);
  const seedBadge = badge(answer);
  if (seedBadge) {
    seedBadge.querySelector("#new-seed")?.addEventListener("click", opts.onNewSeed);
    root.append(seedBadge);
  }
  root.append(
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Kind"),
      h("dd", { id: "kind" }, `${r.kind}, ${shapeText(r.derivative.shape)}`),
      h("dt", {}, "Convention"),
      h("dd", { id: "convention" }, r.convention),
      r.notes.length > 0 && h("dt", {}, "Notes"),
      r.notes.length > 0 && h("dd", { id: "notes" }, h("ul", {}, ...r.notes.map((n) => h("li", {}, n)))),
    ),
  );
  markOverflow(root);
}
