// Test helpers for the numeric runtime: a seeded generator of random matrices and relative-error checks.
// Deterministic (mulberry32 + Box–Muller) so that every failure reproduces.

import { expect } from "vitest";
import { addIdentity, frobenius, type Mat, matmulNT, sub, symmetrize, zeros } from "../../src/numeric/matrix.js";

/** mulberry32: a small, fast, seedable PRNG (Tommy Ettinger's public-domain generator). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randn(r: () => number): number {
  const u = 1 - r(), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
