// Step-by-step derivations in the language of differentials (Magnus & Neudecker): df written out one cited
// rule at a time, then dX moved out and the derivative identified. Each step keeps both sides as IR, so it can be checked.

import type { Differentiated } from "../api/differentiate.js";
import { MatcalcError } from "../diagnostics/errors.js";
import { pullback } from "../diff/adjoint.js";
import { tangentOrthogonal } from "../diff/derive.js";
import { isFrechet2Op } from "../ir/matrix-functions.js";
import { jacobianOf } from "../diff/jacobian.js";
import type { IndexForm } from "../diff/tensor.js";
import type { Builder } from "../ir/builder.js";
import { substitute } from "../ir/construct.js";
import { type Node, topoOrder } from "../ir/node.js";
import { OPS } from "../ir/ops.js";
import { indexLatex, indexRhsText, lhsText } from "../print/index-notation.js";
import { latexName } from "../print/latex.js";
import { isScalarShape } from "../shape/shape.js";
import { Expander } from "./expand.js";
import { gradientForm, jacobianForm, leftFactor, present, rawMul, scalarForm } from "./forms.js";
import { Notation, differentialLast } from "./notation.js";
import { HIGHAM, MAGNUS_NEUDECKER as MN, STEP_RULES } from "./rules.js";

/** One step of a derivation: an equality, the rule that gives it, and a note (the rule's formula and source). */
export interface Step {
  readonly rule: string;
  readonly text: string;
  readonly latex: string;
  readonly note?: string;
}

/**
 * A step with both sides as IR: placeholders stand for differentials d(u) not written out yet. The right side
 * of a step in index notation is an index form, the tensor J matricized as dvec(f)/dvec(X) (vec stacking columns).
 */
export interface DerivationStep extends Step {
  readonly lhs: Node;
  readonly rhs: Node | IndexForm;
  /**
   * How the sides compare when the right one is a Kronecker-form matrix or an index form J: "vec",
   * vec(lhs) = J*vec(dX); "vec-quadratic", lhs = vec(dX)'*J*vec(dX). Absent: lhs = rhs.
   */
  readonly readOff?: "vec" | "vec-quadratic";
}

/** Is the right side of a step an index form (rather than a node)? */
export const isIndexForm = (rhs: Node | IndexForm): rhs is IndexForm => "terms" in rhs;

export interface Derivation {
  readonly steps: readonly DerivationStep[];
  /** Placeholder (dvar) name -> the expression u whose differential d(u) it stands for. */
  readonly placeholders: ReadonlyMap<string, Node>;
  /** The variable and its differential. */
  readonly wrt: Node;
  readonly dX: Node;
  /** df written out completely (the first differential). */
  readonly differential: Node;
}

interface Side {
  readonly text: string;
  readonly latex: string;
}

/** Does the differential pass dX through a Fréchet derivative L_f(X, E)? */
function hasFrechet(df: Node): boolean {
  // a direction holding dX: the last argument, or either of the two directions of a second Fréchet derivative
  const directions = (n: Node) => n.args.slice(isFrechet2Op(n.op) ? -2 : -1);
  return topoOrder([df]).some((n) => OPS[n.op].cls === "frechet" && directions(n).some((a) => a.hasD));
}

function nthDifferential(k: number): Side {
  return k === 1 ? { text: "df", latex: "\\mathrm{d}f" } : { text: `d^${k}f`, latex: `\\mathrm{d}^{${k}} f` };
}

/** The derivative's name as the CLI prints it: df/dX, d^2f/dx^2. */
function leibniz(wrt: string, k: number): Side {
  const x = latexName(wrt);
  return k === 1
    ? { text: `df/d${wrt}`, latex: `\\frac{\\partial f}{\\partial ${x}}` }
    : { text: `d^${k}f/d${wrt}^${k}`, latex: `\\frac{\\partial^{${k}} f}{\\partial ${x}^{${k}}}` };
}

/** Most text a derivation may run to (both notations); past it, steps would not help anyone read. */
export const MAX_DERIVATION_CHARS = 8_000_000;

