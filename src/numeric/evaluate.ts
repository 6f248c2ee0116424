// Numeric evaluation of IR DAGs: one evaluation rule per op (a table the compiler checks for completeness),
// run once per node in topological order, with domain errors that name the operator and the cause.

import { fail, invariant } from "../diagnostics/errors.js";
import { ELEMENTWISE, type ElementwiseName } from "../ir/elementwise.js";
import { type Node, topoOrder } from "../ir/node.js";
import type { Op } from "../ir/ops.js";
import type { Dim, Prop, Shape } from "../shape/shape.js";
import * as L from "./linalg.js";
import * as M from "./matrix.js";
import type { Mat } from "./matrix.js";
import * as F from "./matfun.js";

export type Env = {
  readonly values: ReadonlyMap<string, Mat>;
  readonly dims: ReadonlyMap<string, number>;
};

type EvalRule = (n: Node, a: Mat[], env: Env) => Mat;

export function dimValue(d: Dim, env: Env): number {
  if (typeof d === "number") return d;
  // A product dimension "m*n" (Kronecker products, matricized tensors) is the product of its factors.
  if (d.includes("*")) return d.split("*").reduce((s, p) => s * (/^\d+$/.test(p) ? Number(p) : dimValue(p, env)), 1);
  const v = env.dims.get(d);
  if (v === undefined) fail("value", `the size of dimension '${d}' is not determined by the values given`);
  return v;
}

const scal = (x: number): Mat => M.scalar(x);
const num = (m: Mat): number => {
  invariant(m.rows === 1 && m.cols === 1, "expected a scalar");
  return m.data[0]!;
};

function elementwise(name: ElementwiseName, a: Mat): Mat {
  const info = ELEMENTWISE[name];
  const dom = "domain" in info ? info.domain : undefined;
  if (dom) {
    for (const x of a.data) {
      const why = dom(x);
      if (why) fail("domain", `${name}: ${why}`);
    }
  }
  return M.map(a, info.eval);
}

function power(a: Mat, p: number): Mat {
  return M.map(a, (x) => {
    const v = x ** p;
    if (Number.isNaN(v) && !Number.isNaN(x)) fail("domain", `power: ${Number(x.toPrecision(3))}^${p} is not a real number`);
    if (!Number.isFinite(v) && Number.isFinite(x)) {
      fail("domain", `power: ${Number(x.toPrecision(3))}^${p} is not finite (${x === 0 ? "division by zero" : "overflow"})`);
    }
    return v;
  });
}

function chainProduct(ms: Mat[]): Mat {
  let r = ms[0]!;
  for (let i = 1; i < ms.length; i++) r = M.matmul(r, ms[i]!);
  return r;
}

