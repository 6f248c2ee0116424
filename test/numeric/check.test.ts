// The built-in check: it never crashes, finds values inside the domain where random ones leave it, runs at values
// given, and says why when it cannot run.

import { describe, expect, it } from "vitest";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";
import { handleRequest, type SuccessResponse } from "../../src/api/request.js";
import { check } from "../../src/numeric/check.js";
import { fromRows, scalar } from "../../src/numeric/matrix.js";

const ok = (r: ReturnType<typeof handleRequest>): SuccessResponse => {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r;
};

describe("check", () => {
  it("sizes a product dimension (kron) as the product of its factors", () => {
    const d = differentiate("A: matrix(n,m); B: matrix(p,q); t: scalar; tr(kron(t*A, B)*C)", { wrt: "t" });
    const r = checkDerivative(d);
    expect(r.status).toBe("PASS");
    expect(Object.keys(r.sizes).sort()).toEqual(["m", "n", "p", "q"]);
    expect(r.reason).toBeUndefined();
  });

  it("finds values inside the domain of a log-barrier by scaling random values", () => {
    for (const wrt of ["x", "A", "b"]) {
      const r = checkDerivative(differentiate("-sum(log(b - A*x))", { wrt }));
      expect(r.status, `by ${wrt}`).toBe("PASS");
      expect(r.message).toMatch(/^PASS: agrees with finite differences \(worst relative error .* over 3 random directions at random values scaled by 0\.1, seed 1, sizes n=\d, m=\d\)$/);
    }
  });

  it("tries equal sizes where a square product is singular for the sizes drawn (logdet(A*X*B))", () => {
    const r = checkDerivative(differentiate("logdet(A*X*B)", { wrt: "X" }));
    expect(r.status).toBe("PASS");
    expect(r.message).toMatch(/ with equal sizes, seed 1, sizes n=(\d), m=\1, k=\1\)$/);
  });

  it("says SKIPPED with the reason where no values are inside the domain", () => {
    const r = checkDerivative(differentiate("log(-x'*x)", { wrt: "x" }));
    expect(r.status).toBe("SKIPPED");
    expect(r.reason).toMatch(/^random values leave the domain of log: argument -[\d.e-]+ is not positive$/);
    expect(r.message).toBe(`SKIPPED: ${r.reason}`);
  });

  it("where f overflows at the values given: SKIPPED with the reason, never FAIL", () => {
    const d = differentiate("exp(a)*x", { wrt: "x" });
    const r = checkDerivative(d, { values: new Map([["a", scalar(800)], ["x", fromRows([[1], [2]])]]) });
    expect(r.status).toBe("SKIPPED");
    expect(r.reason).toBe("at the values given f is not finite (it overflows)");
  });

  it("where random values overflow and values scaled down underflow to 0: SKIPPED, not a vacuous PASS", () => {
    const r = checkDerivative(differentiate("sum(X.^4000)", { wrt: "X" }));
    expect(r.status).toBe("SKIPPED");
    expect(r.reason).toMatch(
      /^random values leave the domain of power: -?[\d.]+\^4000 is not finite \(overflow\); at values scaled down f and its derivative are 0 \(they underflow\)$/,
    );
    // the same function where scaled values do not vanish is checked there
    const ok2 = checkDerivative(differentiate("sum(X.^40)", { wrt: "X" }));
    expect(ok2.status).toBe("PASS");
  });

  it("runs at the values given, directions random", () => {
    const d = differentiate("logdet(X)", { wrt: "X" });
    // det = -2: logdet is log|det|, its gradient inv(X)' holds there too
    const r = checkDerivative(d, { values: new Map([["X", fromRows([[1, 2], [3, 4]])]]) });
    expect(r.status).toBe("PASS");
    expect(r.sizes).toEqual({ n: 2 });
    expect(r.message).toMatch(/^PASS: agrees with finite differences \(worst relative error .* over 3 random directions at the values given, seed 1, sizes n=2\)$/);
  });

  it("the Hessian of logdet at a negative determinant, at the values given", () => {
    const d = differentiate("logdet(X)", { wrt: "X", order: 2 });
    const r = checkDerivative(d, { values: new Map([["X", fromRows([[1, 2], [3, 4]])]]) });
    expect(r.status).toBe("PASS");
  });

  it("near the edge of the domain, steps that leave it are skipped and smaller ones decide", () => {
    const d = differentiate("x: scalar\nlog(x)", { wrt: "x" });
    // the largest step (1e-3) leaves the domain; h/64 agrees
    const r = checkDerivative(d, { values: new Map([["x", fromRows([[5e-4]])]]) });
    expect(r.status).toBe("PASS");
    // and a derivative off by 1% there still fails
    const c = d.compiled;
    const x = c.vars.get("x")!;
    const wrong = check(
      { f: c.f, wrt: x.node, vars: c.vars.values(), kind: "derivative", derivative: (env) => scalar(1.01 / env.values.get("x")!.data[0]!) },
      { values: new Map([["x", fromRows([[5e-4]])]]) },
    );
    expect(wrong.status).toBe("FAIL");
  });

  it("at values that do not fit the declarations: SKIPPED with the reason", () => {
    const d = differentiate("S: spd(n)\nlogdet(S)", { wrt: "S" });
    const r = checkDerivative(d, { values: new Map([["S", fromRows([[1, 2], [0, 1]])]]) });
    expect(r.status).toBe("SKIPPED");
    expect(r.reason).toMatch(/^the values given do not fit: .*'S'/);
  });

  it("at values whose steps leave the domain: SKIPPED with the reason", () => {
    const d = differentiate("x: scalar\nlog(x)", { wrt: "x" });
    const r = checkDerivative(d, { values: new Map([["x", fromRows([[1e-5]])]]) });
    expect(r.status).toBe("SKIPPED");
    expect(r.reason).toMatch(/^the values given \(or steps from them\) leave the domain of log: argument -[\d.e-]+ is not positive$/);
  });
});

