// How a derivative looks on the terminal: the text report, the LaTeX line, and colors (TTY only).

import { styleText } from "node:util";
import type { ClaimReport } from "../api/claim.js";
import type { Differentiated } from "../api/differentiate.js";
import type { CheckReport } from "../numeric/check.js";
import { latexName } from "../print/latex.js";

type Style = Parameters<typeof styleText>[0];

/** Colors for one output stream; plain text unless it is a terminal that takes colors (NO_COLOR is honoured). */
export class Painter {
  readonly enabled: boolean;
  constructor(stream: { isTTY?: boolean; hasColors?: () => boolean } | null) {
    this.enabled = !!stream?.isTTY && (stream.hasColors?.() ?? false);
  }
  paint(style: Style, text: string): string {
    return this.enabled ? styleText(style, text, { validateStream: false }) : text;
  }
}

export const PLAIN = new Painter(null);

/** "df/dx", "d^2f/dx^2". */
function leibniz(wrt: string, order: number): string {
  return order === 1 ? `df/d${wrt}` : `d^${order}f/d${wrt}^${order}`;
}

export function checkLine(r: CheckReport, p: Painter): string {
  const color: Style = r.status === "PASS" ? "green" : r.status === "FAIL" ? ["red", "bold"] : "yellow";
  const [status, ...rest] = r.message.split(":");
  return `  check: ${p.paint(color, status!)}:${rest.join(":")}`;
}

/** The answer's lines shared by `matcalc diff` and `matcalc check`: f, the derivative, convention, assumptions, warnings, notes. */
function answerLines(d: Differentiated, p: Painter): string[] {
  const lines = [
    `f(${d.wrt}) = ${d.function.text}`,
    // An answer in index notation is an equation already: df_ij/dX_kl = ...
    p.paint("bold", d.result.form === "index" ? d.derivative.text : `${leibniz(d.wrt, d.order)} = ${d.derivative.text}`),
    p.paint("dim", `  ${d.convention}`),
  ];
  if (d.assumptions.length > 0) lines.push(p.paint("dim", `  assuming ${d.assumptions.join(", ")}`));
  for (const w of d.warnings) lines.push(`  ${p.paint("yellow", "warning")}: ${w.message}`);
  for (const n of d.notes) lines.push(`  note: ${n}`);
  return lines;
}

/** The text report of `matcalc diff`. */
export function textReport(d: Differentiated, check: CheckReport | null, p: Painter = PLAIN): string {
  const lines = answerLines(d, p);
  if (check) lines.push(checkLine(check, p));
  return lines.join("\n");
}

/** A value for people: numbers with three significant digits, vectors as [a, b], matrices as rows [[a, b], [c, d]]. */
function showValue(v: unknown): string {
  if (typeof v === "number") return String(Number(v.toPrecision(3)));
  if (Array.isArray(v)) return `[${v.map(showValue).join(", ")}]`;
  return String(v);
}

/** The text report of `matcalc check`: the function and its derivative, then the verdict on the claim. */
export function claimReport(d: Differentiated, claim: string, r: ClaimReport, p: Painter = PLAIN): string {
  const lhs = d.result.form === "index" ? "the derivative" : leibniz(d.wrt, d.order);
  const lines = answerLines(d, p);
  lines.push(`claim: ${claim.trim()}`);
  // the message ends in the diagnosis, which gets a line of its own here
  const suffix = r.diagnosis ? `; ${r.diagnosis}` : "";
  const verdict = suffix && r.message.endsWith(suffix) ? r.message.slice(0, -suffix.length) : r.message;
  const [status, ...rest] = verdict.split(":");
  lines.push(`  ${p.paint(r.agrees ? "green" : ["red", "bold"], status!)}:${rest.join(":")}`);
  if (r.diagnosis) lines.push(`  ${r.diagnosis}`);
  if (r.difference) lines.push(`  claim - ${lhs} = ${r.difference.text}`);
  if (r.worstAt) {
    lines.push("  where they differ most:");
    for (const [name, v] of Object.entries(r.worstAt)) {
      // a matrix one row per line, the rows aligned under the first
      if (!Array.isArray(v) || !Array.isArray(v[0])) {
        lines.push(`    ${name} = ${showValue(v)}`);
        continue;
      }
      const rows = (v as number[][]).map(showValue);
      const pad = " ".repeat(name.length + 4);
      rows.forEach((row, i) => lines.push(`    ${i === 0 ? `${name} = [` : pad}${row}${i === rows.length - 1 ? "]" : ","}`));
    }
  }
  return lines.join("\n");
}

/** `\frac{\partial f}{\partial x} = ...` */
export function latexLine(d: Differentiated): string {
  const x = latexName(d.wrt);
  const lhs =
    d.order === 1
      ? `\\frac{\\partial f}{\\partial ${x}}`
      : `\\frac{\\partial^{${d.order}} f}{\\partial ${x}^{${d.order}}}`;
  return d.result.form === "index" ? d.derivative.latex : `${lhs} = ${d.derivative.latex}`;
}

/** JSON.stringify(v, null, 2), with arrays of numbers and strings kept on one line: ["n", 1]. */
export function prettyJson(v: unknown): string {
  // JSON strings never hold a raw newline, so a match can only be an array written out over several lines
  return JSON.stringify(v, null, 2).replace(/\[\n\s*([^[\]{}\n]*(?:\n\s*[^[\]{}\n]*)*?)\n\s*\]/g, (_, inner: string) =>
    `[${inner.split(/,\n\s*/).join(", ")}]`,
  );
}
