// Checking a derivative someone wrote: the claim is compiled in the program's scope, compared with the true
// derivative at random structured values, and on a mismatch named by the convention it follows, if any.

import { MatcalcError, type Span } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import { rebuildWith, substitute } from "../ir/construct.js";
import { FRECHET_OF, type FrechetOp, MATRIX_FUNCTIONS, frechetParts, isFrechetOp } from "../ir/matrix-functions.js";
import { type Node, topoOrder } from "../ir/node.js";
import { randomValue } from "../numeric/check.js";
import { type Env, type JsonValue, bindDims, evaluateNodes, toJson } from "../numeric/evaluate.js";
import * as M from "../numeric/matrix.js";
import type { Mat } from "../numeric/matrix.js";
import { rng } from "../numeric/random.js";
import { evaluateIndexForm } from "../numeric/tensor-eval.js";
import type { ExternalVar } from "../shape/infer.js";
import { type Shape, describeShape, isScalarShape, sameShape } from "../shape/shape.js";
import { factorSums } from "../simplify/factor.js";
import { parse } from "../syntax/parser.js";
import { type Compiled, compile } from "./compile.js";
import { type Differentiated, render } from "./differentiate.js";

/** An error in the claim's text: its span indexes into the claim, not into the program. */
export class ClaimError extends MatcalcError {
  readonly field = "claim" as const;
}

export interface ClaimOptions {
  /** Seed of the random values (default 1). */
  readonly seed?: number;
  /** How many random points to compare at (default 3). */
  readonly points?: number;
}

export interface ClaimReport {
  /** True when the claim equals the derivative at every random point, within the tolerance. */
  readonly agrees: boolean;
  /**
   * The largest relative difference max|C - D| / max(|C|, |D|) over the points (entrywise maxima); Infinity where the
   * claim is not finite but the derivative is (null in JSON).
   */
  readonly relativeError: number;
  readonly tolerance: number;
  /** The derivative, as matcalc writes it. */
  readonly correct: { readonly text: string; readonly latex: string };
  /** claim - derivative, simplified; null when the claim agrees, or when the derivative has no matrix notation. */
  readonly difference: { readonly text: string; readonly latex: string } | null;
  /** The convention the claim follows, when it is a known transform of the derivative, e.g. its transpose. */
  readonly diagnosis: string | null;
  /** The values at which claim and derivative differ most (on a mismatch). */
  readonly worstAt?: Record<string, JsonValue>;
  /** One line for people. */
  readonly message: string;
}

/** Claim and derivative agree when their values differ by at most this, relative to their size. */
export const CLAIM_TOLERANCE = 1e-8;

/** The claim compiled in the program's scope: its variables, its dimensions and its definitions. */
export interface CompiledClaim {
  readonly compiled: Compiled;
  readonly node: Node;
}

/**
 * Compiles the claim as if it replaced the function of the program: the program's declarations and definitions
 * stay, every variable keeps the shape and properties it has there, and errors point into the claim's text.
 */
export function compileClaim(d: Differentiated, claim: string): CompiledClaim {
  if (typeof claim !== "string" || claim.trim().length === 0) {
    throw new ClaimError("syntax", "the claim is empty: write the derivative you want to check", [0, 0]);
  }
  const c = d.compiled;
  const program = parse(c.source);
  let prefix = c.source;
  const body = [...program.stmts].reverse().find((s) => s.kind !== "decl");
  if (body?.kind === "expr") {
    // The function itself is left out (blanked, so that nothing else moves); definitions stay.
    prefix = prefix.slice(0, body.span[0]) + " ".repeat(body.span[1] - body.span[0]) + prefix.slice(body.span[1]);
  }
  prefix += "\n";
  const offset = prefix.length;
  const shift = (span: Span | null): Span => {
    if (!span) return [0, claim.length];
    const s = Math.max(0, span[0] - offset);
    return [s, Math.max(s, span[1] - offset)];
  };
  // The claim must parse on its own first, so that syntax errors are reported in its own terms.
  let own: string[];
  try {
    own = parse(claim).stmts.flatMap((s) => (s.kind === "def" ? [s.name] : []));
  } catch (e) {
    if (e instanceof MatcalcError) throw new ClaimError(e.code, e.message, e.span ?? [0, claim.length]);
    throw e;
  }
  const vars: Record<string, ExternalVar> = {};
  for (const v of c.vars.values()) vars[v.name] = { shape: [...v.shape], props: [...v.props] };
  let compiled: Compiled | null = null;
  if (own.some((name) => c.defs.some((x) => x.name === name))) {
    // A claim that restates the program's definitions (as matcalc's own answers do: `L = ...; ...`) stands on
    // its own, when it needs nothing else from the program; otherwise the redefinition is reported below.
    try {
      const alone = compile(claim, { vars, builder: c.b });
      if ([...alone.vars.keys()].every((name) => c.vars.has(name))) compiled = alone;
    } catch {
      compiled = null;
    }
  }
  try {
    compiled ??= compile(prefix + claim, { vars, builder: c.b });
  } catch (e) {
    if (e instanceof MatcalcError) throw new ClaimError(e.code, e.message, shift(e.span));
    throw e;
  }
  for (const v of compiled.vars.values()) {
    if (c.vars.has(v.name)) continue;
    const known = [...c.vars.keys()];
    throw new ClaimError(
      "undefined",
      `'${v.name}' is not a variable of the function${known.length > 0 ? ` (its variables: ${known.join(", ")})` : ""}`,
      shift(v.span),
    );
  }
  return { compiled, node: compiled.f };
}

