// Warnings about kinds the user did not write: a first-letter guess or a scalar broadcast that decides f's kind.

import { describe, expect, it } from "vitest";
import { compile } from "../../src/api/compile.js";

const LAMBDA =
  "lambda was taken as a vector from its first letter, which makes f a vector; declare `lambda: scalar` if it is one";

describe("shape warnings", () => {
  const cases: readonly (readonly [string, readonly { code: string; message: string }[]])[] = [
    ["norm2(X*w - y)^2 + lambda*w'*w", [{ code: "guessed-kind", message: LAMBDA }]],
    ["x'*A*x + y", [{ code: "guessed-kind", message: "y was taken as a vector from its first letter, which makes f a vector; declare `y: scalar` if it is one" }]],
    ["x'*x + C", [{ code: "guessed-kind", message: "C was taken as a matrix from its first letter, which makes f a matrix; declare `C: scalar` if it is one" }]],
    [
      "y: vector(n)\nx'*A*x + y",
      [{ code: "broadcast", message: "the scalar x'*A*x is added to every entry of y (a vector), which makes f a vector; if f should be a scalar, every term must be one" }],
    ],
    [
      "X: matrix(n, m)\n-X - 2*tr(X'*X) + 1",
      [{ code: "broadcast", message: "the scalar 2*tr(X'*X) is subtracted from every entry of X (a matrix), which makes f a matrix; if f should be a scalar, every term must be one" }],
    ],
    [
      "y: vector(n)\nx'*x + y + norm2(x)",
      [{ code: "broadcast", message: "the scalar x'*x (and 1 more scalar term) is added to every entry of y (a vector), which makes f a vector; if f should be a scalar, every term must be one" }],
    ],
    // a guessed vector scaling a scalar built from other vectors; a definition as the function
    ["lambda*w'*w", [{ code: "guessed-kind", message: LAMBDA }]],
    ["r = x'*x + y\nr", [{ code: "guessed-kind", message: "y was taken as a vector from its first letter, which makes f a vector; declare `y: scalar` if it is one" }]],
    // no warning: functions that are vectors or matrices on purpose
    ["inv(X)", []],
    ["X*X'", []],
    ["exp(x)", []],
    ["x*(x'*x)", []],
    ["t: scalar\nexpm(t*A)", []],
    ["t: scalar\nexp(t)*x", []],
    // a constant or a scalar variable added to every entry is common on purpose
    ["1 + exp(x)", []],
    ["sigmoid(x) - 0.5", []],
    ["c + exp(x)", []],
    ["A*x - 1", []],
    // no warning: f is a scalar, or the guess does not decide its kind
    ["lambda: scalar\nnorm2(X*w - y)^2 + lambda*w'*w", []],
    ["A*x - b", []],
    ["sigmoid(X*w) - y", []],
    ["x*y'", []],
    ["x'*A*x + c", []],
    ["sum(X + t'*t)", []],
  ];
  it.each(cases)("%j", (source, warnings) => {
    expect(compile(source).warnings).toEqual(warnings);
  });

  it("a variable declared outside the program is declared: no guess", () => {
    expect(compile("x'*x + y", { vars: { y: { shape: ["n"] } } }).warnings).toEqual([
      { code: "broadcast", message: "the scalar x'*x is added to every entry of y (a vector), which makes f a vector; if f should be a scalar, every term must be one" },
    ]);
    expect(compile("x'*x + y", { vars: { y: { shape: [] } } }).warnings).toEqual([]);
  });
});