describe("check in the JSON API", () => {
  it("runs at the request's values and reports it", () => {
    const r = ok(handleRequest({ expr: "logdet(X)", wrt: "X", values: { X: [[1, 2], [3, 4]] }, emit: ["check"], seed: 4 }));
    expect(r.check).toMatchObject({ status: "PASS", seed: 4, sizes: { n: 2 } });
    expect(r.check?.message).toContain("at the values given");
    expect(r.check?.reason).toBeUndefined();
  });

  it("runs a Kronecker product at values, and a value that does not fit its product dimension is a value error", () => {
    const expr = "A: matrix(n,m); B: matrix(p,q); t: scalar; tr(kron(t*A, B)*C)";
    const values = { A: [[1, 2]], B: [[1], [2]], t: 2 };
    const r = ok(handleRequest({ expr, wrt: "t", values: { ...values, C: [[1, 2], [4, 5]] }, emit: ["check"] }));
    // kron(A, B) = [[1, 2], [2, 4]], C*kron(A, B) = [[5, 10], [14, 28]]: its trace
    expect(r.derivativeValue).toBe(33);
    expect(r.check).toMatchObject({ status: "PASS", sizes: { n: 1, m: 2, p: 2, q: 1 } });
    const bad = handleRequest({ expr, wrt: "t", values: { ...values, C: [[1, 2, 3], [4, 5, 6]] }, emit: ["check"] });
    expect(bad).toEqual({
      id: null,
      ok: false,
      error: { code: "value", message: "value of 'C' is 2 x 3, but it must have n*p = 2 columns (n = 1, p = 2 from the other values)", span: null },
    });
  });

  it("gives the reason of a SKIPPED check", () => {
    const r = ok(handleRequest({ expr: "log(-x'*x)", wrt: "x", emit: ["check"] }));
    expect(r.check?.status).toBe("SKIPPED");
    expect(r.check?.reason).toMatch(/^random values leave the domain of log: /);
  });
});