/** max|a - b| relative to the larger of the two. */
function relErr(a: Mat, b: Mat): number {
  const scale = Math.max(M.maxAbs(a), M.maxAbs(b));
  const diff = M.maxAbs(M.sub(a, b));
  if (!Number.isFinite(diff) || !Number.isFinite(scale)) return Number.POSITIVE_INFINITY;
  return scale === 0 ? 0 : diff / scale;
}

interface Point {
  readonly env: Env;
  readonly claim: Mat;
  readonly truth: Mat;
}

/** A claim given as a function of the values (a library caller's own formula), instead of a text. */
export type ClaimFunction = (env: Env) => Mat;

const nodeValue = (n: Node): ClaimFunction => (env) => evaluateNodes([n], env)[0]!;

/** The derivative's value as a matrix (tensors matricized, vec stacking columns), in the answer's layout. */
function truthValue(d: Differentiated, env: Env): Mat {
  if (d.result.raw) return evaluateNodes([d.result.raw], env)[0]!;
  const m = evaluateIndexForm(d.result.index(), env);
  return d.layout === "denominator" && d.kind !== "hessian" ? M.transpose(m) : m;
}

/** Values of claim and derivative at random structured points (redrawn in "positive" mode outside the domain). */
function samplePoints(d: Differentiated, claim: ClaimFunction, nodes: readonly Node[], seed: number, count: number): Point[] {
  const r = rng(seed);
  const vars = [...d.compiled.vars.values()];
  const dimNames = new Set<string>();
  for (const v of vars) for (const x of v.shape) if (typeof x === "string") dimNames.add(x);
  for (const n of topoOrder([d.compiled.f, ...nodes])) {
    for (const x of n.shape) if (typeof x === "string") for (const p of x.split("*")) if (!/^\d+$/.test(p)) dimNames.add(p);
  }
  const points: Point[] = [];
  let lastDomain = "";
  let inClaim = false;
  for (let k = 0; k < count; k++) {
    const sizes = new Map<string, number>();
    for (const name of dimNames) sizes.set(name, 3 + Math.floor(r() * 3));
    for (const mode of ["general", "positive"] as const) {
      const values = new Map<string, Mat>();
      for (const v of vars) {
        const [rows, cols] = v.shape.map((x) => (typeof x === "number" ? x : sizes.get(x)!)) as [number, number];
        values.set(v.name, randomValue(rows, cols, v.props, r, mode));
      }
      // whether the claim, not the derivative, was outside its domain (the last time one was)
      inClaim = false;
      try {
        const dims = bindDims(vars, values);
        for (const [name, n] of sizes) if (!dims.has(name)) dims.set(name, n);
        const env: Env = { values, dims };
        const truth = truthValue(d, env);
        if (!M.allFinite(truth)) throw new MatcalcError("domain", "the derivative is not finite there");
        inClaim = true;
        const value = claim(env);
        if (value.rows !== truth.rows || value.cols !== truth.cols) {
          throw new ClaimError("dimension", `the claim is ${value.rows} x ${value.cols}, but the derivative is ${truth.rows} x ${truth.cols}`);
        }
        points.push({ env, claim: value, truth });
        break;
      } catch (e) {
        if (e instanceof MatcalcError && (e.code === "domain" || e.code === "value")) {
          lastDomain = e.message;
          continue;
        }
        throw e;
      }
    }
  }
  if (points.length === 0 && inClaim) {
    throw new ClaimError("domain", `the claim cannot be evaluated at random values where the derivative can (${lastDomain})`);
  }
  if (points.length === 0) {
    throw new MatcalcError("domain", `no random values inside the domain of the derivative were found (${lastDomain})`);
  }
  return points;
}

