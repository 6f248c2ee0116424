// Tensor-valued derivatives as N-D arrays (the JSON contract): every tensor of the identity tables, in both layouts,
// against a finite-difference tensor of the contract's shape (J[i,j,k,l] = df_ij/dX_kl; the variable's axes first in
// denominator layout), through the library and the JSON API; `matricize` gives the matrix the answer's text describes.

import { describe, expect, test } from "vitest";
import {
  type Differentiated,
  derivativeArray,
  derivativeAxes,
  derivativeValue,
  differentiate,
  isTensorValued,
} from "../../src/api/differentiate.js";
import { handleRequest } from "../../src/api/request.js";
import type { Layout } from "../../src/diff/derive.js";
import { toJson } from "../../src/numeric/evaluate.js";
import { ndToJson } from "../../src/numeric/ndarray.js";
import { EXTRA, INDEX_ONLY } from "../codegen/cases.js";
import { TENSORS } from "../engine/tensor-table.js";
import { compareWithFd, randomEnv } from "./fd-tensor.js";

interface Case {
  readonly expr: string;
  readonly wrt: string;
  readonly order: number;
  readonly layout: Layout;
}

const CASES: Case[] = [];
for (const [expr, wrt, order] of [...TENSORS, ...INDEX_ONLY, ...EXTRA]) {
  const d = differentiate(expr, { wrt, order });
  if (!isTensorValued(d)) continue;
  for (const layout of ["numerator", "denominator"] as const) {
    if (!CASES.some((c) => c.expr === expr && c.wrt === wrt && c.order === order && c.layout === layout)) {
      CASES.push({ expr, wrt, order, layout });
    }
  }
}

const title = (c: Case) => `${c.expr.replace(/\n/g, "; ")}  d/d${c.wrt}${c.order > 1 ? ` (order ${c.order})` : ""} (${c.layout})`;

describe("tensor-valued derivatives: N-D arrays against finite differences", () => {
  test("the cases cover the kinds of tensors", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    const ds = CASES.map((c) => differentiate(c.expr, { wrt: c.wrt, order: c.order, layout: c.layout }));
    // matrices by matrices, vectors by matrices, matrices by vectors, Hessians by matrices, third derivatives by vectors
    expect(ds.some((d) => d.kind === "jacobian" && d.result.axes.length === 4)).toBe(true);
    expect(ds.some((d) => d.kind === "jacobian" && d.result.axes.length === 3)).toBe(true);
    expect(ds.some((d) => d.kind === "hessian" && d.result.axes.length === 4)).toBe(true);
    expect(ds.some((d) => d.kind === "higher" && d.result.axes.length === 3)).toBe(true);
    expect(ds.some((d) => d.order === 3)).toBe(true);
    expect(ds.some((d) => d.compiled.vars.get(d.wrt)!.props.length > 0)).toBe(true);
  });

  test.each(CASES.map((c, i) => [title(c), c, i] as const))("%s", (_t, c, i) => {
    const d = differentiate(c.expr, { wrt: c.wrt, order: c.order, layout: c.layout });
    const env = randomEnv(d, 100 + i);
    expect(env, "values in the domain").not.toBeNull();
    const got = derivativeArray(d, env!);
    const { expectedShape, error } = compareWithFd(d, env!, got, 7 + i);
    expect(got.shape).toEqual(expectedShape);
    expect(derivativeAxes(d).length).toBe(expectedShape.length);
    expect(error).toBeLessThan(1e-5);
  });
});

