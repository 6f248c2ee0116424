// LaTeX output that KaTeX renders: Greek names as letters, trailing digits as subscripts, X^\top,
// X^{-1}, Hadamard products as \odot; shared subexpressions become a `where` list.

import { ELEMENTWISE, type ElementwiseName } from "../ir/elementwise.js";
import {
  FRECHET2_OF,
  FRECHET_OF,
  type Frechet2Op,
  type FrechetOp,
  MATRIX_FUNCTIONS,
  type MatrixFunction,
} from "../ir/matrix-functions.js";
import type { Node } from "../ir/node.js";
import { DagPrinter, PREC, type PrintOptions, type Syntax } from "./printer.js";

const GREEK = new Set([
  "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
  "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
  "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
]);

/** theta1 -> \theta_{1}, x_0 -> x_{0}, Sigma -> \Sigma, logits -> \mathit{logits}. */
export function latexName(n: string): string {
  const m = /^([A-Za-z]+?)_?(\d+|_[A-Za-z0-9]+)?$/.exec(n);
  const base = m ? m[1]! : n;
  let sub = m?.[2];
  if (sub?.startsWith("_")) sub = sub.slice(1);
  let b: string;
  if (GREEK.has(base)) b = `\\${base}`;
  else if (base.length === 1) b = base;
  else b = `\\mathit{${base.replace(/_/g, "\\_")}}`;
  if (!m) return `\\mathit{${n.replace(/_/g, "\\_")}}`;
  return sub ? `${b}_{${sub}}` : b;
}

const OPNAME: Record<string, string> = {
  tr: "\\operatorname{tr}",
  det: "\\det",
  logdet: "\\log\\det",
  sum: "\\operatorname{sum}",
  diag: "\\operatorname{diag}",
};

/** f(X) of each matrix function called by name, given X's LaTeX (X^p prints as a power, not a call). */
const MATRIX_FUNCTION_LATEX = {
  expm: (a) => `e^{${a}}`,
  logm: (a) => `\\operatorname{logm}\\left(${a}\\right)`,
  sqrtm: (a) => `\\left(${a}\\right)^{1/2}`,
} as const satisfies Record<Exclude<MatrixFunction, "powm">, (a: string) => string>;

/** "\left(X\right)" -> "X" when the parentheses enclose the whole string (a fraction needs none). */
function unwrap(s: string): string {
  if (!s.startsWith("\\left(") || !s.endsWith("\\right)")) return s;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith("\\left", i)) depth++;
    else if (s.startsWith("\\right", i)) {
      depth--;
      if (depth === 0 && i !== s.length - "\\right)".length) return s;
    }
  }
  return s.slice("\\left(".length, s.length - "\\right)".length);
}

/** A base that already ends in a superscript (X^{-1}, X^\top, e^{X}) is wrapped: KaTeX rejects a double superscript. */
function sup(b: string): string {
  if (!/\^(\{[^{}]*(\{[^{}]*\}[^{}]*)*\}|\\top)$/.test(b)) return b;
  return `\\left(${b}\\right)`;
}

export const LATEX: Syntax = {
  num: (v) => {
    const s = String(v);
    const m = /^(-?[\d.]+)e([+-]?\d+)$/.exec(s);
    return m ? `${m[1]} \\cdot 10^{${Number(m[2])}}` : s;
  },
  name: latexName,
  dname: (n) => `\\mathrm{d}${latexName(n)}`,
  frac: (num, p, q, den) => {
    const top = num ? unwrap(num.s) : String(p);
    const d = den ? den.map((x) => x.s) : [];
    if (q !== 1) d.unshift(String(q));
    return { s: `\\frac{${top}}{${d.join(" ")}}`, prec: PREC.atom };
  },
  plus: " + ",
  minus: " - ",
  neg: "-",
  times: " ",
  mul: " ",
  hadamard: " \\odot ",
  ediv: " \\oslash ",
  wrap: (s) => `\\left(${s}\\right)`,
  transpose: (b) => `${sup(b)}^\\top`,
  exponentGroups: true,
  powScalar: (b, e) => `${sup(b)}^{${e}}`,
  powElem: (b, e) => `${sup(b)}^{\\circ ${e}}`,
  sqrt: (a) => `\\sqrt{${a}}`,
  mpow: (b, k) => `${sup(b)}^{${k}}`,
  call: (f, args) => {
    const a = args.join(", ");
    if (f === "norm2") return `\\left\\| ${a} \\right\\|_2`;
    if (f === "norm1") return `\\left\\| ${a} \\right\\|_1`;
    if (Object.hasOwn(MATRIX_FUNCTION_LATEX, f)) return MATRIX_FUNCTION_LATEX[f as keyof typeof MATRIX_FUNCTION_LATEX](a);
    if (Object.hasOwn(FRECHET_OF, f) || Object.hasOwn(FRECHET2_OF, f)) {
      const second = Object.hasOwn(FRECHET2_OF, f);
      const fn = MATRIX_FUNCTIONS[second ? FRECHET2_OF[f as Frechet2Op] : FRECHET_OF[f as FrechetOp]];
      const pow = f === "dpowm" || f === "d2powm";
      const sub = pow ? `(\\cdot)^{${args[1]}}` : fn.latexL;
      const xs = pow ? [args[0], ...args.slice(2)] : args;
      return `L${second ? "^{(2)}" : ""}_{${sub}}\\left(${xs.join(", ")}\\right)`;
    }
    const name = OPNAME[f] ?? (f.startsWith("\\") ? f : `\\operatorname{${f}}`);
    return `${name}\\left(${a}\\right)`;
  },
  inv: (a) => ({ s: `${a.prec >= PREC.atom ? sup(a.s) : `\\left(${a.s}\\right)`}^{-1}`, prec: PREC.postfix }),
  kron: (a, b) => {
    const w = (x: { s: string; prec: number }) => (x.prec < PREC.postfix ? `\\left(${x.s}\\right)` : x.s);
    // between sums and products: a scalar multiple shows its parentheses, c (A \otimes B)
    return { s: `${w(a)} \\otimes ${w(b)}`, prec: (PREC.sum + PREC.prod) / 2 };
  },
  eye: () => "I",
  ones: () => "\\mathbf{1}",
  zeros: () => "0",
  fnName: (n: ElementwiseName) => ELEMENTWISE[n].latex,
  div: (num, den) => ({ s: `\\frac{${num.s}}{${den.s}}`, prec: PREC.atom }),
  bindings: (defs, body) =>
    defs.length === 0 ? body : `${body} \\quad\\text{where } ${defs.map((d) => `${d.name} = ${d.value}`).join(",\\ ")}`,
};

export function toLatex(n: Node, opts: PrintOptions = {}): string {
  return new DagPrinter(LATEX, opts).print(n);
}