/** A convention a claim may follow: a transform of the derivative D (or of the claim C) to compare with. */
interface Candidate {
  readonly applies: (d: Differentiated) => boolean;
  /** The two values that are equal when the claim follows this convention. */
  readonly sides: (p: Point, d: Differentiated) => [Mat, Mat];
  readonly name: (d: Differentiated) => string;
}

const propsOf = (d: Differentiated) => d.compiled.vars.get(d.wrt)!.props;
const symmetricWrt = (d: Differentiated) => propsOf(d).includes("symmetric") || propsOf(d).includes("spd");
const squareAnswer = (d: Differentiated) => d.result.shape[0] === d.result.shape[1] && !isScalarShape(d.result.shape);
const sym = (m: Mat) => M.scale(M.add(m, M.transpose(m)), 0.5);
const diagPart = (m: Mat) => M.diagFromVector(M.diagOfMatrix(m).data);

/** Checked in order; the first that holds at every point names the claim. */
const CANDIDATES: readonly Candidate[] = [
  {
    // The Matrix Cookbook's (eq. 138-141) "derivative by a symmetric matrix": 2*G - diag(diag(G)).
    applies: (d) => d.kind === "gradient" && symmetricWrt(d),
    sides: (p) => [p.claim, M.sub(M.scale(p.truth, 2), diagPart(p.truth))],
    name: (d) =>
      `this is the Matrix Cookbook's 2*G - diag(diag(G)) of the gradient G, which is not a gradient: ` +
      `its inner product with a symmetric direction counts the off-diagonal entries twice; for symmetric ${d.wrt} the gradient is G = ${d.derivative.text}`,
  },
  {
    // Any G0 with df = tr(G0' dX) for every dX: its symmetric part is the gradient along symmetric directions.
    applies: (d) => d.kind === "gradient" && symmetricWrt(d),
    sides: (p) => [sym(p.claim), p.truth],
    name: (d) =>
      `this is the unconstrained gradient G0 (df = tr(G0' d${d.wrt}) for every d${d.wrt}); for symmetric ${d.wrt} ` +
      `the gradient is sym(G0) = (G0 + G0')/2 = ${d.derivative.text}`,
  },
  {
    applies: (d) => d.kind === "gradient" && propsOf(d).includes("diagonal"),
    sides: (p) => [diagPart(p.claim), p.truth],
    name: (d) => `this is the unconstrained gradient G0; for diagonal ${d.wrt} the gradient is its diagonal part diag(diag(G0)) = ${d.derivative.text}`,
  },
  {
    applies: (d) => d.kind === "gradient" && propsOf(d).includes("orthogonal"),
    sides: (p, d) => {
      const q = p.env.values.get(d.wrt)!;
      return [M.scale(M.sub(p.claim, M.matmul(M.matmul(q, M.transpose(p.claim)), q)), 0.5), p.truth];
    },
    name: (d) =>
      `this is the Euclidean gradient G0; for orthogonal ${d.wrt} the gradient is the Riemannian gradient ` +
      `(G0 - ${d.wrt}*G0'*${d.wrt})/2 = ${d.derivative.text}`,
  },
  {
    applies: (d) => squareAnswer(d) && d.kind !== "hessian",
    sides: (p) => [p.claim, M.transpose(p.truth)],
    name: (d) => {
      if (d.kind === "gradient") {
        return `this is the transpose of the gradient: the gradient has the shape of ${d.wrt} with df = tr(G' d${d.wrt}), G = ${d.derivative.text}`;
      }
      const other = d.layout === "numerator" ? "denominator" : "numerator";
      return `this is the ${other}-layout Jacobian, the transpose of the ${d.layout}-layout ${d.derivative.text}`;
    },
  },
  {
    applies: () => true,
    sides: (p) => [p.claim, M.scale(p.truth, -1)],
    name: () => "this is the derivative with the opposite sign",
  },
];

/** A constant factor c with claim = c * derivative at every point (2, 1/2, ...), or null. */
function constantFactor(points: readonly Point[]): number | null {
  let c: number | null = null;
  for (const p of points) {
    const tt = M.sum(M.hadamard(p.truth, p.truth));
    if (tt === 0) continue;
    const k = M.sum(M.hadamard(p.claim, p.truth)) / tt;
    if (relErr(p.claim, M.scale(p.truth, k)) > CLAIM_TOLERANCE) return null;
    if (c !== null && Math.abs(k - c) > CLAIM_TOLERANCE * Math.max(1, Math.abs(c))) return null;
    c = k;
  }
  return c;
}

