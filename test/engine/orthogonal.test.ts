// Derivatives with respect to an orthogonal variable: the Riemannian gradient (the tangent part of any gradient of
// the formula), Jacobians along tangent directions, and second derivatives refused with a coded error.

import { describe, expect, test } from "vitest";
import { checkDerivative, derivativeValue, differentiate } from "../../src/api/differentiate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { randomValue } from "../../src/numeric/check.js";
import * as M from "../../src/numeric/matrix.js";
import { rng } from "../../src/numeric/random.js";
import { derivation } from "../../src/steps/derivation.js";
import { verifyDerivation } from "../../src/steps/verify.js";

const N = 4;

function at(seed: number): Map<string, M.Mat> {
  const r = rng(seed);
  return new Map([
    ["Q", randomValue(N, N, ["orthogonal"], r, "general")],
    ["A", randomValue(N, N, [], r, "general")],
    ["B", randomValue(N, N, [], r, "general")],
  ]);
}

describe("gradient by an orthogonal matrix", () => {
  const cases = [
    ["tr(A*Q)", "(A' - Q*A*Q)/2"],
    ["tr(A*Q*B*Q')", "(A*Q*B + A'*Q*B' - Q*(B*Q'*A + (A*Q*B)')*Q)/2"],
    ["norm2(Q - A)^2", "Q - A - Q*(Q - A)'*Q"],
    ["tr(Q'*Q*A)", "zeros(n)"],
  ] as const;
  test.each(cases)("%s", (expr, text) => {
    const d = differentiate(`Q: orthogonal(n)\n${expr}`, { wrt: "Q" });
    expect(d.derivative.text).toBe(text);
    expect(d.notes.some((n) => n.includes("Riemannian gradient"))).toBe(true);
    expect(checkDerivative(d, { seed: 5 }).status).toBe("PASS");
    // The answer is tangent: Q'*G is antisymmetric.
    for (const seed of [1, 2]) {
      const values = at(seed);
      const g = derivativeValue(d, { values, dims: new Map([["n", N]]) });
      const s = M.matmulTN(values.get("Q")!, g);
      expect(M.maxAbs(M.add(s, M.transpose(s)))).toBeLessThan(1e-10);
    }
    const der = derivation(d);
    expect(der.steps[der.steps.length - 1]!.text).toBe(`df/dQ = ${text}`);
    expect(verifyDerivation(der, d.compiled.vars.values(), { seed: 3 }).status).toBe("PASS");
  });

  test("formulas equal on the orthogonal matrices get the same gradient", () => {
    // tr(A*Q) and tr(Q*Q'*A*Q) are one function on O(n); unconstrained, their gradients differ.
    const one = differentiate("Q: orthogonal(n)\ntr(A*Q)", { wrt: "Q" });
    const two = differentiate("Q: orthogonal(n)\ntr(Q*Q'*A*Q)", { wrt: "Q" });
    const values = at(7);
    const env = { values, dims: new Map([["n", N]]) };
    const diff = M.sub(derivativeValue(one, env), derivativeValue(two, env));
    expect(M.maxAbs(diff)).toBeLessThan(1e-12);
  });
});

describe("other derivatives by an orthogonal matrix", () => {
  test("a Jacobian is taken along tangent directions and checks", () => {
    const d = differentiate("Q: orthogonal(n)\nA*Q", { wrt: "Q" });
    expect(d.notes.some((n) => n.includes("tangent directions"))).toBe(true);
    expect(checkDerivative(d, { seed: 2 }).status).toBe("PASS");
  });

  test("second derivatives are a coded unsupported error", () => {
    let err: unknown = null;
    try {
      differentiate("Q: orthogonal(n)\ntr(A*Q)", { wrt: "Q", order: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MatcalcError);
    expect((err as MatcalcError).code).toBe("unsupported");
    expect((err as MatcalcError).message).toMatch(/Riemannian Hessian/);
  });
});
