// The shared check for tables of rewrite rules: each program is built through the smart constructors (so through
// the rule), must print as the expected canonical text, and must agree at random values with the unrewritten left
// side computed directly from the numeric kernels.

import { expect, test } from "vitest";
import { type Compiled, compile } from "../../src/api/compile.js";
import { render } from "../../src/api/differentiate.js";
import { randomValue } from "../../src/numeric/check.js";
import { evaluateNodes } from "../../src/numeric/evaluate.js";
import * as M from "../../src/numeric/matrix.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { rng } from "../../src/numeric/random.js";

export type Values = ReadonlyMap<string, Mat>;

/** [rule, program (built through the rule), the unrewritten left side computed directly, expected canonical text] */
export type RewriteRule = readonly [string, string, (e: Values) => Mat, string];

/** Random values of a program's variables (positive spectra, structured as declared) with every size n. */
export function valuesFor(c: Compiled, seed: number, n = 4): { values: Map<string, Mat>; dims: Map<string, number> } {
  const r = rng(seed);
  const dims = new Map<string, number>([...c.dims].map((d) => [d, n]));
  const size = (d: string | number) => (typeof d === "number" ? d : n);
  const values = new Map<string, Mat>();
  for (const v of c.vars.values()) values.set(v.name, randomValue(size(v.shape[0]), size(v.shape[1]), v.props, r, "positive"));
  return { values, dims };
}

/** The value of a variable. */
export const v = (e: Values, name: string): Mat => e.get(name)!;

/** One test per rule, at three seeds, to relative accuracy tol. */
export function testRewriteRules(rules: readonly RewriteRule[], tol: number): void {
  test.each(rules)("%s", (_name, program, lhs, canonical) => {
    const c = compile(program);
    expect(render(c, c.f).text).toBe(canonical);
    for (const seed of [1, 2, 3]) {
      const env = valuesFor(c, seed);
      const want = lhs(env.values);
      const got = evaluateNodes([c.f], env)[0]!;
      const err = M.maxAbs(M.sub(got, want)) / Math.max(1, M.maxAbs(want));
      expect(err, `seed ${seed}`).toBeLessThan(tol);
    }
  });
}
