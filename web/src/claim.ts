// "Check your own derivative": a field for the derivative a user derived, checked by the engine as its own request
// (the request field `claim`), so a claim that does not parse marks only itself, never the answer above it.

import type { ClaimAnswer } from "./compute.js";
import { h, math } from "./dom.js";

/** Quiet time after typing in the field before the claim is checked. */
const CLAIM_DEBOUNCE_MS = 150;

function sci(x: number): string {
  return Number.isFinite(x) ? (x === 0 ? "0" : x.toExponential(1)) : String(x);
}

export class ClaimBox {
  private readonly input: HTMLInputElement;
  private readonly out: HTMLElement;
  private readonly variable: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The claim sent last and its job number; answers to older ones are dropped. */
  private pending: { seq: number; claim: string } | null = null;

  constructor(
    root: HTMLElement,
    private readonly submit: (claim: string) => number,
  ) {
    this.variable = h("code", { id: "claim-wrt" }, "x");
    this.input = h("input", {
      type: "text",
      id: "claim",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      placeholder: "e.g. 2*A*x",
      "aria-describedby": "claim-result",
    });
    this.out = h("div", { id: "claim-result", "aria-live": "polite", "data-state": "empty" });
    root.replaceChildren(
      h("h2", {}, h("label", { for: "claim" }, "Check your own derivative")),
      h("p", { class: "muted claim-help" }, "Type the derivative of f by ", this.variable, " that you derived; the page says whether it agrees."),
      this.input,
      this.out,
    );
    this.input.addEventListener("input", () => this.schedule());
  }

  /** The variable the claim is a derivative by (that of the answer on show). */
  setVariable(name: string): void {
    this.variable.textContent = name;
  }

  /** The expression or a setting changed: a verdict on show no longer answers it. */
  inputChanged(): void {
    if (this.input.value.trim() !== "") this.schedule();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.input.value = "";
    this.pending = null;
    this.out.replaceChildren();
    this.out.dataset.state = "empty";
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.out.dataset.state !== "empty") {
      this.out.dataset.state = "previous";
      if (!this.out.querySelector(".previous-note")) {
        this.out.prepend(h("p", { class: "previous-note" }, h("strong", {}, "Previous verdict"), ": checking again…"));
      }
    }
    this.timer = setTimeout(() => this.send(), CLAIM_DEBOUNCE_MS);
  }

  private send(): void {
    const claim = this.input.value;
    if (claim.trim() === "") {
      this.clear();
      return;
    }
    this.pending = { seq: this.submit(claim), claim };
  }

  /** The check could not run (its worker failed): says so in place of a verdict. */
  failed(message: string): void {
    if (!this.pending) return;
    this.show({ seq: this.pending.seq, claim: this.pending.claim, part: { ok: false, code: "internal", message, inClaim: false, span: null } });
  }

  show(c: ClaimAnswer): void {
    if (!this.pending || c.seq !== this.pending.seq || c.claim !== this.input.value) return;
    this.pending = null;
    this.out.dataset.seq = String(c.seq);
    const p = c.part;
    if (!p.ok) {
      this.out.dataset.state = p.inClaim ? "claim-error" : "error";
      const children: (Node | string)[] = [h("strong", {}, p.inClaim ? "Your derivative has an error: " : "No verdict: "), p.message];
      if (p.inClaim && p.span) {
        const [a, b] = [Math.max(0, p.span[0]), Math.max(p.span[0], p.span[1])];
        const text = c.claim;
        children.push(
          h(
            "pre",
            { class: "claim-text" },
            text.slice(0, a),
            h("mark", {}, b > a ? text.slice(a, b) : " "),
            text.slice(b),
          ),
        );
      }
      this.out.replaceChildren(h("div", { class: "message error", "data-code": p.code }, ...children));
      return;
    }
    const v = p.value;
    this.out.dataset.state = v.agrees ? "agrees" : "disagrees";
    const verdict = v.agrees
      ? h("p", { class: "verdict good" }, h("strong", {}, "Agrees"), ` with the derivative (relative difference ${sci(v.relativeError)}).`)
      : h("p", { class: "verdict bad" }, h("strong", {}, "Does not agree"), ` (relative difference ${sci(v.relativeError)}, tolerance ${sci(v.tolerance)}).`);
    this.out.replaceChildren(
      verdict,
      v.message ? h("p", { class: "claim-message" }, v.message) : "",
      v.diagnosis ? h("p", { class: "claim-diagnosis" }, h("strong", {}, "Likely: "), v.diagnosis) : "",
      !v.agrees && v.correct.latex ? h("div", { class: "claim-correct" }, h("span", { class: "muted" }, "The derivative:"), math(v.correct.latex, true, v.correct.text)) : "",
      !v.agrees && v.difference?.latex
        ? h("div", { class: "claim-difference" }, h("span", { class: "muted" }, "Yours minus it:"), math(v.difference.latex, true, v.difference.text))
        : "",
    );
  }
}
