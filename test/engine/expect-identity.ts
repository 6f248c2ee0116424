// One identity, asserted the same way everywhere: exact canonical text, LaTeX that KaTeX renders, the
// numeric check PASS, and the printed answer parsing back to the very same node.

import katex from "katex";
import { expect } from "vitest";
import { compile, describeVar } from "../../src/api/compile.js";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";

export function expectIdentity(expr: string, wrt: string, order: number, expected: string): void {
  const d = differentiate(expr, { wrt, order });
  expect(d.derivative.text).toBe(expected);
  // No double superscripts, balanced groups.
  expect(() => katex.renderToString(d.derivative.latex, { throwOnError: true })).not.toThrow();
  const report = checkDerivative(d, { seed: 7 });
  expect(report.status, report.message).toBe("PASS");
  // With the same declarations, the printed answer compiles to the same interned node.
  const decls = [...d.compiled.vars.values()].map((v) => describeVar(v)).join("\n");
  const back = compile(`${decls}\n${d.derivative.text}`, { builder: d.compiled.b });
  expect(back.f).toBe(d.result.expr);
}
