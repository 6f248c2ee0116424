// Dense linear algebra: LU with condition estimation, det/logdet, solve, inv, Cholesky, eigendecompositions.
// Flat Float64Array kernels (ml-matrix only behind eigvals); "singular" means a Hager–Higham rcond estimate < eps.

import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { fail } from "../diagnostics/errors.js";
import {
  allFinite, isSymmetric, type Mat, maxAbs, norm1, requireSquare, shapeStr, symmetrize, zeros,
} from "./matrix.js";

/** A matrix is treated as singular when its estimated reciprocal 1-norm condition number is below this. */
export const RCOND_SINGULAR = Number.EPSILON;

function requireFinite(op: string, a: Mat): void {
  if (!allFinite(a)) fail("domain", `${op}: matrix has non-finite entries`);
}

// ---------------------------------------------------------------- LU

/** PA = LU: unit lower L and upper U packed in `lu`; row i of PA is row perm[i] of A. */
export interface LU {
  n: number;
  lu: Float64Array;
  perm: Int32Array;
  /** +1 or -1: the sign of det(P). */
  sign: number;
  /** ||A||_1, kept for the condition estimate. */
  anorm: number;
}

/** LU with partial pivoting (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 3.4.1), row-oriented. */
export function lu(a: Mat, op = "lu"): LU {
  const n = requireSquare(op, a);
  requireFinite(op, a);
  const A = a.data.slice();
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k, big = Math.abs(A[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const t = Math.abs(A[i * n + k]!);
      if (t > big) { big = t; p = i; }
    }
    if (p !== k) {
      swapRows(A, n, p, k);
      const t = perm[p]!; perm[p] = perm[k]!; perm[k] = t;
      sign = -sign;
    }
    const pivot = A[k * n + k]!;
    if (pivot === 0) continue; // exactly singular column: nothing to eliminate
    for (let i = k + 1; i < n; i++) {
      const l = A[i * n + k]! / pivot;
      A[i * n + k] = l;
      if (l === 0) continue;
      const ri = i * n, rk = k * n;
      for (let j = k + 1; j < n; j++) A[ri + j] -= l * A[rk + j]!;
    }
  }
  return { n, lu: A, perm, sign, anorm: norm1(a) };
}

function swapRows(A: Float64Array, n: number, p: number, k: number): void {
  for (let j = 0; j < n; j++) {
    const t = A[p * n + j]!; A[p * n + j] = A[k * n + j]!; A[k * n + j] = t;
  }
}

