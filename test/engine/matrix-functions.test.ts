// The matrix functions expm, logm, sqrtm and X^p: exact derivatives with their Fréchet operators, every
// rewrite rule checked numerically against the unrewritten formula, and the adjoint rule checked as an identity.

import { describe, expect, test } from "vitest";
import { differentiate } from "../../src/api/differentiate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { randomValue } from "../../src/numeric/check.js";
import * as L from "../../src/numeric/linalg.js";
import * as F from "../../src/numeric/matfun.js";
import * as M from "../../src/numeric/matrix.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { rng } from "../../src/numeric/random.js";
import { expectIdentity } from "./expect-identity.js";
import { type RewriteRule, type Values, testRewriteRules, v } from "./rewrite-rules.js";

// [program, wrt, order, expected derivative text]
const TABLE: readonly (readonly [string, string, number, string])[] = [
  ["tr(A*expm(X))", "X", 1, "dexpm(X', A')"],
  ["X: symmetric(n)\ntr(A*expm(X))", "X", 1, "dexpm(X, A + A')/2"],
  ["X: symmetric(n); A: spd(n)\ntr(A*expm(X))", "X", 1, "dexpm(X, A)"],
  ["tr(expm(X))", "X", 1, "expm(X)'"],
  ["tr(expm(X)*B)", "B", 1, "expm(X)'"],
  ["tr(expm(2*X))", "X", 1, "2*expm(2*X)'"],
  ["tr(expm(X)*expm(X))", "X", 1, "2*(expm(X)^2)'"],
  ["tr(X*expm(X))", "X", 1, "(X*expm(X) + expm(X))'"],
  ["logdet(expm(X))", "X", 1, "eye(n)"],
  ["det(expm(X))", "X", 1, "exp(tr(X))*eye(n)"],
  ["sum(expm(X))", "X", 1, "dexpm(X', ones(n))"],
  ["u'*expm(X)*v", "X", 1, "dexpm(X', u*v')"],
  ["norm2(expm(X))^2", "X", 1, "2*dexpm(X', expm(X))"],
  ["x'*expm(A)*x", "x", 1, "(expm(A)' + expm(A))*x"],
  ["t: scalar\nexpm(t*A)", "t", 1, "expm(t*A)*A"],
  ["t: scalar\nexpm(t*A)", "t", 2, "expm(t*A)*A^2"],
  ["t: scalar\nexpm(t*A + B)", "t", 1, "dexpm(B + t*A, A)"],
  ["t: scalar\ntr(expm(t*A + B))", "t", 1, "tr(A*expm(B + t*A))"],
  ["tr(logm(X))", "X", 1, "inv(X)'"],
  ["X: spd(n)\ntr(A*logm(X))", "X", 1, "dlogm(X, A + A')/2"],
  ["X: spd(n)\ntr(logm(inv(X))*A)", "X", 1, "-dlogm(X, A + A')/2"],
  ["X: spd(n)\ntr(logm(X)*logm(X))", "X", 1, "inv(X)*logm(X) + logm(X)*inv(X)"],
  ["S: symmetric(n)\ntr(A*logm(expm(S)))", "S", 1, "(A + A')/2"],
  ["X: spd(n)\ntr(expm(logm(X))*A)", "X", 1, "(A + A')/2"],
  ["tr(A*sqrtm(X))", "X", 1, "dsqrtm(X', A')"],
  ["X: spd(n)\ntr(A*sqrtm(X))", "X", 1, "dsqrtm(X, A + A')/2"],
  ["X: spd(n)\ntr(sqrtm(X))", "X", 1, "inv(sqrtm(X))/2"],
  ["X: spd(n)\nlogdet(sqrtm(X))", "X", 1, "inv(X)/2"],
  ["X: spd(n)\ntr(A*inv(sqrtm(X)))", "X", 1, "-dsqrtm(X, inv(sqrtm(X))*(A + A')*inv(sqrtm(X)))/2"],
  ["X: spd(n); p: scalar\ntr(A*X^p)", "X", 1, "dpowm(X, p, A + A')/2"],
  ["X: spd(n); p: scalar\ntr(A*X^p)", "p", 1, "tr(A*X^p*logm(X))"],
  ["X: spd(n)\ntr(X^0.5)", "X", 1, "inv(sqrtm(X))/2"],
  ["X: spd(n)\ntr(X^1.5)", "X", 1, "3*sqrtm(X)/2"],
  ["X: spd(n)\nlogdet(X^1.5)", "X", 1, "3*inv(X)/2"],
  ["X: spd(n)\ntr(A*X^2.5)", "X", 1, "dpowm(X, 5/2, A + A')/2"],
  // second derivatives: the second Fréchet derivative d2expm(X, E, F) where the variable enters X
  ["t: scalar\ntr(A*expm(t*B + C))", "t", 2, "tr(A*d2expm(C + t*B, B, B))"],
  ["S: symmetric(n); t: scalar\ntr(A*expm(S + t*B))", "t", 2, "tr(A*d2expm(S + t*B, B, B))"],
  ["s: scalar; t: scalar\ntr(A*dexpm(s*B + t*C, B))", "t", 1, "tr(A*d2expm(s*B + t*C, B, C))"],
  ["t: scalar\ntr(A*d2expm(X, t*B + C, D))", "t", 1, "tr(A*d2expm(X, B, D))"],
  ["tr(A*dexpm(X, B))", "X", 1, "d2expm(X', A', B')"],
  ["X: symmetric(n)\ntr(A*dexpm(X, B))", "X", 1, "(d2expm(X, A, B) + d2expm(X, A', B'))/2"],
  ["x: vector(n); u: vector(n)\ntr(A*expm(B + (u'*x)*C))", "x", 2, "tr(A*d2expm(B + u'*x*C, C, C))*u*u'"],
  [
    "x: vector(n); u: vector(n); v: vector(n)\ntr(A*expm(B + (u'*x)*C + (v'*x)*D))",
    "x",
    2,
    "u*(tr(C*d2expm(B + u'*x*C + v'*x*D, A, C))*u + tr(D*d2expm(B + u'*x*C + v'*x*D, A, C))*v)' + " +
      "v*(tr(C*d2expm(B + u'*x*C + v'*x*D, A, D))*u + tr(D*d2expm(B + u'*x*C + v'*x*D, A, D))*v)'",
  ],
  [
    "L1, L2, L3: symmetric(n); rho: spd(n); beta, theta1, theta2, theta3: scalar\nL = theta1*L1 + theta2*L2 + theta3*L3\n" +
      "sigma = expm(-beta*L)/tr(expm(-beta*L))\nlogdet(expm(rho*logm(sigma)))",
    "theta1",
    2,
    "L = theta1*L1 + theta2*L2 + theta3*L3; " +
      "(tr(L1*expm(-beta*L))^2/tr(expm(-beta*L))^2 - tr(L1*dexpm(-beta*L, L1))/tr(expm(-beta*L)))*tr(rho)*beta^2",
  ],
  [
    "S: spd(n); P: spd(n); t: scalar\ntr(A*logm(S + exp(t)*P))",
    "t",
    2,
    "tr(A*dlogm(S + exp(t)*P, P))*exp(t) + tr(A*d2logm(S + exp(t)*P, P, P))*exp(t)^2",
  ],
  [
    "S: spd(n); P: spd(n); t: scalar\ntr(A*sqrtm(S + exp(t)*P))",
    "t",
    2,
    "tr(A*dsqrtm(S + exp(t)*P, P))*exp(t) + tr(A*d2sqrtm(S + exp(t)*P, P, P))*exp(t)^2",
  ],
  [
    "S: spd(n); P: spd(n); t: scalar; p: scalar\ntr(A*(S + exp(t)*P)^p)",
    "t",
    2,
    "tr(A*dpowm(S + exp(t)*P, p, P))*exp(t) + tr(A*d2powm(S + exp(t)*P, p, P, P))*exp(t)^2",
  ],
  [
    "S: spd(n); P: spd(n); t: scalar\ntr(A*(S + t*t*P)^2.5)",
    "t",
    2,
    "2*tr(A*dpowm(S + t^2*P, 5/2, P)) + 4*tr(A*d2powm(S + t^2*P, 5/2, P, P))*t^2",
  ],
  // the exponent and the matrix both depend on t: the derivative of dpowm in p is dpowm(X, p, E)*logm(X) + X^p*dlogm(X, E)
  [
    "S: spd(n); P: spd(n); t: scalar\ntr(A*(S + exp(t)*P)^t)",
    "t",
    2,
    "tr(A*(exp(t)*dpowm(S + exp(t)*P, t, P) + exp(t)*(S + exp(t)*P)^t*dlogm(S + exp(t)*P, P) + " +
      "exp(t)*(exp(t)*d2powm(S + exp(t)*P, t, P, P) + (S + exp(t)*P)^t*dlogm(S + exp(t)*P, P) + " +
      "dpowm(S + exp(t)*P, t, P)*logm(S + exp(t)*P)) + (exp(t)*dpowm(S + exp(t)*P, t, P) + " +
      "(S + exp(t)*P)^t*logm(S + exp(t)*P))*logm(S + exp(t)*P)))",
  ],
  ["X: spd(n); p: scalar\ntr(A*dpowm(X, p, B))", "p", 1, "tr(A*(X^p*dlogm(X, B) + dpowm(X, p, B)*logm(X)))"],
  ["X: spd(n)\ntr(A*dlogm(X, B))", "X", 1, "(d2logm(X, A, B) + d2logm(X, A', B'))/2"],
  ["X: spd(n)\ntr(A*dsqrtm(X, B))", "X", 1, "(d2sqrtm(X, A, B) + d2sqrtm(X, A', B'))/2"],
  ["X: spd(n); p: scalar\ntr(A*dpowm(X, p, B))", "X", 1, "(d2powm(X, p, A, B) + d2powm(X, p, A', B'))/2"],
];

