// Matrix functions expm, logm, sqrtm, powm, their Fréchet derivatives L_f(X, E) and second Fréchet derivatives
// L2_f(X, E, F). Symmetric X: one eigendecomposition (Daleckii–Krein derivatives with first and second divided
// differences); general X: Padé, Denman–Beavers, ISS, 2n and 4n blocks.

import { fail } from "../diagnostics/errors.js";
import type { MatrixFunction } from "../ir/matrix-functions.js";
import { eigSym, type EigSym, eigvals, inv, lu, luNonsingular, luSolve } from "./linalg.js";
import {
  addIdentity, allFinite, block, blocks2x2, clone, eye, fmtNum, isSymmetric, type Mat, matmul, matmulNT,
  matmulTN, maxAbs, norm1, requireSquare, scale, shapeStr, symmetrize, zeros,
} from "./matrix.js";

const EPS = Number.EPSILON;

/** X is handled as symmetric when |x_ij - x_ji| <= 64 eps max|x|. */
function nearlySymmetric(x: Mat): boolean {
  return isSymmetric(x, 64 * EPS * maxAbs(x));
}

/** The matrix functions without a parameter (powm, X^p, has its own entry points). */
export type MatFunName = Exclude<MatrixFunction, "powm">;

export interface FrechetOptions {
  /**
   * "dk" (Daleckii–Krein, symmetric X only), "block" (the 2n x 2n block formula, 4n x 4n for second derivatives) or
   * "auto" (dk when X is symmetric).
   */
  method?: "auto" | "dk" | "block";
}

function requireFiniteOp(op: string, a: Mat): void {
  if (!allFinite(a)) fail("domain", `${op}: matrix has non-finite entries`);
}

/** y += s * x, in place. */
function axpy(y: Mat, s: number, x: Mat): void {
  for (let k = 0; k < y.data.length; k++) y.data[k] += s * x.data[k]!;
}

// ================================================================ expm

// Higham 2005, Table 2.3: largest ||A||_1 for which the [m/m] Padé approximant is accurate to unit roundoff.
const THETA: Record<3 | 5 | 7 | 9 | 13, number> = {
  3: 1.495585217958292e-2, 5: 2.53939833006323e-1, 7: 9.504178996162932e-1, 9: 2.097847961257068, 13: 5.371920351148152,
};
// Coefficients b_0..b_m of the [m/m] Padé numerator (Higham 2005, eq. (2.2)/(2.3)).
const PADE: Record<3 | 5 | 7 | 9 | 13, readonly number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

/**
 * Matrix exponential by scaling and squaring with Padé degrees 3, 5, 7, 9, 13
 * (N. J. Higham, "The scaling and squaring method for the matrix exponential revisited",
 * SIAM J. Matrix Anal. Appl. 26(4), 2005, Algorithm 2.3).
 */
export function expm(x: Mat): Mat {
  const n = requireSquare("expm", x);
  requireFiniteOp("expm", x);
  if (n === 0) return zeros(0, 0);
  const nrm = norm1(x);
  for (const m of [3, 5, 7, 9] as const) {
    if (nrm <= THETA[m]) return padeQuotient(padeLow(x, m));
  }
  const s = Math.max(0, Math.ceil(Math.log2(nrm / THETA[13])));
  let r = padeQuotient(pade13(s > 0 ? scale(x, 2 ** -s) : x));
  for (let k = 0; k < s; k++) r = matmul(r, r);
  if (!allFinite(r)) fail("domain", `expm: result overflows (||X||_1 ~ ${fmtNum(nrm)})`);
  return r;
}