class Writer {
  readonly steps: DerivationStep[] = [];
  private chars = 0;
  constructor(private readonly nota: Notation) {}

  /** Would n, shown, repeat the last step's right-hand side? */
  repeats(n: Node): boolean {
    const last = this.steps[this.steps.length - 1];
    return last !== undefined && last.text.endsWith(` = ${this.nota.text(n)}`);
  }

  push(rule: string, lhs: Side, shown: Node | Side, check: { lhs: Node; rhs: Node | IndexForm; readOff?: "vec" | "vec-quadratic" }, note?: string): void {
    const s = "text" in shown ? shown : this.nota.show(shown);
    this.chars += s.text.length + s.latex.length;
    if (this.chars > MAX_DERIVATION_CHARS) {
      throw new MatcalcError("unsupported", `the derivation is too long to show (over ${MAX_DERIVATION_CHARS / 1e6} million characters)`);
    }
    this.steps.push({
      rule,
      text: `${lhs.text} = ${s.text}`,
      latex: `${lhs.latex} = ${s.latex}`,
      ...(note ? { note } : {}),
      lhs: check.lhs,
      rhs: check.rhs,
      ...(check.readOff ? { readOff: check.readOff } : {}),
    });
  }
}

interface Context {
  readonly b: Builder;
  readonly nota: Notation;
  readonly ex: Expander;
  readonly w: Writer;
  readonly wrt: Node;
  readonly dX: Node;
}

/**
 * One differential written out: `lhs = wrap(d(g))`, then one step per rule. `wrap` places the differential
 * in its context (dx'*d(g) for a second differential); returns d(g) written out.
 */
function section(cx: Context, g: Node, lhs: Side, wrap: (e: Node) => Node, start: { rule: string; note: string }): Node {
  const { b, ex, w } = cx;
  const p = ex.d(g) ?? b.zeros(g.shape);
  const left = wrap(p);
  const shown = differentialLast(b, left);
  w.push(start.rule, lhs, shown, { lhs: left, rhs: shown }, start.note);
  const { steps, final } = ex.run(p);
  for (const s of steps) {
    const e = differentialLast(b, wrap(s.expr));
    w.push(s.rule, lhs, e, { lhs: left, rhs: e }, s.note);
  }
  return final;
}