describe("derivatives through matrix functions: exact text, numeric check, round trip", () => {
  test.each(TABLE)("%s  d/d%s (order %i)", expectIdentity);

  test("every answer with a Fréchet operator says what the operator is, and logm/sqrtm state their conditions", () => {
    const d = differentiate("X: spd(n)\ntr(A*logm(X))", { wrt: "X" });
    expect(d.notes.some((n) => n.startsWith("dlogm(X, E) is the Fréchet derivative of the principal logm"))).toBe(true);
    expect(d.notes.some((n) => n.includes("no eigenvalue on the closed negative real axis"))).toBe(true);
    // Where the trace rule removes the operator, no explanation of it is needed.
    expect(differentiate("tr(expm(X))", { wrt: "X" }).notes.some((n) => n.includes("dexpm"))).toBe(false);
  });

  test("LaTeX writes the Fréchet derivative as L_f(X, E)", () => {
    expect(differentiate("tr(A*expm(X))", { wrt: "X" }).derivative.latex).toBe("L_{\\exp}\\left(X^\\top, A^\\top\\right)");
    expect(differentiate("X: spd(n); p: scalar\ntr(A*X^p)", { wrt: "X" }).derivative.latex).toBe(
      "\\frac{L_{(\\cdot)^{p}}\\left(X, A + A^\\top\\right)}{2}",
    );
  });

  test("LaTeX writes the second Fréchet derivative as L^{(2)}_f(X, E, F)", () => {
    expect(differentiate("t: scalar\ntr(A*expm(t*B + C))", { wrt: "t", order: 2 }).derivative.latex).toBe(
      "\\operatorname{tr}\\left(A L^{(2)}_{\\exp}\\left(C + t B, B, B\\right)\\right)",
    );
    expect(differentiate("X: spd(n); p: scalar\ntr(A*dpowm(X, p, B))", { wrt: "X" }).derivative.latex).toBe(
      "\\frac{L^{(2)}_{(\\cdot)^{p}}\\left(X, A, B\\right) + L^{(2)}_{(\\cdot)^{p}}\\left(X, A^\\top, B^\\top\\right)}{2}",
    );
  });

  test("an answer with a second Fréchet operator says what it is", () => {
    const d = differentiate("t: scalar\ntr(A*expm(t*B + C))", { wrt: "t", order: 2 });
    expect(d.notes.some((n) => n.startsWith("d2expm(X, E, F) is the second Fréchet derivative of expm at X in the directions E and F"))).toBe(true);
  });

  test("third derivatives through a matrix function of the variable are a coded error", () => {
    for (const [src, wrt] of [
      ["t: scalar\ntr(A*expm(t*B + C))", "t"],
      ["S: spd(n); P: spd(n); t: scalar\ntr(A*logm(S + exp(t)*P))", "t"],
    ] as const) {
      let err: unknown = null;
      try {
        differentiate(src, { wrt, order: 3 });
      } catch (e) {
        err = e;
      }
      expect(err, src).toBeInstanceOf(MatcalcError);
      expect((err as MatcalcError).code, src).toBe("unsupported");
      expect((err as MatcalcError).message, src).toMatch(/third Fréchet derivative/);
    }
    // the exponent of d2powm
    expect(() => differentiate("X: spd(n); t: scalar\ntr(A*d2powm(X, t, B, C))", { wrt: "t" })).toThrow(/third derivative of X\^p/);
  });
});