/** Odd part U and even part V of the degree-m Padé numerator, m in {3, 5, 7, 9}. */
function padeLow(a: Mat, m: 3 | 5 | 7 | 9): { u: Mat; v: Mat } {
  const n = a.rows, b = PADE[m];
  const a2 = matmul(a, a);
  const even: Mat[] = [eye(n), a2]; // even[k] = A^(2k)
  for (let k = 2; 2 * k <= m - 1; k++) even.push(matmul(even[k - 1]!, a2));
  const uu = zeros(n, n), v = zeros(n, n);
  for (let k = 0; k < even.length; k++) {
    axpy(uu, b[2 * k + 1]!, even[k]!);
    axpy(v, b[2 * k]!, even[k]!);
  }
  return { u: matmul(a, uu), v };
}

/** U and V of the degree-13 Padé numerator with 6 matrix products (Higham 2005, eq. (2.4)). */
function pade13(a: Mat): { u: Mat; v: Mat } {
  const b = PADE[13];
  const a2 = matmul(a, a), a4 = matmul(a2, a2), a6 = matmul(a2, a4);
  const inner = (c6: number, c4: number, c2: number): Mat => {
    const t = scale(a6, c6);
    axpy(t, c4, a4);
    axpy(t, c2, a2);
    return t;
  };
  const uu = matmul(a6, inner(b[13]!, b[11]!, b[9]!));
  axpy(uu, 1, inner(b[7]!, b[5]!, b[3]!));
  const u = matmul(a, addIdentity(uu, b[1]!));
  const v = matmul(a6, inner(b[12]!, b[10]!, b[8]!));
  axpy(v, 1, inner(b[6]!, b[4]!, b[2]!));
  return { u, v: addIdentity(v, b[0]!) };
}

/** r_m = (V - U)^{-1} (V + U). */
function padeQuotient({ u, v }: { u: Mat; v: Mat }): Mat {
  const p = clone(v), q = clone(v);
  axpy(p, 1, u);
  axpy(q, -1, u);
  return luSolve(lu(q, "expm"), p);
}

// ================================================================ spectra and domains

/** Eigenvalues with |lambda| <= this are zero to working precision. */
function zeroTol(n: number, scaleOf: number): number {
  return 4 * n * EPS * scaleOf;
}

function maxAbsOf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function eigOfSymmetric(x: Mat): { eig: EigSym; tol: number } {
  const eig = eigSym(symmetrize(x));
  return { eig, tol: zeroTol(x.rows, maxAbsOf(eig.values)) };
}

function axisFail(op: string, lambda: number, tol: number): never {
  const shown = Math.abs(lambda) <= tol ? "0" : fmtNum(lambda);
  fail("domain", `${op}: eigenvalue ${shown} on the closed negative real axis`);
}

/** Throws unless no eigenvalue of x lies on the closed negative real axis (zero included). */
function checkGeneralSpectrum(op: string, x: Mat): void {
  const { re, im } = eigvals(x);
  let big = 0;
  for (let i = 0; i < re.length; i++) big = Math.max(big, Math.hypot(re[i]!, im[i]!));
  const tol = zeroTol(x.rows, big);
  for (let i = 0; i < re.length; i++) {
    const mod = Math.hypot(re[i]!, im[i]!);
    // A real negative eigenvalue of a defective matrix is computed with an O(sqrt(eps)) imaginary part.
    if (mod <= tol || (re[i]! < 0 && Math.abs(im[i]!) <= 1e-7 * mod)) axisFail(op, re[i]!, tol);
  }
}

/** Q diag(g(lambda)) Q', symmetrized. */
function symApply(eig: EigSym, g: (l: number) => number): Mat {
  const q = eig.vectors, n = q.rows;
  const qg = clone(q);
  for (let j = 0; j < n; j++) {
    const s = g(eig.values[j]!);
    for (let i = 0; i < n; i++) qg.data[i * n + j] *= s;
  }
  return symmetrize(matmulNT(qg, q));
}

// ================================================================ sqrtm

