// Table edits of declared variables rewrite exactly their declaration statement, and nothing else.
// Input => expected text, one case per statement shape (single name, several names, not a declaration).

import { describe, expect, it } from "vitest";
import { type TextChange, redeclare, typeWords } from "../../web/src/declarations.js";
import type { VarOverride } from "../../web/src/state.js";

const apply = (s: string, c: TextChange | null): string | null => (c ? s.slice(0, c.from) + c.insert + s.slice(c.to) : null);
const spd: VarOverride = { kind: "matrix", dims: ["n", "n"], props: ["spd", "diagonal"] };

describe("redeclare", () => {
  it("writes type words for each kind", () => {
    expect(typeWords({ kind: "scalar", dims: [], props: [] })).toBe("scalar");
    expect(typeWords({ kind: "vector", dims: ["k"], props: [] })).toBe("vector(k)");
    expect(typeWords({ kind: "matrix", dims: ["n", "m"], props: [] })).toBe("matrix(n, m)");
    expect(typeWords(spd)).toBe("spd(n) diagonal(n)");
    expect(typeWords({ kind: "matrix", dims: ["n", "m"], props: ["symmetric"] })).toBe("matrix(n, m) symmetric");
  });

  it("replaces the type words of a one-name declaration, keeping comments and other statements", () => {
    const src = "S: spd(n)   # covariance\nlogdet(S)";
    expect(apply(src, redeclare(src, "S", 0, spd))).toBe("S: spd(n) diagonal(n)   # covariance\nlogdet(S)");
    const two = "A: spd(n); X: symmetric(n)\ntr(A*expm(X))";
    expect(apply(two, redeclare(two, "X", two.indexOf("X:"), { kind: "matrix", dims: ["n", "n"], props: [] }))).toBe(
      "A: spd(n); X: matrix(n, n)\ntr(A*expm(X))",
    );
  });

  it("splits a several-name declaration", () => {
    const src = "beta, rho: scalar\nrho*beta";
    expect(apply(src, redeclare(src, "rho", 6, { kind: "vector", dims: ["n"], props: [] }))).toBe(
      "beta: scalar; rho: vector(n)\nrho*beta",
    );
    const three = "A, B, C: matrix(n)\ntr(A*B*C)";
    expect(apply(three, redeclare(three, "A", 0, spd))).toBe("B, C: matrix(n); A: spd(n) diagonal(n)\ntr(A*B*C)");
  });

  it("declines anything that is not the name of a declaration", () => {
    expect(redeclare("x'*A*x", "A", 3, spd)).toBeNull();
    expect(redeclare("S = A + B\nS", "S", 0, spd)).toBeNull();
    expect(redeclare("S: spd(n)\nS @", "S", 0, spd)).toBeNull(); // text the lexer rejects
    expect(redeclare("S: spd(n)", "T", 0, spd)).toBeNull();
  });
});
