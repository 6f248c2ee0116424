// What the page asks of the engine, run in Node: the variables table, edits as vars, optional outputs in isolation.
// Same functions the page's worker runs, so engine-side behaviour is pinned without a browser.

import { describe, expect, it } from "vitest";
import { type Job, analyse, computeClaim, computeExtras, computeMain, runTask } from "../../web/src/compute.js";
import { EXAMPLES } from "../../web/src/examples.js";
import { DEFAULT_STATE } from "../../web/src/state.js";

const job = (over: Partial<Job> = {}): Job => ({ ...DEFAULT_STATE, seq: 1, code: null, steps: false, ...over });

describe("the page's engine calls", () => {
  it("lists the variables in source order with kind, dims, props and origin", () => {
    const { analysis } = analyse(job({ expr: "S: spd(n)\n(x - mu)'*inv(S)*(x - mu) + c", wrt: "mu" }));
    expect(analysis.vars.map((v) => [v.name, v.kind, v.dims.join(","), v.props.join(","), v.origin])).toEqual([
      ["S", "matrix", "n,n", "spd", "declared"],
      ["x", "vector", "n", "", "inferred"],
      ["mu", "vector", "n", "", "inferred"],
      ["c", "scalar", "", "", "inferred"],
    ]);
    expect(analysis.wrt).toBe("mu");
    expect(analysis.vars[0]!.at).toBe(0);
    expect(analysis.vars.find((v) => v.name === "mu")!.latex).toBe("\\mu");
  });

  it("falls back to the first variable when the chosen one is absent", () => {
    expect(analyse(job({ expr: "tr(A*X)", wrt: "x" })).analysis.wrt).toBe("A");
  });

  it("sends edits of variables present in the expression and ignores the rest", () => {
    const vars = { A: { kind: "matrix", dims: ["n", "n"], props: ["symmetric"] }, Q: { kind: "scalar", dims: [], props: [] } } as const;
    const { answer, prepared } = computeMain(job({ vars }));
    expect(prepared.specs).toEqual({ A: { shape: ["n", "n"], props: ["symmetric"] } });
    expect(answer.response.ok && answer.response.derivative.text).toBe("2*A*x");
    expect(answer.analysis.vars.find((v) => v.name === "A")!.origin).toBe("edited");
  });

  it("keeps an edit that breaks the expression visible in the table, with the error's caret rendering", () => {
    const vars = { x: { kind: "vector", dims: ["3"], props: [] }, A: { kind: "matrix", dims: ["n", "n"], props: [] } } as const;
    const { answer } = computeMain(job({ vars }));
    expect(answer.response.ok).toBe(false);
    expect(answer.analysis.vars.map((v) => v.dims.join(","))).toEqual(["3", "n,n"]);
    expect(answer.diagnostic).toMatch(/^error\[dimension\]/);
  });

  it("answers a syntax error with its span and no variables", () => {
    const { answer } = computeMain(job({ expr: "tr(A*X*B" }));
    expect(answer.response.ok).toBe(false);
    expect(!answer.response.ok && answer.response.error.span).toEqual([8, 8]);
    expect(answer.analysis).toMatchObject({ ok: false, vars: [] });
    expect(answer.diagnostic).toContain("--> 1:9");
  });

  it("asks for each optional output separately, so an unsupported one leaves the derivative intact", () => {
    const { answer, prepared } = computeMain(job({ notation: "differential", code: "numpy", steps: true }));
    expect(answer.response.ok).toBe(true);
    expect(answer.notation).toEqual({ ok: true, value: { text: expect.stringContaining("dx"), latex: expect.stringContaining("\\mathrm{d}x") } });
    const extras = computeExtras(job({ code: "numpy", steps: true }), prepared);
    for (const part of [extras.code!.part, extras.steps!]) {
      if (!part.ok) expect(part.code).toBe("unsupported");
    }
  });

  it("computes every example: PASS, or unsupported only where matrix functions are involved", () => {
    for (const x of EXAMPLES) {
      const { answer } = computeMain(job({ expr: x.expr, wrt: x.wrt, order: x.order ?? 1 }));
      expect(answer.analysis.wrt, x.id).toBe(x.wrt);
      const r = answer.response;
      if (r.ok) expect(r.check?.status, x.id).toBe("PASS");
      else {
        expect(x.matrixFunctions, `${x.id}: ${r.error.message}`).toBe(true);
        expect(r.error.code).toBe("unsupported");
      }
    }
  });

  it("checks a claimed derivative in its own request: agreement, disagreement, and an error in the claim alone", () => {
    const good = computeClaim(job(), "(A + A')*x");
    expect(good.part.ok && good.part.value.agrees).toBe(true);
    const bad = computeClaim(job(), "2*A*x");
    expect(bad.part.ok && bad.part.value.agrees).toBe(false);
    expect(bad.part.ok && bad.part.value.correct.text).toBe("(A + A')*x");
    const broken = computeClaim(job(), "A*x +");
    expect(broken.part).toMatchObject({ ok: false, inClaim: true });
    expect(!broken.part.ok && broken.part.span).toEqual([5, 5]);
    // an error in the expression is not the claim's
    const noFunction = computeClaim(job({ expr: "tr(A*X" }), "A'");
    expect(noFunction.part).toMatchObject({ ok: false, inClaim: false });
  });

  it("runs each kind of task under its job number", () => {
    const main = runTask({ kind: "main", seq: 7, job: job() });
    expect(main.kind === "main" && main.answer.seq).toBe(7);
    const extras = runTask({ kind: "extras", seq: 8, job: job({ code: "numpy" }) });
    expect(extras.kind === "extras" && extras.extras.code?.target).toBe("numpy");
    const claim = runTask({ kind: "claim", seq: 9, job: job(), claim: "(A + A')*x" });
    expect(claim.kind === "claim" && claim.claim.seq).toBe(9);
  });
});