/** Principal square root; symmetric X must be positive semidefinite, general X free of eigenvalues in (-inf, 0]. */
export function sqrtm(x: Mat): Mat {
  const n = requireSquare("sqrtm", x);
  requireFiniteOp("sqrtm", x);
  if (n === 0) return zeros(0, 0);
  if (nearlySymmetric(x)) {
    const { eig, tol } = eigOfSymmetric(x);
    for (const l of eig.values) if (l < -tol) fail("domain", `sqrtm: eigenvalue ${fmtNum(l)} is negative`);
    return symApply(eig, (l) => Math.sqrt(Math.max(l, 0)));
  }
  checkGeneralSpectrum("sqrtm", x);
  return sqrtmDB(x, "sqrtm");
}

/**
 * Product form of the Denman–Beavers iteration with determinantal scaling
 * (Cheng, Higham, Kenney & Laub, SIAM J. Matrix Anal. Appl. 22(4), 2001; Higham, Functions of Matrices, 2008,
 * eqs. (6.17) and (6.28)): M_0 = Y_0 = A, Y_{k+1} = (mu/2) Y_k (I + mu^-2 M_k^-1),
 * M_{k+1} = (I + (mu^2 M_k + mu^-2 M_k^-1)/2)/2, keeping Y_k^2 = A M_k, so Y_k -> A^{1/2} as M_k -> I.
 */
function sqrtmDB(a: Mat, op: string): Mat {
  const n = a.rows, I = eye(n);
  let m = a, y = a, scaling = true, finalRound = false, prev = Infinity;
  for (let k = 0; k < 100; k++) {
    const f = luNonsingular(m, op);
    const mInv = luSolve(f, I);
    let mu = 1;
    if (scaling) {
      let logAbsDet = 0;
      for (let i = 0; i < n; i++) logAbsDet += Math.log(Math.abs(f.lu[i * n + i]!));
      mu = Math.exp(-logAbsDet / (2 * n));
    }
    const mu2 = mu * mu;
    y = scale(matmul(y, addIdentity(scale(mInv, 1 / mu2), 1)), mu / 2);
    const next = scale(m, mu2 / 4);
    axpy(next, 1 / (4 * mu2), mInv);
    m = addIdentity(next, 0.5);
    const r = norm1(addIdentity(m, -1));
    if (finalRound || r <= n * EPS || (prev < 1e-6 && r > prev / 2)) return y;
    if (r < 1e-2) scaling = false;
    if (r < 1e-8) finalRound = true; // convergence is quadratic: one more step reaches roundoff
    prev = r;
  }
  return fail("domain", `${op}: square root iteration did not converge`);
}

// ================================================================ logm

// Gauss–Legendre nodes and weights on [0, 1], 8 points: the [8/8] Padé approximant of log(1 + x) in partial
// fractions, accurate to unit roundoff for ||X||_1 <= 0.3 (Higham, "Evaluating Padé approximants of the matrix
// logarithm", SIAM J. Matrix Anal. Appl. 22(4), 2001; Kenney & Laub 1989 for the error bound).
const GL_NODES = [
  0.019855071751231912, 0.10166676129318664, 0.2372337950418355, 0.4082826787521751, 0.5917173212478248,
  0.7627662049581645, 0.8983332387068134, 0.9801449282487681,
];
const GL_WEIGHTS = [
  0.05061426814518853, 0.11119051722668721, 0.15685332293894344, 0.18134189168918083, 0.18134189168918083,
  0.15685332293894344, 0.11119051722668721, 0.05061426814518853,
];
const LOG_PADE_RADIUS = 0.3;

/** Principal logarithm; symmetric X must be positive definite, general X free of eigenvalues in (-inf, 0]. */
export function logm(x: Mat): Mat {
  const n = requireSquare("logm", x);
  requireFiniteOp("logm", x);
  if (n === 0) return zeros(0, 0);
  if (nearlySymmetric(x)) {
    const { eig, tol } = eigOfSymmetric(x);
    for (const l of eig.values) if (l <= tol) axisFail("logm", l, tol);
    return symApply(eig, Math.log);
  }
  checkGeneralSpectrum("logm", x);
  return logmISS(x, "logm");
}

