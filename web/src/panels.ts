// The code tabs (NumPy, JAX, PyTorch, TypeScript) and the step-by-step panel, filled from the worker's extras.
// Either output may be unsupported by the engine: its message then stands where the content would be.

import type { Part, Step } from "./compute.js";
import { copyButton, download, h, math } from "./dom.js";
import { CODE_TARGETS, type CodeTarget } from "./state.js";

const TARGET_LABEL: Readonly<Record<CodeTarget, string>> = { numpy: "NumPy", jax: "JAX", torch: "PyTorch", ts: "TypeScript" };
const TARGET_FILE: Readonly<Record<CodeTarget, string>> = {
  numpy: "derivative_numpy.py",
  jax: "derivative_jax.py",
  torch: "derivative_torch.py",
  ts: "derivative.ts",
};

export class CodeTabs {
  private readonly tabs = new Map<CodeTarget, HTMLButtonElement>();
  private readonly panel: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly onSelect: (t: CodeTarget) => void,
  ) {
    const list = h("div", { role: "tablist", "aria-label": "Generated code", class: "tabs" });
    for (const t of CODE_TARGETS) {
      const tab = h("button", { type: "button", role: "tab", id: `tab-${t}`, "aria-controls": "code-panel", "data-target": t }, TARGET_LABEL[t]);
      tab.addEventListener("click", () => onSelect(t));
      tab.addEventListener("keydown", (e) => this.arrows(e, t));
      this.tabs.set(t, tab);
      list.append(tab);
    }
    this.panel = h("div", { role: "tabpanel", id: "code-panel", tabindex: 0 });
    root.replaceChildren(list, this.panel);
  }

  /** Left/Right/Home/End move between tabs, as in the WAI-ARIA tabs pattern. */
  private arrows(e: KeyboardEvent, t: CodeTarget): void {
    const i = CODE_TARGETS.indexOf(t);
    const n = CODE_TARGETS.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i + n - 1) % n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = CODE_TARGETS[to]!;
    this.onSelect(next);
    this.tabs.get(next)!.focus();
  }

  select(t: CodeTarget): void {
    for (const [target, tab] of this.tabs) {
      const on = target === t;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    this.panel.setAttribute("aria-labelledby", `tab-${t}`);
  }

  /** Shows "computing" until the answer comes, then the code or the message. */
  show(t: CodeTarget, part: Part<string> | "pending" | "none"): void {
    this.panel.dataset.target = t;
    if (part === "pending" || part === "none") {
      this.panel.dataset.state = part;
      this.panel.replaceChildren(h("p", { class: "muted" }, part === "pending" ? "…" : "No derivative to generate code for."));
      return;
    }
    if (!part.ok) {
      this.panel.dataset.state = "unsupported";
      this.panel.replaceChildren(
        h("p", { class: "unsupported", "data-code": part.code }, h("strong", {}, `${TARGET_LABEL[t]}: `), part.message),
      );
      return;
    }
    const source = part.value;
    this.panel.dataset.state = "ok";
    this.panel.replaceChildren(
      h(
        "div",
        { class: "actions" },
        copyButton("Copy code", () => source, { "data-copy": "code" }),
        Object.assign(h("button", { type: "button", class: "small" }, `Download ${TARGET_FILE[t]}`), {
          onclick: () => download(TARGET_FILE[t], source),
        }),
      ),
      h("pre", { class: "code", tabindex: 0, "aria-label": `${TARGET_LABEL[t]} code` }, h("code", {}, source)),
    );
  }
}

export function renderSteps(root: HTMLElement, part: Part<Step[]> | "pending" | "none"): void {
  if (part === "pending" || part === "none") {
    root.dataset.state = part;
    root.replaceChildren(h("p", { class: "muted" }, part === "pending" ? "…" : "No derivative to explain."));
    return;
  }
  if (!part.ok) {
    root.dataset.state = "unsupported";
    root.replaceChildren(h("p", { class: "unsupported", "data-code": part.code }, part.message));
    return;
  }
  root.dataset.state = "ok";
  root.replaceChildren(
    h(
      "ol",
      { class: "steps" },
      ...part.value.map((s) =>
        h(
          "li",
          {},
          s.rule && h("span", { class: "rule" }, s.rule),
          s.latex ? math(s.latex, true, s.text || undefined) : h("pre", { class: "formula-text" }, s.text),
          s.note && h("p", { class: "note" }, s.note),
        ),
      ),
    ),
  );
}
