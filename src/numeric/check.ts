// Built-in verification: evaluate the symbolic derivative at random structured values and compare it with
// Richardson-extrapolated central differences of the function along random structured directions.

import { MatcalcError, assertNever } from "../diagnostics/errors.js";
import { type Node, topoOrder } from "../ir/node.js";
import type { DerivativeKind } from "../diff/derive.js";
import { isScalarShape, type Prop, type Shape } from "../shape/shape.js";
import { type Env, bindDims, dimValue, evaluateNodes } from "./evaluate.js";
import * as M from "./matrix.js";
import type { Mat } from "./matrix.js";
import { randn, rng } from "./random.js";

export { rng };

export interface CheckInput {
  readonly f: Node;
  readonly wrt: Node;
  readonly vars: Iterable<{ name: string; node: Node; shape: Shape; props: readonly Prop[] }>;
  readonly kind: DerivativeKind;
  /**
   * The derivative as computed (numerator layout unless layout says otherwise); tensors are matricized
   * (dvec(f)/dvec(X), vec stacking columns). A function for a tensor that exists only in index form.
   */
  readonly derivative: Node | ((env: Env) => Mat);
  readonly layout?: "numerator" | "denominator";
  /** For order >= 2 with respect to a scalar: the derivative of one order less. */
  readonly lower?: Node;
}

export interface CheckOptions {
  readonly seed?: number;
  readonly directions?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Check at these values (one for every variable) instead of random ones; the directions stay random. */
  readonly values?: ReadonlyMap<string, Mat>;
}

export interface CheckReport {
  readonly status: "PASS" | "FAIL" | "SKIPPED";
  readonly worstRelError: number;
  readonly tolerance: number;
  readonly seed: number;
  readonly sizes: Record<string, number>;
  readonly directions: number;
  /** One line for people: what was checked and how it went, with how to reproduce a failure. */
  readonly message: string;
  /** Why the check could not run (SKIPPED only), e.g. "random values leave the domain of log: ...". */
  readonly reason?: string;
}

function fill(rows: number, cols: number, g: () => number): Mat {
  const m = M.zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = g();
  return m;
}

function orthogonal(n: number, r: () => number): Mat {
  const a = fill(n, n, () => randn(r));
  // modified Gram-Schmidt on columns
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += a.data[i * n + j]! * a.data[i * n + k]!;
      for (let i = 0; i < n; i++) a.data[i * n + j]! -= d * a.data[i * n + k]!;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += a.data[i * n + j]! ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) a.data[i * n + j]! /= s;
  }
  return a;
}

/** A random value for a variable; mode "positive" keeps every entry in [0.5, 1.5] where structure allows. */
export function randomValue(rows: number, cols: number, props: readonly Prop[], r: () => number, mode: "general" | "positive"): Mat {
  const pos = () => 0.5 + r();
  if (rows === 1 && cols === 1) return M.scalar(pos());
  if (props.includes("orthogonal")) return orthogonal(rows, r);
  if (props.includes("diagonal")) return M.diagFromVector(Array.from({ length: rows }, pos));
  if (props.includes("spd") || (props.includes("symmetric") && mode === "positive")) {
    const b = fill(rows, rows, () => randn(r));
    return M.addIdentity(M.scale(M.matmulNT(b, b), 1 / rows), 1);
  }
  if (props.includes("symmetric")) {
    const b = fill(rows, rows, () => randn(r));
    return M.addIdentity(M.scale(M.add(b, M.transpose(b)), 0.25), 0);
  }
  if (rows === cols) {
    // Diagonally dominant with a positive diagonal: invertible, positive determinant, spectrum in the right half-plane.
    const b = fill(rows, rows, () => (mode === "positive" ? 0.5 * r() : 0.3 * randn(r)));
    return M.addIdentity(b, mode === "positive" ? rows : 2);
  }
  // Entries of random sign but bounded away from 0, so that quotients and logs stay well conditioned.
  return fill(rows, cols, () => (mode === "positive" || r() < 0.5 ? pos() : -pos()));
}

