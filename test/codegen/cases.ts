// Cases for the code generation tests: every identity of the engine's table plus matrix functions, solves,
// structure and derivatives in index notation only, each with random values and the value and derivative from
// matcalc's own evaluator (the oracle: derivativeArray, which sums index forms directly; tensors as N-D arrays).

import { type Differentiated, derivativeArray, differentiate, isTensorValued } from "../../src/api/differentiate.js";
import type { Layout } from "../../src/diff/derive.js";
import { type CodeTarget, generateCode } from "../../src/codegen/generate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { type JsonValue, bindDims, evaluateNodes, toJson } from "../../src/numeric/evaluate.js";
import { randomValue, rng } from "../../src/numeric/check.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { type NdArray, type NdJson, ndToJson } from "../../src/numeric/ndarray.js";
import { IDENTITIES } from "../engine/identities.js";
import { TENSORS } from "../engine/tensor-table.js";
import { fdTensor } from "../api/fd-tensor.js";

/** Beyond the identity table: matrix functions, shared factorizations, structure, layouts, Kronecker products. */
export const EXTRA: readonly (readonly [string, string, number])[] = [
  ["S: symmetric(n)\ntr(expm(S))", "S", 1],
  ["S: spd(n)\ntr(logm(S)*A)", "S", 1],
  ["S: spd(n)\nx'*sqrtm(S)*x", "x", 1],
  ["S: spd(n)\nx'*sqrtm(S)*x", "S", 1],
  ["tr(expm(A)*B)", "A", 1],
  ["t: scalar\ntr(expm(t*A))", "t", 1],
  // second Fréchet derivatives: d2expm (general X), d2logm, d2sqrtm, d2powm (spd X)
  ["t: scalar\ntr(A*expm(t*B + C))", "t", 2],
  ["tr(A*dexpm(X, B))", "X", 1],
  ["S: spd(n); P: spd(n); t: scalar\ntr(A*logm(S + exp(t)*P))", "t", 2],
  ["S: spd(n); P: spd(n); t: scalar\ntr(A*sqrtm(S + exp(t)*P))", "t", 2],
  ["S: spd(n); P: spd(n); t: scalar; p: scalar\ntr(A*(S + exp(t)*P)^p)", "t", 2],
  ["S: spd(n)\nlogdet(S) + tr(inv(S)*A) + x'*inv(S)*x", "S", 1],
  ["S: spd(n)\nlogdet(S) + x'*inv(S)*x", "x", 2],
  ["logdet(A) + y'*inv(A)*x + det(A)", "A", 1],
  // logdet is log|det|: A - 3*I (A near 2*I) has a negative determinant; the value alone, and with its inverse
  ["A: matrix(3, 3)\nlogdet(A - 3*eye(3)) + x'*x", "x", 1],
  ["A: matrix(3, 3)\nlogdet(A - 3*eye(3))", "A", 1],
  ["x'*inv(A)*y + y'*inv(A)'*x", "x", 1],
  ["u'*inv(A)*inv(B)*v", "u", 1],
  ["tr(A*B*C*D)", "B", 1],
  ["diag(x)*A*diag(y)*z", "z", 1],
  ["inv(X)", "X", 1],
  ["A*X*B", "X", 1],
  ["X*X", "X", 1],
  ["lambda'*x + in'*x", "x", 1],
  // a chain longer than the dynamic programming takes (64 factors): ordered in one pass
  [`x'*${"A*B*".repeat(35)}x`, "x", 1],
  ["D: diagonal(n)\nx'*D*x + tr(D*A)", "D", 1],
  ["w: vector(m)\nsum(exp(X*w)) + norm2(w)^2", "w", 2],
  ["sum(log(1 + exp(-y.*(X*w))))", "w", 2],
  ["tanh(W*x)", "x", 1],
  ["x'*A*x", "x", 1],
  ["A*x + b", "x", 1],
  ["exp(A*x)", "x", 1],
  ["t: scalar\nexp(t)*x", "t", 1],
  ["norm1(A*x - b) + norm2(x)", "x", 1],
  ["c: scalar\nc^2*x'*x + c", "c", 1],
  ["x'*x", "x", 2],
  ["sum(relu(A*x) .* sigmoid(x))", "x", 1],
  ["tr(X'*X)^2", "X", 1],
  ["tr(inv(X)*inv(Y))", "X", 1],
  ["Q: orthogonal(n)\ntr(Q'*A*Q*B)", "A", 1],
  ["A*x", "x", 1],
];

/**
 * Derivatives that exist only in index notation (einsum terms, Fréchet tensors), in both layouts where they differ
 * (a Hessian has one): Jacobians of matrices by matrices and vectors, Hessians by matrices, matrix functions.
 */
export const INDEX_ONLY: readonly (readonly [string, string, number])[] = [
  ["X*X'", "X", 1],
  ["X'*X", "X", 1],
  ["X .* (A*X)", "X", 1],
  ["diag(X)", "X", 1],
  ["A .* (x*x')", "x", 1],
  ["tr(X)*X", "X", 1],
  ["sum(X)*A", "X", 1],
  ["inv(X)'", "X", 1],
  ["x .* (A*x)", "x", 2],
  ["logdet(X)", "X", 2],
  ["S: spd(n)\nlogdet(S)", "S", 2],
  ["x'*X*X*x", "X", 2],
  ["expm(X)", "X", 1],
  ["A*expm(X)*B", "X", 1],
  ["S: spd(n)\nsqrtm(S) + logm(S)", "S", 1],
  ["S: spd(n); p: scalar\nS^p", "S", 1],
  ["t: scalar\nexpm(t*X)", "X", 1],
  ["expm(A*X)", "X", 1],
  ["D: diagonal(n)\nD*A*D", "D", 1],
  ["S: symmetric(n)\nS*A*S", "S", 1],
  ["diag(X*X)", "X", 1],
  ["det(X)", "X", 2],
];

