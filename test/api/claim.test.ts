// Checking a derivative someone wrote (checkClaim): verdicts, the simplified difference, the conventions a wrong
// claim is recognised by, and coded errors with spans into the claim.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLAIM_TOLERANCE, ClaimError, type ClaimReport, checkClaim } from "../../src/api/claim.js";
import { differentiate } from "../../src/api/differentiate.js";
import { handleRequest } from "../../src/api/request.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import type { Env } from "../../src/numeric/evaluate.js";
import { eigSym } from "../../src/numeric/linalg.js";
import * as M from "../../src/numeric/matrix.js";

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), "utf8");

function report(expr: string, wrt: string, claim: string, seed?: number): ClaimReport {
  return checkClaim(differentiate(expr, { wrt }), claim, seed !== undefined ? { seed } : {});
}

function claimError(expr: string, wrt: string, claim: string): ClaimError {
  try {
    report(expr, wrt, claim);
  } catch (e) {
    expect(e).toBeInstanceOf(ClaimError);
    return e as ClaimError;
  }
  throw new Error("expected a ClaimError");
}

describe("checkClaim: the examples of the issue", () => {
  it("x'*A*x with 2*A*x is refused for general A, with the difference (A - A')*x", () => {
    const r = report("x'*A*x", "x", "2*A*x");
    expect(r.agrees).toBe(false);
    expect(r.relativeError).toBeGreaterThan(0.01);
    expect(r.tolerance).toBe(CLAIM_TOLERANCE);
    expect(r.correct.text).toBe("(A + A')*x");
    expect(r.difference).toEqual({ text: "(A - A')*x", latex: "\\left(A - A^\\top\\right) x" });
    expect(r.diagnosis).toBeNull();
    expect(Object.keys(r.worstAt ?? {}).sort()).toEqual(["A", "x"]);
    expect(r.message).toMatch(/^WRONG: the claim is not the derivative \(relative error \d\.\de-\d at the worst of 3 random points, seed 1; tolerance 1e-8\)$/);
  });

  it("x'*A*x with 2*A*x is accepted for symmetric A", () => {
    const r = report("A: symmetric(n); x'*A*x", "x", "2*A*x");
    expect(r.agrees).toBe(true);
    expect(r.relativeError).toBeLessThanOrEqual(CLAIM_TOLERANCE);
    expect(r.difference).toBeNull();
    expect(r.diagnosis).toBeNull();
    expect(r.worstAt).toBeUndefined();
    expect(r.message).toMatch(/^AGREES: the claim is the derivative/);
  });

  it("tr(A*expm(X)) by symmetric X: the commuting shortcut expm(X)*A is refused with the size of its error", () => {
    const r = checkClaim(differentiate(example("trace-exp.mc"), { wrt: "X" }), "expm(X)*A");
    expect(r.agrees).toBe(false);
    expect(r.relativeError).toBeGreaterThan(1e-3);
    expect(r.message).toContain(`relative error ${r.relativeError.toExponential(1)}`);
    expect(r.difference?.text).toBe("expm(X)*A - dexpm(X, A)");
    expect(r.diagnosis).toBe("this takes X and A to commute: it writes dexpm(X, A) as expm(X)*A, which holds only when A commutes with X");
  });

  it.each([
    ["X: symmetric(n); A: spd(n); tr(A*expm(X))", "A*expm(X)", "this takes X and A to commute: it writes dexpm(X, A) as A*expm(X), which holds only when A commutes with X"],
    ["tr(A*logm(X))", "inv(X)'*A'", "this takes X' and A' to commute: it writes dlogm(X', A') as inv(X)'*A', which holds only when A' commutes with X'"],
  ])("the commuting shortcut is named: %s, claim %s", (expr, claim, why) => {
    expect(report(expr, "X", claim).diagnosis).toBe(why);
  });

  it("tr(A*expm(X)) by symmetric X: dexpm(X, A) is accepted", () => {
    expect(checkClaim(differentiate(example("trace-exp.mc"), { wrt: "X" }), "dexpm(X, A)").agrees).toBe(true);
  });

  it("tr(A*expm(X)) by symmetric X: the Daleckii-Krein form Q*(R .* (Q'*A*Q))*Q', written as a function, is accepted", () => {
    const d = differentiate(example("trace-exp.mc"), { wrt: "X" });
    const daleckiiKrein = (env: Env) => {
      const { values: l, vectors: Q } = eigSym(env.values.get("X")!);
      const B = M.matmul(M.matmul(M.transpose(Q), env.values.get("A")!), Q);
      const n = l.length;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const [li, lj] = [l[i]!, l[j]!];
          B.data[i * n + j]! *= Math.abs(li - lj) < 1e-12 ? Math.exp(li) : (Math.exp(li) - Math.exp(lj)) / (li - lj);
        }
      }
      return M.matmul(M.matmul(Q, B), M.transpose(Q));
    };
    const r = checkClaim(d, daleckiiKrein);
    expect(r.agrees, r.message).toBe(true);
    // the commuting shortcut as a function is refused, and no difference can be written for a function
    const shortcut = checkClaim(d, (env) => M.matmul(eigExpm(env.values.get("X")!), env.values.get("A")!));
    expect(shortcut.agrees).toBe(false);
    expect(shortcut.difference).toBeNull();
  });

  it("the seed blog's commuting shortcut for the quantum log-likelihood is refused, with its relative error", () => {
    const d = differentiate(example("quantum-loglik.mc"), { wrt: "theta1" });
    const r = checkClaim(d, "tr(-beta*rho*inv(sigma)*L1*sigma + beta*rho*tr(L1*sigma))");
    expect(r.agrees).toBe(false);
    expect(r.relativeError).toBeGreaterThan(0.01);
    // the difference keeps the program's definition L by name, and the shared t1 cancels
    expect(r.difference?.text).toBe(
      "L = theta1*L1 + theta2*L2 + theta3*L3; beta*(tr(L1*rho) - tr(L1*expm(beta*L)*rho*expm(-beta*L)))",
    );
    // the derivative itself, written with the program's definitions, is accepted
    expect(checkClaim(d, "beta*(tr(rho)*tr(L1*sigma) - tr(L1*rho))").agrees).toBe(true);
  });

  it("logdet by symmetric X with 2*inv(X) - diag(diag(inv(X))) is refused and named as the Cookbook's form", () => {
    const r = report("X: symmetric(n); logdet(X)", "X", "2*inv(X) - diag(diag(inv(X)))");
    expect(r.agrees).toBe(false);
    expect(r.difference?.text).toBe("inv(X) - diag(diag(inv(X)))");
    expect(r.diagnosis).toBe(
      "this is the Matrix Cookbook's 2*G - diag(diag(G)) of the gradient G, which is not a gradient: its inner product " +
        "with a symmetric direction counts the off-diagonal entries twice; for symmetric X the gradient is G = inv(X)",
    );
    expect(r.message).toContain(`; ${r.diagnosis}`);
  });
});