/**
 * A random direction with the structure of the variable, of unit norm: symmetric for symmetric, diagonal for
 * diagonal, and for an orthogonal variable a tangent X*K (K antisymmetric) at its value `at`.
 */
export function randomDirection(rows: number, cols: number, props: readonly Prop[], r: () => number, at: Mat): Mat {
  let v = fill(rows, cols, () => randn(r));
  if (props.includes("diagonal")) v = M.diagFromVector(M.diagOfMatrix(v).data);
  else if (props.includes("symmetric") || props.includes("spd")) v = M.scale(M.add(v, M.transpose(v)), 0.5);
  else if (props.includes("orthogonal")) v = M.matmul(at, M.scale(M.sub(v, M.transpose(v)), 0.5));
  const s = M.frobenius(v);
  return s > 0 ? M.scale(v, 1 / s) : v;
}

/** Relative error of a against b; differences below tolerance * floor count as agreement. */
const relErr = (a: Mat, b: Mat, floor = 1e-6): number => {
  const d = M.maxAbs(M.sub(a, b));
  return d / Math.max(M.maxAbs(a), M.maxAbs(b), floor);
};

/** Scales tried, after plain random values, to find values inside the domain (a log-barrier wants small x). */
const SCALES = [1, 0.1, 0.01] as const;

/** f or its derivative is not finite at the point (overflow): finite differences have nothing to compare there. */
class NotFinite extends Error {
  constructor(
    readonly which: string,
    readonly how: "overflow" | "underflow" = "overflow",
  ) {
    super(`${which} is not finite`);
  }
}

function assertFinite(m: Mat, which: string): void {
  for (let k = 0; k < m.data.length; k++) if (!Number.isFinite(m.data[k]!)) throw new NotFinite(which);
}

/** One check in progress: what is checked, its random stream and the sizes drawn (or given). */
interface Trial {
  readonly input: CheckInput;
  readonly vars: readonly { name: string; node: Node; shape: Shape; props: readonly Prop[] }[];
  readonly r: () => number;
  readonly seed: number;
  readonly ndir: number;
  readonly tolerance: number;
  readonly sizes: Record<string, number>;
}

export function check(input: CheckInput, opts: CheckOptions = {}): CheckReport {
  const seed = opts.seed ?? 1;
  const t: Trial = {
    input,
    vars: [...input.vars],
    r: rng(seed),
    seed,
    ndir: opts.directions ?? 3,
    tolerance: input.kind === "hessian" || input.lower ? 1e-4 : 1e-6,
    sizes: {},
  };
  if (opts.values) return checkAtValues(t, new Map(opts.values));
  // A product dimension "m*n" (kron) is the product of its factors, each a dimension of its own.
  const { sizes, r } = t;
  const [lo, hi] = [opts.minSize ?? 3, opts.maxSize ?? 5];
  const size = (d: string) => {
    for (const p of factors(d)) if (sizes[p] === undefined) sizes[p] = lo + Math.floor(r() * (hi - lo + 1));
  };
  for (const v of t.vars) for (const d of v.shape) if (typeof d === "string") size(d);
  // Dimensions that no variable has, only eye(n), ones(n, m), ... (as in sum(ones(n, 1)) + a), get a size too.
  const nodes = [input.f, ...(input.lower ? [input.lower] : []), ...(typeof input.derivative === "function" ? [] : [input.derivative])];
  for (const n of topoOrder(nodes)) for (const d of n.shape) if (typeof d === "string") size(d);
  return checkAtRandom(t);
}

/** The check at the values given (every variable), along random directions. */
function checkAtValues(t: Trial, values: Map<string, Mat>): CheckReport {
  try {
    for (const [d, k] of bindDims(t.vars, values)) if (!d.includes("*")) t.sizes[d] = k;
    return attempt(t, values, " at the values given");
  } catch (e) {
    if (e instanceof NotFinite) return skipped(t, `at the values given ${e.which} is not finite (it overflows)`);
    if (!(e instanceof MatcalcError)) throw e;
    if (e.code === "domain") return skipped(t, `the values given (or steps from them) leave the domain of ${e.message}`);
    return skipped(t, e.code === "value" ? `the values given do not fit: ${e.message}` : `cannot evaluate f or its derivative: ${e.message}`);
  }
}