/** df = tr(G'*dX) term by term, then collected, then the structured-variable rule; returns G. */
function gradientSteps(cx: Context, df: Node, lhs: Side, left: Node): Node {
  const { b, w, dX, wrt } = cx;
  const vector = dX.shape[1] === 1;
  const one = b.num(1);
  const terms = df.op === "add" ? df.args : [df];
  const written = b.addList(
    terms.map((t) => {
      const [c, rest] = b.splitCoef(t);
      return b.times(b.num(c), gradientForm(b, cx.nota, pullback(b, rest, dX, one), dX));
    }),
  );
  const x = wrt.name!;
  if (!w.repeats(written)) {
    w.push(
      vector ? "transposition" : "trace cyclicity",
      lhs,
      written,
      { lhs: left, rhs: written },
      vector
        ? `a scalar equals its transpose, u'*v = v'*u: every term is written as a row times d${x}`
        : `a scalar is its own trace, tr(A*B) = tr(B*A) and tr(A') = tr(A): every term is written as tr(M*d${x})` +
            (hasFrechet(df) ? `; for a Fréchet derivative, tr(A*dexpm(X, E)) = tr(dexpm(X, A)*E), and likewise for dlogm, dsqrtm, dpowm (${HIGHAM}, ch. 3)` : ""),
    );
  }
  const g0 = pullback(b, df, dX, one);
  const collected = gradientForm(b, cx.nota, present(b, g0), dX);
  if (!w.repeats(collected)) {
    w.push(
      "collecting terms",
      lhs,
      collected,
      { lhs: left, rhs: collected },
      vector ? `a'*d${x} + b'*d${x} = (a + b)'*d${x}` : `tr(A*d${x}) + tr(B*d${x}) = tr((A + B)*d${x})`,
    );
  }
  const props = wrt.props ?? [];
  let g = g0;
  if (props.includes("diagonal")) {
    g = b.diagm(b.diagv(g0));
    if (g !== g0 && !b.isDiagonal(g0)) {
      const shown = gradientForm(b, cx.nota, present(b, g), dX);
      w.push("diagonal variable", lhs, shown, { lhs: left, rhs: shown }, `d${x} is diagonal, so only the diagonal of the factor of d${x} counts: tr(M*d${x}) = tr(diag(diag(M))*d${x})`);
    }
  } else if (props.includes("orthogonal")) {
    g = tangentOrthogonal(b, wrt, g0);
    if (g !== g0) {
      const shown = gradientForm(b, cx.nota, present(b, g), dX);
      w.push(
        "orthogonal variable",
        lhs,
        shown,
        { lhs: left, rhs: shown },
        `d${x} is tangent to the orthogonal matrices, d${x} = ${x}*K with K antisymmetric, so only the tangent part of the factor counts: ` +
          `tr(G0'*d${x}) = tr(G'*d${x}) with G = ${x}*skew(${x}'*G0) = (G0 - ${x}*G0'*${x})/2 (Absil, Mahony & Sepulchre 2008, §3.6)`,
      );
    }
  } else if (props.includes("symmetric") || props.includes("spd")) {
    g = b.times(b.num(0.5), b.add(g0, b.transpose(g0)));
    if (g !== g0 && !b.isSymmetric(g0)) {
      const shown = gradientForm(b, cx.nota, present(b, g), dX);
      w.push(
        "symmetric variable",
        lhs,
        shown,
        { lhs: left, rhs: shown },
        `d${x} is symmetric, so tr(K*d${x}) = 0 for every antisymmetric K: tr(G0'*d${x}) = tr(G'*d${x}) with G = sym(G0) = (G0 + G0')/2, the symmetric part`,
      );
    }
  }
  return g;
}

function identificationNote(cx: Context, kind: "gradient" | "jacobian"): string {
  const x = cx.wrt.name!;
  const props = cx.wrt.props ?? [];
  if (kind === "jacobian") return `df = J*d${x} for every d${x} identifies the Jacobian J (first identification theorem; ${MN}, ch. 9)`;
  const form = cx.dX.shape[1] === 1 ? `g'*d${x}` : `tr(G'*d${x})`;
  if (props.includes("symmetric") || props.includes("spd")) {
    return (
      `df = ${form} for every symmetric d${x}, with G symmetric, identifies the gradient G: the symmetric part ` +
      `(G0 + G0')/2 of any G0 with df = tr(G0'*d${x}) (Srinivasan & Panda 2023; ${MN}, ch. 9)`
    );
  }
  if (props.includes("orthogonal")) {
    return (
      `df = ${form} for every tangent d${x} = ${x}*K (K antisymmetric), with G tangent, identifies the Riemannian gradient G: ` +
      `the tangent part (G0 - ${x}*G0'*${x})/2 of any G0 with df = tr(G0'*d${x}) (Absil, Mahony & Sepulchre 2008, §3.6)`
    );
  }
  if (props.includes("diagonal")) {
    return `df = ${form} for every diagonal d${x}, with G diagonal, identifies the gradient G: the diagonal part of any G0 with df = tr(G0'*d${x}) (${MN}, ch. 9)`;
  }
  return `df = ${form} for every d${x} identifies the gradient (first identification theorem; ${MN}, ch. 9)`;
}

/** J*vec(dX) as text and LaTeX (J a Kronecker-form matrix; vec(dx) = dx for a vector). */
function vecApplied(cx: Context, j: Node): Side {
  const x = cx.wrt.name!;
  const s = cx.nota.show(j);
  const sum = j.op === "add";
  const vector = cx.dX.shape[1] === 1;
  return {
    text: `${sum ? `(${s.text})` : s.text}*${vector ? `d${x}` : `vec(d${x})`}`,
    latex: `${sum ? `\\left(${s.latex}\\right)` : s.latex} ${vector ? `\\mathrm{d}${latexName(x)}` : `\\operatorname{vec}\\left(\\mathrm{d}${latexName(x)}\\right)`}`,
  };
}