/**
 * Inverse scaling and squaring (Kenney & Laub 1989; Cheng, Higham, Kenney & Laub 2001): take square roots
 * until ||A^{1/2^k} - I||_1 <= 0.3, then log A = 2^k r_8(A^{1/2^k} - I) with the Padé approximant r_8.
 */
function logmISS(a: Mat, op: string): Mat {
  let t = a, k = 0;
  while (norm1(addIdentity(t, -1)) > LOG_PADE_RADIUS) {
    if (++k > 64) fail("domain", `${op}: inverse scaling and squaring did not converge`);
    t = sqrtmDB(t, op);
  }
  const l = logPade(addIdentity(t, -1), op);
  return k > 0 ? scale(l, 2 ** k) : l;
}

/** r_8(R) = sum_j w_j (I + x_j R)^{-1} R. */
function logPade(r: Mat, op: string): Mat {
  const out = zeros(r.rows, r.cols);
  for (let j = 0; j < GL_NODES.length; j++) {
    const shifted = addIdentity(scale(r, GL_NODES[j]!), 1);
    axpy(out, GL_WEIGHTS[j]!, luSolve(luNonsingular(shifted, op), r));
  }
  return out;
}

// ================================================================ powm

/**
 * X^p: integer p by binary powering (any square X; inverse first when p < 0); other p by eigSym for symmetric
 * positive (semi)definite X, or exp(p log X) for general X without eigenvalues on the closed negative real axis.
 */
export function powm(x: Mat, p: number): Mat {
  const n = requireSquare("powm", x);
  requireFiniteOp("powm", x);
  if (!Number.isFinite(p)) fail("domain", `powm: exponent ${p} is not finite`);
  const sym = nearlySymmetric(x);
  if (Number.isInteger(p)) {
    const r = intPow(x, p, "powm");
    if (!allFinite(r)) fail("domain", `powm: result overflows (p = ${fmtNum(p)})`);
    return sym ? symmetrize(r) : r;
  }
  if (n === 0) return zeros(0, 0);
  if (sym) {
    const { eig, tol } = eigOfSymmetric(x);
    checkPowSpectrum(eig.values, tol, p);
    return symApply(eig, (l) => Math.pow(Math.max(l, 0), p));
  }
  checkGeneralSpectrum("powm", x);
  return expm(scale(logmISS(x, "powm"), p));
}

function checkPowSpectrum(values: Float64Array, tol: number, p: number): void {
  for (const l of values) {
    if (l < -tol) fail("domain", `powm: eigenvalue ${fmtNum(l)} is negative (p = ${fmtNum(p)} is not an integer)`);
    if (p < 0 && l <= tol) fail("domain", `powm: matrix is singular (eigenvalue 0) and p = ${fmtNum(p)} is negative`);
  }
}

/** X^p for integer p by binary powering (Knuth, TAOCP vol. 2, §4.6.3). */
function intPow(x: Mat, p: number, op: string): Mat {
  let base = p < 0 ? inv(x, op) : x;
  let q = Math.abs(p);
  let r: Mat | null = null;
  while (q > 0) {
    if (q % 2 === 1) r = r === null ? base : matmul(r, base);
    q = Math.floor(q / 2);
    if (q > 0) base = matmul(base, base);
  }
  return r === null ? eye(x.rows) : clone(r);
}

// ================================================================ Fréchet derivatives

/**
 * L_f(X, E) for f in {expm, logm, sqrtm}. Symmetric X: Daleckii–Krein, L = Q (F .* (Q' E Q)) Q' with
 * F_ij = f[l_i, l_j] (Higham, Functions of Matrices, Thm 3.11); otherwise the block formula
 * f([[X, E], [0, X]]) = [[f(X), L], [0, f(X)]] (Higham, Functions of Matrices, Thm 3.6 / eq. (3.16)).
 */
