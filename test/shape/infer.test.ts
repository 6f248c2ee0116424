import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { differentiate } from "../../src/api/differentiate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";

const shapes = (src: string) => Object.fromEntries([...compile(src).vars.values()].map((v) => [v.name, v.shape]));

function err(src: string, wrt = "x", order = 1): { code: string; message: string; text: string | null } {
  try {
    differentiate(src, { wrt, order });
  } catch (e) {
    if (e instanceof MatcalcError) return { code: e.code, message: e.message, text: e.span ? src.slice(e.span[0], e.span[1]) : null };
    throw e;
  }
  throw new Error(`no error for ${src}`);
}

describe("inference by unification", () => {
  test("x'*A*x makes A square and names dimensions in order of appearance", () => {
    expect(shapes("x'*A*x")).toEqual({ x: ["n", 1], A: ["n", "n"] });
  });
  test("first-letter defaults: a-g scalar, h-z vector, A-Z matrix", () => {
    expect(shapes("a*x + b*y")).toEqual({ a: [1, 1], x: ["n", 1], b: [1, 1], y: ["n", 1] });
    expect(shapes("tr(X)")).toEqual({ X: ["n", "n"] });
  });
  test("use overrides the first-letter default of a scalar name: A*x - b makes b a vector", () => {
    expect(shapes("A*x - b")).toEqual({ A: ["n", "m"], x: ["m", 1], b: ["n", 1] });
  });
  test("scalars broadcast in sums: 1 + exp(x) keeps x a vector", () => {
    expect(compile("1 + exp(x)").f.shape).toEqual(["n", 1]);
  });
  test("declarations win, inline or external", () => {
    expect(shapes("S: spd(k)\nx'*S*x")).toEqual({ S: ["k", "k"], x: ["k", 1] });
    expect(shapes("theta: scalar\ntheta*x")).toEqual({ theta: [1, 1], x: ["n", 1] });
    const c = compile("x'*A*x", { vars: { A: { shape: ["p", "p"], props: ["symmetric"] } } });
    expect(c.vars.get("x")!.shape).toEqual(["p", 1]);
    expect(c.assumptions).toEqual(["x: vector(p) (inferred)", "A: symmetric(p)"]);
  });
  test("A, B: matrix(n) declares both; matrix(n, m) is rectangular; numeric dims are kept", () => {
    expect(shapes("A, B: matrix(n)\ntr(A*B)")).toEqual({ A: ["n", "n"], B: ["n", "n"] });
    expect(shapes("A: matrix(3, 2)\nx: vector(2)\nA*x")).toEqual({ A: [3, 2], x: [2, 1] });
  });
  test("definitions are shared, typed once, and used by name", () => {
    const c = compile("r = A*x - b\nr'*r");
    expect(c.f.shape).toEqual([1, 1]);
    expect(c.defs.map((d) => d.name)).toEqual(["r"]);
  });
  test("1x1 results act as scalars: (x'*y)*A", () => {
    expect(compile("(x'*y)*A").f.shape).toEqual(["m", "k"]);
  });
  test("every answer reports its assumptions", () => {
    expect(differentiate("x'*A*x", { wrt: "x" }).assumptions).toEqual([
      "x: vector(n) (inferred)",
      "A: matrix(n, n) (inferred)",
    ]);
  });
});

describe("shape and declaration errors name the culprit", () => {
  test("dimension mismatch in a product", () => {
    const e = err("A: matrix(n, m)\nx: vector(k)\nA*x");
    expect(e).toEqual({ code: "dimension", message: "A*x: A has m columns but x has length k", text: "A*x" });
  });
  test("dimension mismatch in a sum", () => {
    const e = err("x: vector(n)\ny: vector(m)\nx + y");
    expect(e.code).toBe("dimension");
    expect(e.text).toBe("x + y");
  });
  test("non-square arguments of tr, det, inv, expm", () => {
    for (const f of ["tr", "det", "inv", "expm", "logdet"]) {
      const e = err(`A: matrix(n, m)\n${f}(A)`, "A");
      expect(e.code).toBe("not-square");
      expect(e.text).toBe("A");
    }
  });
  test("unknown function with a suggestion, and wrong arity", () => {
    expect(err("trace(X)", "X")).toEqual({ code: "unknown-function", message: "unknown function 'trace' (did you mean 'tr'?)", text: "trace" });
    expect(err("tr(X, Y)", "X").code).toBe("arity");
  });
  test("wrt must be a variable", () => {
    expect(err("x'*x", "z").code).toBe("wrt");
    expect(err("r = A*x\nr'*r", "r").message).toMatch(/defined as an expression/);
    expect(err("x: vector(n)\nx'*x", "n").message).toMatch(/dimension/);
  });
  test("conflicting and malformed declarations", () => {
    expect(err("x: vector(n)\nx: vector(m)\nx'*x").code).toBe("declaration");
    expect(err("X: symetric(n)\ntr(X)", "X")).toEqual({
      code: "declaration",
      message: "unknown type 'symetric': expected scalar, vector, matrix, symmetric, spd, diagonal, orthogonal (did you mean 'symmetric'?)",
      text: "symetric(n)",
    });
    expect(err("X: matrix(n, m) symmetric\ntr(X)", "X").code).toBe("declaration");
  });
  test("redefinition and use before definition", () => {
    expect(err("y = x\ny = 2*x\ny'*y").code).toBe("redefinition");
    expect(err("x: vector(n)\nx = 2\nx'*x").code).toBe("redefinition");
    expect(err("z = y'*y\ny = 2*x\nz").code).toBe("undefined");
  });
  test("exponents must be scalars; an undeclared one is named with its first-letter default", () => {
    expect(err("a^x", "x").code).toBe("not-scalar");
    expect(err("X: spd(n); tr(X^p)", "X").message).toBe(
      "the exponent p must be a scalar (p is taken as a vector by its first letter; declare it: p: scalar)",
    );
  });
  test("unsupported derivatives are coded errors, never guesses", () => {
    const third = err("t: scalar; tr(A*expm(t*B + C))", "t", 3);
    expect(third.code).toBe("unsupported");
    expect(third.message).toMatch(/third Fréchet derivative/);
    expect(err("tr(X^3)", "X", 3).message).toMatch(/tensor of order 6/);
  });
});