/**
 * The check at random values: plain ones first, then scaled ones; then all sizes equal, for products such as A*X*B
 * that are square but singular whenever an inner size is smaller than the outer one (logdet(A*X*B)).
 */
function checkAtRandom(t: Trial): CheckReport {
  const { sizes, r } = t;
  const dimsOf = (sh: Shape) =>
    sh.map((d) => (typeof d === "number" ? d : factors(d).reduce((p, x) => p * sizes[x]!, 1) * numericFactor(d))) as [number, number];
  // why the first attempt failed, and why the latest one did
  let first = "";
  let last = "";
  const names = Object.keys(sizes);
  const rounds = names.length > 1 ? [false, true] : [false];
  for (const equal of rounds) {
    if (equal) {
      const k = Math.max(...names.map((d) => sizes[d]!));
      if (names.every((d) => sizes[d] === k)) break;
      for (const d of names) sizes[d] = k;
    }
    for (const scale of SCALES) {
      for (const mode of ["general", "positive"] as const) {
        const values = new Map<string, Mat>();
        for (const v of t.vars) {
          const [rr, cc] = dimsOf(v.shape);
          const x = randomValue(rr, cc, v.props, r, mode);
          values.set(v.name, scale === 1 || v.props.includes("orthogonal") ? x : M.scale(x, scale));
        }
        try {
          const at = `${scale === 1 ? "" : ` at random values scaled by ${scale}`}${equal ? " with equal sizes" : ""}`;
          // values scaled down after a failure must not underflow to a vacuous 0 = 0
          return attempt(t, values, at, first !== "");
        } catch (e) {
          if (e instanceof NotFinite) {
            last =
              e.how === "overflow"
                ? `at random values ${e.which} is not finite (it overflows)`
                : `${first}; at values scaled down ${e.which} and its derivative are 0 (they underflow)`;
          } else if (e instanceof MatcalcError && (e.code === "domain" || e.code === "value")) {
            last = `random values leave the domain of ${e.message}`;
          } else if (e instanceof MatcalcError) {
            return skipped(t, `cannot evaluate f or its derivative at random values: ${e.message}`);
          } else throw e;
          if (first === "") first = last;
        }
      }
    }
  }
  return skipped(t, last);
}

/** PASS or FAIL at these values; throws the evaluation's error where they leave the domain. */
function attempt(t: Trial, values: Map<string, Mat>, at: string, retry = false): CheckReport {
  const { seed, sizes, ndir, tolerance } = t;
  const dims = bindDims(t.vars, values);
  for (const [d, k] of Object.entries(sizes)) if (!dims.has(d)) dims.set(d, k);
  const env: Env = { values, dims };
  const dimsOf = (sh: Shape) => sh.map((d) => dimValue(d, env)) as [number, number];
  const worst = runCheck(t.input, env, t.r, ndir, dimsOf, tolerance, retry);
  const status = worst.err <= tolerance ? "PASS" : "FAIL";
  const sz = Object.entries(sizes)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const what = `${ndir} random direction${ndir === 1 ? "" : "s"}${at}, seed ${seed}${sz ? `, sizes ${sz}` : ""}`;
  const message =
    status === "PASS"
      ? `PASS: agrees with finite differences (worst relative error ${worst.err.toExponential(1)} over ${what})`
      : `FAIL: differs from finite differences by ${worst.err.toExponential(1)} (tolerance ${tolerance}) ${worst.what}` +
        ` over ${what}. This is a bug in matcalc; please report it with the expression and this seed.`;
  return { seed, sizes, directions: ndir, tolerance, status, worstRelError: worst.err, message };
}