// ---------------------------------------------------------------- rewrite rules, checked numerically

const s = (x: number) => M.scalar(x);

// [rule, program (built through the rule), the unrewritten left side computed directly, expected canonical text]
const RULES: readonly RewriteRule[] = [
  ["tr(logm(X)) = logdet(X)", "X: spd(n)\ntr(logm(X))", (e) => s(M.trace(F.logm(v(e, "X")))), "logdet(X)"],
  ["logdet(expm(M)) = tr(M)", "logdet(expm(A))", (e) => s(L.logdet(F.expm(v(e, "A")))), "tr(A)"],
  ["det(expm(M)) = exp(tr(M))", "det(expm(A))", (e) => s(L.det(F.expm(v(e, "A")))), "exp(tr(A))"],
  ["expm(logm(X)) = X", "X: spd(n)\nexpm(logm(X))", (e) => F.expm(F.logm(v(e, "X"))), "X"],
  ["logm(expm(S)) = S for symmetric S", "S: symmetric(n)\nlogm(expm(S))", (e) => F.logm(F.expm(v(e, "S"))), "S"],
  ["logm(inv(X)) = -logm(X)", "X: spd(n)\nlogm(inv(X))", (e) => F.logm(L.inv(v(e, "X"))), "-logm(X)"],
  [
    "logm(c*M) = log(c)*I + logm(M) for c > 0",
    "X: spd(n)\nlogm(exp(a)*X)",
    (e) => F.logm(M.scale(v(e, "X"), Math.exp(v(e, "a").data[0]!))),
    "a*eye(n) + logm(X)",
  ],
  [
    "logm(M/tr(expm(S))) = logm(M) - log(tr(expm(S)))*I",
    "S: symmetric(n)\nlogm(expm(S)/tr(expm(S)))",
    (e) => {
      const x = F.expm(v(e, "S"));
      return F.logm(M.scale(x, 1 / M.trace(x)));
    },
    "S - log(tr(expm(S)))*eye(n)",
  ],
  ["logdet(X^p) = p*logdet(X)", "X: spd(n)\nlogdet(X^1.5)", (e) => s(L.logdet(F.powm(v(e, "X"), 1.5))), "3*logdet(X)/2"],
  ["det(X^p) = det(X)^p", "X: spd(n)\ndet(X^1.5)", (e) => s(L.det(F.powm(v(e, "X"), 1.5))), "det(X)^1.5"],
  ["logdet(sqrtm(X)) = logdet(X)/2", "X: spd(n)\nlogdet(sqrtm(X))", (e) => s(L.logdet(F.sqrtm(v(e, "X")))), "logdet(X)/2"],
  ["X^(1/2) = sqrtm(X)", "X: spd(n)\nX^0.5", (e) => F.powm(v(e, "X"), 0.5), "sqrtm(X)"],
  ["X^(-1/2) = inv(sqrtm(X))", "X: spd(n)\nX^-0.5", (e) => F.powm(v(e, "X"), -0.5), "inv(sqrtm(X))"],
  ["log(x^p) = p*log(x) for x > 0", "log(exp(a)^b)", (e) => s(b0(e) * a0(e)), "a*b"],
  [
    "tr(P*(c*I + M)) = c*tr(P) + tr(P*M)",
    "tr(A*(a*eye(n) + B))",
    (e) => s(M.trace(M.matmul(v(e, "A"), M.addIdentity(v(e, "B"), a0(e))))),
    "a*tr(A) + tr(A*B)",
  ],
  [
    "dexpm(X, E) = expm(X)*E when E commutes with X",
    "dexpm(X, X^2 + 3*X)",
    (e) => F.frechet("expm", v(e, "X"), M.add(M.matmul(v(e, "X"), v(e, "X")), M.scale(v(e, "X"), 3))),
    "expm(X)*(3*X + X^2)",
  ],
  [
    "dlogm(X, E) = inv(X)*E when E commutes with X",
    "X: spd(n)\ndlogm(X, expm(X))",
    (e) => F.frechet("logm", v(e, "X"), F.expm(v(e, "X"))),
    "inv(X)*expm(X)",
  ],
  [
    "tr(G*dexpm(X, E)) = tr(G*expm(X)*E) when G commutes with X",
    "tr(inv(X)*dexpm(X, A))",
    (e) => s(M.trace(M.matmul(L.inv(v(e, "X")), F.frechet("expm", v(e, "X"), v(e, "A"))))),
    "tr(A*inv(X)*expm(X))",
  ],
  [
    "tr(dsqrtm(X, E)) = tr(inv(sqrtm(X))*E)/2",
    "X: spd(n)\ntr(dsqrtm(X, A))",
    (e) => s(M.trace(F.frechet("sqrtm", v(e, "X"), v(e, "A")))),
    "tr(A*inv(sqrtm(X)))/2",
  ],
  [
    "dexpm(X, E)' = dexpm(X', E')",
    "dexpm(X, A)'",
    (e) => M.transpose(F.frechet("expm", v(e, "X"), v(e, "A"))),
    "dexpm(X', A')",
  ],
  [
    "dexpm(X, A) + dexpm(X, B) = dexpm(X, A + B)",
    "dexpm(X, A) + 2*dexpm(X, B)",
    (e) => M.add(F.frechet("expm", v(e, "X"), v(e, "A")), M.scale(F.frechet("expm", v(e, "X"), v(e, "B")), 2)),
    "dexpm(X, A + 2*B)",
  ],
  [
    "dpowm(X, p, c*E) = c*dpowm(X, p, E)",
    "X: spd(n)\ndpowm(X, 0.3, 2*A)",
    (e) => M.scale(F.frechetPow(v(e, "X"), 0.3, v(e, "A")), 2),
    "2*dpowm(X, 0.3, A)",
  ],
  [
    "d2expm(X, E, F)' = d2expm(X', E', F')",
    "d2expm(X, A, B)'",
    (e) => M.transpose(F.frechet2("expm", v(e, "X"), v(e, "A"), v(e, "B"))),
    "d2expm(X', A', B')",
  ],
  [
    "d2expm(X, F, E) = d2expm(X, E, F)",
    "d2expm(X, B, A)",
    (e) => F.frechet2("expm", v(e, "X"), v(e, "B"), v(e, "A")),
    "d2expm(X, A, B)",
  ],
  [
    "d2logm(X, a*E, c*F) = a*c*d2logm(X, E, F)",
    "X: spd(n)\nd2logm(X, a*A, 2*B)",
    (e) => F.frechet2("logm", v(e, "X"), M.scale(v(e, "A"), a0(e)), M.scale(v(e, "B"), 2)),
    "2*a*d2logm(X, A, B)",
  ],
  [
    "d2expm(X, E, F) = expm(X)*E*F when E and F commute with X",
    "d2expm(X, X, X^2 + eye(n))",
    (e) => F.frechet2("expm", v(e, "X"), v(e, "X"), M.addIdentity(M.matmul(v(e, "X"), v(e, "X")), 1)),
    "expm(X)*X*(eye(n) + X^2)",
  ],
  [
    "d2logm(X, E, F) = -inv(X)^2*E*F when E and F commute with X",
    "X: spd(n)\nd2logm(X, X, expm(X))",
    (e) => F.frechet2("logm", v(e, "X"), v(e, "X"), F.expm(v(e, "X"))),
    "-inv(X)*expm(X)",
  ],
  [
    "d2sqrtm(X, E, F) = -inv(X*sqrtm(X))*E*F/4 when E and F commute with X",
    "X: spd(n)\nd2sqrtm(X, eye(n), X)",
    (e) => F.frechet2("sqrtm", v(e, "X"), M.eye(4), v(e, "X")),
    "-inv(X*sqrtm(X))*X/4",
  ],
  [
    "d2powm(X, p, E, F) = p*(p - 1)*X^(p - 2)*E*F when E and F commute with X",
    "X: spd(n)\nd2powm(X, 0.3, X, inv(X))",
    (e) => F.frechet2Pow(v(e, "X"), 0.3, v(e, "X"), L.inv(v(e, "X"))),
    "-0.21*X^(-1.7)",
  ],
  ["d2expm(a, b, c) = exp(a)*b*c for scalars", "d2expm(a, b, c)", (e) => s(Math.exp(a0(e)) * b0(e) * v(e, "c").data[0]!), "b*c*exp(a)"],
];