describe("the N-D array's layout", () => {
  const at = (d: Differentiated) => randomEnv(d, 3)!;

  test("numerator: the function's axes, then the variable's; denominator: the variable's first", () => {
    const num = differentiate("A*X*B", { wrt: "X" });
    const den = differentiate("A*X*B", { wrt: "X", layout: "denominator" });
    expect(derivativeAxes(num)).toEqual(["n", "p", "m", "k"]);
    expect(derivativeAxes(den)).toEqual(["m", "k", "n", "p"]);
    const env = at(num);
    const [a, b] = [derivativeArray(num, env), derivativeArray(den, env)];
    const [n, p, m, k] = a.shape as [number, number, number, number];
    expect(b.shape).toEqual([m, k, n, p]);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++)
        for (let r = 0; r < m; r++)
          for (let s = 0; s < k; s++) {
            expect(b.data[((r * k + s) * n + i) * p + j]).toBe(a.data[((i * p + j) * m + r) * k + s]);
          }
  });

  test("a Hessian by a matrix is the same in both layouts; a third derivative by a vector has three axes", () => {
    const h = differentiate("logdet(X)", { wrt: "X", order: 2 });
    const hd = differentiate("logdet(X)", { wrt: "X", order: 2, layout: "denominator" });
    const env = at(h);
    expect(derivativeArray(hd, env)).toEqual(derivativeArray(h, env));
    const t = differentiate("sum(exp(x))", { wrt: "x", order: 3 });
    expect(derivativeAxes(t)).toEqual(["n", "n", "n"]);
  });

  test("gradients, vector Jacobians and Hessians by vectors keep their shapes; matricize changes nothing there", () => {
    for (const [expr, wrt, order, axes] of [
      ["tr(A*X)", "X", 1, ["m", "n"]],
      ["A*x", "x", 1, ["n", "m"]],
      ["x'*A*x", "x", 2, ["n", "n"]],
      ["t: scalar\nt^2*A", "t", 1, ["n", "m"]],
      ["x'*x", "x", 1, ["n"]],
      ["t: scalar\nt^3", "t", 2, []],
    ] as const) {
      const d = differentiate(expr, { wrt, order });
      expect(isTensorValued(d), expr).toBe(false);
      expect(derivativeAxes(d), expr).toEqual(axes);
      const env = at(d);
      expect(ndToJson(derivativeArray(d, env)), expr).toEqual(toJson(derivativeValue(d, env), d.result.shape));
      expect(derivativeArray(d, env, { matricize: true })).toEqual(derivativeArray(d, env));
    }
  });

  test("matricize gives the matrix of the answer (dvec(f)/dvec(X), transposed in denominator layout)", () => {
    for (const layout of ["numerator", "denominator"] as const) {
      const d = differentiate("X*X'", { wrt: "X", layout });
      const env = at(d);
      const m = derivativeValue(d, env);
      expect(derivativeArray(d, env, { matricize: true })).toEqual({ shape: [m.rows, m.cols], data: m.data });
    }
  });
});

describe("JSON API", () => {
  const A = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const X = [
    [1, 0, 2, 0],
    [0, 1, 0, 1],
    [3, 0, 1, 0],
  ];
  const B = [
    [1, -1],
    [2, 0],
    [0, 3],
    [1, 1],
  ];

  test("derivativeValue nests as J[i][j][k][l]; the matricized matrix on request", () => {
    const r = handleRequest({ expr: "A*X*B", wrt: "X", values: { A, X, B } });
    const den = handleRequest({ expr: "A*X*B", wrt: "X", layout: "denominator", values: { A, X, B } });
    const mat = handleRequest({ expr: "A*X*B", wrt: "X", matricize: true, values: { A, X, B } });
    if (!r.ok || !den.ok || !mat.ok) throw new Error("request failed");
    const J = r.derivativeValue as number[][][][];
    const D = den.derivativeValue as number[][][][];
    const K = mat.derivativeValue as number[][];
    expect([J.length, J[0]!.length, J[0]![0]!.length, J[0]![0]![0]!.length]).toEqual([2, 2, 3, 4]);
    expect([D.length, D[0]!.length, D[0]![0]!.length, D[0]![0]![0]!.length]).toEqual([3, 4, 2, 2]);
    expect([K.length, K[0]!.length]).toEqual([4, 12]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 3; k++)
          for (let l = 0; l < 4; l++) {
            const want = A[i]![k]! * B[l]![j]!;
            expect(J[i]![j]![k]![l]).toBe(want);
            expect(D[k]![l]![i]![j]).toBe(want);
            // vec stacks columns: row i + 2*j, column k + 3*l
            expect(K[i + 2 * j]![k + 3 * l]).toBe(want);
          }
    // the text and its shape describe the matricized matrix either way
    expect(r.derivative).toEqual(mat.derivative);
  });

  test("code asked for in the request follows 'matricize' too", () => {
    const nd = handleRequest({ expr: "A*X*B", wrt: "X", emit: ["numpy", "ts"] });
    const mat = handleRequest({ expr: "A*X*B", wrt: "X", emit: ["numpy", "ts"], matricize: true });
    if (!nd.ok || !mat.ok) throw new Error("request failed");
    expect(nd.code?.numpy).toContain("derivative = np.transpose(np.reshape(derivative.T, (k, m, p, n)), (3, 2, 1, 0))");
    expect(nd.code?.ts).toContain("derivative: number[][][][];");
    expect(mat.code?.numpy).not.toContain("np.reshape");
    expect(mat.code?.ts).toContain("derivative: number[][];");
  });

  test("'matricize' must be a boolean", () => {
    const r = handleRequest({ expr: "A*X*B", wrt: "X", matricize: "yes" });
    expect(r).toMatchObject({ ok: false, error: { code: "usage", message: `'matricize' must be true or false, got "yes"` } });
  });
});