export const EVAL_RULES: Readonly<Record<Op, EvalRule>> = {
  const: (n) => scal(n.num!),
  var: (n, _a, env) => {
    const v = env.values.get(n.name!);
    if (!v) fail("value", `no value given for '${n.name}'`);
    return v;
  },
  dvar: (n, _a, env) => {
    const v = env.values.get(`d${n.name}`);
    if (!v) fail("value", `no value given for the differential d${n.name}`);
    return v;
  },
  eye: (n, _a, env) => M.eye(dimValue(n.shape[0], env)),
  ones: (n, _a, env) => M.ones(dimValue(n.shape[0], env), dimValue(n.shape[1], env)),
  zeros: (n, _a, env) => M.zeros(dimValue(n.shape[0], env), dimValue(n.shape[1], env)),
  add: (_n, a) => a.reduce((x, y) => M.add(x, y)),
  times: (n, a) => {
    const scalarOnly = n.shape[0] === 1 && n.shape[1] === 1;
    const k = scalarOnly ? a.length : a.length - 1;
    let s = 1;
    for (let i = 0; i < k; i++) s *= a[i]!.data[0]!;
    return scalarOnly ? scal(s) : M.scale(a[a.length - 1]!, s);
  },
  mul: (_n, a) => chainProduct(a),
  hadamard: (_n, a) => a.reduce((x, y) => M.hadamard(x, y)),
  transpose: (_n, a) => M.transpose(a[0]!),
  tr: (_n, a) => scal(M.trace(a[0]!)),
  sum: (_n, a) => scal(M.sum(a[0]!)),
  diagm: (_n, a) => M.diagFromVector(a[0]!.data),
  diagv: (_n, a) => M.diagOfMatrix(a[0]!),
  pow: (_n, a) => power(a[0]!, num(a[1]!)),
  fn: (n, a) => elementwise(n.name as ElementwiseName, a[0]!),
  det: (_n, a) => scal(L.det(a[0]!)),
  logdet: (_n, a) => scal(L.logdet(a[0]!)),
  inv: (_n, a) => L.inv(a[0]!),
  mpow: (n, a) => {
    let r = a[0]!;
    for (let i = 1; i < n.num!; i++) r = M.matmul(r, a[0]!);
    return r;
  },
  norm1: (_n, a) => scal(a[0]!.data.reduce((s, x) => s + Math.abs(x), 0)),
  norm2: (_n, a) => scal(M.frobenius(a[0]!)),
  expm: (_n, a) => F.expm(a[0]!),
  logm: (_n, a) => F.logm(a[0]!),
  sqrtm: (_n, a) => F.sqrtm(a[0]!),
  powm: (_n, a) => F.powm(a[0]!, num(a[1]!)),
  dexpm: (_n, a) => F.frechet("expm", a[0]!, a[1]!),
  dlogm: (_n, a) => F.frechet("logm", a[0]!, a[1]!),
  dsqrtm: (_n, a) => F.frechet("sqrtm", a[0]!, a[1]!),
  dpowm: (_n, a) => F.frechetPow(a[0]!, num(a[1]!), a[2]!),
  d2expm: (_n, a) => F.frechet2("expm", a[0]!, a[1]!, a[2]!),
  d2logm: (_n, a) => F.frechet2("logm", a[0]!, a[1]!, a[2]!),
  d2sqrtm: (_n, a) => F.frechet2("sqrtm", a[0]!, a[1]!, a[2]!),
  d2powm: (_n, a) => F.frechet2Pow(a[0]!, num(a[1]!), a[2]!, a[3]!),
  kron: (_n, a) => M.kron(a[0]!, a[1]!),
};

/** Evaluate several roots at once, sharing every common subexpression. */
export function evaluateNodes(roots: readonly Node[], env: Env): Mat[] {
  const memo = new Map<number, Mat>();
  for (const n of topoOrder(roots)) {
    const args = n.args.map((c) => memo.get(c.id)!);
    memo.set(n.id, EVAL_RULES[n.op](n, args, env));
  }
  return roots.map((r) => memo.get(r.id)!);
}

// ---------------------------------------------------------------- values in and out

export type JsonValue = number | number[] | number[][];

/** Plain JSON value for a matrix of the given shape: a number, a flat array for vectors, rows otherwise. */
export function toJson(m: Mat, shape: Shape): JsonValue {
  if (shape[0] === 1 && shape[1] === 1) return m.data[0]!;
  if (shape[1] === 1) return Array.from(m.data);
  return M.toRows(m);
}

