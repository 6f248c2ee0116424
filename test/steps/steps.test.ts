// Step-by-step derivations: every step of every derivation in the identity table holds numerically (each
// unexpanded d(u) taken as u's directional derivative), ends in the engine's answer, and classics read exactly as written.

import katex from "katex";
import { describe, expect, test } from "vitest";
import { compile, describeVar } from "../../src/api/compile.js";
import { type Differentiated, differentiate } from "../../src/api/differentiate.js";
import { handleRequest } from "../../src/api/request.js";
import { type Io } from "../../src/cli/commands.js";
import { PLAIN } from "../../src/cli/render.js";
import { run } from "../../src/cli/run.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import type { IndexForm } from "../../src/diff/tensor.js";
import type { Node } from "../../src/ir/node.js";
import { parseIndexText } from "../../src/print/index-notation.js";
import { type Derivation, derivation, deriveSteps } from "../../src/steps/derivation.js";
import { MAX_STEPS } from "../../src/steps/expand.js";
import { stepsLatex, stepsText } from "../../src/steps/format.js";
import { verifyDerivation } from "../../src/steps/verify.js";
import { IDENTITIES } from "../engine/identities.js";

const GAUSSIAN = "S: spd(n)\n-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)";

/** The answer without the definitions printed before it ("r = A*x - b; 2*A'*r" -> "2*A'*r"). */
const answerOf = (text: string) => text.slice(text.lastIndexOf("; ") + 1).trim();

function leibniz(wrt: string, order: number): string {
  return order === 1 ? `df/d${wrt}` : `d^${order}f/d${wrt}^${order}`;
}