/** Solves A X = B (B is n x m, row-major) using the factorization; returns X. */
export function luSolve(f: LU, b: Mat): Mat {
  const n = f.n, m = b.cols, U = f.lu;
  if (b.rows !== n) fail("dimension", `solve: right-hand side is ${shapeStr(b)}, expected ${n} rows`);
  const X = new Float64Array(n * m);
  for (let i = 0; i < n; i++) X.set(b.data.subarray(f.perm[i]! * m, f.perm[i]! * m + m), i * m);
  for (let i = 0; i < n; i++) {
    const ri = i * m;
    for (let k = 0; k < i; k++) {
      const l = U[i * n + k]!;
      if (l === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) X[ri + j] -= l * X[rk + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * m;
    for (let k = i + 1; k < n; k++) {
      const u = U[i * n + k]!;
      if (u === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) X[ri + j] -= u * X[rk + j]!;
    }
    const d = 1 / U[i * n + i]!;
    for (let j = 0; j < m; j++) X[ri + j] *= d;
  }
  return { rows: n, cols: m, data: X };
}

/** Solves A' x = b for one vector: A' = U' L' P. */
function luSolveTransposedVec(f: LU, b: Float64Array): Float64Array {
  const n = f.n, U = f.lu;
  const w = b.slice();
  for (let i = 0; i < n; i++) {
    let s = w[i]!;
    for (let k = 0; k < i; k++) s -= U[k * n + i]! * w[k]!;
    w[i] = s / U[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = w[i]!;
    for (let k = i + 1; k < n; k++) s -= U[k * n + i]! * w[k]!;
    w[i] = s;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[f.perm[i]!] = w[i]!;
  return x;
}

function norm1Vec(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!);
  return s;
}

/**
 * Estimate of ||A^{-1}||_1 by Hager's method with Higham's refinements
 * (N. J. Higham, "FORTRAN codes for estimating the one-norm of a real or complex matrix", ACM TOMS 14, 1988).
 */
function invNorm1Estimate(f: LU): number {
  const n = f.n;
  const solveVec = (v: Float64Array) => luSolve(f, { rows: n, cols: 1, data: v }).data;
  let x = new Float64Array(n).fill(1 / n);
  let est = 0;
  for (let iter = 0; iter < 5; iter++) {
    const y = solveVec(x);
    const e = norm1Vec(y);
    if (!Number.isFinite(e)) return Infinity;
    if (iter > 0 && e <= est) break;
    est = e;
    const xi = y.map((t) => (t >= 0 ? 1 : -1));
    const z = luSolveTransposedVec(f, xi);
    let j = 0, zx = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(z[i]!) > Math.abs(z[j]!)) j = i;
      zx += z[i]! * x[i]!;
    }
    if (iter > 0 && Math.abs(z[j]!) <= zx) break;
    x = new Float64Array(n);
    x[j] = 1;
  }
  const alt = new Float64Array(n);
  for (let i = 0; i < n; i++) alt[i] = (i % 2 === 0 ? 1 : -1) * (1 + (n > 1 ? i / (n - 1) : 0));
  const altEst = (2 * norm1Vec(solveVec(alt))) / (3 * n);
  return Number.isFinite(altEst) ? Math.max(est, altEst) : Infinity;
}

/** Estimated reciprocal 1-norm condition number 1 / (||A||_1 ||A^{-1}||_1); 0 for an exactly singular matrix. */
export function rcond(f: LU): number {
  const n = f.n;
  if (n === 0) return 1;
  for (let i = 0; i < n; i++) if (f.lu[i * n + i] === 0) return 0;
  if (f.anorm === 0) return 0;
  const inv = invNorm1Estimate(f);
  return Number.isFinite(inv) ? 1 / (f.anorm * inv) : 0;
}

function rcondText(r: number): string {
  return r === 0 ? "rcond = 0" : `rcond ~ ${r.toExponential(0)}`;
}

/** LU of a, failing with a domain error naming `op` when a is numerically singular. */
export function luNonsingular(a: Mat, op: string): LU {
  const f = lu(a, op);
  const r = rcond(f);
  if (!(r >= RCOND_SINGULAR)) fail("domain", `${op}: matrix is singular (${rcondText(r)})`);
  return f;
}

// ---------------------------------------------------------------- determinants, solves, inverse

export function det(a: Mat): number {
  const f = lu(a, "det");
  let d = f.sign;
  for (let i = 0; i < f.n; i++) d *= f.lu[i * f.n + i]!;
  return d;
}

/** sign(det A) and log|det A| from the LU factors (no overflow); sign 0 when a pivot is exactly zero. */
export function slogdet(a: Mat): { sign: number; logAbsDet: number } {
  const f = lu(a, "slogdet");
  let sign = f.sign, s = 0;
  for (let i = 0; i < f.n; i++) {
    const u = f.lu[i * f.n + i]!;
    if (u === 0) return { sign: 0, logAbsDet: -Infinity };
    if (u < 0) sign = -sign;
    s += Math.log(Math.abs(u));
  }
  return { sign, logAbsDet: s };
}

/**
 * logdet(A) = log|det A| (Matrix Cookbook eq. 57; numpy's slogdet): defined wherever A is invertible, a
 * negative determinant included; a domain error only when A is numerically singular.
 */
export function logdet(a: Mat): number {
  const f = luNonsingular(a, "logdet");
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(Math.abs(f.lu[i * f.n + i]!));
  return s;
}

/** X with A X = B; a domain error when A is numerically singular. */
export function solve(a: Mat, b: Mat): Mat {
  requireFinite("solve", b);
  return luSolve(luNonsingular(a, "solve"), b);
}

export function inv(a: Mat, op = "inv"): Mat {
  const n = requireSquare(op, a);
  const f = luNonsingular(a, op);
  const I = zeros(n, n);
  for (let i = 0; i < n; i++) I.data[i * n + i] = 1;
  return luSolve(f, I);
}

// ---------------------------------------------------------------- Cholesky

/**
 * Lower-triangular L with A = L L' (Golub & Van Loan, Alg. 4.2.1, row-oriented); domain error unless A is spd.
 * Symmetry is checked to 1e-10 relative; the factorization then reads the lower triangle only.
 */
export function cholesky(a: Mat): Mat {
  const n = requireSquare("cholesky", a);
  requireFinite("cholesky", a);
  if (!isSymmetric(a, 1e-10 * maxAbs(a))) fail("domain", "cholesky: matrix is not symmetric");
  const A = a.data, L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0)) fail("domain", "cholesky: matrix is not positive definite");
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  return { rows: n, cols: n, data: L };
}

// ---------------------------------------------------------------- symmetric eigendecomposition

export interface EigSym {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Orthogonal matrix whose column j is the eigenvector of values[j]. */
  vectors: Mat;
}

/**
 * A = Q diag(values) Q' for symmetric A: Householder tridiagonalization then implicit QL
 * (EISPACK tred2/tql2 via JAMA, ported from ml-matrix's EigenvalueDecomposition to flat Float64Arrays).
 */
