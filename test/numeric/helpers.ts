// Test helpers for the numeric runtime: a seeded generator of random matrices and relative-error checks.
// Deterministic (mulberry32 + Box–Muller) so that every failure reproduces.

import { expect } from "vitest";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { randn } from "../../src/numeric/random.js";
import { addIdentity, frobenius, type Mat, matmulNT, sub, symmetrize, zeros } from "../../src/numeric/matrix.js";

export { randn, rng } from "../../src/numeric/random.js";

/** Assert that fn throws a MatcalcError with code "domain" and a message matching `message`. */
export function domainError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MatcalcError);
    expect((e as MatcalcError).code).toBe("domain");
    expect((e as MatcalcError).message).toMatch(message);
    return;
  }
  throw new Error("expected a domain error");
}

export function randMat(r: () => number, rows: number, cols = rows, s = 1): Mat {
  const m = zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = s * randn(r);
  return m;
}

/** B B'/n + shift I: symmetric positive definite. */
export function randSpd(r: () => number, n: number, shift = 0.5): Mat {
  const b = randMat(r, n);
  const a = matmulNT(b, b);
  for (let k = 0; k < a.data.length; k++) a.data[k] /= n;
  return symmetrize(addIdentity(a, shift));
}

export function randSym(r: () => number, n: number, s = 1): Mat {
  return symmetrize(randMat(r, n, n, s));
}

export function relErr(a: Mat, b: Mat): number {
  const d = frobenius(sub(a, b));
  const nb = frobenius(b);
  return nb === 0 ? d : d / nb;
}

export function expectClose(a: Mat, b: Mat, tol: number): void {
  expect(a.rows).toBe(b.rows);
  expect(a.cols).toBe(b.cols);
  const e = relErr(a, b);
  if (!(e <= tol)) throw new Error(`relative error ${e.toExponential(2)} exceeds ${tol.toExponential(1)}`);
}
