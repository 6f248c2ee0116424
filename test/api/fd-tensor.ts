// The finite-difference oracle of tensor-valued derivatives, independent of matcalc's derivative code: the function
// alone is evaluated. Unstructured variables get the whole tensor entry by entry (mixed central differences along
// unit directions, one per variable entry and derivative taken), laid out as the JSON contract says (the function's
// axes, then the variable's; denominator: the variable's first); structured ones (symmetric, diagonal, ...) are
// compared along random structured directions, where the derivative is defined.

import type { Differentiated } from "../../src/api/differentiate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { randomDirection, randomValue, rng } from "../../src/numeric/check.js";
import { type Env, bindDims, evaluateNodes } from "../../src/numeric/evaluate.js";
import * as M from "../../src/numeric/matrix.js";
import type { Mat } from "../../src/numeric/matrix.js";
import type { NdArray } from "../../src/numeric/ndarray.js";

/** Random values of every variable (sizes 3, 4, ... per dimension) at which the function evaluates; null if none found. */
export function randomEnv(d: Differentiated, seed: number): Env | null {
  const c = d.compiled;
  const r = rng(seed);
  const vars = [...c.vars.values()];
  const names: string[] = [];
  for (const v of vars) for (const dim of v.shape) if (typeof dim === "string" && !names.includes(dim)) names.push(dim);
  for (const mode of ["general", "positive"] as const) {
    const sizes = new Map(names.map((dim, k) => [dim, 3 + ((k + 1) % 2)]));
    const values = new Map<string, Mat>();
    for (const v of vars) {
      const [rows, cols] = v.shape.map((x) => (typeof x === "number" ? x : sizes.get(x)!)) as [number, number];
      values.set(v.name, randomValue(rows, cols, v.props, r, mode));
    }
    const env = { values, dims: bindDims(vars, values) };
    try {
      evaluateNodes([c.f], env);
      return env;
    } catch (e) {
      if (!(e instanceof MatcalcError)) throw e;
    }
  }
  return null;
}

/** The non-unit axes of a value: none for a scalar, one for a vector, two for a matrix. */
const axesOf = (m: Mat): number[] => [m.rows, m.cols].filter((n) => n !== 1);

/** f at env with the variable moved to X + sum_i s_i E_i. */
function fAt(d: Differentiated, env: Env, x: Mat, dirs: readonly Mat[], signs: readonly number[], h: number): Mat {
  let y = x;
  dirs.forEach((e, i) => (y = M.add(y, M.scale(e, signs[i]! * h))));
  const values = new Map(env.values);
  values.set(d.wrt, y);
  return evaluateNodes([d.compiled.f], { ...env, values })[0]!;
}

/** d^p f / dt_1 ... dt_p at 0 of f(X + t_1 E_1 + ... + t_p E_p), by mixed central differences with step h. */
export function mixedDifference(d: Differentiated, env: Env, dirs: readonly Mat[], h: number): Mat {
  const x = env.values.get(d.wrt)!;
  const p = dirs.length;
  let acc: Mat | null = null;
  for (let mask = 0; mask < 1 << p; mask++) {
    const signs = dirs.map((_, i): number => ((mask >> i) & 1 ? -1 : 1));
    const w = signs.reduce((s, x) => s * x, 1) / (2 * h) ** p;
    const term = M.scale(fAt(d, env, x, dirs, signs, h), w);
    acc = acc ? M.add(acc, term) : term;
  }
  return acc!;
}

/** Steps for each order: central differences of order p lose about eps / h^p to rounding. */
export const STEP = [0, 1e-5, 1e-4, 1e-3] as const;
/** Below this size differences are absolute: third differences carry rounding noise of about 1e-6 at h = 1e-3. */
const FLOOR = [0, 1e-6, 1e-6, 1] as const;

/**
 * The tensor of the derivative of order d.order by finite differences, in the contract's layout: axes of f (rows,
 * cols, those of size 1 dropped), then the variable's per derivative taken; in denominator layout the variable's
 * groups first, then f's. Stored row-major.
 */