export function frechet(f: MatFunName, x: Mat, e: Mat, opts: FrechetOptions = {}): Mat {
  const n = checkFrechetArgs(f, x, e);
  const method = opts.method ?? "auto";
  const sym = nearlySymmetric(x);
  if (method === "dk" && !sym) fail("domain", `${f}: the Daleckii–Krein derivative needs a symmetric matrix`);
  if (n === 0) return zeros(0, 0);
  const k = KERNELS[f];
  if (method !== "block" && sym) {
    const { eig, tol } = eigOfSymmetric(x);
    k.checkEigenvalues(eig.values, tol);
    return dkApply(eig, e, divDiffMatrix(eig.values, k.dd));
  }
  if (k.checkSpectrum) checkGeneralSpectrum(f, x);
  return blockFrechet(x, e, k.general);
}

/** L_{x^p}(X, E): Daleckii–Krein for symmetric positive definite X, otherwise the block formula. */
export function frechetPow(x: Mat, p: number, e: Mat): Mat {
  const n = checkFrechetArgs("powm", x, e);
  if (!Number.isFinite(p)) fail("domain", `powm: exponent ${p} is not finite`);
  if (n === 0 || p === 0) return zeros(n, n);
  if (nearlySymmetric(x)) {
    const { eig, tol } = eigOfSymmetric(x);
    const positive = eig.values[0]! > tol;
    if (positive || !Number.isInteger(p)) {
      checkPowSpectrum(eig.values, tol, p);
      if (!positive && p < 1) fail("domain", `powm: derivative undefined at a singular matrix for p = ${fmtNum(p)}`);
      const ls = eig.values.map((l) => Math.max(l, 0));
      return dkApply(eig, e, divDiffMatrix(ls, (a, b) => ddPow(a, b, p)));
    }
  }
  if (Number.isInteger(p)) return blockFrechet(x, e, (b) => intPow(b, p, "powm"));
  checkGeneralSpectrum("powm", x);
  return blockFrechet(x, e, (b) => expm(scale(logmISS(b, "powm"), p)));
}

function checkFrechetArgs(op: string, x: Mat, e: Mat): number {
  const n = requireSquare(op, x);
  if (e.rows !== n || e.cols !== n) fail("dimension", `${op}: direction E is ${shapeStr(e)}, expected ${n}x${n}`);
  requireFiniteOp(op, x);
  requireFiniteOp(op, e);
  return n;
}

/** Q (F .* (Q' E Q)) Q'. */
function dkApply(eig: EigSym, e: Mat, f: Float64Array): Mat {
  const q = eig.vectors;
  const b = matmul(matmulTN(q, e), q);
  for (let k = 0; k < f.length; k++) b.data[k] *= f[k]!;
  return matmulNT(matmul(q, b), q);
}

/** The 2n x 2n block formula, with E scaled by a power of two so that ||sE||_1 ~ ||X||_1 (L is linear in E). */
function blockFrechet(x: Mat, e: Mat, fn: (b: Mat) => Mat): Mat {
  const n = x.rows;
  const en = norm1(e);
  if (en === 0) return zeros(n, n);
  const xn = norm1(x);
  const s = 2 ** Math.round(Math.log2((xn > 0 ? xn : 1) / en));
  const fb = fn(blocks2x2(x, scale(e, s), zeros(n, n), x));
  return scale(block(fb, 0, n, n, n), 1 / s);
}

// ================================================================ second Fréchet derivatives

/**
 * L2_f(X, E, F) for f in {expm, logm, sqrtm}, the derivative of L_f(X, E) in the direction F. Symmetric X: the
 * second-order Daleckii–Krein formula L2 = Q M Q', M_ij = sum_k f[l_i, l_k, l_j] (E1_ik F1_kj + F1_ik E1_kj) with
 * E1 = Q' E Q, F1 = Q' F Q and second divided differences f[., ., .]; otherwise the block formula: L2 is the
 * top-right n x n block of f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]]) (Higham & Relton, "Higher
 * order Fréchet derivatives of matrix functions and the level-2 condition number", SIAM J. Matrix Anal. Appl.
 * 35(3), 2014), which is L_f([[X, E], [0, X]], [[F, 0], [0, F]])'s top-right block.
 */