/**
 * The shortcut that treats matrices as commuting: the derivative with each Fréchet derivative L_f(X, E) written as
 * f'(X)*E (or E*f'(X)), which holds only when E commutes with X (Higham, Functions of Matrices, Thm 3.8).
 */
function commutingShortcut(d: Differentiated, points: readonly Point[]): string | null {
  const raw = d.result.raw;
  if (!raw || d.order !== 1) return null;
  const frechets = topoOrder([raw]).filter((n) => isFrechetOp(n.op));
  if (frechets.length === 0) return null;
  const b = d.compiled.b;
  for (const side of ["left", "right"] as const) {
    const map = new Map<number, Node>();
    for (const n of frechets) {
      const { x, p, e } = frechetParts(n);
      const fx = MATRIX_FUNCTIONS[FRECHET_OF[n.op as FrechetOp]].derivative(b, x, p);
      map.set(n.id, side === "left" ? b.mul(fx, e) : b.mul(e, fx));
    }
    const shortcut = substitute(b, raw, map);
    const holds = points.every((pt) => relErr(pt.claim, evaluateNodes([shortcut], pt.env)[0]!) <= CLAIM_TOLERANCE);
    if (!holds) continue;
    const first = frechets[0]!;
    const { x, e } = frechetParts(first);
    const show = (n: Node) => render(d.compiled, n).text;
    return (
      `this takes ${show(x)} and ${show(e)} to commute: it writes ${show(first)} as ${show(map.get(first.id)!)}, ` +
      `which holds only when ${show(e)} commutes with ${show(x)}`
    );
  }
  return null;
}

function diagnose(d: Differentiated, points: readonly Point[]): string | null {
  for (const cand of CANDIDATES) {
    if (!cand.applies(d)) continue;
    if (points.every((p) => relErr(...cand.sides(p, d)) <= CLAIM_TOLERANCE)) return cand.name(d);
  }
  const commuting = commutingShortcut(d, points);
  if (commuting) return commuting;
  const c = constantFactor(points);
  if (c !== null && c !== 0 && c !== 1) {
    const round = Number(c.toPrecision(6));
    const shown = Number.isInteger(round) ? String(round) : Number.isInteger(1 / round) ? `1/${1 / round}` : String(round);
    return `this is ${shown} times the derivative`;
  }
  return null;
}

/** Ops through which sums are multiplied out in a difference: the linear and multilinear ones. */
const DISTRIBUTES: ReadonlySet<string> = new Set(["times", "mul", "hadamard", "kron", "transpose", "tr", "sum", "diagm", "diagv"]);
/** Differences larger than this (nodes, or terms once multiplied out) are shown as they are. */
const EXPAND_LIMIT = 400;

/**
 * claim - derivative with its sums multiplied out through linear and multilinear ops, so that like terms meet
 * and cancel in the smart constructors ((2*A - (A + A'))*x becomes (A - A')*x once factored again); the
 * arguments of nonlinear ops and the user's definitions are kept whole, so that they still print by name.
 */
function expandDifference(b: Builder, root: Node, defs: ReadonlySet<number>): Node {
  if (topoOrder([root]).length > EXPAND_LIMIT) return root;
  let budget = EXPAND_LIMIT;
  const memo = new Map<number, Node>();
  const distribute = (m: Node): Node => {
    if (!DISTRIBUTES.has(m.op)) return m;
    const i = m.args.findIndex((a) => a.op === "add" && !defs.has(a.id));
    if (i < 0) return m;
    const terms = m.args[i]!.args.map((t) => {
      if (--budget < 0) throw new RangeError("expansion limit");
      const args = [...m.args];
      args[i] = t;
      return distribute(rebuildWith(b, m, args));
    });
    return b.addList(terms);
  };
  const expand = (n: Node): Node => {
    const seen = memo.get(n.id);
    if (seen) return seen;
    let out = n;
    if (!defs.has(n.id) && (n.op === "add" || DISTRIBUTES.has(n.op))) {
      const args = n.args.map(expand);
      const m = args.every((a, k) => a === n.args[k]) ? n : rebuildWith(b, n, args);
      out = distribute(m);
    }
    memo.set(n.id, out);
    return out;
  };
  try {
    return expand(root);
  } catch (e) {
    if (e instanceof RangeError) return root;
    throw e;
  }
}