export function fdTensor(d: Differentiated, env: Env): NdArray {
  const x = env.values.get(d.wrt)!;
  const p = d.order;
  const n = x.rows * x.cols;
  const f0 = evaluateNodes([d.compiled.f], env)[0]!;
  const fAxes = axesOf(f0);
  const vAxes = axesOf(x);
  const fSize = f0.rows * f0.cols;
  // numerator order: f's entries (row-major) slowest, then each derivative's variable entry (row-major)
  const total = fSize * n ** p;
  const num = new Float64Array(total);
  const unit = (k: number) => {
    const e = M.zeros(x.rows, x.cols);
    e.data[k] = 1;
    return e;
  };
  for (let t = 0; t < n ** p; t++) {
    const ks: number[] = [];
    for (let i = 0, r = t; i < p; i++, r = Math.floor(r / n)) ks.unshift(r % n);
    const v = mixedDifference(d, env, ks.map(unit), STEP[p]!);
    for (let a = 0; a < fSize; a++) num[a * n ** p + t] = v.data[a]!;
  }
  const shape = [...fAxes, ...Array.from({ length: p }, () => vAxes).flat()];
  if (d.layout !== "denominator") return { shape, data: num };
  // variable axes first: entry (v_1..v_p, f) = numerator entry (f, v_1..v_p)
  const den = new Float64Array(total);
  for (let a = 0; a < fSize; a++) for (let t = 0; t < n ** p; t++) den[t * fSize + a] = num[a * n ** p + t]!;
  return { shape: [...Array.from({ length: p }, () => vAxes).flat(), ...fAxes], data: den };
}

/**
 * The tensor contracted with directions on its variable axes (numerator layout: the last axes; denominator: the first),
 * as a matrix of f's shape: sum over the variable's entries of T[f, v_1, ..., v_p] * E_1[v_1] * ... * E_p[v_p].
 */
export function contract(d: Differentiated, t: NdArray, fShape: readonly [number, number], dirs: readonly Mat[]): Mat {
  const n = dirs[0]!.rows * dirs[0]!.cols;
  const p = dirs.length;
  const fSize = fShape[0] * fShape[1];
  const out = M.zeros(fShape[0], fShape[1]);
  for (let a = 0; a < fSize; a++) {
    let s = 0;
    for (let v = 0; v < n ** p; v++) {
      let w = 1;
      for (let i = p - 1, r = v; i >= 0; i--, r = Math.floor(r / n)) w *= dirs[i]!.data[r % n]!;
      s += w * t.data[d.layout === "denominator" ? v * fSize + a : a * n ** p + v]!;
    }
    out.data[a] = s;
  }
  return out;
}

/** max |a - b| / max(|a|, |b|, floor). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  let d = 0;
  let s = floor;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(a[i]!), Math.abs(b[i]!));
  }
  return d / s;
}

/**
 * Compares derivativeArray's N-D value with finite differences: the whole tensor for unstructured variables, three
 * random structured direction tuples otherwise. Returns the shape found and the worst relative error.
 */
export function compareWithFd(
  d: Differentiated,
  env: Env,
  got: NdArray,
  seed: number,
): { expectedShape: number[]; error: number } {
  const x = env.values.get(d.wrt)!;
  const v = d.compiled.vars.get(d.wrt)!;
  if (v.props.length === 0) {
    const want = fdTensor(d, env);
    const error = got.data.length === want.data.length ? relError(got.data, want.data, FLOOR[d.order]) : Infinity;
    return { expectedShape: [...want.shape], error };
  }
  const f0 = evaluateNodes([d.compiled.f], env)[0]!;
  const fAxes = axesOf(f0);
  const vAxes = Array.from({ length: d.order }, () => axesOf(x)).flat();
  const expectedShape = d.layout === "denominator" ? [...vAxes, ...fAxes] : [...fAxes, ...vAxes];
  const r = rng(seed);
  let error = 0;
  for (let k = 0; k < 3; k++) {
    const dirs = Array.from({ length: d.order }, () => randomDirection(x.rows, x.cols, v.props, r, x));
    const want = mixedDifference(d, env, dirs, STEP[d.order]!);
    error = Math.max(error, relError(contract(d, got, [f0.rows, f0.cols], dirs).data, want.data, FLOOR[d.order]));
  }
  return { expectedShape, error };
}