export function frechet2(f: MatFunName, x: Mat, e: Mat, g: Mat, opts: FrechetOptions = {}): Mat {
  const n = checkFrechetArgs(f, x, e);
  checkFrechetArgs(f, x, g);
  const method = opts.method ?? "auto";
  const sym = nearlySymmetric(x);
  if (method === "dk" && !sym) fail("domain", `${f}: the Daleckii–Krein derivative needs a symmetric matrix`);
  if (n === 0) return zeros(0, 0);
  const k = KERNELS[f];
  if (method !== "block" && sym) {
    const { eig, tol } = eigOfSymmetric(x);
    k.checkEigenvalues(eig.values, tol);
    return dk2Apply(eig, eig.values, e, g, k.dd2);
  }
  if (k.checkSpectrum) checkGeneralSpectrum(f, x);
  return blockFrechet2(x, e, g, k.general);
}

/** L2_{x^p}(X, E, F): Daleckii–Krein for symmetric positive definite X, otherwise the block formula. */
export function frechet2Pow(x: Mat, p: number, e: Mat, g: Mat): Mat {
  const n = checkFrechetArgs("powm", x, e);
  checkFrechetArgs("powm", x, g);
  if (!Number.isFinite(p)) fail("domain", `powm: exponent ${p} is not finite`);
  if (n === 0 || p === 0 || p === 1) return zeros(n, n);
  if (nearlySymmetric(x)) {
    const { eig, tol } = eigOfSymmetric(x);
    const positive = eig.values[0]! > tol;
    if (positive || !Number.isInteger(p)) {
      checkPowSpectrum(eig.values, tol, p);
      if (!positive && p < 2) fail("domain", `powm: second derivative undefined at a singular matrix for p = ${fmtNum(p)}`);
      const ls = eig.values.map((l) => Math.max(l, 0));
      return dk2Apply(eig, ls, e, g, (a, b, c) => dd2Pow(a, b, c, p));
    }
  }
  if (Number.isInteger(p)) return blockFrechet2(x, e, g, (b) => intPow(b, p, "powm"));
  checkGeneralSpectrum("powm", x);
  return blockFrechet2(x, e, g, (b) => expm(scale(logmISS(b, "powm"), p)));
}

/** Q M Q' with M_ij = sum_k D(l_i, l_k, l_j) (E1_ik F1_kj + F1_ik E1_kj), E1 = Q' E Q, F1 = Q' F Q: O(n^3). */
function dk2Apply(eig: EigSym, l: Float64Array, e: Mat, g: Mat, dd2: (a: number, b: number, c: number) => number): Mat {
  const q = eig.vectors, n = q.rows;
  const e1 = matmul(matmulTN(q, e), q).data, g1 = matmul(matmulTN(q, g), q).data;
  const m = zeros(n, n), d = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) d[i * n + j] = d[j * n + i] = dd2(l[i]!, l[k]!, l[j]!);
    }
    for (let i = 0; i < n; i++) {
      const eik = e1[i * n + k]!, gik = g1[i * n + k]!;
      for (let j = 0; j < n; j++) m.data[i * n + j] += d[i * n + j]! * (eik * g1[k * n + j]! + gik * e1[k * n + j]!);
    }
  }
  return matmulNT(matmul(q, m), q);
}

/** The 4n x 4n block formula as the 2n x 2n one applied twice, E scaled by a power of two like the direction there. */
function blockFrechet2(x: Mat, e: Mat, g: Mat, fn: (b: Mat) => Mat): Mat {
  const n = x.rows;
  const en = norm1(e);
  if (en === 0 || norm1(g) === 0) return zeros(n, n);
  const xn = norm1(x);
  const s = 2 ** Math.round(Math.log2((xn > 0 ? xn : 1) / en));
  const z = zeros(n, n);
  const l = blockFrechet(blocks2x2(x, scale(e, s), z, x), blocks2x2(g, z, z, g), fn);
  return scale(block(l, 0, n, n, n), 1 / s);
}

