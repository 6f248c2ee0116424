import { describe, expect, test } from "vitest";
import { compile, describeVar } from "../../src/api/compile.js";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";
import { IDENTITIES } from "./identities.js";

describe("identity table: exact text, numeric check, round trip", () => {
  test.each(IDENTITIES)("%s  d/d%s (order %i)", (expr, wrt, order, expected) => {
    const d = differentiate(expr, { wrt, order });
    expect(d.derivative.text).toBe(expected);

    const report = checkDerivative(d, { seed: 7 });
    expect(report.status, report.message).toBe("PASS");

    // The printed answer, with the same declarations, parses back to the very same node.
    const decls = [...d.compiled.vars.values()].map((v) => describeVar(v)).join("\n");
    const back = compile(`${decls}\n${d.derivative.text}`, { builder: d.compiled.b });
    expect(back.f).toBe(d.result.expr);
  });

  test("the table is large enough to mean something", () => {
    expect(IDENTITIES.length).toBeGreaterThanOrEqual(60);
  });
});
