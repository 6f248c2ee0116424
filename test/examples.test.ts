// The runnable examples under examples/ (the seed problems): each answer's exact text, its numeric check,
// the Daleckii-Krein form of d tr(A*expm(X)), and how far off the commuting shortcut is.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkDerivative, differentiate } from "../src/api/differentiate.js";
import { handleRequest } from "../src/api/request.js";
import { randomValue } from "../src/numeric/check.js";
import { evaluateNodes } from "../src/numeric/evaluate.js";
import { eigSym } from "../src/numeric/linalg.js";
import * as M from "../src/numeric/matrix.js";
import { rng } from "../src/numeric/random.js";

const root = new URL("..", import.meta.url).pathname;
const example = (name: string) => readFileSync(`${root}examples/${name}`, "utf8");

// [file, wrt, expected derivative text]
const ANSWERS: readonly (readonly [string, string, string])[] = [
  ["gaussian-log-density.mc", "Sigma", "(inv(Sigma)*(x - mu)*(x - mu)'*inv(Sigma) - inv(Sigma))/2"],
  ["gaussian-log-density.mc", "mu", "inv(Sigma)*(x - mu)"],
  ["gaussian-log-density.mc", "x", "-inv(Sigma)*(x - mu)"],
  [
    "gaussian-density.mc",
    "Sigma",
    "r = x - mu; (2*pi)^(-k/2)*exp(-r'*inv(Sigma)*r/2)*(inv(Sigma)*r*r'*inv(Sigma) - inv(Sigma))/(2*sqrt(det(Sigma)))",
  ],
  ["gaussian-density.mc", "mu", "r = x - mu; (2*pi)^(-k/2)*exp(-r'*inv(Sigma)*r/2)*inv(Sigma)*r/sqrt(det(Sigma))"],
  ["gaussian-density.mc", "x", "r = x - mu; -(2*pi)^(-k/2)*exp(-r'*inv(Sigma)*r/2)*inv(Sigma)*r/sqrt(det(Sigma))"],
  ["trace-exp.mc", "X", "dexpm(X, A)"],
  [
    "quantum-loglik.mc",
    "theta1",
    "L = theta1*L1 + theta2*L2 + theta3*L3; beta*(tr(rho)*tr(L1*expm(-beta*L))/tr(expm(-beta*L)) - tr(L1*rho))",
  ],
  [
    "quantum-loglik.mc",
    "theta3",
    "L = theta1*L1 + theta2*L2 + theta3*L3; beta*(tr(rho)*tr(L3*expm(-beta*L))/tr(expm(-beta*L)) - tr(L3*rho))",
  ],
  [
    "quantum-loglik.mc",
    "beta",
    "L = theta1*L1 + theta2*L2 + theta3*L3; tr(rho)*tr(L*expm(-beta*L))/tr(expm(-beta*L)) - tr(rho*L)",
  ],
];