// ---------------------------------------------------------------- divided differences

function divDiffMatrix(l: Float64Array, g: (a: number, b: number) => number): Float64Array {
  const n = l.length, F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = g(l[i]!, l[j]!);
      F[i * n + j] = v;
      F[j * n + i] = v;
    }
  }
  return F;
}

/** What the Fréchet derivatives of one matrix function without a parameter need: one entry per function. */
interface MatFunKernels {
  /** f of a general matrix, as the block formulas apply it (to 2n x 2n and 4n x 4n blocks). */
  readonly general: (b: Mat) => Mat;
  /** Whether a general X's spectrum must stay off the closed negative real axis (principal branches). */
  readonly checkSpectrum: boolean;
  /** Fails unless f is differentiable at a symmetric X with these eigenvalues (zero within tol). */
  readonly checkEigenvalues: (values: Float64Array, tol: number) => void;
  /** The first divided difference f[a, b] (Daleckii–Krein). */
  readonly dd: (a: number, b: number) => number;
  /** The second divided difference f[a, b, c]. */
  readonly dd2: (a: number, b: number, c: number) => number;
}

const KERNELS: Readonly<Record<MatFunName, MatFunKernels>> = {
  expm: {
    general: (b) => expm(b),
    checkSpectrum: false,
    checkEigenvalues: () => {},
    dd: ddExp,
    dd2: dd2Exp,
  },
  logm: {
    general: (b) => logmISS(b, "logm"),
    checkSpectrum: true,
    checkEigenvalues: (values, tol) => {
      for (const l of values) if (l <= tol) axisFail("logm", l, tol);
    },
    dd: ddLog,
    dd2: dd2Log,
  },
  sqrtm: {
    general: (b) => sqrtmDB(b, "sqrtm"),
    checkSpectrum: true,
    checkEigenvalues: (values, tol) => {
      for (const l of values) {
        if (l < -tol) fail("domain", `sqrtm: eigenvalue ${fmtNum(l)} is negative`);
        if (l <= tol) fail("domain", "sqrtm: derivative undefined at a singular matrix (eigenvalue 0)");
      }
    },
    dd: ddSqrt,
    dd2: dd2Sqrt,
  },
};

/** exp[a, b] = exp(max) (1 - exp(-|a - b|)) / |a - b|: no cancellation, no overflow of an intermediate. */
export function ddExp(a: number, b: number): number {
  if (a === b) return Math.exp(a);
  const d = Math.abs(a - b);
  return (Math.exp(Math.max(a, b)) * -Math.expm1(-d)) / d;
}

/** log[a, b] for a, b > 0: log1p((a - b)/b)/(a - b) when a/b is in (1/2, 2) (a - b is then exact). */
export function ddLog(a: number, b: number): number {
  if (a === b) return 1 / a;
  const r = a / b;
  if (r > 0.5 && r < 2) return Math.log1p((a - b) / b) / (a - b);
  return (Math.log(a) - Math.log(b)) / (a - b);
}

/** sqrt[a, b] = 1 / (sqrt(a) + sqrt(b)), exact and stable. */
export function ddSqrt(a: number, b: number): number {
  return 1 / (Math.sqrt(a) + Math.sqrt(b));
}

/** (a^p - b^p)/(a - b) for a, b >= 0: b^p expm1(p log1p((a - b)/b))/(a - b) when a/b is in (1/2, 2). */
export function ddPow(a: number, b: number, p: number): number {
  if (a === b) return p * Math.pow(a, p - 1);
  const r = a / b;
  if (r > 0.5 && r < 2) return (Math.pow(b, p) * Math.expm1(p * Math.log1p((a - b) / b))) / (a - b);
  return (Math.pow(a, p) - Math.pow(b, p)) / (a - b);
}