export function eigSym(a: Mat): EigSym {
  const n = requireSquare("eigSym", a);
  requireFinite("eigSym", a);
  if (!isSymmetric(a, 1e-10 * maxAbs(a))) fail("domain", "eigSym: matrix is not symmetric");
  // W holds V transposed: row j of W is the eigenvector j when tql2 is done.
  const W = symmetrize(a).data;
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: zeros(0, 0) };
  tred2(n, W, d, e);
  tql2(n, W, d, e);
  const Q = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q.data[i * n + j] = W[j * n + i]!;
  return { values: d, vectors: Q };
}

function hypot2(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y !== 0) { const r = x / y; return y * Math.sqrt(1 + r * r); }
  return 0;
}

/** Householder reduction to tridiagonal form (EISPACK tred2); W is V in transposed storage. */
function tred2(n: number, W: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = W[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + i - 1]!;
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k] = d[k]! / scale; h += d[k]! * d[k]!; }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        W[i * n + j] = f;
        const rj = j * n;
        g = e[j]! + W[rj + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += W[rj + k]! * d[k]!;
          e[k] += W[rj + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] = e[j]! / h; f += e[j]! * d[j]!; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        const rj = j * n;
        for (let k = j; k <= i - 1; k++) W[rj + k] -= f * e[k]! + g * d[k]!;
        d[j] = W[rj + i - 1]!;
        W[rj + i] = 0;
      }
    }
    d[i] = h;
  }
  tred2Accumulate(n, W, d);
  for (let j = 0; j < n; j++) { d[j] = W[j * n + n - 1]!; W[j * n + n - 1] = 0; }
  W[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Accumulates the Householder transformations of tred2 into W. */
function tred2Accumulate(n: number, W: Float64Array, d: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    W[i * n + n - 1] = W[i * n + i]!;
    W[i * n + i] = 1;
    const h = d[i + 1]!;
    const r1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[r1 + k]! / h;
      for (let j = 0; j <= i; j++) {
        const rj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += W[r1 + k]! * W[rj + k]!;
        for (let k = 0; k <= i; k++) W[rj + k] -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) W[r1 + k] = 0;
  }
}

/** Implicit QL iteration on the tridiagonal (d, e) (EISPACK tql2), then sorts ascending. */
function tql2(n: number, W: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) fail("domain", "eigSym: QL iteration did not converge");
        f += qlStep(n, W, d, e, l, m);
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  sortEigen(n, W, d);
}

/** One implicit shifted QL sweep on rows l..m; returns the shift applied to d[l+2..]. */
function qlStep(n: number, W: Float64Array, d: Float64Array, e: Float64Array, l: number, m: number): number {
  let g = d[l]!;
  let p = (d[l + 1]! - g) / (2 * e[l]!);
  let r = hypot2(p, 1);
  if (p < 0) r = -r;
  d[l] = e[l]! / (p + r);
  d[l + 1] = e[l]! * (p + r);
  const dl1 = d[l + 1]!;
  let h = g - d[l]!;
  for (let i = l + 2; i < n; i++) d[i] -= h;
  const shift = h;
  p = d[m]!;
  let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
  const el1 = e[l + 1]!;
  for (let i = m - 1; i >= l; i--) {
    c3 = c2; c2 = c; s2 = s;
    g = c * e[i]!;
    h = c * p;
    r = hypot2(p, e[i]!);
    e[i + 1] = s * r;
    s = e[i]! / r;
    c = p / r;
    p = c * d[i]! - s * g;
    d[i + 1] = h + s * (c * g + s * d[i]!);
    const r0 = i * n, r1 = (i + 1) * n;
    for (let k = 0; k < n; k++) {
      const t = W[r1 + k]!;
      W[r1 + k] = s * W[r0 + k]! + c * t;
      W[r0 + k] = c * W[r0 + k]! - s * t;
    }
  }
  p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
  e[l] = s * p;
  d[l] = c * p;
  return shift;
}

function sortEigen(n: number, W: Float64Array, d: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = d[i]!;
    for (let j = i + 1; j < n; j++) if (d[j]! < p) { k = j; p = d[j]!; }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      swapRows(W, n, i, k);
    }
  }
}

// ---------------------------------------------------------------- general eigenvalues

/** Eigenvalues of a general real matrix (real and imaginary parts), via ml-matrix's Hessenberg QR (JAMA hqr2). */
export function eigvals(a: Mat): { re: Float64Array; im: Float64Array } {
  const n = requireSquare("eigvals", a);
  requireFinite("eigvals", a);
  if (n === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(a.data.slice(i * n, (i + 1) * n));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: false });
  return { re: Float64Array.from(evd.realEigenvalues), im: Float64Array.from(evd.imaginaryEigenvalues) };
}