describe("the seed problems under examples/", () => {
  test.each(ANSWERS)("%s  d/d%s", (file, wrt, expected) => {
    const d = differentiate(example(file), { wrt });
    expect(d.derivative.text).toBe(expected);
    for (const seed of [1, 7]) {
      const report = checkDerivative(d, { seed });
      expect(report.status, report.message).toBe("PASS");
    }
  });

  test("d/dX tr(A*expm(X)) equals the Daleckii-Krein form Q*(R .* (Q'*A*Q))*Q'", () => {
    const d = differentiate(example("trace-exp.mc"), { wrt: "X" });
    const r = rng(5);
    for (const n of [3, 6]) {
      const X = randomValue(n, n, ["symmetric"], r, "general");
      const A = randomValue(n, n, ["spd"], r, "general");
      const env = { values: new Map([["X", X], ["A", A]]), dims: new Map([["n", n]]) };
      const got = evaluateNodes([d.result.expr!], env)[0]!;
      // Daleckii-Krein by hand: X = Q diag(l) Q', R(i,j) = (exp(l_i) - exp(l_j))/(l_i - l_j), R(i,i) = exp(l_i)
      const { values: l, vectors: Q } = eigSym(X);
      const B = M.matmul(M.matmul(M.transpose(Q), A), Q);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const li = l[i]!;
          const lj = l[j]!;
          const R = Math.abs(li - lj) < 1e-12 ? Math.exp(li) : (Math.exp(li) - Math.exp(lj)) / (li - lj);
          B.data[i * n + j] = B.data[i * n + j]! * R;
        }
      }
      const want = M.matmul(M.matmul(Q, B), M.transpose(Q));
      expect(M.maxAbs(M.sub(got, want)) / M.maxAbs(want)).toBeLessThan(1e-12);
    }
  });

  test("the trace identities of the seed blog post, as a JSON Lines batch", () => {
    const want: Record<string, string> = {
      "2.A": "(A + A')*mu",
      "3.A": "B'",
      "3.B": "C*A*B + C'*A*B'",
      "3.D": "det(A)*inv(A)'",
    };
    const lines = example("trace-identities.jsonl").trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const r = handleRequest(JSON.parse(line));
      if (!r.ok) throw new Error(r.error.message);
      expect(r.derivative.text).toBe(want[r.id as string]);
      expect(r.check?.status).toBe("PASS");
    }
  });

  test("the commuting shortcut is visibly wrong; matcalc agrees with finite differences", () => {
    const r = spawnSync("node", ["--import", "tsx", "examples/commuting-shortcut.ts"], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const rel = [...r.stdout.matchAll(/relative difference ([0-9.e+-]+)/g)].map((m) => Number(m[1]));
    expect(rel).toHaveLength(2);
    expect(rel[0]).toBeLessThan(1e-6); // matcalc
    expect(rel[1]).toBeGreaterThan(0.1); // the shortcut: off by 20 %
  });
});

describe("examples/claims.jsonl: derivatives someone wrote, checked", () => {
  // [id, agrees, claim - derivative, diagnosis]
  const VERDICTS: readonly (readonly [string, boolean, string | null, RegExp | null])[] = [
    ["quadratic form, general A", false, "(A - A')*x", null],
    ["quadratic form, symmetric A", true, null, null],
    ["tr(A*expm(X)), the commuting shortcut", false, "expm(X)*A - dexpm(X, A)", /^this takes X and A to commute: it writes dexpm\(X, A\) as expm\(X\)\*A/],
    ["tr(A*expm(X)), the Frechet derivative", true, null, null],
    [
      "quantum log-likelihood, the commuting shortcut",
      false,
      "L = theta1*L1 + theta2*L2 + theta3*L3; beta*(tr(L1*rho) - tr(L1*expm(beta*L)*rho*expm(-beta*L)))",
      null,
    ],
    ["logdet by symmetric X, the Cookbook's form", false, "inv(X) - diag(diag(inv(X)))", /^this is the Matrix Cookbook's 2\*G - diag\(diag\(G\)\)/],
  ];
  const lines = example("claims.jsonl").trim().split("\n");

  test("one line per verdict", () => {
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(VERDICTS.map((v) => v[0]));
  });

  test.each(VERDICTS)("%s", (id, agrees, difference, diagnosis) => {
    const r = handleRequest(JSON.parse(lines.find((l) => JSON.parse(l).id === id)!));
    if (!r.ok) throw new Error(r.error.message);
    const c = r.claim!;
    expect(c.agrees).toBe(agrees);
    expect(c.difference?.text ?? null).toBe(difference);
    if (diagnosis) expect(c.diagnosis).toMatch(diagnosis);
    else expect(c.diagnosis).toBeNull();
    // a refusal says by how much, and the size is a real one
    if (!agrees) {
      expect(c.relativeError).toBeGreaterThan(1e-2);
      expect(c.message).toContain(`relative error ${c.relativeError.toExponential(1)}`);
    } else expect(c.relativeError).toBeLessThanOrEqual(c.tolerance);
  });
});
