// One identity, asserted the same way everywhere: exact canonical text, LaTeX that KaTeX renders, the
// numeric check PASS, and the printed answer parsing back to the very same node. expectTensorRow does the same
// for tensor answers (matrix, Kronecker or index form), whose index text must parse back to the same terms.

import katex from "katex";
import { expect } from "vitest";
import { compile, describeVar } from "../../src/api/compile.js";
import { type Differentiated, checkDerivative, differentiate, renderIndex } from "../../src/api/differentiate.js";
import type { DerivativeForm } from "../../src/diff/derive.js";
import type { IndexForm } from "../../src/diff/tensor.js";
import { indexText, parseIndexText } from "../../src/print/index-notation.js";

/** Compiles source with the declarations of d's problem, into d's builder (so equal nodes are the same node). */
export const compileIn = (d: Differentiated) => (src: string) => {
  const decls = [...d.compiled.vars.values()].map((v) => describeVar(v)).join("\n");
  return compile(`${decls}\n${src}`, { builder: d.compiled.b }).f;
};

export function expectIdentity(expr: string, wrt: string, order: number, expected: string): void {
  const d = differentiate(expr, { wrt, order });
  expect(d.derivative.text).toBe(expected);
  // No double superscripts, balanced groups.
  expect(() => katex.renderToString(d.derivative.latex, { throwOnError: true })).not.toThrow();
  const report = checkDerivative(d, { seed: 7 });
  expect(report.status, report.message).toBe("PASS");
  // With the same declarations, the printed answer compiles to the same interned node.
  expect(compileIn(d)(d.derivative.text)).toBe(d.result.expr);
}

export interface TensorRow {
  readonly expr: string;
  readonly wrt: string;
  readonly order: number;
  readonly form: DerivativeForm;
  readonly text: string;
  /** The index text; for index-only answers the same as text. */
  readonly index: string;
}

const termsOf = (t: IndexForm) =>
  t.terms.map((u) => [u.coef, u.scalar, u.factors.map((f) => [f.node, f.frechet?.op, f.frechet?.p, ...f.slots])]);

/** A tensor answer: its form and texts, check PASS, both texts parsed back, KaTeX for both LaTeX forms. */
export function expectTensorRow({ expr, wrt, order, form, text, index }: TensorRow): Differentiated {
  const d = differentiate(expr, { wrt, order });
  expect(d.result.form).toBe(form);
  expect(d.derivative.text).toBe(text);
  const idx = renderIndex(d);
  expect(idx.text).toBe(index);
  const report = checkDerivative(d, { seed: 7 });
  expect(report.status, report.message).toBe("PASS");
  // Matrix and Kronecker answers parse back to the same node; index answers to the same terms.
  if (d.result.expr) expect(compileIn(d)(d.derivative.text)).toBe(d.result.expr);
  const back = parseIndexText(d.compiled.b, idx.text, compileIn(d), d.compiled.f.shape);
  expect(indexText(back)).toBe(idx.text);
  expect(termsOf(back)).toEqual(termsOf(d.result.index()));
  expect(() => katex.renderToString(idx.latex, { throwOnError: true })).not.toThrow();
  expect(() => katex.renderToString(d.derivative.latex, { throwOnError: true })).not.toThrow();
  return d;
}