function steps(expr: string, wrt: string, order = 1) {
  return deriveSteps(differentiate(expr, { wrt, order }));
}

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => "",
    stdinLines: async function* () {},
    outColors: PLAIN,
    errColors: PLAIN,
  };
  const code = await run(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Where writing out top-down merges terms that the bottom-up pass keeps apart (2*tr(P*U') for tr(U*P') + tr(P*U')). */
const MERGED = new Set(["tr((A*X*B + C)*(A*X*B + C)')"]);

describe("every derivation of the identity table", () => {
  const table = IDENTITIES.map(([e, w, o]) => [e, w, o] as [string, string, number]);
  test.each(table)("%s  d/d%s (order %i)", (expr, wrt, order) => {
    const d = differentiate(expr, { wrt, order });
    const der = derivation(d);
    const report = verifyDerivation(der, d.compiled.vars.values(), { seed: 11 });
    expect(report.status, report.message).toBe("PASS");

    const first = der.steps[0]!;
    expect(first.rule).toBe("differential");
    expect(first.text).toMatch(/^df = /);
    for (const s of der.steps) {
      expect(s.rule.length).toBeGreaterThan(0);
      expect(s.text).toContain(" = ");
      expect(s.latex).toContain(" = ");
    }
    // One algorithm: df written out step by step is the engine's own differential, node for node.
    if (order === 1 && !MERGED.has(expr)) expect(der.differential).toBe(d.result.differential);
    // It ends in the engine's answer when the answer is a matrix, or in index notation when that is the
    // answer's only form (first derivatives and Hessians); else at the differential.
    const form = "form" in d.result ? d.result.form : "matrix";
    const last = der.steps[der.steps.length - 1]!;
    if (d.result.expr !== null && (form === "matrix" || form === "kronecker")) {
      expect(last.rule).toBe("identification");
      expect(last.text).toBe(`${leibniz(wrt, order)} = ${answerOf(d.derivative.text)}`);
    } else if (form === "index" && (order === 1 || d.kind === "hessian")) {
      expect(last.rule).toBe("identification");
      expect(last.text).toBe(d.derivative.text);
    }
  });
});

describe("the check of the steps is not vacuous", () => {
  function corrupt(der: Derivation, index: number, by: (d: Derivation) => DerivationRhs): Derivation {
    return { ...der, steps: der.steps.map((s, i) => (i === index ? { ...s, rhs: by(der) } : s)) };
  }
  type DerivationRhs = Derivation["steps"][number]["rhs"];

  test("a step off by a factor fails, at that step", () => {
    const d = differentiate(GAUSSIAN, { wrt: "S" });
    const der = derivation(d);
    const b = d.compiled.b;
    const i = der.steps.findIndex((s) => s.rule === "differential of the inverse");
    expect(i).toBeGreaterThan(0);
    const bad = corrupt(der, i, (x) => b.times(b.num(2), x.steps[i]!.rhs as Node));
    const r = verifyDerivation(bad, d.compiled.vars.values(), { seed: 11 });
    expect(r.status).toBe("FAIL");
    expect(r.failures.map((f) => f.index)).toEqual([i]);
    expect(r.message).toMatch(/^FAIL: step \d+ \(differential of the inverse\)/);
  });

  test("the commuting shortcut d(inv(X)) = -inv(X)^2*dX fails", () => {
    const d = differentiate("tr(A*inv(X))", { wrt: "X" });
    const der = derivation(d);
    const b = d.compiled.b;
    const X = d.compiled.vars.get("X")!.node;
    const A = d.compiled.vars.get("A")!.node;
    const i = der.steps.findIndex((s) => s.rule === "differential of the inverse");
    const bad = corrupt(der, i, (x) => b.neg(b.tr(b.mul(A, b.mpow(b.inv(X), 2), x.dX))));
    expect(verifyDerivation(bad, d.compiled.vars.values(), { seed: 11 }).status).toBe("FAIL");
  });
});

describe("classic derivations, exactly", () => {
  test("tr(A*X*B), as the README's library snippet says", () => {
    expect(steps("tr(A*X*B)", "X").map((s) => s.text)).toEqual(["df = d(tr(A*X*B))", "df = tr(A*dX*B)", "df = tr(B*A*dX)", "df/dX = A'*B'"]);
  });

  test("tr(A*X)", () => {
    expect(steps("tr(A*X)", "X").map((s) => [s.rule, s.text])).toEqual([
      ["differential", "df = d(tr(A*X))"],
      ["linearity", "df = tr(A*dX)"],
      ["identification", "df/dX = A'"],
    ]);
  });

  test("logdet(X): Jacobi's formula", () => {
    const s = steps("logdet(X)", "X");
    expect(s.map((x) => [x.rule, x.text])).toEqual([
      ["differential", "df = d(logdet(X))"],
      ["Jacobi's formula for logdet", "df = tr(inv(X)*dX)"],
      ["identification", "df/dX = inv(X)'"],
    ]);
    expect(s[1]!.note).toBe("d(logdet(U)) = tr(inv(U)*dU) (Magnus & Neudecker 2019, ch. 8)");
    expect(s[1]!.latex).toBe("\\mathrm{d}f = \\operatorname{tr}\\left(X^{-1} \\mathrm{d}X\\right)");
    expect(s[2]!.latex).toBe("\\frac{\\partial f}{\\partial X} = \\left(X^{-1}\\right)^\\top");
  });

  test("x'*A*x: product rule, transposition, collecting terms", () => {
    const s = steps("x'*A*x", "x");
    expect(s.map((x) => [x.rule, x.text])).toEqual([
      ["differential", "df = d(x'*A*x)"],
      ["product rule", "df = x'*A*dx + dx'*A*x"],
      ["transposition", "df = x'*A*dx + x'*A'*dx"],
      ["collecting terms", "df = x'*(A + A')*dx"],
      ["identification", "df/dx = (A + A')*x"],
    ]);
    expect(s[1]!.note).toBe("d(u*A*v) = u*A*dv + du*A*v; A is constant; with d(x') = dx' (Magnus & Neudecker 2019, ch. 8)");
  });

  test("the Gaussian log-likelihood by its covariance", () => {
    const s = steps(GAUSSIAN, "S");
    expect(s.map((x) => [x.rule, x.text])).toEqual([
      ["differential", "df = d(-logdet(S)/2 - (x - mu)'*inv(S)*(x - mu)/2)"],
      ["linearity", "df = -d(logdet(S))/2 - (x - mu)'*d(inv(S))*(x - mu)/2"],
      ["Jacobi's formula for logdet", "df = -tr(inv(S)*dS)/2 - (x - mu)'*d(inv(S))*(x - mu)/2"],
      ["differential of the inverse", "df = (x - mu)'*inv(S)*dS*inv(S)*(x - mu)/2 - tr(inv(S)*dS)/2"],
      ["trace cyclicity", "df = tr(inv(S)*(x - mu)*(x - mu)'*inv(S)*dS)/2 - tr(inv(S)*dS)/2"],
      ["collecting terms", "df = tr((inv(S)*(x - mu)*(x - mu)'*inv(S) - inv(S))*dS)/2"],
      ["identification", "df/dS = (inv(S)*(x - mu)*(x - mu)'*inv(S) - inv(S))/2"],
    ]);
    expect(s[1]!.note).toBe("d(U + V) = dU + dV, d(a*U) = a*dU, d(A*U*B) = A*dU*B; x, mu are constant");
    expect(s[3]!.note).toBe("d(inv(U)) = -inv(U)*dU*inv(U) (Magnus & Neudecker 2019, ch. 8)");
    expect(s[6]!.note).toMatch(/^df = tr\(G'\*dS\) for every symmetric dS, with G symmetric, identifies the gradient G/);
  });

  test("a symmetric variable whose unconstrained factor is not symmetric gets the sym(G) step", () => {
    const s = steps("X: spd(n)\ntr(A*inv(X))", "X");
    expect(s.map((x) => x.text).slice(-3)).toEqual([
      "df = -tr(inv(X)*A*inv(X)*dX)",
      "df = -tr(inv(X)*(A + A')*inv(X)*dX)/2",
      "df/dX = -inv(X)*(A + A')*inv(X)/2",
    ]);
    expect(s[s.length - 2]!.rule).toBe("symmetric variable");
  });
});

describe("what derivations show", () => {
  test("user definitions are used by name, and what their differential is", () => {
    const s = steps("r = A*x - b; r'*r", "x");
    expect(s.map((x) => x.text)).toEqual(["df = d(r'*r)", "df = dx'*A'*r + r'*A*dx", "df = 2*r'*A*dx", "df/dx = 2*A'*r"]);
    expect(s[1]!.note).toContain("with d(r') = dx'*A', d(r) = A*dx");
  });

  test("Hessians show the second differential", () => {
    const s = steps("x'*A*x", "x", 2).map((x) => x.text);
    expect(s.slice(-4)).toEqual(["df/dx = (A + A')*x", "d^2f = dx'*d((A + A')*x)", "d^2f = dx'*(A + A')*dx", "d^2f/dx^2 = A + A'"]);
    expect(steps("logdet(X)", "X", 2).map((x) => x.text)).toContain("d^2f = -tr(inv(X)*dX*inv(X)*dX)");
  });

  test("Jacobians end in J*dx, or in vec/Kronecker form", () => {
    expect(steps("tanh(W*x)", "x").map((x) => x.text)).toEqual([
      "df = d(tanh(W*x))",
      "df = (1 - tanh(W*x).^2) .* (W*dx)",
      "df = diag(1 - tanh(W*x).^2)*W*dx",
      "df/dx = diag(1 - tanh(W*x).^2)*W",
    ]);
    const d = differentiate("inv(X)", { wrt: "X" });
    const der = derivation(d);
    expect(der.steps.map((x) => x.rule)).toEqual(["differential", "differential of the inverse", "vectorization", "identification"]);
    expect(der.steps[1]!.text).toBe("df = -inv(X)*dX*inv(X)");
    expect(der.steps[2]!.text).toMatch(/^vec\(df\) = .*\*vec\(dX\)$/);
    expect(verifyDerivation(der, d.compiled.vars.values(), { seed: 2 }).status).toBe("PASS");
  });

  test("derivatives by a scalar end in df = g*dt", () => {
    expect(steps("t: scalar\ndet(A + t*B)", "t").map((x) => x.text)).toEqual([
      "df = d(det(A + t*B))",
      "df = dt*tr(B*inv(A + t*B))*det(A + t*B)",
      "df = tr(B*inv(A + t*B))*det(A + t*B)*dt",
      "df/dt = tr(B*inv(A + t*B))*det(A + t*B)",
    ]);
  });

  test("matrix functions: d f(X) is the Fréchet derivative, and the steps hold", () => {
    const d = differentiate("X: symmetric(n)\ntr(A*expm(X))", { wrt: "X" });
    const der = derivation(d);
    const fr = der.steps.find((s) => s.rule === "Fréchet derivative")!;
    expect(fr.text).toBe("df = tr(A*dexpm(X, dX))");
    expect(fr.note).toBe("d(expm(U)) = dexpm(U, dU) (Higham 2008, ch. 3)");
    expect(verifyDerivation(der, d.compiled.vars.values(), { seed: 4 }).status).toBe("PASS");
  });

  test("elementwise chain rule names the function and its derivative", () => {
    const s = steps("sum(exp(x))", "x");
    const chain = s.find((x) => x.rule === "chain rule through exp")!;
    expect(chain.text).toBe("df = sum(dx .* exp(x))");
    expect(chain.note).toBe("d(exp(u)) = du .* exp(u) (Magnus & Neudecker 2019, ch. 8)");
  });
});

describe("derivatives that exist in index notation only", () => {
  // [expression, variable, order]: matrices and vectors by matrices and vectors, Hadamard products, diag,
  // transposes, structured variables, a zero tensor, and Hessians by a matrix.
  const INDEX_ONLY: [string, string, number][] = [
    ["X .* A*X", "X", 1],
    ["X .* X", "X", 1],
    ["A*X .* X", "X", 1],
    ["diag(X)", "X", 1],
    ["diag(x)", "x", 1],
    ["diag(diag(X))", "X", 1],
    ["diag(X)*x'", "X", 1],
    ["X'*X", "X", 1],
    ["tr(X)*X", "X", 1],
    ["det(X)*inv(X)", "X", 1],
    ["X: symmetric(n)\nA*X*B", "X", 1],
    ["D: diagonal(n)\nA*D*B", "D", 1],
    ["x: vector(n)\nA*B", "x", 1],
    ["logdet(X)", "X", 2],
    ["X: symmetric(n)\nlogdet(X)", "X", 2],
    ["tr(X*X)", "X", 2],
    ["sum(log(X))", "X", 2],
  ];

  test.each(INDEX_ONLY)("%s  d/d%s (order %i)", (expr, wrt, order) => {
    for (const layout of ["numerator", "denominator"] as const) {
      const d = differentiate(expr, { wrt, order, layout });
      expect(d.result.form).toBe("index");
      const der = derivation(d);
      const last = der.steps[der.steps.length - 1]!;
      expect(last.rule).toBe("identification");
      expect(last.text).toBe(d.derivative.text);
      expect(last.latex).toBe(d.derivative.latex);
      // The step before writes the differential entry by entry (a zero tensor has no terms to write).
      const before = der.steps[der.steps.length - 2]!;
      const written = d.result.index().terms.length > 0;
      if (written) {
        expect(before.rule).toBe("index notation");
        expect(before.text).toMatch(order === 1 ? /^df_[a-z]+ = .*\*d[A-Za-z]+_[a-z]+$/ : /^d\^2f = .*\*dX_ij\*dX_kl$/);
      }
      // Both are checked, as vec(df) = J*vec(dX) (vec(dX)'*J*vec(dX) for a Hessian), J evaluated by summation.
      for (const s of written ? [before, last] : [last]) expect(s.readOff).toBe(order === 1 ? "vec" : "vec-quadratic");
      expect(typeof last.rhs === "object" && "terms" in last.rhs).toBe(true);
      const report = verifyDerivation(der, d.compiled.vars.values(), { seed: 5 });
      expect(report.status, report.message).toBe("PASS");
      for (const s of der.steps) expect(() => katex.renderToString(s.latex, { throwOnError: true, strict: "error" }), s.latex).not.toThrow();
      expect(() => katex.renderToString(stepsLatex(der.steps), { throwOnError: true, strict: "error", displayMode: true })).not.toThrow();
    }
  });

  test("X .* A*X, exactly: the differential, its index form, the derivative", () => {
    const s = steps("X .* A*X", "X");
    expect(s.map((x) => [x.rule, x.text])).toEqual([
      ["differential", "df = d((A .* X)*X)"],
      ["product rule", "df = (A .* X)*dX + (A .* dX)*X"],
      ["index notation", "df_ij = (A_il*delta(i,k)*X_lj + (A .* X)_ik*delta(j,l))*dX_kl"],
      ["identification", "df_ij/dX_kl = A_il*delta(i,k)*X_lj + (A .* X)_ik*delta(j,l)"],
    ]);
    expect(s[2]!.note).toBe(
      "(A*U*B)_ij = A_ik*U_kl*B_lj, (A .* U)_ij = A_ij*U_ij; dX_pq = delta(p,k)*delta(q,l)*dX_kl: " +
        "every term is a coefficient times dX_kl, summing over every index not on the left",
    );
    expect(s[2]!.latex).toBe(
      "\\mathrm{d}f_{ij} = \\left(A_{il} \\delta_{ik} X_{lj} + \\left(A \\odot X\\right)_{ik} \\delta_{jl}\\right) \\mathrm{d}X_{kl}",
    );
    expect(s[3]!.note).toMatch(/^df_ij = J_ijkl\*dX_kl for every dX identifies the derivative df_ij\/dX_kl = J_ijkl, the entries of the Jacobian dvec\(f\)\/dvec\(X\) \(first identification theorem/);
  });

  test("diag of a vector, and of a matrix", () => {
    expect(steps("diag(x)", "x").map((x) => x.text)).toEqual([
      "df = d(diag(x))",
      "df = diag(dx)",
      "df_ij = delta(i,k)*delta(i,j)*dx_k",
      "df_ij/dx_k = delta(i,k)*delta(i,j)",
    ]);
    const s = steps("diag(X)", "X");
    expect(s.slice(-2).map((x) => x.text)).toEqual(["df_i = delta(i,j)*delta(i,k)*dX_jk", "df_i/dX_jk = delta(i,j)*delta(i,k)"]);
    expect(s[2]!.note).toMatch(/^diag\(U\)_i = U_ii; /);
  });

  test("a Hessian in index notation ends in the second differential written entry by entry", () => {
    expect(steps("logdet(X)", "X", 2).map((x) => x.text).slice(-3)).toEqual([
      "d^2f = -tr(inv(X)*dX*inv(X)*dX)",
      "d^2f = -inv(X)_li*inv(X)_jk*dX_ij*dX_kl",
      "d2f/dX_ij dX_kl = -inv(X)_li*inv(X)_jk",
    ]);
  });

  test("CLI and JSON API show the new steps", async () => {
    const t = await cli(["diff", "X .* A*X", "--wrt", "X", "--steps", "--no-check"]);
    expect(t.code).toBe(0);
    expect(t.out).toContain("\n  3. df_ij = (A_il*delta(i,k)*X_lj + (A .* X)_ik*delta(j,l))*dX_kl\n");
    expect(t.out).toContain("\n  4. df_ij/dX_kl = A_il*delta(i,k)*X_lj + (A .* X)_ik*delta(j,l)\n");
    const r = handleRequest({ id: 1, expr: "X .* X", wrt: "X", emit: ["steps"] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.steps!.map((s) => s.text).slice(-2)).toEqual(["df_ij = 2*X_ij*delta(i,k)*delta(j,l)*dX_kl", "df_ij/dX_kl = 2*X_ij*delta(i,k)*delta(j,l)"]);
  });
});

describe("the check of steps in index notation is not vacuous", () => {
  const declsOf = (d: Differentiated) => [...d.compiled.vars.values()].map((v) => describeVar(v)).join("\n");
  const parse = (d: Differentiated, text: string): IndexForm =>
    parseIndexText(d.compiled.b, text, (src) => compile(`${declsOf(d)}\n${src}`, { builder: d.compiled.b }).f, d.compiled.f.shape);
  const withRhs = (der: Derivation, index: number, rhs: IndexForm): Derivation => ({
    ...der,
    steps: der.steps.map((s, i) => (i === index ? { ...s, rhs } : s)),
  });

  test("a wrong index form fails, at its step: d(X'*X) read as if dX' were dX", () => {
    const d = differentiate("X'*X", { wrt: "X" });
    const der = derivation(d);
    const last = der.steps.length - 1;
    // The answer parsed back passes: the route through the parser is sound.
    const good = parse(d, d.derivative.text);
    expect(verifyDerivation(withRhs(der, last, good), d.compiled.vars.values(), { seed: 5 }).status).toBe("PASS");
    const bad = parse(d, "df_ij/dX_kl = X_ki*delta(j,l) + delta(i,k)*X_lj");
    const r = verifyDerivation(withRhs(der, last, bad), d.compiled.vars.values(), { seed: 5 });
    expect(r.status).toBe("FAIL");
    expect(r.failures.map((f) => f.index)).toEqual([last]);
    expect(r.message).toMatch(/^FAIL: step 4 \(identification\)/);
  });

  test("a term off by a factor, or a delta on the wrong index, fails in the index-notation step", () => {
    const d = differentiate("A*X .* X", { wrt: "X" });
    const der = derivation(d);
    const i = der.steps.findIndex((s) => s.rule === "index notation");
    expect(i).toBeGreaterThan(0);
    const form = der.steps[i]!.rhs as IndexForm;
    const doubled: IndexForm = { ...form, terms: form.terms.map((t, k) => (k === 0 ? { ...t, coef: 2 * t.coef } : t)) };
    const r = verifyDerivation(withRhs(der, i, doubled), d.compiled.vars.values(), { seed: 5 });
    expect(r.status).toBe("FAIL");
    expect(r.failures.map((f) => f.index)).toEqual([i]);
    const swapped = parse(d, d.derivative.text.replace("delta(j,l)", "delta(j,k)"));
    expect(swapped.terms).not.toEqual(form.terms);
    expect(verifyDerivation(withRhs(der, i, swapped), d.compiled.vars.values(), { seed: 5 }).status).toBe("FAIL");
  });

  test("a wrong Hessian in index notation fails (the indices of a factor swapped)", () => {
    const d = differentiate("logdet(X)", { wrt: "X", order: 2 });
    const der = derivation(d);
    const last = der.steps.length - 1;
    const bad = parse(d, "d2f/dX_ij dX_kl = -inv(X)_ki*inv(X)_jl");
    expect(verifyDerivation(withRhs(der, last, bad), d.compiled.vars.values(), { seed: 5 }).status).toBe("FAIL");
  });
});

describe("how long a derivation may be", () => {
  test("a long sum is written out one rule at a time, all its terms together", () => {
    const expr = Array.from({ length: 120 }, (_, i) => `${i % 2 ? "sin" : "exp"}(x'*A${i}*x)`).join(" + ");
    const d = differentiate(expr, { wrt: "x" });
    const der = derivation(d);
    expect(der.steps.map((s) => s.rule)).toEqual([
      "differential",
      "linearity",
      "chain rule through exp",
      "chain rule through sin",
      "product rule",
      "transposition",
      "collecting terms",
      "identification",
    ]);
    expect(verifyDerivation(der, d.compiled.vars.values(), { seed: 5 }).status).toBe("PASS");
  });

  test(`a composition nested past ${MAX_STEPS} rules deep is refused with a coded error`, () => {
    const depth = (n: number) => {
      const lines = ["r0 = x"];
      for (let i = 1; i <= n; i++) lines.push(`r${i} = ${i % 2 ? "sin" : "exp"}(r${i - 1})`);
      return `${lines.join("; ")}; sum(r${n})`;
    };
    expect(derivation(differentiate(depth(100), { wrt: "x" })).steps.length).toBe(104);
    const deep = differentiate(depth(MAX_STEPS + 10), { wrt: "x" });
    expect(() => derivation(deep)).toThrow(MatcalcError);
    expect(() => derivation(deep)).toThrow(/more than 400 steps/);
  });
});

describe("where derivations show", () => {
  test("as text and as one LaTeX aligned block", () => {
    const s = steps("logdet(X)", "X");
    expect(stepsText(s).split("\n")).toEqual([
      "derivation:",
      "  1. df = d(logdet(X))",
      "       differential: df is the part of f(X + dX) - f(X) that is linear in dX",
      "  2. df = tr(inv(X)*dX)",
      "       Jacobi's formula for logdet: d(logdet(U)) = tr(inv(U)*dU) (Magnus & Neudecker 2019, ch. 8)",
      "  3. df/dX = inv(X)'",
      "       identification: df = tr(G'*dX) for every dX identifies the gradient (first identification theorem; Magnus & Neudecker 2019, ch. 9)",
    ]);
    expect(stepsLatex(s).split("\n")).toEqual([
      "\\begin{aligned}",
      "\\mathrm{d}f &= \\mathrm{d}\\left(\\log\\det\\left(X\\right)\\right) && \\text{differential} \\\\",
      "\\mathrm{d}f &= \\operatorname{tr}\\left(X^{-1} \\mathrm{d}X\\right) && \\text{Jacobi's formula for logdet} \\\\",
      "\\frac{\\partial f}{\\partial X} &= \\left(X^{-1}\\right)^\\top && \\text{identification}",
      "\\end{aligned}",
    ]);
  });

  test("the LaTeX renders with KaTeX, step by step and as a block", () => {
    const cases: [string, string, number][] = [[GAUSSIAN, "S", 1], ["x'*A*x", "x", 2], ["X: symmetric(n)\ntr(A*expm(X))", "X", 1], ["inv(X)", "X", 1], ["sum(log(1 + exp(-y.*(X*w))))", "w", 1]];
    for (const [e, w, o] of cases) {
      const s = steps(e, w, o);
      for (const x of s) expect(() => katex.renderToString(x.latex, { throwOnError: true, strict: "error" }), x.latex).not.toThrow();
      expect(() => katex.renderToString(stepsLatex(s), { throwOnError: true, strict: "error", displayMode: true })).not.toThrow();
    }
  });

  test('JSON API: emit "steps"', () => {
    const r = handleRequest({ id: 1, expr: "tr(A*X)", wrt: "X", emit: ["steps"] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.steps).toEqual([
      { rule: "differential", text: "df = d(tr(A*X))", latex: expect.any(String), note: expect.any(String) },
      { rule: "linearity", text: "df = tr(A*dX)", latex: "\\mathrm{d}f = \\operatorname{tr}\\left(A \\mathrm{d}X\\right)", note: expect.any(String) },
      { rule: "identification", text: "df/dX = A'", latex: "\\frac{\\partial f}{\\partial X} = A^\\top", note: expect.any(String) },
    ]);
    const plain = handleRequest({ expr: "tr(A*X)", wrt: "X" });
    expect("steps" in plain).toBe(false);
  });

  test("CLI: --steps after the answer, in text, LaTeX and JSON", async () => {
    const t = await cli(["diff", "logdet(X)", "--wrt", "X", "--steps", "--no-check"]);
    expect(t.code).toBe(0);
    expect(t.out).toContain("df/dX = inv(X)'\n");
    expect(t.out).toContain("\nderivation:\n  1. df = d(logdet(X))\n");
    expect(t.out).toContain("\n  2. df = tr(inv(X)*dX)\n");
    const l = await cli(["diff", "logdet(X)", "--wrt", "X", "--steps", "--format", "latex"]);
    expect(l.out.split("\n").slice(0, 2)).toEqual(["\\frac{\\partial f}{\\partial X} = \\left(X^{-1}\\right)^\\top", "\\begin{aligned}"]);
    const j = await cli(["diff", "logdet(X)", "--wrt", "X", "--steps", "--format", "json", "--no-check"]);
    expect(JSON.parse(j.out).steps.map((s: { text: string }) => s.text)).toEqual(["df = d(logdet(X))", "df = tr(inv(X)*dX)", "df/dX = inv(X)'"]);
    const none = await cli(["diff", "logdet(X)", "--wrt", "X", "--no-check"]);
    expect(none.out).not.toContain("derivation:");
  });
});
