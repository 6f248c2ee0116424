// The language reference on the page: operators, functions, declarations, first-letter defaults and conventions.
// The function list is the engine's own table (src/shape/functions.ts), so a new function appears here by itself.

import { FUNCTIONS, type FunctionInfo } from "../../src/shape/functions.js";
import { h } from "./dom.js";
import type { ExprEditor } from "./editor.js";

const OPERATORS: readonly (readonly [string, string])[] = [
  ["A*B", "matrix product; a scalar times anything"],
  ["A .* B, A ./ B", "elementwise product and quotient"],
  ["A + B, A - B", "sum and difference; a scalar broadcasts over a vector or matrix"],
  ["A'", "transpose"],
  ["A^k, A^-1, X^p", "matrix power (integer k), inverse, principal real power"],
  ["x.^p", "elementwise power"],
  ["A/B", "A*inv(B)"],
  ["-A", "negation"],
];

const PRECEDENCE =
  "Tightest first: postfix ' and ^ .^ (left to right), then unary minus, then * / .* ./, then + -. " +
  "So -x^2 is -(x^2) and A*B' is A*(B').";

const DECLARATIONS: readonly (readonly [string, string])[] = [
  ["x: vector(n)", "a column vector of length n"],
  ["A: matrix(n, m)", "an n × m matrix; matrix(n) is square"],
  ["beta: scalar", "a scalar"],
  ["S: symmetric(n)", "symmetric: the gradient is symmetric too"],
  ["S: spd(n)", "symmetric positive definite (logdet, inv and the check use it)"],
  ["D: diagonal(n)", "diagonal: the gradient is diagonal"],
  ["Q: orthogonal(n)", "orthogonal: the gradient is the Riemannian one"],
  ["A, B: matrix(n)", "several names at once"],
  ["r = A*x - b; r'*r", "definitions name parts; the last expression is the function"],
  ["# comment", "to the end of the line (also %)"],
];

const DEFAULTS: readonly (readonly [string, string])[] = [
  ["a … g", "scalars"],
  ["h … z", "vectors"],
  ["A … Z", "matrices"],
];

const CONVENTIONS: readonly string[] = [
  "Gradient of a scalar f by X: the matrix G of the shape of X with df = tr(Gᵀ dX).",
  "Symmetric variables: the symmetric G with df = tr(Gᵀ dX) for every symmetric dX, i.e. sym(G₀) of the unconstrained gradient G₀. Diagonal variables get the diagonal part.",
  "Jacobians of vector functions are in numerator layout by default (rows follow f, as in JAX and PyTorch); denominator layout transposes.",
  "Hessians: H(i, j) = ∂²f / ∂x(i) ∂x(j).",
  "Matrices by matrices: the Kronecker form dvec(f)/dvec(X) (vec stacks columns) when it exists, else index notation summing over every index not on the left.",
  "Every answer is checked against central finite differences at random values (the badge shows the worst relative error and the seed).",
];

const GROUPS: readonly (readonly [string, (f: FunctionInfo) => boolean])[] = [
  ["Elementwise", (f) => f.kind === "elementwise"],
  ["Reductions and matrix functions", (f) => !["elementwise", "dims", "constant"].includes(f.kind) && !f.kind.startsWith("frechet")],
  ["Fréchet derivatives of matrix functions", (f) => f.kind.startsWith("frechet")],
  ["Constants", (f) => f.kind === "dims" || f.kind === "constant"],
];

/** How a function is called: from its doc when that starts with a call, else from its arity. */
export function signature(name: string, f: FunctionInfo): string {
  const m = new RegExp(`^${name}\\([^)]*\\)`).exec(f.doc);
  if (m) return m[0];
  const letters = f.kind === "elementwise" ? ["x"] : ["X", "Y", "Z", "W"];
  return `${name}(${letters.slice(0, Math.max(f.maxArgs, 1)).join(", ")})`;
}

function table(caption: string, rows: readonly (readonly [Node | string, string])[]): HTMLTableElement {
  return h(
    "table",
    { class: "ref-table" },
    h("caption", {}, caption),
    h("tbody", {}, ...rows.map(([a, b]) => h("tr", {}, h("th", { scope: "row" }, typeof a === "string" ? h("code", {}, a) : a), h("td", {}, b)))),
  );
}

export class Reference {
  private readonly filter: HTMLInputElement;

  constructor(
    private readonly dialog: HTMLDialogElement,
    opener: HTMLButtonElement,
    private readonly editor: ExprEditor,
  ) {
    this.filter = h("input", { type: "text", id: "reference-filter", placeholder: "filter, e.g. log", "aria-label": "Filter the reference", autocomplete: "off" });
    this.filter.addEventListener("input", () => this.applyFilter());
    const close = h("button", { type: "button", class: "small", id: "reference-close" }, "Close");
    close.addEventListener("click", () => dialog.close());
    const functions = GROUPS.map(([caption, pick]) =>
      table(
        caption,
        Object.entries(FUNCTIONS)
          .filter(([, f]) => pick(f))
          .map(([name, f]) => {
            const insert = h("button", { type: "button", class: "fn", "data-fn": name, title: `insert ${name}( in the expression` }, signature(name, f));
            insert.addEventListener("click", () => this.insert(`${name}(`));
            return [insert, f.doc] as const;
          }),
      ),
    );
    dialog.replaceChildren(
      h(
        "div",
        { class: "ref-head" },
        h("h2", { id: "reference-title" }, "Language reference"),
        this.filter,
        close,
      ),
      h(
        "div",
        { class: "ref-body" },
        h("p", { class: "muted" }, "Click a function to insert it. In the editor, F1 opens this reference and Ctrl+Space completes function names."),
        table("Operators", OPERATORS),
        h("p", { class: "ref-note" }, PRECEDENCE),
        ...functions,
        table("Declarations", DECLARATIONS),
        table("Undeclared names take their kind from their first letter (sizes are inferred from use)", DEFAULTS),
        h("h3", {}, "Conventions"),
        h("ul", { class: "conventions" }, ...CONVENTIONS.map((c) => h("li", {}, c))),
      ),
    );
    dialog.setAttribute("aria-labelledby", "reference-title");
    opener.addEventListener("click", () => this.open());
  }

  open(): void {
    if (!this.dialog.open) this.dialog.showModal();
    this.filter.focus();
  }

  private insert(text: string): void {
    const view = this.editor.view;
    const { from, to } = view.state.selection.main;
    view.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, userEvent: "input.reference" });
    this.dialog.close();
    view.focus();
  }

  private applyFilter(): void {
    const q = this.filter.value.trim().toLowerCase();
    for (const t of this.dialog.querySelectorAll<HTMLTableElement>("table.ref-table")) {
      let shown = 0;
      for (const tr of t.tBodies[0]!.rows) {
        const hit = q === "" || tr.textContent!.toLowerCase().includes(q);
        tr.hidden = !hit;
        if (hit) shown++;
      }
      t.hidden = shown === 0;
    }
  }
}
