// Small fractions among constants (src/ir/fraction.ts): recognized only when the text p/q reads back to the very
// number, and folded exactly, so that every folded fraction prints as p/q and reads back as itself.

import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { addExact, asFraction, mulExact } from "../../src/ir/fraction.js";
import { rng } from "../../src/numeric/random.js";

/** The constant the text `p/q` compiles to. */
const parsed = (p: number, q: number): number => {
  const f = compile(`${p}/${q}`).f;
  expect(f.op).toBe("const");
  return f.num!;
};

describe("small fractions", () => {
  test("a fraction is recognized only when its text reads back to it", () => {
    expect(asFraction(1 / 3)).toEqual([1, 3]);
    expect(asFraction(-2 / 3)).toEqual([-2, 3]);
    expect(asFraction(1 / 7)).toEqual([1, 7]);
    expect(asFraction(0.5)).toEqual([1, 2]);
    expect(asFraction(3.4)).toBeNull(); // 17/5 reads back as 3.4000000000000004
    expect(asFraction(1 / 17)).toBeNull();
    expect(asFraction(2)).toBeNull();
    expect(asFraction(Math.PI)).toBeNull();
  });

  test("sums and products of fractions are the fraction the text reads back as, and within an ulp of the float result", () => {
    const r = rng(5);
    let exactOnes = 0;
    for (let k = 0; k < 2000; k++) {
      const [p1, q1, p2, q2] = [Math.floor(r() * 41) - 20, 2 + Math.floor(r() * 15), Math.floor(r() * 41) - 20, 2 + Math.floor(r() * 15)];
      const a = parsed(Math.abs(p1), q1) * Math.sign(p1 || 1);
      const b = parsed(Math.abs(p2), q2) * Math.sign(p2 || 1);
      for (const [got, float, num, den] of [
        [addExact(a, b), a + b, p1 * q2 + p2 * q1, q1 * q2],
        [mulExact(a, b), a * b, p1 * p2, q1 * q2],
      ] as const) {
        expect(Math.abs(got - float)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(float)));
        expect(Math.abs(got - num / den)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(num / den)));
        const f = asFraction(Math.abs(got));
        if (f) {
          // it prints as p/q, which reads back as the same number
          expect(parsed(f[0], f[1]) * Math.sign(got)).toBe(got);
          exactOnes++;
        }
      }
    }
    expect(exactOnes).toBeGreaterThan(1000);
  });

  test("1/3 - 1 is -2/3 and 1/3 * 3 is 1 exactly, where floating point is an ulp off", () => {
    expect(1 / 3 - 1).not.toBe(-(2 * (1 / 3)));
    expect(addExact(1 / 3, -1)).toBe(-(2 * (1 / 3)));
    expect(addExact(addExact(1 / 3, -1), 1)).toBe(1 / 3);
    expect(mulExact(2 / 3, 3 / 4)).toBe(0.5);
    expect(mulExact(1 / 3, 3)).toBe(1);
  });
});