const VEC_DF: Side = { text: "vec(df)", latex: "\\operatorname{vec}\\left(\\mathrm{d}f\\right)" };

/** A Jacobian in Kronecker form: vec(df) = J*vec(dX), then J. */
function kroneckerJacobian(cx: Context, d: Differentiated, left: Node, raw: Node, expr: Node): void {
  const { b, w } = cx;
  const x = cx.wrt.name!;
  const j = d.layout === "denominator" ? b.transpose(raw) : raw;
  w.push(
    "vectorization",
    VEC_DF,
    vecApplied(cx, j),
    { lhs: left, rhs: j, readOff: "vec" },
    `vec(A*U*B) = kron(B', A)*vec(U), vec stacking the columns (${MN}, ch. 2)`,
  );
  const layout = d.layout === "denominator" ? "; in denominator layout the derivative is its transpose J'" : "";
  w.push(
    "identification",
    leibniz(x, 1),
    expr,
    { lhs: left, rhs: j, readOff: "vec" },
    `vec(df) = J*vec(d${x}) for every d${x} identifies the Jacobian J = dvec(f)/dvec(${x}) (first identification theorem; ${MN}, ch. 9)${layout}`,
  );
}

/** An entry of the variable's differential, dX_kl (dx_k for a vector). */
function entry(x: string, idx: readonly string[]): Side {
  const sub = idx.join("");
  const name = latexName(x);
  return {
    text: x.includes("_") ? `(d${x})_${sub}` : `d${x}_${sub}`,
    latex: name.includes("_") ? `\\left(\\mathrm{d}${name}\\right)_{${sub}}` : `\\mathrm{d}${name}_{${sub}}`,
  };
}

/**
 * A derivative in index notation only: the differential entry by entry, its coefficient of dX_kl read off
 * (df_ij = J_ijkl*dX_kl; d^2f = J_ijkl*dX_ij*dX_kl for a Hessian), then J, exactly as the answer writes it.
 * Both steps are checked as vec(df) = J*vec(dX) (vec(dX)'*J*vec(dX)), J the index form evaluated by summation.
 */
function indexNotation(cx: Context, form: IndexForm, written: Node, left: Node, layout: Differentiated["layout"]): void {
  const { w } = cx;
  const x = cx.wrt.name!;
  const props = cx.wrt.props ?? [];
  const hess = form.levels.length === 2;
  const fi = form.f.join("");
  const entries = form.levels.map((l) => entry(x, l.idx));
  const all = `${fi}${form.levels.map((l) => l.idx.join("")).join("")}`;
  const times = entries.map((e) => e.text).join("*");
  const check = { lhs: left, rhs: form, readOff: hess ? ("vec-quadratic" as const) : ("vec" as const) };
  const latex = indexLatex(form);
  const at = latex.indexOf(" = ");
  const rhs: Side = { text: indexRhsText(form), latex: latex.slice(at + 3) };
  if (form.terms.length > 0) {
    const ids = new Set<string>();
    for (const n of topoOrder([written])) {
      // A product of two differentials (in d^2f) is linear in each: the identity is that of one.
      const first = n.args.findIndex((a) => a.hasD);
      const r = n.hasD && n.op !== "dvar" ? STEP_RULES[n.op](n, n.args.map((_, i) => i === first)) : null;
      if (r?.index) ids.add(r.index);
    }
    const last = form.levels[form.levels.length - 1]!.idx;
    const generic = ["p", "q"].slice(0, last.length);
    const deltas = generic.map((g, a) => `delta(${g},${last[a]})`).join("*");
    const [kl, lk] = [entry(x, ["k", "l"]).text, entry(x, ["l", "k"]).text];
    const structure = props.includes("diagonal")
      ? `; d${x} is diagonal: ${kl} is taken as delta(k,l)*${kl}`
      : props.includes("symmetric") || props.includes("spd")
        ? `; d${x} is symmetric: ${kl} is taken as (${kl} + ${lk})/2`
        : "";
    const several = form.terms.length > 1;
    w.push(
      "index notation",
      hess ? nthDifferential(2) : { text: `df${fi ? `_${fi}` : ""}`, latex: `\\mathrm{d}f${fi ? `_{${fi}}` : ""}` },
      {
        text: `${several ? `(${rhs.text})` : rhs.text}*${times}`,
        latex: `${several ? `\\left(${rhs.latex}\\right)` : rhs.latex} ${entries.map((e) => e.latex).join(" ")}`,
      },
      check,
      `${[...ids].join(", ")}${ids.size > 0 ? "; " : ""}${entry(x, generic).text} = ${deltas}*${entries[entries.length - 1]!.text}: ` +
        `every term is a coefficient times ${times}, summing over every index not on the left${structure}`,
    );
  }
  const along = props.includes("diagonal") ? "diagonal " : props.includes("symmetric") || props.includes("spd") ? "symmetric " : "";
  const name = lhsText(form);
  const note = hess
    ? `d^2f = B_${all}*${times} for every ${along}d${x} identifies the Hessian ${name} = (B_${all} + B_${form.levels[1]!.idx.join("")}${form.levels[0]!.idx.join("")})/2 ` +
      `(second identification theorem; ${MN}, ch. 10); here B is the derivative of the gradient, which is symmetric, so the Hessian is B`
    : `df${fi ? `_${fi}` : ""} = J_${all}*${times} for every ${along}d${x} identifies the derivative ${name} = J_${all}, the entries of the Jacobian ` +
      `d${fi.length > 1 ? "vec(f)" : "f"}/d${cx.dX.shape[1] === 1 ? x : `vec(${x})`} (first identification theorem; ${MN}, ch. 9)` +
      (layout === "denominator" ? "; in denominator layout the matrix of these entries is transposed" : "");
  w.push("identification", { text: name, latex: latex.slice(0, at) }, rhs, check, note);
}

