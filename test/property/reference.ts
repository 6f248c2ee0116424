// An independent reference meaning for programs: a naive evaluator over the surface AST (the parser's
// output) built on the dense kernels only, never the IR, so that canonicalisation can be checked against it.

import type { Expr, Program } from "../../src/syntax/ast.js";
import * as L from "../../src/numeric/linalg.js";
import * as F from "../../src/numeric/matfun.js";
import * as M from "../../src/numeric/matrix.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { randn } from "../../src/numeric/random.js";

/** Thrown when a reference value is outside the domain of an operation (the case is then not comparable). */
export class ReferenceDomainError extends Error {}

const ELEMENTWISE: Readonly<Record<string, (x: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  abs: Math.abs,
  sign: Math.sign,
  relu: (x) => Math.max(x, 0),
  sqrt: Math.sqrt,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

const isScalar = (m: Mat) => m.rows === 1 && m.cols === 1;

export interface ReferenceResult {
  readonly value: Mat;
  /** Largest magnitude of any intermediate value: the scale that rounding errors are relative to. */
  readonly scale: number;
  /** Largest magnitude of an argument of sin, cos or tan (finite differences cannot follow sin(1e6 x)). */
  readonly periodic: number;
}

/** Evaluate the program's last expression (definitions first) at the given values and dimension sizes. */
export function referenceEvaluate(program: Program, values: ReadonlyMap<string, Mat>, dims: ReadonlyMap<string, number>): ReferenceResult {
  const defs = new Map<string, Mat>();
  let scale = 0;
  let periodic = 0;
  const seen = (m: Mat): Mat => {
    for (const x of m.data) {
      if (!Number.isFinite(x)) throw new ReferenceDomainError(`non-finite intermediate value ${x}`);
      if (Math.abs(x) > scale) scale = Math.abs(x);
    }
    return m;
  };
  const dimOf = (e: Expr): number => {
    if (e.kind === "num") return e.value;
    if (e.kind === "ident" && dims.has(e.name)) return dims.get(e.name)!;
    throw new Error(`not a dimension: ${e.kind}`);
  };
  const broadcast = (s: Mat, like: Mat): Mat => (isScalar(s) && !isScalar(like) ? M.scale(M.ones(like.rows, like.cols), s.data[0]!) : s);
  const inverse = (m: Mat): Mat => {
    try {
      return L.inv(m);
    } catch {
      throw new ReferenceDomainError("singular matrix");
    }
  };

  // Recursion is fine here: generated programs are a few levels deep.
  const ev = (e: Expr): Mat => seen(evNode(e));
  const evNode = (e: Expr): Mat => {
    switch (e.kind) {
      case "num":
        return M.scalar(e.value);
      case "ident": {
        const v = defs.get(e.name) ?? values.get(e.name);
        if (v) return v;
        if (e.name === "pi") return M.scalar(Math.PI);
        throw new Error(`no value for ${e.name}`);
      }
      case "neg":
        return M.scale(ev(e.arg), -1);
      case "transpose":
        return M.transpose(ev(e.arg));
      case "call":
        return callFn(e.callee, e.args);
      case "binary": {
        const l = ev(e.left);
        const r = ev(e.right);
        switch (e.op) {
          case "+":
            return M.add(broadcast(l, r), broadcast(r, l));
          case "-":
            return M.sub(broadcast(l, r), broadcast(r, l));
          case "*":
            if (isScalar(l)) return M.scale(r, l.data[0]!);
            if (isScalar(r)) return M.scale(l, r.data[0]!);
            return M.matmul(l, r);
          case "/":
            if (isScalar(r)) return M.scale(l, 1 / r.data[0]!);
            if (isScalar(l)) return M.scale(inverse(r), l.data[0]!);
            return M.matmul(l, inverse(r));
          case ".*":
            if (isScalar(l)) return M.scale(r, l.data[0]!);
            if (isScalar(r)) return M.scale(l, r.data[0]!);
            return M.hadamard(l, r);
          case "./":
            return M.ediv(broadcast(l, r), broadcast(r, l));
          case ".^": {
            const p = r.data[0]!;
            return M.map(l, (x) => x ** p);
          }
          case "^": {
            const p = r.data[0]!;
            if (isScalar(l)) return M.scalar(l.data[0]! ** p);
            if (!Number.isInteger(p)) throw new Error(`the reference evaluator has no rule for the matrix power ^${p}`);
            // integer matrix power: repeated products, of the inverse for negative powers
            const base = p < 0 ? inverse(l) : l;
            let out = M.eye(l.rows);
            for (let k = 0; k < Math.abs(p); k++) out = M.matmul(out, base);
            return out;
          }
        }
      }
    }
    throw new Error("unreachable");
  };
  const callFn = (f: string, args: readonly Expr[]): Mat => {
    if (f === "eye") return M.eye(dimOf(args[0]!));
    if (f === "ones") return M.ones(dimOf(args[0]!), args.length > 1 ? dimOf(args[1]!) : dimOf(args[0]!));
    if (f === "zeros") return M.zeros(dimOf(args[0]!), args.length > 1 ? dimOf(args[1]!) : dimOf(args[0]!));
    const a = ev(args[0]!);
    const fn = ELEMENTWISE[f];
    if (f === "sin" || f === "cos" || f === "tan") periodic = Math.max(periodic, M.maxAbs(a));
    if (fn) return M.map(a, fn);
    switch (f) {
      case "tr":
        return M.scalar(M.trace(a));
      case "det":
        return M.scalar(L.det(a));
      case "logdet": {
        // log|det(A)| (numpy's slogdet), defined wherever A is invertible
        inverse(a);
        const d = Math.abs(L.det(a));
        if (!(d > 0 && Number.isFinite(d))) throw new ReferenceDomainError("logdet of a matrix with determinant 0 or overflowing");
        return M.scalar(Math.log(d));
      }
      case "inv":
        return inverse(a);
      case "sum":
        return M.scalar(M.sum(a));
      case "norm1":
        return M.scalar(a.data.reduce((s, x) => s + Math.abs(x), 0));
      case "norm2":
        return M.scalar(Math.sqrt(a.data.reduce((s, x) => s + x * x, 0)));
      case "expm":
        return F.expm(a);
      case "logm":
        return F.logm(a);
      case "sqrtm":
        return F.sqrtm(a);
      case "diag":
        if (isScalar(a)) return a;
        return a.cols === 1 ? M.diagFromVector(a.data) : M.diagOfMatrix(a);
      default:
        throw new Error(`the reference evaluator has no rule for ${f}`);
    }
  };

  let value: Mat | null = null;
  for (const s of program.stmts) {
    if (s.kind === "def") {
      value = ev(s.value);
      defs.set(s.name, value);
    } else if (s.kind === "expr") value = ev(s.expr);
  }
  if (!value) throw new Error("program without a body");
  return { value, scale, periodic };
}

// ---------------------------------------------------------------- random values

/** Random values for the variables, honouring their structure; entries of both signs. */
export function randomValues(
  vars: readonly { name: string; shape: readonly (string | number)[]; props: readonly string[] }[],
  sizes: Readonly<Record<string, number>>,
  r: () => number,
): Map<string, Mat> {
  const size = (d: string | number) => (typeof d === "number" ? d : sizes[d]!);
  const fill = (rows: number, cols: number) => {
    const m = M.zeros(rows, cols);
    for (let k = 0; k < m.data.length; k++) m.data[k] = randn(r);
    return m;
  };
  const out = new Map<string, Mat>();
  for (const v of vars) {
    const rows = size(v.shape[0]);
    const cols = size(v.shape[1]);
    let m = fill(rows, cols);
    if (v.props.includes("spd")) {
      const g = fill(rows, rows);
      m = M.addIdentity(M.scale(M.matmulNT(g, g), 1 / rows), 0.5);
    } else if (v.props.includes("symmetric")) {
      m = M.scale(M.add(m, M.transpose(m)), 0.5);
    } else if (v.props.includes("diagonal")) {
      m = M.diagFromVector(M.diagOfMatrix(m).data);
    } else if (v.props.includes("orthogonal")) {
      m = gramSchmidt(m);
    }
    out.set(v.name, m);
  }
  return out;
}

/** Orthonormalise the columns (modified Gram-Schmidt). */
function gramSchmidt(a: Mat): Mat {
  const n = a.rows;
  const q = M.clone(a);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += q.data[i * n + j]! * q.data[i * n + k]!;
      for (let i = 0; i < n; i++) q.data[i * n + j]! -= d * q.data[i * n + k]!;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += q.data[i * n + j]! ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) q.data[i * n + j]! /= s;
  }
  return q;
}