/**
 * The error when the claim's shape is not the derivative's. A claim whose transpose is the derivative (a row for
 * a gradient by a vector, a Jacobian in the other layout) is named as such, after checking its values.
 */
function shapeError(d: Differentiated, claim: CompiledClaim, text: string, seed: number, count: number): never {
  const want = d.result.shape;
  const got = claim.node.shape;
  const span: Span = [text.length - text.trimStart().length, text.trimEnd().length];
  let why = "";
  if (sameShape(got, [want[1], want[0]])) {
    const transposed = d.compiled.b.transpose(claim.node);
    const points = samplePoints(d, nodeValue(transposed), [transposed], seed, count);
    const agrees = points.every((p) => relErr(p.claim, p.truth) <= CLAIM_TOLERANCE);
    const other = d.layout === "numerator" ? "denominator" : "numerator";
    if (agrees && d.kind === "gradient") {
      const row = d.compiled.vars.get(d.wrt)!.shape[1] === 1 ? " (the derivative as a row)" : "";
      why = `: it is the transpose of the gradient${row}; the gradient has the shape of ${d.wrt}, with df = tr(G' d${d.wrt}): ${d.derivative.text}`;
    } else if (agrees) {
      why = `: it is the ${other}-layout derivative, the transpose of the ${d.layout}-layout ${d.derivative.text} (check it with layout ${other})`;
    } else {
      why = `, and its transpose is not the derivative either`;
    }
  }
  throw new ClaimError(
    "dimension",
    `the claim is a ${describeShape(got)}, but the derivative by ${d.wrt} is a ${describeShape(want)}${why}`,
    span,
  );
}

/** Checks a derivative someone wrote (in the input language) against the derivative of the program. */
/**
 * Checks a derivative someone wrote, in the input language (in the program's scope: its variables and definitions)
 * or as a function of the values, against the derivative of the program, at random structured values.
 */
export function checkClaim(d: Differentiated, claim: string | ClaimFunction, opts: ClaimOptions = {}): ClaimReport {
  const seed = opts.seed ?? 1;
  const count = opts.points ?? 3;
  let compiled: CompiledClaim | null = null;
  if (typeof claim !== "function") {
    compiled = compileClaim(d, claim);
    if (!sameShape(compiled.node.shape, d.result.shape as Shape)) shapeError(d, compiled, claim, seed, count);
  }
  const value = compiled ? nodeValue(compiled.node) : (claim as ClaimFunction);
  const points = samplePoints(d, value, compiled ? [compiled.node] : [], seed, count);
  let worst = points[0]!;
  let err = -1;
  for (const p of points) {
    const e = relErr(p.claim, p.truth);
    if (e > err) {
      err = e;
      worst = p;
    }
  }
  const correct = { text: d.derivative.text, latex: d.derivative.latex };
  const where = `${points.length} random point${points.length === 1 ? "" : "s"}, seed ${seed}`;
  if (err <= CLAIM_TOLERANCE) {
    return {
      agrees: true,
      relativeError: err,
      tolerance: CLAIM_TOLERANCE,
      correct,
      difference: null,
      diagnosis: null,
      message: `AGREES: the claim is the derivative (worst relative error ${err.toExponential(1)} over ${where}; tolerance ${CLAIM_TOLERANCE})`,
    };
  }
  let difference: ClaimReport["difference"] = null;
  if (d.result.raw && compiled) {
    const b = d.compiled.b;
    const defs = new Set(compiled.compiled.defs.map((x) => x.node.id));
    const diff = factorSums(b, expandDifference(b, b.sub(compiled.node, d.result.raw), defs));
    const shown = render(compiled.compiled, diff);
    difference = { text: shown.text, latex: shown.latex };
  }
  const diagnosis = diagnose(d, points);
  const worstAt: Record<string, JsonValue> = {};
  for (const v of d.compiled.vars.values()) worstAt[v.name] = toJson(worst.env.values.get(v.name)!, v.shape);
  return {
    agrees: false,
    relativeError: err,
    tolerance: CLAIM_TOLERANCE,
    correct,
    difference,
    diagnosis,
    worstAt,
    message:
      `WRONG: the claim is not the derivative (relative error ${err.toExponential(1)} at the worst of ${where}; tolerance ${CLAIM_TOLERANCE})` +
      (diagnosis ? `; ${diagnosis}` : ""),
  };
}