/** A vector function of a vector: df = J*dx, then J. */
function matrixJacobian(cx: Context, d: Differentiated, df: Node, left: Node, raw: Node, expr: Node): void {
  const { b, w, dX } = cx;
  const f = d.compiled.f;
  const x = cx.wrt.name!;
  const fRow = f.shape[1] !== 1 && f.shape[0] === 1;
  try {
    const j: Node | null = jacobianOf(b, fRow ? b.transpose(df) : df, dX);
    const written = j ? jacobianForm(b, j, dX) : null;
    const shown = written && fRow ? b.store.intern("transpose", [written], f.shape) : written;
    if (shown && !w.repeats(shown)) w.push("Jacobian form", nthDifferential(1), shown, { lhs: left, rhs: shown }, `every term is written as a matrix times d${x}`);
  } catch {
    // the engine read its Jacobian off its own differential; this form is only a presentation
  }
  const jNum = d.layout === "denominator" ? b.transpose(raw) : raw;
  const rhs = fRow ? b.transpose(b.mul(jNum, dX)) : isScalarShape(jNum.shape) ? b.times(jNum, dX) : b.mul(jNum, dX);
  const layout = d.layout === "denominator" ? "; in denominator layout the derivative is its transpose J'" : "";
  w.push("identification", leibniz(x, 1), expr, { lhs: left, rhs }, identificationNote(cx, "jacobian") + layout);
}

