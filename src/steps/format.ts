// Derivations as documents: numbered text lines with each rule and note beneath, or one LaTeX `aligned`
// block (an equation per line, the rule on the right); the steps themselves are plain data.

import type { Step } from "./derivation.js";

/** The derivation as text: `  3. df = ...` and, beneath, `       rule: note`. */
export function stepsText(steps: readonly Step[], dim: (s: string) => string = (s) => s): string {
  const width = String(steps.length).length;
  const lines = ["derivation:"];
  steps.forEach((s, i) => {
    const n = String(i + 1).padStart(width);
    lines.push(`  ${n}. ${s.text}`);
    lines.push(dim(`  ${" ".repeat(width)}    ${s.rule}${s.note ? `: ${s.note}` : ""}`));
  });
  return lines.join("\n");
}

/** LaTeX `\text{...}` content: the few characters that text mode treats specially, escaped. */
function latexText(s: string): string {
  return s.replace(/[\\{}$&#%_^~]/g, (c) => (c === "\\" ? "\\textbackslash{}" : c === "^" || c === "~" ? `\\${c}{}` : `\\${c}`));
}

/** The derivation as one LaTeX `aligned` block: `lhs &= rhs && \text{rule}` per step. */
export function stepsLatex(steps: readonly Step[]): string {
  const rows = steps.map((s) => {
    const at = s.latex.indexOf(" = ");
    const lhs = at < 0 ? "" : s.latex.slice(0, at);
    const rhs = at < 0 ? s.latex : s.latex.slice(at + 3);
    return `${lhs} &= ${rhs} && \\text{${latexText(s.rule)}}`;
  });
  return ["\\begin{aligned}", rows.join(" \\\\\n"), "\\end{aligned}"].join("\n");
}
