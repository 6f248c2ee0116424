import katex from "katex";
import { describe, expect, test } from "vitest";
import { compile, describeVar } from "../../src/api/compile.js";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";
import { IDENTITIES } from "./identities.js";

describe("identity table: exact text, numeric check, round trip", () => {
  const rows = IDENTITIES.map(([expr, wrt, order, expected]) => [expr, wrt, order, expected] as const);
  test.each(rows)("%s  d/d%s (order %i)", (expr, wrt, order, expected) => {
    const d = differentiate(expr, { wrt, order });
    expect(d.derivative.text).toBe(expected);

    // The LaTeX renders with KaTeX (no double superscripts, balanced groups).
    expect(() => katex.renderToString(d.derivative.latex, { throwOnError: true })).not.toThrow();

    const report = checkDerivative(d, { seed: 7 });
    expect(report.status, report.message).toBe("PASS");

    // The printed answer, with the same declarations, parses back to the very same node.
    const decls = [...d.compiled.vars.values()].map((v) => describeVar(v)).join("\n");
    const back = compile(`${decls}\n${d.derivative.text}`, { builder: d.compiled.b });
    expect(back.f).toBe(d.result.expr);
  });

  test("the table is large enough to mean something, and at least 100 entries cite their source", () => {
    expect(IDENTITIES.length).toBeGreaterThanOrEqual(100);
    const cited = IDENTITIES.filter((e) => /Matrix Cookbook|sympy#\d+|seed \d{3}/.test(e[4] ?? ""));
    expect(cited.length).toBeGreaterThanOrEqual(100);
  });
});