/** A Hessian: the gradient, then d^2f = d(df) with dX fixed, then H (a matrix, in Kronecker form or in index notation for a matrix X). */
function hessian(
  cx: Context,
  df: Node,
  left: Node,
  answer: { raw: Node; expr: Node; kronecker: boolean } | { index: IndexForm } | null,
): void {
  const { b, w, dX } = cx;
  const x = cx.wrt.name!;
  const vector = dX.shape[1] === 1;
  // The gradient as presented is differentiated again, so that the second differential starts from it.
  const g = present(b, gradientSteps(cx, df, nthDifferential(1), left));
  w.push("identification", leibniz(x, 1), g, { lhs: left, rhs: b.inner(g, dX) }, identificationNote(cx, "gradient"));
  const wrap = (e: Node) => b.inner(dX, e);
  const lhs2 = nthDifferential(2);
  const dg = section(cx, g, lhs2, wrap, {
    rule: "second differential",
    note: vector
      ? `d^2f = d(df) with d${x} held fixed: df = d${x}'*g, so d^2f = d${x}'*d(g) (${MN}, ch. 10)`
      : `d^2f = d(df) with d${x} held fixed: df = tr(d${x}'*G), so d^2f = tr(d${x}'*d(G)) (${MN}, ch. 10)`,
  });
  const left2 = wrap(cx.ex.d(g) ?? b.zeros(g.shape));
  if (!answer) return;
  if ("index" in answer) {
    indexNotation(cx, answer.index, wrap(dg), left2, "numerator");
    return;
  }
  const { raw, expr, kronecker } = answer;
  const identify =
    `identifies the Hessian H = (B + B')/2 (second identification theorem; ${MN}, ch. 10); ` +
    "here B is the Jacobian of the gradient, which is symmetric, so H = B";
  if (kronecker) {
    const v = { text: `vec(d${x})`, latex: `\\operatorname{vec}\\left(\\mathrm{d}${latexName(x)}\\right)` };
    const h = cx.nota.show(raw);
    const sum = raw.op === "add";
    w.push(
      "vectorization",
      lhs2,
      {
        text: `${v.text}'*${sum ? `(${h.text})` : h.text}*${v.text}`,
        latex: `${v.latex}^\\top ${sum ? `\\left(${h.latex}\\right)` : h.latex} ${v.latex}`,
      },
      { lhs: left2, rhs: raw, readOff: "vec-quadratic" },
      `tr(A'*B) = vec(A)'*vec(B) and vec(A*U*B) = kron(B', A)*vec(U) (${MN}, ch. 2)`,
    );
    w.push("identification", leibniz(x, 2), expr, { lhs: left2, rhs: raw, readOff: "vec-quadratic" }, `d^2f = vec(d${x})'*B*vec(d${x}) for every d${x} ${identify}`);
    return;
  }
  try {
    const h: Node | null = jacobianOf(b, dg, dX);
    if (h) {
      const { scalars, chain } = leftFactor(b, h);
      const q = rawMul(b, [b.transpose(dX), ...chain, dX]);
      const shown = scalars.length === 0 ? q : b.timesList([...scalars, q]);
      if (!w.repeats(shown)) w.push("Hessian form", lhs2, shown, { lhs: left2, rhs: shown }, `d^2f written as d${x}'*B*d${x}`);
    }
  } catch {
    // presentation only, as for Jacobians
  }
  w.push("identification", leibniz(x, 2), expr, { lhs: left2, rhs: b.mul(b.transpose(dX), raw, dX) }, `d^2f = d${x}'*B*d${x} for every d${x} ${identify}`);
}

/** Derivatives by a scalar, of any order: d^kf = g_k*dx^k, each order the differential of the one before. */
function byScalar(cx: Context, d: Differentiated, df: Node, left: Node, raw: Node, expr: Node): void {
  const { b, w, dX } = cx;
  const f = d.compiled.f;
  const x = cx.wrt.name!;
  const one = new Map([[dX.id, b.num(1)]]);
  let g = f;
  let dk = df;
  let leftK = left;
  for (let k = 1; k <= d.order; k++) {
    const power = k === 1 ? "" : `^${k}`;
    if (k > 1) {
      const dxk1 = b.pow(dX, b.num(k - 1));
      const wrap = (e: Node) => b.times(dxk1, e);
      const prev = g;
      dk = section(cx, prev, nthDifferential(k), wrap, {
        rule: `differential of order ${k}`,
        note: `d^${k}f = d(d^${k - 1}f) with d${x} held fixed`,
      });
      leftK = wrap(cx.ex.d(prev) ?? b.zeros(prev.shape));
    }
    const gk = substitute(b, dk, one);
    const dxk = k === 1 ? dX : b.pow(dX, b.num(k));
    const shown = scalarForm(b, gk, dxk, f.shape);
    // A matrix times a scalar is stored scalar first: the check evaluates dx^k*g_k, the text shows g_k*dx^k.
    const check = isScalarShape(gk.shape) ? shown : b.times(dxk, gk);
    if (!w.repeats(shown)) w.push("derivative form", nthDifferential(k), shown, { lhs: leftK, rhs: check }, `the differential is the derivative times d${x}${power}`);
    const last = k === d.order;
    const value = last && d.layout === "denominator" && !isScalarShape(raw.shape) ? b.transpose(raw) : last ? raw : gk;
    w.push(
      "identification",
      leibniz(x, k),
      last ? expr : present(b, gk),
      { lhs: leftK, rhs: b.times(dxk, value) },
      `d${k > 1 ? `^${k}` : ""}f = g*d${x}${power} identifies the derivative g` +
        (last && d.layout === "denominator" && !isScalarShape(raw.shape) ? "; in denominator layout it is transposed" : ""),
    );
    g = gk;
  }
}