// ---------------------------------------------------------------- second divided differences

function sort3(a: number, b: number, c: number): [number, number, number] {
  if (a > b) [a, b] = [b, a];
  if (b > c) [b, c] = [c, b];
  if (a > b) [a, b] = [b, a];
  return [a, b, c];
}

/**
 * f[a, a + v, a + w] from the Taylor series of f at a: the sum over k >= 2 of t_k h_(k-2)(v, w), where t_k is the k-th
 * Taylor coefficient (t_2 given, then t_(k+1) = t_k ratio(k)) and h_j(v, w) = sum over i <= j of v^i w^(j-i) is the
 * divided difference of (x - a)^(j+2) at a, a + v, a + w. With 0 <= v <= w the h_j are positive, so nothing cancels
 * but the signs of the t_k.
 */
function dd2Series(t2: number, ratio: (k: number) => number, v: number, w: number): number {
  let s = 0, t = t2, h = 1, vk = 1;
  for (let k = 2; k < 200; k++) {
    const term = t * h;
    s += term;
    if (Math.abs(term) <= (EPS / 8) * Math.abs(s)) break;
    t *= ratio(k);
    vk *= v;
    h = w * h + vk;
  }
  return s;
}

/**
 * exp[a, b, c]: for points within 1 of each other, exp(a) times the Taylor series at the smallest point (all terms
 * positive); otherwise (exp[b, c] - exp[a, b])/(c - a) for a < b < c, where exp[b, c] >= 1.5 exp[a, b], so the
 * difference loses at most a few bits.
 */
export function dd2Exp(a: number, b: number, c: number): number {
  const [x, y, z] = sort3(a, b, c);
  if (z - x <= 1) return Math.exp(x) * dd2Series(0.5, (k) => 1 / (k + 1), y - x, z - x);
  return (ddExp(y, z) - ddExp(x, y)) / (z - x);
}

/**
 * log[a, b, c] for a, b, c > 0: the Taylor series at the smallest point a when c - a <= a/4 (coefficients
 * (-1)^(k-1)/(k a^k)); otherwise (log[b, c] - log[a, b])/(c - a), which then loses at most about 5 bits.
 */
export function dd2Log(a: number, b: number, c: number): number {
  const [x, y, z] = sort3(a, b, c);
  if (z - x <= x / 4) return dd2Series(-0.5, (k) => -k / (k + 1), (y - x) / x, (z - x) / x) / (x * x);
  return (ddLog(y, z) - ddLog(x, y)) / (z - x);
}

/** sqrt[a, b, c] = -1/((sqrt(a) + sqrt(b)) (sqrt(b) + sqrt(c)) (sqrt(a) + sqrt(c))), exact and stable. */
export function dd2Sqrt(a: number, b: number, c: number): number {
  const [ra, rb, rc] = sort3(a, b, c).map(Math.sqrt) as [number, number, number];
  return -1 / ((ra + rb) * (rb + rc) * (ra + rc));
}

/**
 * x^p[a, b, c] for a, b, c >= 0: the Taylor series at the smallest point a > 0 when c - a <= a/4 (coefficients
 * binom(p, k) a^(p-k)); p(p-1)/2 a^(p-2) when the points coincide; otherwise the difference of first divided
 * differences.
 */
export function dd2Pow(a: number, b: number, c: number, p: number): number {
  const [x, y, z] = sort3(a, b, c);
  if (z === x) return ((p * (p - 1)) / 2) * Math.pow(x, p - 2);
  if (x > 0 && z - x <= x / 4) {
    return dd2Series((p * (p - 1)) / 2, (k) => (p - k) / (k + 1), (y - x) / x, (z - x) / x) * Math.pow(x, p - 2);
  }
  return (ddPow(y, z, p) - ddPow(x, y, p)) / (z - x);
}