/** Read a user value for a variable of the given shape (flat arrays are column vectors). */
export function fromJson(name: string, v: unknown, shape: Shape): Mat {
  const bad = (why: string): never => fail("value", `value of '${name}': ${why}`);
  const finite = (x: unknown): number => {
    if (typeof x !== "number") return bad(`expected numbers, got ${JSON.stringify(x)?.slice(0, 20)}`);
    if (!Number.isFinite(x)) return bad("entries must be finite");
    return x;
  };
  if (typeof v === "number") return scal(finite(v));
  if (!Array.isArray(v)) return bad("expected a number, an array or an array of rows");
  if (v.length === 0) return bad("empty array");
  if (v.every((x) => typeof x === "number")) {
    const data = Float64Array.from(v.map(finite));
    return shape[0] === 1 && shape[1] !== 1 ? { rows: 1, cols: data.length, data } : { rows: data.length, cols: 1, data };
  }
  if (!v.every((r) => Array.isArray(r))) return bad("mixes numbers and rows");
  const rows = v as unknown[][];
  const c = rows[0]!.length;
  if (c === 0 || rows.some((r) => r.length !== c)) return bad("rows must all have the same, nonzero length");
  const data = new Float64Array(rows.length * c);
  rows.forEach((r, i) => r.forEach((x, j) => (data[i * c + j] = finite(x))));
  return { rows: rows.length, cols: c, data };
}

/** Bind dimension symbols from the values given, checking every declared size and property. */
export function bindDims(
  vars: Iterable<{ name: string; shape: Shape; props: readonly Prop[] }>,
  values: ReadonlyMap<string, Mat>,
): Map<string, number> {
  const dims = new Map<string, number>();
  const list = [...vars];
  for (const v of list) {
    const m = values.get(v.name);
    if (!m) continue;
    const got = [m.rows, m.cols];
    v.shape.forEach((d, axis) => {
      const n = got[axis]!;
      const what = `value of '${v.name}' is ${m.rows} x ${m.cols}`;
      if (typeof d === "number") {
        if (d !== n) fail("value", `${what}, but '${v.name}' has ${axis === 0 ? "rows" : "columns"} of size ${d}`);
      } else {
        const prev = dims.get(d);
        if (prev !== undefined && prev !== n) {
          fail("value", `${what}, but dimension '${d}' is ${prev} from the other values`);
        }
        dims.set(d, n);
      }
    });
    checkProps(v.name, m, v.props);
  }
  // A product dimension "m*q" (kron) must be the product of its factors where the values give them all.
  for (const v of list) {
    const m = values.get(v.name);
    if (!m) continue;
    v.shape.forEach((d, axis) => {
      if (typeof d !== "string" || !d.includes("*")) return;
      const parts = d.split("*");
      if (!parts.every((p) => /^\d+$/.test(p) || dims.has(p))) return;
      const want = parts.reduce((x, p) => x * (/^\d+$/.test(p) ? Number(p) : dims.get(p)!), 1);
      const got = axis === 0 ? m.rows : m.cols;
      if (got !== want) {
        const from = parts.filter((p) => !/^\d+$/.test(p)).map((p) => `${p} = ${dims.get(p)}`).join(", ");
        const what = axis === 0 ? "rows" : "columns";
        fail("value", `value of '${v.name}' is ${m.rows} x ${m.cols}, but it must have ${d} = ${want} ${what} (${from} from the other values)`);
      }
    });
  }
  return dims;
}

function checkProps(name: string, m: Mat, props: readonly Prop[]): void {
  const scale = Math.max(1, M.maxAbs(m));
  for (const p of props) {
    if ((p === "symmetric" || p === "spd") && !M.isSymmetric(m, 1e-10 * scale)) {
      fail("value", `value of '${name}' is not symmetric, but '${name}' is declared ${p}`);
    }
    if (p === "spd") {
      try {
        L.cholesky(m);
      } catch {
        fail("value", `value of '${name}' is not positive definite, but '${name}' is declared spd`);
      }
    }
    if (p === "diagonal") {
      for (let i = 0; i < m.rows; i++) {
        for (let j = 0; j < m.cols; j++) {
          if (i !== j && m.data[i * m.cols + j] !== 0) fail("value", `value of '${name}' is not diagonal, but '${name}' is declared diagonal`);
        }
      }
    }
    if (p === "orthogonal") {
      const e = M.maxAbs(M.sub(M.matmulTN(m, m), M.eye(m.cols)));
      if (e > 1e-8) fail("value", `value of '${name}' is not orthogonal (|X'X - I| = ${e.toExponential(1)})`);
    }
  }
}