/** The derivation of a derivative matcalc computed. */
export function derivation(d: Differentiated): Derivation {
  const c = d.compiled;
  const b = c.b;
  const wrt = c.vars.get(d.wrt)!.node;
  const names = new Map<number, string>();
  for (const def of c.defs) {
    if (def.node.args.length > 0 && def.node !== c.f && !names.has(def.node.id)) names.set(def.node.id, def.name);
  }
  const nota = new Notation(b, names);
  const dX = b.dvar(wrt.name!, wrt.shape);
  const cx: Context = { b, nota, ex: new Expander(b, wrt, dX, nota), w: new Writer(nota), wrt, dX };
  const x = wrt.name!;
  const df = section(cx, c.f, nthDifferential(1), (e) => e, {
    rule: "differential",
    note: `df is the part of f(${x} + d${x}) - f(${x}) that is linear in d${x}`,
  });
  const left = cx.ex.d(c.f) ?? b.zeros(c.f.shape);
  const done = (): Derivation => ({ steps: cx.w.steps, placeholders: nota.placeholders(), wrt, dX, differential: df });
  // Answers in matrix or Kronecker notation are read off, and so are first derivatives and Hessians in index notation.
  const raw: Node | null = d.result.raw;
  const expr: Node | null = d.result.expr;
  const form: unknown = "form" in d.result ? d.result.form : "matrix";
  const scalarF = isScalarShape(c.f.shape);
  const vectorWrt = wrt.shape[1] === 1 && !isScalarShape(wrt.shape);
  const fVector = (c.f.shape[1] === 1 || c.f.shape[0] === 1) && !scalarF;
  const readable = raw !== null && expr !== null && (form === "matrix" || form === "kronecker");
  if (d.kind === "hessian" && scalarF && !isScalarShape(wrt.shape)) {
    const index = form === "index" ? { index: d.result.index() } : null;
    hessian(cx, df, left, readable && (vectorWrt || form === "kronecker") ? { raw, expr, kronecker: form === "kronecker" } : index);
  } else if (form === "index") {
    if (d.kind === "jacobian" && d.order === 1) indexNotation(cx, d.result.index(), df, left, d.layout);
  } else if (!readable) return done();
  else if (form === "kronecker") {
    if (d.kind === "jacobian" && d.order === 1) kroneckerJacobian(cx, d, left, raw, expr);
  } else if (d.kind === "gradient" && scalarF) {
    gradientSteps(cx, df, nthDifferential(1), left);
    cx.w.push("identification", leibniz(x, 1), expr, { lhs: left, rhs: b.inner(raw, dX) }, identificationNote(cx, "gradient"));
  } else if (d.kind === "jacobian" && fVector && vectorWrt) matrixJacobian(cx, d, df, left, raw, expr);
  else if ((d.kind === "derivative" || d.kind === "higher") && isScalarShape(wrt.shape)) byScalar(cx, d, df, left, raw, expr);
  return done();
}

/** The derivation as plain data: {rule, text, latex, note} per step. */
export function deriveSteps(d: Differentiated): Step[] {
  return derivation(d).steps.map((s) => ({ rule: s.rule, text: s.text, latex: s.latex, ...(s.note ? { note: s.note } : {}) }));
}
