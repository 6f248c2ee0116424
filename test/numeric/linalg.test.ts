// Tests of LU/det/logdet/solve/inv, Cholesky and eigendecompositions, including domain errors.
// Identities on seeded random matrices (inv(A) A = I, L L' = A, Q' Q = I) rather than stored answers.

import { describe, expect, it } from "vitest";
import {
  cholesky, det, eigSym, eigvals, inv, logdet, lu, rcond, slogdet, solve,
} from "../../src/numeric/linalg.js";
import {
  diagFromVector, eye, fromRows, type Mat, matmul, matmulNT, matmulTN, scale, symmetrize, transpose,
} from "../../src/numeric/matrix.js";
import { domainError, expectClose, randMat, randSpd, randSym, rng } from "./helpers.js";


describe("LU, det, solve, inv", () => {
  const r = rng(7);

  it("inv(A) A = I and solve(A, B) satisfies A X = B", () => {
    for (const n of [1, 2, 5, 17, 40]) {
      const A = randMat(r, n);
      expectClose(matmul(inv(A), A), eye(n), 1e-11);
      const B = randMat(r, n, 3);
      expectClose(matmul(A, solve(A, B)), B, 1e-11);
    }
  });

  it("det via LU equals the product of eigenvalues for symmetric matrices", () => {
    for (const n of [1, 3, 6, 12]) {
      const S = randSym(r, n);
      const prod = eigSym(S).values.reduce((p, l) => p * l, 1);
      expect(det(S)).toBeCloseTo(prod, 10);
      expect(Math.abs(det(S) - prod)).toBeLessThan(1e-11 * Math.max(1, Math.abs(prod)));
    }
    expect(det(fromRows([[1, 2], [3, 4]]))).toBeCloseTo(-2, 14);
    expect(det(fromRows([[0, 1], [1, 0]]))).toBe(-1);
  });

  it("logdet and slogdet agree with log|det|", () => {
    const A = randSpd(r, 8);
    expect(logdet(A)).toBeCloseTo(Math.log(det(A)), 12);
    const M = fromRows([[2, 1], [1, -3]]);
    expect(slogdet(M)).toEqual({ sign: -1, logAbsDet: expect.closeTo(Math.log(7), 14) });
    // no overflow: det = 1e400
    const big = diagFromVector([1e200, 1e200]);
    expect(logdet(big)).toBeCloseTo(400 * Math.LN10, 10);
  });

  it("logdet is log|det|: a negative determinant is no domain error", () => {
    expect(logdet(fromRows([[2, 1], [1, -1.1]]))).toBeCloseTo(Math.log(3.2), 14);
    expect(logdet(fromRows([[0, 1], [1, 0]]))).toBe(0);
    expect(logdet(diagFromVector([-1e200, 1e200, 1e200]))).toBeCloseTo(600 * Math.LN10, 10);
  });

  it("estimates the reciprocal condition number", () => {
    const A = fromRows([[1, 0], [0, 1e-8]]);
    const rc = rcond(lu(A));
    expect(rc).toBeGreaterThan(0.5e-8);
    expect(rc).toBeLessThan(2e-8);
    expect(rcond(lu(eye(4)))).toBeCloseTo(1, 14);
  });

  it("domain errors: singular inv/solve/logdet", () => {
    const S = fromRows([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    domainError(() => inv(S), /^inv: matrix is singular \(rcond (~ \de-\d+|= 0)\)$/);
    domainError(() => solve(S, eye(3)), /^solve: matrix is singular/);
    domainError(() => inv(fromRows([[1, 1], [1, 1]])), /^inv: matrix is singular \(rcond = 0\)$/);
    domainError(() => logdet(S), /^logdet: matrix is singular/);
    domainError(() => inv(fromRows([[NaN]])), /^inv: matrix has non-finite entries$/);
    expect(det(S)).toBeLessThan(1e-12);
    expect(() => inv(fromRows([[1, 2]]))).toThrow(expect.objectContaining({ code: "not-square" }));
  });
});

describe("Cholesky", () => {
  it("L L' = A with L lower triangular", () => {
    const r = rng(11);
    for (const n of [1, 4, 9, 30]) {
      const A = randSpd(r, n);
      const L = cholesky(A);
      expectClose(matmulNT(L, L), A, 1e-13);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
    }
  });

  it("rejects indefinite and non-symmetric matrices", () => {
    domainError(() => cholesky(fromRows([[1, 2], [2, 1]])), /^cholesky: matrix is not positive definite$/);
    domainError(() => cholesky(fromRows([[0]])), /^cholesky: matrix is not positive definite$/);
    domainError(() => cholesky(fromRows([[2, 1], [0, 2]])), /^cholesky: matrix is not symmetric$/);
  });
});

describe("eigSym", () => {
  const r = rng(13);

  function checkDecomposition(A: Mat, tol: number): void {
    const { values, vectors: Q } = eigSym(A);
    const n = A.rows;
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    expectClose(matmulTN(Q, Q), eye(n), tol);
    expectClose(matmul(matmul(Q, diagFromVector(values)), transpose(Q)), A, tol);
  }

  it("A = Q diag(l) Q' with orthogonal Q and ascending l", () => {
    for (const n of [1, 2, 3, 8, 25, 60]) checkDecomposition(randSym(r, n), 1e-12);
  });

  it("handles repeated and clustered eigenvalues", () => {
    checkDecomposition(eye(5), 1e-15);
    checkDecomposition(scale(eye(3), -2), 1e-15);
    const P = randSym(r, 6, 1e-10);
    const A = eye(6); // I + 1e-10 P: six eigenvalues within ~1e-10 of each other
    for (let k = 0; k < 36; k++) A.data[k] += P.data[k]!;
    checkDecomposition(symmetrize(A), 1e-13);
    checkDecomposition(fromRows([[0, 0], [0, 0]]), 0);
  });

  it("matches known spectra", () => {
    const { values } = eigSym(fromRows([[2, 1], [1, 2]]));
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });

  it("rejects non-symmetric input", () => {
    domainError(() => eigSym(fromRows([[1, 2], [0, 1]])), /^eigSym: matrix is not symmetric$/);
  });
});

describe("eigvals (general)", () => {
  it("returns complex pairs", () => {
    const { re, im } = eigvals(fromRows([[1, -2], [2, 1]]));
    expect(Array.from(re)).toEqual([1, 1]);
    expect(Array.from(im).map(Math.abs)).toEqual([2, 2]);
  });
});