function skipped(t: Trial, reason: string): CheckReport {
  const { seed, sizes, ndir, tolerance } = t;
  return { seed, sizes, directions: ndir, tolerance, status: "SKIPPED", worstRelError: Number.NaN, message: `SKIPPED: ${reason}`, reason };
}

/** The named factors of a dimension: "m*q" has m and q, "2*n" has n. */
const factors = (d: string): string[] => d.split("*").filter((p) => !/^\d+$/.test(p));

/** The product of the integer factors of a product dimension ("2*n" has 2). */
function numericFactor(d: string): number {
  return d.split("*").reduce((p, x) => (/^\d+$/.test(x) ? p * Number(x) : p), 1);
}

/** vec(m): the columns of m stacked into one column (for Jacobians and Hessians by matrices). */
const vec = (m: Mat): Mat => ({ rows: m.rows * m.cols, cols: 1, data: M.transpose(m).data });

function runCheck(
  input: CheckInput,
  env: Env,
  r: () => number,
  ndir: number,
  dimsOf: (s: Shape) => [number, number],
  tolerance: number,
  retry = false,
): { err: number; what: string } {
  const { f, wrt, derivative } = input;
  const [wr, wc] = dimsOf(wrt.shape);
  const x0 = env.values.get(wrt.name!)!;
  const props = wrt.props ?? [];
  const target = input.lower ?? f;
  const evalAt = (node: Node, x: Mat): Mat => {
    const values = new Map(env.values);
    values.set(wrt.name!, x);
    return evaluateNodes([node], { values, dims: env.dims })[0]!;
  };
  // Rounding noise of the function along a direction (Moré & Wild, "Estimating computational noise",
  // SIAM J. Sci. Comput. 33, 2011): sixth differences at a spacing so small that the smooth part of the
  // function adds nothing to them, scaled by sqrt(C(12, 6)); RMS over three, the largest over the entries.
  const noiseAlong = (w: Mat): number => {
    const delta = 1e-6 * Math.max(1, M.maxAbs(x0));
    const vals = Array.from({ length: 9 }, (_, i) => evalAt(target, M.add(x0, M.scale(w, (i - 4) * delta))).data);
    const binom = [1, -6, 15, -20, 15, -6, 1];
    let sigma = 0;
    for (let e = 0; e < vals[0]!.length; e++) {
      let ss = 0;
      for (let j = 0; j < 3; j++) {
        let d6 = 0;
        for (let i = 0; i < 7; i++) d6 += binom[i]! * vals[j + i]![e]!;
        ss += d6 * d6;
      }
      sigma = Math.max(sigma, Math.sqrt(ss / 3 / 924));
    }
    return sigma;
  };
  // The error of the Richardson-extrapolated differences over a few steps, stopping at the first within
  // tolerance: a function that varies fast needs a smaller step than the default. If none is within
  // tolerance, differences within ten times the estimated rounding noise of the differences (an estimate
  // from few samples) count as agreement: the exact zero Hessian of a linear function is no FAIL.
  const bestOver = (steps: readonly number[], diff: (s: number) => [Mat, Mat], noiseAt: (s: number) => number): number => {
    const seen: [number, Mat, Mat][] = [];
    let err = Number.POSITIVE_INFINITY;
    let outside: unknown = null;
    for (const s of steps) {
      // near the edge of the domain, a step that leaves it is skipped and the smaller ones count
      let pair: [Mat, Mat];
      try {
        pair = diff(s);
      } catch (e) {
        if (!(e instanceof MatcalcError && e.code === "domain")) throw e;
        outside = e;
        continue;
      }
      const [a, b] = pair;
      seen.push([s, a, b]);
      err = Math.min(err, relErr(a, b));
      if (err <= tolerance) return err;
    }
    if (seen.length === 0) throw outside;
    for (const [s, a, b] of seen) err = Math.min(err, relErr(a, b, Math.max(1e-6, (10 * noiseAt(s)) / tolerance)));
    return err;
  };
  // the function first, so that values outside its domain are reported as such (not as its derivative's)
  const what = input.lower ? "the derivative of the order below" : "f";
  const fval = evalAt(target, x0);
  assertFinite(fval, what);
  const dval = typeof derivative === "function" ? derivative(env) : evaluateNodes([derivative], env)[0]!;
  assertFinite(dval, "the derivative");
  // a retry after random values failed: f and its derivative both 0 there say nothing (x.^4000 at small x)
  if (retry && M.maxAbs(fval) === 0 && M.maxAbs(dval) === 0) throw new NotFinite(what, "underflow");
  const h = 1e-3 * Math.max(1, M.maxAbs(x0));
  let worst = { err: 0, what: "" };
  const note = (err: number, what: string) => {
    if (err > worst.err || Number.isNaN(err)) worst = { err: Number.isNaN(err) ? Number.POSITIVE_INFINITY : err, what };
  };
  for (let k = 0; k < ndir; k++) {
    const u = isScalarShape(wrt.shape) ? M.scalar(1) : randomDirection(wr, wc, props, r, x0);
    if (input.kind === "hessian") {
      const v = randomDirection(wr, wc, props, r, x0);
      const g = (a: number, c: number) => evalAt(target, M.add(M.add(x0, M.scale(u, a)), M.scale(v, c))).data[0]!;
      const mixed = (s: number) => (g(s, s) - g(s, -s) - g(-s, s) + g(-s, -s)) / (4 * s * s);
      const sym = M.matmulTN(vec(u), M.matmul(dval, vec(v))).data[0]!;
      // Mixed differences first at a step 8h: their rounding noise grows as 1/step^2 (about 3 sigma/s^2).
      let sigma: number | null = null;
      const err = bestOver(
        [8 * h, h, h / 8],
        (s) => [M.scalar(sym), M.scalar((4 * mixed(s / 2) - mixed(s)) / 3)],
        (s) => (3 * (sigma ??= noiseAlong(u))) / (s * s),
      );
      note(err, "in u'*H*v");
      const asym = M.maxAbs(M.sub(dval, M.transpose(dval))) / Math.max(M.maxAbs(dval), 1e-6);
      note(asym, "(the Hessian is not symmetric)");
      continue;
    }
    const step = (t: number) => evalAt(target, M.add(x0, M.scale(u, t)));
    const central = (s: number) => M.scale(M.sub(step(s), step(-s)), 1 / (2 * s));
    const fdAt = (s: number) => M.sub(M.scale(central(s / 2), 4 / 3), M.scale(central(s), 1 / 3));
    let sym: Mat;
    switch (input.kind) {
      case "gradient":
        sym = M.scalar(M.sum(M.hadamard(dval, u)));
        break;
      case "jacobian": {
        const j = input.layout === "denominator" ? M.transpose(dval) : dval;
        sym = M.matmul(j, vec(u));
        break;
      }
      case "derivative":
      case "higher": {
        // derivative with respect to a scalar: same shape as f (transposed in denominator layout)
        sym = input.layout === "denominator" && !(dval.rows === 1 && dval.cols === 1) ? M.transpose(dval) : dval;
        break;
      }
      default:
        return assertNever(input.kind, "derivative kind");
    }
    // Rounding noise of the first differences: about 3 sigma/s.
    let sigma: number | null = null;
    const err = bestOver(
      [h, h / 8, h / 64],
      (s) => {
        const fd = fdAt(s);
        return [sym, input.kind === "jacobian" ? vec(fd) : fd.rows === sym.rows ? fd : { rows: sym.rows, cols: sym.cols, data: fd.data }];
      },
      (s) => (3 * (sigma ??= noiseAlong(u))) / s,
    );
    note(err, input.kind === "gradient" ? "in <G, V>" : "in the directional derivative");
    if (input.kind === "gradient" && (props.includes("symmetric") || props.includes("spd"))) {
      note(M.maxAbs(M.sub(dval, M.transpose(dval))) / Math.max(M.maxAbs(dval), 1e-6), "(the gradient is not symmetric)");
    }
  }
  return worst;
}