function a0(e: Values): number {
  return v(e, "a").data[0]!;
}
function b0(e: Values): number {
  return v(e, "b").data[0]!;
}

describe("rewrite rules of the matrix functions hold numerically", () => {
  testRewriteRules(RULES, 1e-9);
});

// ---------------------------------------------------------------- the adjoint of a Fréchet derivative

describe("adjoint rule: <G, L_f(X, E)> = <L_f(X', G), E>", () => {
  const inner = (a: Mat, b: Mat) => M.sum(M.hadamard(a, b));
  test.each(["expm", "logm", "sqrtm"] as const)("%s, general X with positive spectrum", (f) => {
    const r = rng(11);
    const x = randomValue(5, 5, [], r, "positive");
    const e = randomValue(5, 5, [], r, "general");
    const g = randomValue(5, 5, [], r, "general");
    const lhs = inner(g, F.frechet(f, x, e));
    const rhs = inner(F.frechet(f, M.transpose(x), g), e);
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-9);
  });
  test("X^p", () => {
    const r = rng(12);
    const x = randomValue(5, 5, [], r, "positive");
    const e = randomValue(5, 5, [], r, "general");
    const g = randomValue(5, 5, [], r, "general");
    const lhs = inner(g, F.frechetPow(x, 0.7, e));
    const rhs = inner(F.frechetPow(M.transpose(x), 0.7, g), e);
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-9);
  });
});