/** Tensors asked for matricized (`matricize`): the matrix the answer's text describes, in both layouts. */
export const MATRICIZED: readonly (readonly [string, string, number, Layout])[] = [
  ["A*X*B", "X", 1, "numerator"],
  ["A*X*B", "X", 1, "denominator"],
  ["X*X'", "X", 1, "denominator"],
  ["logdet(X)", "X", 2, "numerator"],
  ["x .* (A*x)", "x", 2, "denominator"],
];

export interface CodegenCase {
  readonly id: number;
  readonly title: string;
  readonly values: Record<string, JsonValue>;
  readonly value: JsonValue;
  /** The JSON contract's N-D array for tensors (the matricized matrix in cases made with `matricize`). */
  readonly derivative: NdJson;
  /** For tensors by unstructured variables: the derivative by finite differences, in the contract's layout. */
  readonly fd?: NdJson;
  readonly code: Partial<Record<CodeTarget, string>>;
}

export interface CaseSet {
  readonly cases: CodegenCase[];
  /** Cases left out, with the reason (no values in the domain, ...). */
  readonly skipped: { title: string; why: string }[];
}

/** Random values with distinct sizes per dimension (so that a transposed operand cannot go unnoticed). */
function valuesFor(
  d: Differentiated,
  seed: number,
  matricize: boolean,
): { mats: Map<string, Mat>; value: Mat; derivative: NdArray; fd: NdArray | null } | string {
  const c = d.compiled;
  const r = rng(seed);
  const vars = [...c.vars.values()];
  const names: string[] = [];
  for (const v of vars) for (const dim of v.shape) if (typeof dim === "string" && !names.includes(dim)) names.push(dim);
  let why = "";
  for (const [mode, grow] of [["general", -1], ["positive", -1], ["general", 1]] as const) {
    const sizes = new Map(names.map((dim, k) => [dim, grow < 0 ? 3 + names.length - k : 3 + k]));
    const mats = new Map<string, Mat>();
    for (const v of vars) {
      const [rows, cols] = v.shape.map((x) => (typeof x === "number" ? x : sizes.get(x)!)) as [number, number];
      mats.set(v.name, randomValue(rows, cols, v.props, r, mode));
    }
    try {
      const env = { values: mats, dims: bindDims(vars, mats) };
      const [value] = evaluateNodes([c.f], env) as [Mat];
      const derivative = derivativeArray(d, env, { matricize });
      // (third differences are too noisy for entrywise agreement: order 3 is checked in test/api/tensor-values.test.ts)
      const byFd = isTensorValued(d) && !matricize && d.order <= 2 && c.vars.get(d.wrt)!.props.length === 0;
      return { mats, value, derivative, fd: byFd ? fdTensor(d, env) : null };
    } catch (e) {
      if (!(e instanceof MatcalcError)) throw e;
      why = e.message;
    }
  }
  return why;
}

export function buildCases(targets: readonly CodeTarget[], seed = 11): CaseSet {
  const cases: CodegenCase[] = [];
  const skipped: { title: string; why: string }[] = [];
  const all: (readonly [string, string, number, Layout?, boolean?])[] = [...IDENTITIES.map(([e, w, o]) => [e, w, o] as const), ...EXTRA];
  for (const [e, w, o] of INDEX_ONLY) {
    all.push([e, w, o]);
    if (o === 1 || w === "x") all.push([e, w, o, "denominator"]);
  }
  // the tensor identity table: N-D arrays of every kind (the evaluator's are checked against finite differences)
  // (but u'*X: generated code returns a row-vector value as a 1-D array where the evaluator has a 1 x n matrix)
  for (const [e, w, o] of TENSORS) if (e !== "u: vector(m)\nu'*X") all.push([e, w, o]);
  for (const [e, w, o, l] of MATRICIZED) all.push([e, w, o, l, true]);
  all.forEach(([expr, wrt, order, layout, matricize = false], i) => {
    const title =
      `${expr.replace(/\n/g, "; ")}  d/d${wrt}${order > 1 ? ` (order ${order})` : ""}${layout ? ` (${layout})` : ""}` +
      (matricize ? " (matricized)" : "");
    const d = differentiate(expr, { wrt, order, ...(layout ? { layout } : {}) });
    const v = valuesFor(d, seed + i, matricize);
    if (typeof v === "string") {
      skipped.push({ title, why: v });
      return;
    }
    const values: Record<string, JsonValue> = {};
    for (const x of d.compiled.vars.values()) values[x.name] = toJson(v.mats.get(x.name)!, x.shape);
    const code: Partial<Record<CodeTarget, string>> = {};
    for (const t of targets) code[t] = generateCode(d, t, { matricize });
    cases.push({
      id: i,
      title,
      values,
      value: toJson(v.value, d.compiled.f.shape),
      derivative: ndToJson(v.derivative),
      ...(v.fd ? { fd: ndToJson(v.fd) } : {}),
      code,
    });
  });
  return { cases, skipped };
}
