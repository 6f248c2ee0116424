// The variables table: one row per variable of the expression (kind, dimensions, props, origin), each editable.
// Rows are reconciled by name rather than rebuilt, so the field being edited keeps its focus while answers arrive.

import type { VarRow } from "./compute.js";
import { h, math } from "./dom.js";
import { type Kind, type PropName, type VarOverride, PROP_NAMES, dimCount, isDim } from "./state.js";

export type OnEdit = (name: string, v: VarOverride | null) => void;

interface RowView {
  readonly tr: HTMLTableRowElement;
  readonly kind: HTMLSelectElement;
  readonly dims: [HTMLInputElement, HTMLInputElement];
  readonly props: Map<PropName, HTMLInputElement>;
  readonly origin: HTMLElement;
  readonly reset: HTMLButtonElement;
  latex: string;
}

export class VarsTable {
  private readonly rows = new Map<string, RowView>();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onEdit: OnEdit,
  ) {}

  update(vars: readonly VarRow[]): void {
    const names = new Set(vars.map((v) => v.name));
    for (const [name, row] of this.rows) {
      if (!names.has(name)) {
        row.tr.remove();
        this.rows.delete(name);
      }
    }
    vars.forEach((v, i) => {
      const row = this.rows.get(v.name) ?? this.create(v);
      this.fill(row, v);
      if (this.body.children[i] !== row.tr) this.body.insertBefore(row.tr, this.body.children[i] ?? null);
    });
  }

  private create(v: VarRow): RowView {
    const id = (what: string): string => `var-${v.name}-${what}`;
    const kind = h("select", { id: id("kind"), "aria-label": `kind of ${v.name}` });
    for (const k of ["scalar", "vector", "matrix"]) kind.append(h("option", { value: k }, k));
    const dim = (what: string, label: string): HTMLInputElement =>
      h("input", {
        id: id(what),
        class: "dim",
        type: "text",
        inputmode: "text",
        autocomplete: "off",
        spellcheck: "false",
        size: 3,
        "aria-label": `${label} of ${v.name}`,
      });
    const dims: [HTMLInputElement, HTMLInputElement] = [dim("rows", "rows"), dim("cols", "columns")];
    const props = new Map<PropName, HTMLInputElement>();
    const propCells = PROP_NAMES.map((p) => {
      const box = h("input", { type: "checkbox", id: id(p), "data-prop": p });
      props.set(p, box);
      return h("label", { class: "prop" }, box, p);
    });
    const origin = h("span", { class: "origin" });
    const reset = h("button", { type: "button", class: "small", "aria-label": `reset ${v.name} to what the expression says` }, "Reset");
    const tr = h(
      "tr",
      { "data-var": v.name },
      h("th", { scope: "row", class: "name" }),
      h("td", {}, kind),
      h("td", { class: "dims" }, dims[0], h("span", { "aria-hidden": "true" }, "×"), dims[1]),
      h("td", {}, h("div", { class: "props" }, ...propCells)),
      h("td", {}, origin, reset),
    );
    const row: RowView = { tr, kind, dims, props, origin, reset, latex: "" };
    kind.addEventListener("change", () => this.commit(v.name, row, true));
    dims.forEach((d, i) =>
      d.addEventListener("input", () => {
        // properties need a square matrix: its two dimensions move together
        const square = [...props.values()].some((b) => b.checked);
        if (square && kind.value === "matrix") dims[1 - i]!.value = d.value;
        this.commit(v.name, row, false);
      }),
    );
    for (const box of props.values()) box.addEventListener("change", () => this.commit(v.name, row, false));
    reset.addEventListener("click", () => this.onEdit(v.name, null));
    this.rows.set(v.name, row);
    return row;
  }

  private fill(row: RowView, v: VarRow): void {
    if (row.latex !== v.latex) {
      row.latex = v.latex;
      row.tr.cells[0]!.replaceChildren(math(v.latex, false), h("span", { class: "sr-only" }, v.name));
    }
    const active = document.activeElement;
    if (active !== row.kind) row.kind.value = v.kind;
    const n = dimCount(v.kind);
    row.dims.forEach((input, i) => {
      const value = i < n ? (v.dims[i] ?? "") : "1";
      if (active !== input) {
        input.value = value;
        input.removeAttribute("aria-invalid");
      }
      input.disabled = i >= n;
    });
    for (const [p, box] of row.props) {
      if (active !== box) box.checked = v.props.includes(p);
      box.disabled = v.kind !== "matrix";
      (box.parentElement as HTMLElement).hidden = v.kind !== "matrix"; // properties are for matrices only
    }
    row.origin.textContent = v.origin;
    row.tr.dataset.origin = v.origin;
    row.reset.hidden = v.origin !== "edited";
  }

  /** Reads a row back into an override; invalid dimensions are marked and not sent. */
  private commit(name: string, row: RowView, kindChanged: boolean): void {
    const kind = row.kind.value as Kind;
    const n = dimCount(kind);
    const typed = row.dims.map((d) => d.value.trim());
    if (kindChanged) {
      const first = isDim(typed[0]!) && !row.dims[0].disabled ? typed[0]! : "n";
      const second = isDim(typed[1]!) && !row.dims[1].disabled ? typed[1]! : first;
      typed[0] = first;
      typed[1] = second;
      row.dims.forEach((d, i) => {
        d.value = i < n ? typed[i]! : "1";
        d.disabled = i >= n;
      });
    }
    let valid = true;
    row.dims.forEach((d, i) => {
      const bad = i < n && !isDim(typed[i]!);
      if (bad) valid = false;
      if (bad) d.setAttribute("aria-invalid", "true");
      else d.removeAttribute("aria-invalid");
    });
    if (!valid) return;
    const props = kind === "matrix" ? PROP_NAMES.filter((p) => row.props.get(p)!.checked) : [];
    if (props.length > 0 && typed[0] !== typed[1]) {
      typed[1] = typed[0]!; // properties need a square matrix
      row.dims[1].value = typed[1];
    }
    this.onEdit(name, { kind, dims: typed.slice(0, n), props });
  }
}