describe("adjoint rule: <G, L2_f(X, E, F)> = <L2_f(X', E', G), F> = <L2_f(X', F', G), E>", () => {
  const inner = (a: Mat, b: Mat) => M.sum(M.hadamard(a, b));
  const cases = [
    ["expm", (x: Mat, e: Mat, f: Mat) => F.frechet2("expm", x, e, f)],
    ["logm", (x: Mat, e: Mat, f: Mat) => F.frechet2("logm", x, e, f)],
    ["sqrtm", (x: Mat, e: Mat, f: Mat) => F.frechet2("sqrtm", x, e, f)],
    ["X^0.7", (x: Mat, e: Mat, f: Mat) => F.frechet2Pow(x, 0.7, e, f)],
  ] as const;
  test.each(cases)("%s, general X with positive spectrum", (_name, l2) => {
    const r = rng(13);
    const x = randomValue(5, 5, [], r, "positive");
    const [e, f, g] = [0, 1, 2].map(() => randomValue(5, 5, [], r, "general")) as [Mat, Mat, Mat];
    const lhs = inner(g, l2(x, e, f));
    const xt = M.transpose(x);
    expect(Math.abs(lhs - inner(l2(xt, M.transpose(e), g), f)) / Math.abs(lhs)).toBeLessThan(1e-9);
    expect(Math.abs(lhs - inner(l2(xt, M.transpose(f), g), e)) / Math.abs(lhs)).toBeLessThan(1e-9);
  });
});
