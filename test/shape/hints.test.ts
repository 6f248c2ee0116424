// Hints of unknown functions and of `A:X`: by meaning where a name is a function elsewhere (NumPy, MATLAB), by
// spelling only when close, and the Frobenius product written the way the language has it.

import { describe, expect, it } from "vitest";
import { compile } from "../../src/api/compile.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";

function err(src: string): { code: string; message: string; text: string | null } {
  try {
    compile(src);
  } catch (e) {
    if (e instanceof MatcalcError) return { code: e.code, message: e.message, text: e.span ? src.slice(e.span[0], e.span[1]) : null };
    throw e;
  }
  throw new Error(`no error for ${src}`);
}

describe("unknown functions", () => {
  const cases: readonly (readonly [string, string])[] = [
    // by meaning: never a function that is only spelled alike (max is not tan, chol is not cos)
    ["max(x)", "unknown function 'max' (max is not supported yet; max(x, 0) is relu(x))"],
    ["min(x)", "unknown function 'min' (min is not supported yet; min(x, 0) is -relu(-x))"],
    ["chol(X)", "unknown function 'chol' (chol, the Cholesky factor, is not supported yet)"],
    ["logsumexp(x)", "unknown function 'logsumexp' (logsumexp is not supported yet as a function; write log(sum(exp(x))))"],
    ["softplus(x)", "unknown function 'softplus' (softplus is not supported yet as a function; write log(1 + exp(x)))"],
    ["softmax(x)", "unknown function 'softmax' (softmax is not supported yet as a function; write exp(x)/sum(exp(x)))"],
    ["dot(x, y)", "unknown function 'dot' (dot(x, y) is written x'*y)"],
    ["mean(x)", "unknown function 'mean' (mean is not supported yet; write sum(x)/N with N: scalar, the number of entries)"],
    ["norm(x)", "unknown function 'norm' (norm(x) is written norm2(x), the Euclidean norm, Frobenius for matrices; norm1(x) is the sum of absolute values)"],
    ["eig(X)", "unknown function 'eig' (eig, the eigendecomposition, is not supported yet)"],
    ["svd(X)", "unknown function 'svd' (svd is not supported yet)"],
    ["vec(X)", "unknown function 'vec' (vec is not supported yet)"],
    ["atan(x)", "unknown function 'atan' (atan(x) is written arctan(x))"],
    // synonyms and misspellings, of ours or of names known elsewhere
    ["trace(X)", "unknown function 'trace' (did you mean 'tr'?)"],
    ["tarce(X)", "unknown function 'tarce' (did you mean 'tr'?)"],
    ["Exp(x)", "unknown function 'Exp' (did you mean 'exp'?)"],
    ["sinn(x)", "unknown function 'sinn' (did you mean 'sin'?)"],
    ["lgdet(X)", "unknown function 'lgdet' (did you mean 'logdet'?)"],
    ["sigmiod(x)", "unknown function 'sigmiod' (did you mean 'sigmoid'?)"],
    ["sofmax(x)", "unknown function 'sofmax' (did you mean 'softmax'? softmax is not supported yet as a function; write exp(x)/sum(exp(x)))"],
    // nothing close: no hint
    ["foo(x)", "unknown function 'foo'"],
    ["frob(X)", "unknown function 'frob'"],
  ];
  it.each(cases)("%s", (src, message) => {
    const e = err(src);
    expect(e).toEqual({ code: "unknown-function", message, text: src.slice(0, src.indexOf("(")) });
  });
});

describe("what the hints say to write", () => {
  // every expression a hint of ELSEWHERE proposes, written for a vector x, y, matrices A, B, X and scalars a, N
  const written = [
    "relu(x)", "-relu(-x)", "exp(x)/sum(exp(x))", "log(sum(exp(x)))", "log(1 + exp(x))", "log(1 + x)", "exp(x) - 1",
    "log(x)/log(2)", "log(x)/log(10)", "(exp(x) - exp(-x))/2", "(exp(x) + exp(-x))/2", "x.^2", "X^2", "norm2(x)",
    "norm1(x)", "x'*y", "x*y'", "A*B", "A .* B", "X'", "x.^a", "X^a", "N: scalar\nsum(x)/N", "inv(X)", "logdet(X)",
    "arctan(x)", "arcsin(x)", "arccos(x)", "sigmoid(x)", "diag(x)", "exp(log(2)*x)",
  ];
  it.each(written)("%j compiles", (src) => {
    expect(() => compile(src)).not.toThrow();
  });
});

describe("A:X, the Frobenius product of some texts", () => {
  const HINT = "':' is not an operator: A:X, the Frobenius product, is written sum(A.*X) or tr(A'*X)";
  const cases: readonly (readonly [string, string, string])[] = [
    ["tr(A:X)", "syntax", HINT],
    ["f = A:X", "syntax", HINT],
    ["x'*x + A:X", "syntax", HINT],
    ["2*(A + B):X", "syntax", "':' is not an operator: the Frobenius product A:B is written sum(A.*B) or tr(A'*B)"],
    // a declaration gone wrong is not a product
    ["f(x) : matrix", "syntax", "unexpected ':'"],
  ];
  it.each(cases)("%s", (src, code, message) => {
    expect(err(src)).toEqual({ code, message, text: ":" });
  });

  it("at the start of a statement, where it reads as a declaration", () => {
    expect(err("A:X")).toEqual({
      code: "declaration",
      message:
        "unknown type 'X': expected scalar, vector, matrix, symmetric, spd, diagonal, orthogonal (if A:X is the Frobenius product, write sum(A.*X) or tr(A'*X))",
      text: "X",
    });
    expect(err("A:X'")).toEqual({
      code: "syntax",
      message: "unexpected \"'\" in declaration (for the Frobenius product A:B, write sum(A.*B) or tr(A'*B))",
      text: "'",
    });
    // a misspelt type word is still a misspelt type word
    expect(err("S: sdp(n)\ntr(S)").message).toMatch(/\(did you mean 'spd'\?\)$/);
    expect(err("S: sdp\ntr(S)").message).toMatch(/\(did you mean 'spd'\?\)$/);
  });

  it("what the hint says to write compiles, and the declarations it resembles still work", () => {
    expect(compile("sum(A.*X)").f.shape).toEqual([1, 1]);
    expect(compile("tr(A'*X)").f.shape).toEqual([1, 1]);
    expect(compile("A: matrix(n)\ntr(A)").f.shape).toEqual([1, 1]);
  });
});