/** expm of a symmetric matrix through its eigendecomposition. */
function eigExpm(x: M.Mat): M.Mat {
  const { values: l, vectors: Q } = eigSym(x);
  return M.matmul(M.matmul(Q, M.diagFromVector(Array.from(l, Math.exp))), M.transpose(Q));
}

describe("checkClaim: conventions are named", () => {
  it.each([
    ["X: symmetric(n); tr(A*X)", "X", "A", /^this is the unconstrained gradient G0 .* for symmetric X the gradient is sym\(G0\) = \(G0 \+ G0'\)\/2 = \(A \+ A'\)\/2$/],
    ["X: diagonal(n); tr(A*X)", "X", "A'", /^this is the unconstrained gradient G0; for diagonal X the gradient is its diagonal part/],
    ["Q: orthogonal(n); tr(A*Q)", "Q", "A'", /^this is the Euclidean gradient G0; for orthogonal Q the gradient is the Riemannian gradient/],
    ["X: matrix(n, n); tr(A*X*B)", "X", "B*A", /^this is the transpose of the gradient: the gradient has the shape of X with df = tr\(G' dX\), G = A'\*B'$/],
    ["x'*A*x", "x", "-(A + A')*x", /^this is the derivative with the opposite sign$/],
    ["x'*A*x", "x", "2*(A + A')*x", /^this is 2 times the derivative$/],
    ["x'*A*x", "x", "(A + A')*x/2", /^this is 1\/2 times the derivative$/],
  ])("%s by %s, claim %s", (expr, wrt, claim, why) => {
    const r = report(expr, wrt, claim);
    expect(r.agrees).toBe(false);
    expect(r.diagnosis).toMatch(why);
  });

  it("the Jacobian in the other layout", () => {
    const d = differentiate("A*x + x.*x", { wrt: "x", vars: { A: { shape: ["n", "n"] } } });
    const r = checkClaim(d, "A' + 2*diag(x)");
    expect(r.agrees).toBe(false);
    expect(r.diagnosis).toBe("this is the denominator-layout Jacobian, the transpose of the numerator-layout A + 2*diag(x)");
    const den = differentiate("A*x + x.*x", { wrt: "x", layout: "denominator", vars: { A: { shape: ["n", "n"] } } });
    expect(checkClaim(den, "A' + 2*diag(x)").agrees).toBe(true);
  });

  it("a claim that is simply wrong gets no diagnosis", () => {
    const r = report("x'*A*x", "x", "A*x + x");
    expect(r.agrees).toBe(false);
    expect(r.diagnosis).toBeNull();
  });

  it("the verdict does not depend on the seed", () => {
    for (const seed of [1, 2, 99]) {
      expect(report("x'*A*x", "x", "A*x + A'*x", seed).agrees).toBe(true);
      expect(report("x'*A*x", "x", "2*A*x", seed).agrees).toBe(false);
    }
  });

  it("worstAt holds the values where claim and derivative differ most, and they do differ there", () => {
    const r = report("x'*A*x", "x", "2*A*x");
    const x = r.worstAt!.x as number[];
    const A = r.worstAt!.A as number[][];
    const n = x.length;
    let diff = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (A[i]![j]! - A[j]![i]!) * x[j]!;
      diff = Math.max(diff, Math.abs(s));
    }
    expect(diff).toBeGreaterThan(1e-3);
  });
});

describe("checkClaim: errors point into the claim", () => {
  it.each([
    ["x'*A*x", "x", "2*A*x +", "syntax", [7, 7]],
    ["x'*A*x", "x", "2*B*x", "undefined", [2, 3]],
    ["x'*A*x", "x", "frob(x)", "unknown-function", [0, 4]],
    ["x'*A*x", "x", "A*x'", "dimension", [0, 4]],
    ["x'*A*x", "x", "   ", "syntax", [0, 0]],
  ] as const)("%s by %s, claim %j: %s at %j", (expr, wrt, claim, code, span) => {
    const e = claimError(expr, wrt, claim);
    expect(e).toBeInstanceOf(MatcalcError);
    expect(e.field).toBe("claim");
    expect(e.code).toBe(code);
    expect(e.span).toEqual(span);
  });

  it("a claim of the transposed shape is named: a row for a gradient, the other layout for a Jacobian", () => {
    expect(claimError("x'*A*x", "x", "x'*(A + A')").message).toBe(
      "the claim is a row vector(n), but the derivative by x is a vector(n): it is the transpose of the gradient (the derivative as a row); " +
        "the gradient has the shape of x, with df = tr(G' dx): (A + A')*x",
    );
    expect(claimError("A*x", "x", "A'").message).toBe(
      "the claim is a matrix(m, n), but the derivative by x is a matrix(n, m): it is the denominator-layout derivative, " +
        "the transpose of the numerator-layout A (check it with layout denominator)",
    );
    expect(claimError("A*x", "x", "2*A'").message).toMatch(/and its transpose is not the derivative either$/);
    expect(claimError("tr(A*X*B)", "X", "B*A").message).toBe(
      "the claim is a matrix(k, m), but the derivative by X is a matrix(m, k): it is the transpose of the gradient; " +
        "the gradient has the shape of X, with df = tr(G' dX): A'*B'",
    );
  });

  it("the claim uses the program's definitions and may define its own", () => {
    expect(report("r = A*x - b; r'*r", "x", "2*A'*r").agrees).toBe(true);
    expect(report("r = A*x - b; r'*r", "x", "g = A'*r; 2*g").agrees).toBe(true);
    // restating the program's definitions, as matcalc's answers do, is fine; mixing restated and borrowed ones is not
    expect(report("r = A*x - b; r'*r", "x", "r = A*x - b; 2*A'*r").agrees).toBe(true);
    const e = claimError("r = A*x - b; g = A'*r; r'*r", "x", "r = A*x - b; 2*g");
    expect([e.code, e.span]).toEqual(["redefinition", [0, 1]]);
  });
});

describe("the JSON request field 'claim'", () => {
  it("a wrong claim: the verdict under 'claim', with the difference, the diagnosis and the values", () => {
    const r = handleRequest({ id: 3, expr: "X: symmetric(n); logdet(X)", wrt: "X", claim: "2*inv(X) - diag(diag(inv(X)))", seed: 4 });
    if (!r.ok) throw new Error(r.error.message);
    const c = r.claim!;
    expect(Object.keys(c).sort()).toEqual(
      ["agrees", "correct", "diagnosis", "difference", "message", "relativeError", "tolerance", "worstAt"].sort(),
    );
    expect(c.agrees).toBe(false);
    expect(c.correct).toEqual({ text: "inv(X)", latex: "X^{-1}" });
    expect(c.difference?.text).toBe("inv(X) - diag(diag(inv(X)))");
    expect(c.diagnosis).toMatch(/^this is the Matrix Cookbook's 2\*G - diag\(diag\(G\)\)/);
    expect(c.message).toMatch(/seed 4/);
    // worstAt is plain JSON: X is a symmetric matrix, as rows
    const X = c.worstAt!.X as number[][];
    expect(X.length).toBeGreaterThanOrEqual(3);
    X.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(X[j]![i]!, 12)));
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("a right claim agrees; difference and diagnosis are null and worstAt is absent", () => {
    const r = handleRequest({ expr: "x'*A*x", wrt: "x", vars: { A: { shape: ["n", "n"], props: ["symmetric"] } }, claim: "2*A*x" });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.claim).toMatchObject({ agrees: true, difference: null, diagnosis: null, tolerance: CLAIM_TOLERANCE });
    expect(r.claim).not.toHaveProperty("worstAt");
  });

  it("no claim, no 'claim' in the response", () => {
    const r = handleRequest({ expr: "x'*A*x", wrt: "x" });
    expect(r).not.toHaveProperty("claim");
  });

  it("an error in the claim is a failure with field 'claim' and a span into the claim", () => {
    const r = handleRequest({ id: 1, expr: "x'*A*x", wrt: "x", claim: "2*A*x +" });
    expect(r).toEqual({ id: 1, ok: false, error: { code: "syntax", message: "expected an expression after '+'", span: [7, 7], field: "claim" } });
    const bad = handleRequest({ id: 2, expr: "x'*A*x", wrt: "x", claim: "2*B*x" });
    expect(bad).toMatchObject({ ok: false, error: { code: "undefined", span: [2, 3], field: "claim" } });
  });

  it("an error in the expression has no field", () => {
    const r = handleRequest({ expr: "x'*A*x +", wrt: "x", claim: "2*A*x" });
    if (r.ok) throw new Error("expected a failure");
    expect(r.error.code).toBe("syntax");
    expect(r.error).not.toHaveProperty("field");
  });

  it("a claim that is not a string is a usage error", () => {
    const r = handleRequest({ expr: "x'*A*x", wrt: "x", claim: 2 });
    expect(r).toMatchObject({ ok: false, error: { code: "usage", message: "'claim' must be a string, got 2" } });
    expect(r.ok || r.error).not.toHaveProperty("field");
  });
});

describe("the README's library example", () => {
  it("holds as written", () => {
    const d = differentiate("X: symmetric(n); A: spd(n); tr(A*expm(X))", { wrt: "X" });
    const shortcut = checkClaim(d, "expm(X)*A");
    expect(shortcut.agrees).toBe(false);
    expect(shortcut.relativeError.toExponential(1)).toBe("8.5e-2");
    expect(checkClaim(d, "dexpm(X, A)").agrees).toBe(true);
  });
});

describe("matcalc's own answers, pasted back as claims", () => {
  // [program (or examples/ file), wrt, options]
  type Opts = { order?: number; layout?: "numerator" | "denominator" };
  const CASES: readonly (readonly [string, string, Opts])[] = [
    ["gaussian-log-density.mc", "Sigma", {}],
    ["gaussian-log-density.mc", "mu", {}],
    ["gaussian-density.mc", "Sigma", {}],
    ["quantum-loglik.mc", "theta1", {}],
    ["quantum-loglik.mc", "beta", {}],
    ["trace-exp.mc", "X", {}],
    ["A*X*B", "X", {}],
    ["x'*A*x", "x", { order: 2 }],
    ["A*x + x.*x", "x", { layout: "denominator" }],
    ["sum(log(1 + exp(-y.*(X*w))))", "w", {}],
    ["Q: orthogonal(n); tr(A*Q*B)", "Q", {}],
    ["D: diagonal(n); tr(A*D*B) + sum(exp(diag(D)))", "D", {}],
  ];
  const program = (p: string) => (p.endsWith(".mc") ? example(p) : p);

  it.each(CASES)("%s by %s %j: the answer agrees, 1.001 times it does not", (p, wrt, opts) => {
    const d = differentiate(program(p), { wrt, ...opts });
    const text = d.derivative.text;
    const right = checkClaim(d, text);
    expect(right.agrees, right.message).toBe(true);
    // definitions first (`L = ...; `), then the answer itself
    const cut = text.lastIndexOf("; ") + 1;
    const wrong = checkClaim(d, `${text.slice(0, cut)} 1.001*(${text.slice(cut)})`);
    expect(wrong.agrees).toBe(false);
    expect(wrong.relativeError).toBeCloseTo(0.001 / 1.001, 6);
    expect(wrong.diagnosis).toBe("this is 1.001 times the derivative");
  });
});

describe("checkClaim: a claim outside its domain", () => {
  it("is an error in the claim when it cannot be evaluated where the derivative can", () => {
    const e = claimError("x'*A*x", "x", "inv(x*x')*x");
    expect(e.code).toBe("domain");
    expect(e.message).toMatch(/^the claim cannot be evaluated at random values where the derivative can \(/);
  });
});
