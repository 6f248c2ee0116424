// evaluate and evaluateDerivative: plain numbers and arrays in, plain numbers and arrays out, as the README states.
// Expected values are computed here by plain arithmetic, and derivatives also against the JSON API's derivativeValue.
import { describe, expect, test } from "vitest";
import { MatcalcError, differentiate, evaluate, evaluateDerivative, handleRequest } from "../../src/index.js";

const A = [
  [1, -2, 0.5],
  [3, 4, -1],
  [0, 2, 5],
];
const x = [0.5, -1, 2];
const matvec = (M: number[][], v: number[]): number[] => M.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
const dot = (u: number[], v: number[]): number => u.reduce((s, a, i) => s + a * v[i]!, 0);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MatcalcError);
    return (e as MatcalcError).code;
  }
  throw new Error("expected a MatcalcError");
}

describe("evaluate", () => {
  test("a scalar function of a vector and a matrix is a number", () => {
    const got = evaluate("x'*A*x", { x, A });
    expect(typeof got).toBe("number");
    expect(got).toBeCloseTo(dot(x, matvec(A, x)), 12);
  });

  test("a vector is a flat array, a matrix an array of rows", () => {
    expect(evaluate("A*x", { x, A })).toEqual(matvec(A, x).map((v) => expect.closeTo(v, 12)));
    const outer = evaluate("x*x'", { x }) as number[][];
    expect(outer).toEqual(x.map((a) => x.map((b) => expect.closeTo(a * b, 12))));
  });

  test("an undeclared variable takes its kind from its value", () => {
    // x alone would be a vector (first letter), a a scalar: the values say otherwise
    expect(evaluate("x^2 + 1", { x: 3 })).toBe(10);
    expect(evaluate("a*x", { a: A, x })).toEqual(matvec(A, x).map((v) => expect.closeTo(v, 12)));
    // a one-entry flat array is still a vector
    expect(evaluate("2*x", { x: [4] })).toEqual([8]);
    // both given numbers: a scalar product, although x alone would be a vector and so would y once x is a scalar
    expect(evaluate("x*y", { x: 2, y: 3 })).toBe(6);
    // an outer product of a vector and a row, both named as scalars would be
    expect(evaluate("a*b", { a: [1, 2], b: [[3, 4, 5]] })).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  test("declarations in the program and in vars hold", () => {
    const S = [
      [2, 1],
      [1, 2],
    ];
    expect(evaluate("S: spd(n); logdet(S)", { S })).toBeCloseTo(Math.log(3), 12);
    expect(evaluate("logdet(S)", { S }, { vars: { S: { shape: ["n", "n"], props: ["spd"] } } })).toBeCloseTo(Math.log(3), 12);
    const notSym = [
      [2, 1],
      [0, 2],
    ];
    expect(codeOf(() => evaluate("S: spd(n); logdet(S)", { S: notSym }))).toBe("value");
    expect(codeOf(() => evaluate("logdet(S)", { S: notSym }, { vars: { S: { shape: ["n", "n"], props: ["spd"] } } }))).toBe("value");
  });

  test("missing, unknown and ill-fitting values are coded errors", () => {
    expect(codeOf(() => evaluate("A*x", { x }))).toBe("value");
    expect(codeOf(() => evaluate("A*x", { x, A, q: 1 }))).toBe("value");
    expect(codeOf(() => evaluate("A*x", { x: [1, 2], A }))).toBe("value");
    expect(codeOf(() => evaluate("x'*x", { x: [1, Number.NaN] }))).toBe("value");
    expect(codeOf(() => evaluate("x'*x", { x: [[1, 2], 3] as never }))).toBe("value");
    expect(codeOf(() => evaluate("x'*x", null as never))).toBe("usage");
    expect(codeOf(() => evaluate("x'*", { x }))).toBe("syntax");
  });
});

describe("evaluateDerivative", () => {
  test("gradient of x'*A*x is (A + A')*x, a flat array", () => {
    const r = evaluateDerivative("x'*A*x", { x, A }, { wrt: "x" });
    expect(r.value).toBeCloseTo(dot(x, matvec(A, x)), 12);
    const At = A[0]!.map((_, j) => A.map((row) => row[j]!));
    const g = matvec(A, x).map((v, i) => v + matvec(At, x)[i]!);
    expect(r.derivative).toEqual(g.map((v) => expect.closeTo(v, 12)));
  });

  test("Jacobian of A*x is A, rows following f", () => {
    expect(evaluateDerivative("A*x", { x, A }, { wrt: "x" }).derivative).toEqual(A);
  });

  test("a matrix by a matrix is a 4-axis array, the function's axes first: J[i][j][k][l] = d(X*B)_ij/dX_kl = delta(i,k)*B(l,j)", () => {
    const B = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const X = [
      [1, 0, 2],
      [0, 1, -1],
    ];
    const J = evaluateDerivative("X*B", { X, B }, { wrt: "X" }).derivative;
    const want = [0, 1].map((i) => [0, 1].map((j) => [0, 1].map((k) => [0, 1, 2].map((l) => (i === k ? B[l]![j]! : 0)))));
    expect(J).toEqual(want);
  });

  test("derivatives by a scalar given as a number, of any order", () => {
    expect(evaluateDerivative("x^3", { x: 2 }, { wrt: "x" })).toEqual({ value: 8, derivative: 12 });
    expect(evaluateDerivative("x^3", { x: 2 }, { wrt: "x", order: 3 })).toEqual({ value: 8, derivative: 6 });
  });

  test("the result of differentiate, evaluated, agrees with the JSON API", () => {
    const B = [
      [1, 0, 2],
      [-1, 1, 0],
      [0, 3, 1],
    ];
    const X = [
      [1, 2, 0],
      [0, 1, -1],
      [2, 0, 1],
    ];
    const d = differentiate("tr(A*X*B)", { wrt: "X" });
    const r = evaluateDerivative(d, { A, X, B });
    const json = handleRequest({ expr: "tr(A*X*B)", wrt: "X", values: { A, X, B } });
    if (!json.ok) throw new Error(json.error.message);
    expect(r).toEqual({ value: json.value, derivative: json.derivativeValue });
    // d tr(A*X*B)/dX = A'*B': entry (i, j) is sum_k A(k, i)*B(j, k)
    expect(r.derivative).toEqual(X.map((_, i) => X.map((_, j) => expect.closeTo(A.reduce((s, row, k) => s + row[i]! * B[j]![k]!, 0), 12))));
  });

  test("without wrt, or by a name that is not a variable, it is a wrt error", () => {
    expect(codeOf(() => (evaluateDerivative as unknown as (e: string, v: object) => unknown)("x'*x", { x }))).toBe("wrt");
    expect(codeOf(() => evaluateDerivative("x'*x", { x }, { wrt: "y" }))).toBe("wrt");
  });
});
