// The library's main entry: differentiate a program with respect to a variable and return the answer
// as text (input language), LaTeX and shapes, with the assumptions and conventions it rests on.

import { type DerivativeKind, type DerivativeResult, type Layout, derive } from "../diff/derive.js";
import { frechetMeanings } from "../ir/matrix-functions.js";
import { type Node, topoOrder } from "../ir/node.js";
import { indexFormMeanings, indexLatex, indexText } from "../print/index-notation.js";
import { toLatex } from "../print/latex.js";
import { toText } from "../print/text.js";
import { type CheckOptions, type CheckReport, check } from "../numeric/check.js";
import { type Env, dimValue, evaluateNodes } from "../numeric/evaluate.js";
import * as M from "../numeric/matrix.js";
import type { Mat } from "../numeric/matrix.js";
import { type NdArray, fromMatricized } from "../numeric/ndarray.js";
import { evaluateIndexForm } from "../numeric/tensor-eval.js";
import type { ExternalVar } from "../shape/infer.js";
import { type Dim, type Shape, describeShape } from "../shape/shape.js";
import type { Warning } from "../shape/warnings.js";
import { type Compiled, compile, wrtVariable } from "./compile.js";

export type { Warning } from "../shape/warnings.js";

export interface DifferentiateOptions {
  readonly wrt: string;
  readonly vars?: Readonly<Record<string, ExternalVar>>;
  readonly order?: number;
  readonly layout?: Layout;
}

export interface Rendered {
  readonly text: string;
  readonly latex: string;
  readonly shape: Shape;
  readonly shapeText: string;
}

export interface Differentiated {
  readonly compiled: Compiled;
  readonly result: DerivativeResult;
  readonly function: Rendered;
  readonly derivative: Rendered;
  /** df written out, for first-order derivatives. */
  readonly differential: Rendered | null;
  readonly kind: DerivativeKind;
  readonly wrt: string;
  readonly order: number;
  readonly layout: Layout;
  readonly assumptions: readonly string[];
  readonly notes: readonly string[];
  /** Legal but probably unintended readings: a kind guessed from a first letter, a scalar broadcast. */
  readonly warnings: readonly Warning[];
  readonly convention: string;
}

export function render(c: Compiled, n: Node): Rendered {
  const reserved = new Set<string>([...c.vars.keys(), ...c.dims, ...c.defs.map((d) => d.name)]);
  // User definitions that are not plain leaves print by their names (as `L = ...;` before the answer).
  const names = new Map<number, string>();
  for (const d of c.defs) if (d.node.args.length > 0 && !names.has(d.node.id)) names.set(d.node.id, d.name);
  return {
    text: toText(n, { reserved, names }),
    latex: toLatex(n, { reserved, names }),
    shape: n.shape,
    shapeText: describeShape(n.shape),
  };
}

export function differentiate(source: string, opts: DifferentiateOptions): Differentiated {
  const compiled = compile(source, opts.vars ? { vars: opts.vars } : {});
  return differentiateCompiled(compiled, opts);
}

export function differentiateCompiled(compiled: Compiled, opts: DifferentiateOptions): Differentiated {
  const v = wrtVariable(compiled, opts.wrt);
  const order = opts.order ?? 1;
  const names = new Set([...compiled.dims, ...compiled.vars.keys()]);
  const result = derive(compiled.b, compiled.f, v.node, { order, layout: opts.layout ?? "numerator", names });
  // df is printed only when asked for (most callers never read it: a third of the printing otherwise)
  let differential: Rendered | null | undefined;
  return {
    compiled,
    result,
    function: render(compiled, compiled.f),
    derivative: result.expr ? render(compiled, result.expr) : renderTensor(result),
    get differential(): Rendered | null {
      if (differential === undefined) differential = result.differential ? render(compiled, result.differential) : null;
      return differential;
    },
    kind: result.kind,
    wrt: opts.wrt,
    order,
    layout: opts.layout ?? "numerator",
    assumptions: compiled.assumptions,
    notes: [
      ...logdetMeanings(compiled, v.node),
      ...(result.expr ? frechetMeanings(result.expr) : indexFormMeanings(result.index())),
      ...result.notes,
    ],
    warnings: compiled.warnings,
    convention: result.convention,
  };
}

/**
 * logdet(A) is log|det(A)| (Matrix Cookbook eq. 57, numpy's slogdet), so its derivative inv(A)' holds wherever A
 * is invertible; said once per logdet of the function that depends on the variable, unless A is declared spd.
 */
function logdetMeanings(c: Compiled, wrt: Node): string[] {
  const out: string[] = [];
  const nodes = topoOrder([c.f]);
  const depends = new Set<number>([wrt.id]);
  for (const n of nodes) if (n.args.some((a) => depends.has(a.id))) depends.add(n.id);
  for (const n of nodes) {
    const a = n.args[0];
    if (n.op !== "logdet" || !a || !depends.has(a.id) || (a.op === "var" && a.props?.includes("spd"))) continue;
    const t = render(c, a).text;
    const note = `logdet(${t}) = log|det(${t})|: defined wherever ${t} is invertible, a negative determinant included`;
    if (!out.includes(note)) out.push(note);
  }
  return out;
}

