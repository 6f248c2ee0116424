// The JSON request contract: success shapes and values, every error code a request can reach, and totality.

import { describe, expect, it } from "vitest";
import { type FailureResponse, type Response, type SuccessResponse, handleRequest } from "../../src/api/request.js";

function ok(r: Response): SuccessResponse {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r;
}

function err(r: Response): FailureResponse["error"] {
  if (r.ok) throw new Error(`expected failure, got ${JSON.stringify(r)}`);
  return r.error;
}

describe("handleRequest: success", () => {
  it("answers x'*A*x wrt x with shapes, kind, assumptions and values", () => {
    const x = [1, -2, 3];
    const A = [
      [2, 1, 0],
      [-1, 3, 4],
      [0.5, 0, -1],
    ];
    const r = ok(handleRequest({ id: 7, expr: "x'*A*x", wrt: "x", values: { x, A } }));
    expect(r.id).toBe(7);
    expect(r.function).toEqual({ text: "x'*A*x", latex: "x^\\top A x", shape: [1, 1] });
    expect(r.derivative).toEqual({ text: "(A + A')*x", latex: expect.any(String), shape: ["n", 1] });
    expect(r.kind).toBe("gradient");
    expect(r.convention).toBe("gradient: same shape as x, df = tr(G' dx)");
    expect(r.assumptions).toEqual(["x: vector(n) (inferred)", "A: matrix(n, n) (inferred)"]);
    expect(r.notes).toEqual([]);
    // by hand: A x, x'A x, and (A + A') x
    const Ax = A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
    const f = x.reduce((s, xi, i) => s + xi * Ax[i]!, 0);
    const Atx = x.map((_, j) => A.reduce((s, row, i) => s + row[j]! * x[i]!, 0));
    expect(r.value).toBeCloseTo(f, 12);
    expect(r.derivativeValue).toHaveLength(3);
    (r.derivativeValue as number[]).forEach((g, i) => expect(g).toBeCloseTo(Ax[i]! + Atx[i]!, 12));
    expect(r.check).toBeUndefined();
    expect(r.differential).toBeUndefined();
  });

  it("uses vars given as JSON: symmetric A gives 2*A*x", () => {
    const r = ok(
      handleRequest({ expr: "x'*A*x", wrt: "x", vars: { A: { shape: ["n", "n"], props: ["symmetric"] }, x: { shape: ["n"] } } }),
    );
    expect(r.id).toBeNull();
    expect(r.derivative.text).toBe("2*A*x");
    expect(r.assumptions).toContain("A: symmetric(n)");
  });

  it("scalar, vector and matrix values come back as number, flat array and rows", () => {
    const r = ok(handleRequest({ expr: "tr(X'*X)", wrt: "X", values: { X: [[1, 2], [3, 4]] } }));
    expect(r.value).toBe(30);
    expect(r.derivativeValue).toEqual([
      [2, 4],
      [6, 8],
    ]);
    const s = ok(handleRequest({ expr: "a*x'*x", wrt: "a", values: { a: 2, x: [1, 2] } }));
    expect(s.value).toBe(10);
    expect(s.derivativeValue).toBe(5);
  });

  it("order 2 gives the Hessian, evaluated as a matrix; differential is null then", () => {
    const r = ok(handleRequest({ expr: "x'*A*x", wrt: "x", order: 2, values: { x: [1, 1], A: [[1, 2], [3, 4]] }, emit: ["differential"] }));
    expect(r.kind).toBe("hessian");
    expect(r.derivative.shape).toEqual(["n", "n"]);
    expect(r.derivativeValue).toEqual([
      [2, 5],
      [5, 8],
    ]);
    expect(r.differential).toBeNull();
  });

  it("denominator layout transposes the Jacobian, also in derivativeValue", () => {
    const A = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const num = ok(handleRequest({ expr: "A*x", wrt: "x", values: { A, x: [1, 1, 1] } }));
    const den = ok(handleRequest({ expr: "A*x", wrt: "x", layout: "denominator", values: { A, x: [1, 1, 1] } }));
    expect(num.kind).toBe("jacobian");
    expect(num.derivativeValue).toEqual(A);
    expect(den.derivativeValue).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(num.value).toEqual([6, 15]);
  });

  it("emit check returns a PASS report; emit differential gives df", () => {
    const r = ok(handleRequest({ id: "c", expr: "logdet(X)", wrt: "X", emit: ["check", "differential"], seed: 3 }));
    expect(r.check?.status).toBe("PASS");
    expect(r.check?.seed).toBe(3);
    expect(r.check?.message).toMatch(/^PASS: /);
    expect(r.differential).toEqual({ text: expect.stringContaining("dX"), latex: expect.any(String) });
  });

  it("logdet is log|det|: at a negative determinant it has a value and the gradient inv(X)'", () => {
    const r = ok(handleRequest({ expr: "logdet(X)", wrt: "X", values: { X: [[1, 2], [3, 4]] } }));
    expect(r.value).toBeCloseTo(Math.log(2), 14);
    // inv([[1, 2], [3, 4]]) = [[-2, 1], [1.5, -0.5]]; its transpose
    const g = r.derivativeValue as number[][];
    [[-2, 1.5], [1, -0.5]].forEach((row, i) => row.forEach((x, j) => expect(g[i]![j]).toBeCloseTo(x, 12)));
    expect(r.notes).toContain("logdet(X) = log|det(X)|: defined wherever X is invertible, a negative determinant included");
  });

  it("warnings: always present, [] when none; a guessed kind that makes f a vector is named with its fix", () => {
    expect(ok(handleRequest({ expr: "x'*A*x", wrt: "x" })).warnings).toEqual([]);
    const r = ok(handleRequest({ expr: "norm2(X*w - y)^2 + lambda*w'*w", wrt: "w" }));
    expect(r.kind).toBe("jacobian");
    expect(r.warnings).toEqual([
      {
        code: "guessed-kind",
        message: "lambda was taken as a vector from its first letter, which makes f a vector; declare `lambda: scalar` if it is one",
      },
    ]);
    const fixed = ok(handleRequest({ expr: "norm2(X*w - y)^2 + lambda*w'*w", wrt: "w", vars: { lambda: { shape: [] } } }));
    expect(fixed.kind).toBe("gradient");
    expect(fixed.warnings).toEqual([]);
  });

  it("the response is plain JSON: it survives a round trip unchanged", () => {
    const r = handleRequest({ id: { a: [1] }, expr: "norm2(A*x - b)^2", wrt: "x", emit: ["check"] });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe("handleRequest: errors", () => {
  const cases: [string, unknown, string, [number, number] | null][] = [
    ["syntax, with a span", { expr: "tr(A*(X+B)", wrt: "X" }, "syntax", [10, 10]],
    ["unknown function", { expr: "foo(x)", wrt: "x" }, "unknown-function", [0, 3]],
    ["dimension", { expr: "x'*A*x", wrt: "x", vars: { x: { shape: [3] }, A: { shape: [4, 4] } } }, "dimension", [0, 4]],
    ["not square", { expr: "tr(A)", wrt: "A", vars: { A: { shape: ["n", "m"] } } }, "not-square", [3, 4]],
    ["wrt not a variable", { expr: "x'*A*x", wrt: "z" }, "wrt", null],
    ["unknown emit", { expr: "x'*x", wrt: "x", emit: ["pdf"] }, "usage", null],
    ["emit not an array", { expr: "x'*x", wrt: "x", emit: "check" }, "usage", null],
    ["order 0", { expr: "x'*x", wrt: "x", order: 0 }, "usage", null],
    ["order 1.5", { expr: "x'*x", wrt: "x", order: 1.5 }, "usage", null],
    ["order as a string", { expr: "x'*x", wrt: "x", order: "2" }, "usage", null],
    ["missing expr", { wrt: "x" }, "usage", null],
    ["expr not a string", { expr: 3, wrt: "x" }, "usage", null],
    ["missing wrt", { expr: "x'*x" }, "usage", null],
    ["wrt not a string", { expr: "x'*x", wrt: ["x"] }, "usage", null],
    ["bad layout", { expr: "A*x", wrt: "x", layout: "rows" }, "usage", null],
    ["unknown field", { expr: "x'*x", wrt: "x", var: {} }, "usage", null],
    ["vars not an object", { expr: "x'*x", wrt: "x", vars: [1] }, "usage", null],
    ["vars shape not an array", { expr: "x'*x", wrt: "x", vars: { x: { shape: "n" } } }, "usage", null],
    ["vars with 3 axes", { expr: "x'*x", wrt: "x", vars: { x: { shape: [2, 2, 2] } } }, "usage", null],
    ["vars unknown property", { expr: "tr(A)", wrt: "A", vars: { A: { shape: ["n", "n"], props: ["psd"] } } }, "usage", null],
    ["not an object", [1, 2], "usage", null],
    ["null", null, "usage", null],
    ["emit numpy, a size no variable carries", { expr: "ones(k,1)'*ones(k,1)*x'*x", wrt: "x", emit: ["numpy"] }, "unsupported", null],
    ["tensor of order 6", { expr: "tr(X^3)", wrt: "X", order: 3 }, "unsupported", null],
    ["emit numpy, a second Fréchet tensor", { expr: "tr(A*expm(X))", wrt: "X", order: 2, emit: ["numpy"] }, "unsupported", null],
    ["wrong-sized values", { expr: "x'*A*x", wrt: "x", values: { x: [1, 2, 3], A: [[1, 0], [0, 1]] } }, "value", null],
    ["missing value", { expr: "x'*A*x", wrt: "x", values: { x: [1, 2] } }, "value", null],
    ["value for a non-variable", { expr: "x'*x", wrt: "x", values: { x: [1], y: [2] } }, "value", null],
    ["non-numeric value", { expr: "x'*x", wrt: "x", values: { x: ["1"] } }, "value", null],
    ["value breaking a declared property", { expr: "S: spd(n)\nlogdet(S)", wrt: "S", values: { S: [[1, 2], [0, 1]] } }, "value", null],
    ["logdet of a singular matrix", { expr: "logdet(X)", wrt: "X", values: { X: [[1, 2], [2, 4]] } }, "domain", null],
    ["program too large", { expr: "x+".repeat(600_000) + "x", wrt: "x" }, "too-large", [1_000_000, 1_200_001]],
  ];

  it.each(cases)("%s", (_name, req, code, span) => {
    const r = handleRequest(req);
    const e = err(r);
    expect(e.code).toBe(code);
    expect(typeof e.message).toBe("string");
    expect(e.message.length).toBeGreaterThan(0);
    if (span) expect(e.span).toEqual(span);
    if (code === "syntax" || code === "unknown-function") expect(e.span).not.toBeNull();
  });

  it("emits code for a derivative with only an index form", () => {
    const r = ok(handleRequest({ expr: "X.*X", wrt: "X", emit: ["numpy", "ts"] }));
    expect(r.code?.numpy).toMatch(/np\.einsum\(/);
    expect(r.code?.ts).toMatch(/einsum\(/);
  });

  it("messages name the problem", () => {
    expect(err(handleRequest({ expr: "x", wrt: "x", emit: ["pdf"] })).message).toMatch(/unknown emit 'pdf'/);
    expect(err(handleRequest({ expr: "ones(k,1)'*ones(k,1)*x'*x", wrt: "x", emit: ["jax"] })).message).toMatch(/code generation/);
    expect(err(handleRequest({ wrt: "x" })).message).toMatch(/expr/);
    expect(err(handleRequest({ expr: "x", wrt: "x", order: -1 })).message).toMatch(/order/);
    expect(err(handleRequest({ expr: "x'*A*x", wrt: "x", values: { x: [1, 2] } })).message).toMatch(/'A'/);
  });

  it("echoes the id on failure too, and null when there is none", () => {
    expect(handleRequest({ id: 42, expr: "x+", wrt: "x" })).toMatchObject({ id: 42, ok: false });
    expect(handleRequest({ id: null, expr: "x+", wrt: "x" })).toMatchObject({ id: null, ok: false });
    expect(handleRequest({ expr: "x+", wrt: "x" })).toMatchObject({ id: null, ok: false });
    expect(handleRequest("x'*x")).toMatchObject({ id: null, ok: false, error: { code: "usage" } });
  });

  it("never throws, whatever it is given", () => {
    const odd: unknown[] = [undefined, 0, "", [], {}, { expr: {}, wrt: {} }, { expr: "(".repeat(5000) + "x", wrt: "x" }];
    for (const req of odd) expect(handleRequest(req).ok).toBe(false);
  });
});