/** A derivative that is a tensor without matrix notation: its index form, shaped as the matricized tensor. */
function renderTensor(r: DerivativeResult): Rendered {
  const form = r.index();
  return { text: indexText(form), latex: indexLatex(form), shape: r.shape, shapeText: `tensor(${r.axes.join(", ")})` };
}

/** The index (Einstein) form of any derivative, as text (re-parseable) and LaTeX: `emit: ["index"]`. */
export function renderIndex(d: Differentiated): { text: string; latex: string } {
  const form = d.result.index();
  return { text: indexText(form), latex: indexLatex(form) };
}

/** Tensors of derivatives by vectors or matrices beyond the Jacobian are checked as Jacobians of the order below. */
function checkKind(d: Differentiated): Differentiated["kind"] {
  const scalarWrt = d.compiled.vars.get(d.wrt)!.shape.every((x) => x === 1);
  return d.kind === "higher" && !scalarWrt ? "jacobian" : d.kind;
}

/**
 * Whether the derivative is a tensor of more than two axes (matrices by matrices, vectors by matrices, Hessians by
 * matrices, third derivatives by vectors, ...): its value is an N-D array, or the matricized matrix on request.
 */
export function isTensorValued(d: Differentiated): boolean {
  return d.result.axes.length > 2;
}

/**
 * Axes of the derivative's N-D value as dimensions, in the answer's layout (`derivativeArray`): the function's axes,
 * then the variable's, one group per derivative taken (numerator layout), or the variable's groups first, then the
 * function's (denominator layout). Vectors are one axis and scalars none. For derivatives that are matrices (at most
 * two axes) it is the matrix's shape as the answer shows it (a Jacobian transposed in denominator layout).
 */
export function derivativeAxes(d: Differentiated): Dim[] {
  const s = d.result.shape;
  if (!isTensorValued(d)) return s[0] === 1 && s[1] === 1 ? [] : s[1] === 1 ? [s[0]] : [s[0], s[1]];
  const axes = d.result.axes;
  return tensorPermutation(d).map((a) => axes[a]!);
}

/** For tensors: axis t of the N-D value is axis perm[t] of the numerator-layout tensor. */
export function tensorPermutation(d: Differentiated): number[] {
  const k = d.result.axes.length;
  const p = d.compiled.f.shape.filter((x) => x !== 1).length;
  const ids = Array.from({ length: k }, (_, i) => i);
  return d.layout === "denominator" ? [...ids.slice(p), ...ids.slice(0, p)] : ids;
}

/**
 * The derivative's value at env as matcalc matricizes it (the engine's check uses it): the matrix of the answer;
 * tensors as dvec(f)/dvec(X) (rows: the function's axes and every derivative's but the last; columns: the last
 * derivative's; first index fastest, so vec stacks columns), transposed in denominator layout except Hessians.
 * `derivativeArray` gives the N-D array of the JSON contract.
 */
export function derivativeValue(d: Differentiated, env: Env): Mat {
  const r = d.result;
  if (r.raw) return evaluateNodes([r.raw], env)[0]!;
  const m = evaluateIndexForm(r.index(), env);
  return d.layout === "denominator" && checkKind(d) === "jacobian" ? M.transpose(m) : m;
}

export interface ValueOptions {
  /** Tensors as the matricized matrix (`derivativeValue`) instead of an N-D array. */
  readonly matricize?: boolean;
}

/**
 * The derivative's value at env as an N-D array (the JSON contract): gradients have the variable's shape,
 * Jacobians of vectors by vectors are matrices (rows follow f), derivatives by scalars have the function's shape,
 * and tensors have the axes of `derivativeAxes`: J[i,j,k,l] = df_ij/dX_kl, H[i,j,k,l] = d2f/dX_ij dX_kl. With
 * `matricize`, tensors are the matricized matrix instead (2 axes).
 */
export function derivativeArray(d: Differentiated, env: Env, opts: ValueOptions = {}): NdArray {
  const m = derivativeValue(d, env);
  if (!isTensorValued(d) || opts.matricize) {
    const s = d.result.shape;
    const shape = s[0] === 1 && s[1] === 1 ? [] : s[1] === 1 && !isTensorValued(d) ? [m.rows] : [m.rows, m.cols];
    return { shape, data: m.data };
  }
  const numerator = d.layout === "denominator" && d.kind !== "hessian" ? M.transpose(m) : m;
  const sizes = d.result.axes.map((x) => dimValue(x, env));
  return fromMatricized(numerator, sizes, tensorPermutation(d));
}

/** Verify a derivative numerically (see numeric/check.ts); on by default in the CLI. */
export function checkDerivative(d: Differentiated, opts: CheckOptions = {}): CheckReport {
  const c = d.compiled;
  const wrt = c.vars.get(d.wrt)!.node;
  let lower: Node | null = null;
  if (d.order >= 2 && d.kind !== "hessian") {
    lower = derive(c.b, c.f, wrt, { order: d.order - 1, layout: "numerator" }).raw;
  }
  const kind = checkKind(d);
  return check(
    {
      f: c.f,
      wrt,
      vars: c.vars.values(),
      kind,
      derivative: d.result.raw ?? ((env: Env) => derivativeValue(d, env)),
      layout: kind === "jacobian" || kind === "derivative" ? (d.layout ?? "numerator") : "numerator",
      ...(lower ? { lower } : {}),
    },
    opts,
  );
}
