// Dense real matrices for the numeric runtime: construction, elementwise arithmetic, products, reductions.
// One representation for everything (row-major Float64Array; scalars 1x1, vectors n x 1), pure functions.

import { fail } from "../diagnostics/errors.js";

/** A dense real matrix, row-major: entry (i, j) is data[i * cols + j]. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

// ---------------------------------------------------------------- construction

export function zeros(rows: number, cols: number = rows): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function ones(rows: number, cols: number = rows): Mat {
  return { rows, cols, data: new Float64Array(rows * cols).fill(1) };
}

export function eye(n: number): Mat {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function scalar(x: number): Mat {
  return { rows: 1, cols: 1, data: Float64Array.of(x) };
}

export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const m = zeros(r, c);
  for (let i = 0; i < r; i++) {
    const row = rows[i]!;
    if (row.length !== c) fail("dimension", `fromRows: row ${i} has ${row.length} entries, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = row[j]!;
  }
  return m;
}

/** A column vector (n x 1). */
export function fromVector(v: ArrayLike<number>): Mat {
  return { rows: v.length, cols: 1, data: Float64Array.from(v) };
}

export function toRows(a: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

export function clone(a: Mat): Mat {
  return { rows: a.rows, cols: a.cols, data: a.data.slice() };
}

export function get(a: Mat, i: number, j: number): number {
  return a.data[i * a.cols + j]!;
}

// ---------------------------------------------------------------- shape checks

export function shapeStr(a: Mat): string {
  return `${a.rows}x${a.cols}`;
}

export function isSquare(a: Mat): boolean {
  return a.rows === a.cols;
}

/** Throws "not-square" naming the operator unless a is square. */
export function requireSquare(op: string, a: Mat): number {
  if (a.rows !== a.cols) fail("not-square", `${op}: matrix is ${shapeStr(a)}, not square`);
  return a.rows;
}

function requireSameShape(op: string, a: Mat, b: Mat): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    fail("dimension", `${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} differ`);
  }
}

// ---------------------------------------------------------------- elementwise

export function add(a: Mat, b: Mat): Mat {
  requireSameShape("add", a, b);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! + b.data[k]!;
  return out;
}

export function sub(a: Mat, b: Mat): Mat {
  requireSameShape("sub", a, b);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! - b.data[k]!;
  return out;
}

export function scale(a: Mat, s: number): Mat {
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! * s;
  return out;
}

/** a + s*b (axpy), without a temporary. */
export function addScaled(a: Mat, s: number, b: Mat): Mat {
  requireSameShape("addScaled", a, b);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! + s * b.data[k]!;
  return out;
}

/** a + s*I for square a. */
export function addIdentity(a: Mat, s: number): Mat {
  const n = requireSquare("addIdentity", a);
  const out = clone(a);
  for (let i = 0; i < n; i++) out.data[i * n + i] += s;
  return out;
}

export function hadamard(a: Mat, b: Mat): Mat {
  requireSameShape("hadamard", a, b);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! * b.data[k]!;
  return out;
}

export function ediv(a: Mat, b: Mat): Mat {
  requireSameShape("ediv", a, b);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k]! / b.data[k]!;
  return out;
}

export function map(a: Mat, f: (x: number, i: number, j: number) => number): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = f(a.data[i * a.cols + j]!, i, j);
  }
  return out;
}

// ---------------------------------------------------------------- products

// Tile sizes for matmul: a KB x JB tile of B (128 KiB) stays in L2 while four rows of A stream past it.
const KB = 64, JB = 256;

/**
 * C = A*B: the i-k-j loop order (the inner loop streams rows of B and C contiguously), tiled over k and j for
 * cache reuse and unrolled over four rows of A so that each loaded b_kj feeds four multiply-adds.
 */
export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) fail("dimension", `matmul: inner dimensions differ (${shapeStr(a)} * ${shapeStr(b)})`);
  const m = a.rows, p = a.cols, n = b.cols;
  const A = a.data, B = b.data;
  const C = new Float64Array(m * n);
  for (let k0 = 0; k0 < p; k0 += KB) {
    const k1 = Math.min(p, k0 + KB);
    for (let j0 = 0; j0 < n; j0 += JB) {
      const j1 = Math.min(n, j0 + JB);
      let i = 0;
      for (; i + 3 < m; i += 4) matmulTile4(A, B, C, p, n, i, k0, k1, j0, j1);
      for (; i < m; i++) {
        const ci = i * n, ai = i * p;
        for (let k = k0; k < k1; k++) {
          const x = A[ai + k]!;
          if (x === 0) continue;
          const bk = k * n;
          for (let j = j0; j < j1; j++) C[ci + j] += x * B[bk + j]!;
        }
      }
    }
  }
  return { rows: m, cols: n, data: C };
}

/** C[i..i+3, j0..j1) += A[i..i+3, k0..k1) B[k0..k1, j0..j1). */
function matmulTile4(
  A: Float64Array, B: Float64Array, C: Float64Array, p: number, n: number,
  i: number, k0: number, k1: number, j0: number, j1: number,
): void {
  const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
  const a0 = i * p, a1 = a0 + p, a2 = a1 + p, a3 = a2 + p;
  for (let k = k0; k < k1; k++) {
    const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
    if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
    const bk = k * n;
    for (let j = j0; j < j1; j++) {
      const bkj = B[bk + j]!;
      C[c0 + j] += x0 * bkj;
      C[c1 + j] += x1 * bkj;
      C[c2 + j] += x2 * bkj;
      C[c3 + j] += x3 * bkj;
    }
  }
}

/** A' * B (the transpose costs O(n^2); the product then runs at matmul speed). */
export function matmulTN(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows) fail("dimension", `matmulTN: inner dimensions differ (${shapeStr(a)}' * ${shapeStr(b)})`);
  return matmul(transpose(a), b);
}

/** A * B'. */
export function matmulNT(a: Mat, b: Mat): Mat {
  if (a.cols !== b.cols) fail("dimension", `matmulNT: inner dimensions differ (${shapeStr(a)} * ${shapeStr(b)}')`);
  return matmul(a, transpose(b));
}

export function transpose(a: Mat): Mat {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}

/** Kronecker product: block (i, j) of the result is a_ij * B. */
export function kron(a: Mat, b: Mat): Mat {
  const R = a.rows * b.rows, C = a.cols * b.cols;
  const out = zeros(R, C);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const aij = a.data[i * a.cols + j]!;
      for (let k = 0; k < b.rows; k++) {
        const row = (i * b.rows + k) * C + j * b.cols;
        for (let l = 0; l < b.cols; l++) out.data[row + l] = aij * b.data[k * b.cols + l]!;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- diagonals and blocks

export function diagFromVector(v: Mat | ArrayLike<number>): Mat {
  const d = "data" in v ? v.data : v;
  const n = d.length;
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = d[i]!;
  return out;
}

/** The diagonal of a (square or not) as an n x 1 column. */
export function diagOfMatrix(a: Mat): Mat {
  const n = Math.min(a.rows, a.cols);
  const out = zeros(n, 1);
  for (let i = 0; i < n; i++) out.data[i] = a.data[i * a.cols + i]!;
  return out;
}

/** Copy of the block of a starting at (r0, c0) with the given size. */
export function block(a: Mat, r0: number, c0: number, rows: number, cols: number): Mat {
  const out = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    out.data.set(a.data.subarray((r0 + i) * a.cols + c0, (r0 + i) * a.cols + c0 + cols), i * cols);
  }
  return out;
}

/** [[a, b], [c, d]] from four blocks with matching shapes. */
export function blocks2x2(a: Mat, b: Mat, c: Mat, d: Mat): Mat {
  if (a.rows !== b.rows || c.rows !== d.rows || a.cols !== c.cols || b.cols !== d.cols) {
    fail("dimension", "blocks2x2: block shapes do not match");
  }
  const out = zeros(a.rows + c.rows, a.cols + b.cols);
  const put = (m: Mat, r0: number, c0: number) => {
    for (let i = 0; i < m.rows; i++) {
      out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), (r0 + i) * out.cols + c0);
    }
  };
  put(a, 0, 0); put(b, 0, a.cols); put(c, a.rows, 0); put(d, a.rows, a.cols);
  return out;
}

// ---------------------------------------------------------------- reductions and norms

export function trace(a: Mat): number {
  const n = requireSquare("trace", a);
  let s = 0;
  for (let i = 0; i < n; i++) s += a.data[i * n + i]!;
  return s;
}

export function sum(a: Mat): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k]!;
  return s;
}

/** Frobenius norm, scaled to avoid overflow and underflow. */
export function frobenius(a: Mat): number {
  const m = maxAbs(a);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let k = 0; k < a.data.length; k++) {
    const t = a.data[k]! / m;
    s += t * t;
  }
  return m * Math.sqrt(s);
}

/** Largest |a_ij| (NaN if any entry is NaN). */
export function maxAbs(a: Mat): number {
  let m = 0;
  for (let k = 0; k < a.data.length; k++) {
    const t = Math.abs(a.data[k]!);
    if (t > m) m = t;
    else if (t !== t) return NaN;
  }
  return m;
}

/** Induced 1-norm: largest column sum of |a_ij|. */
export function norm1(a: Mat): number {
  const sums = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) sums[j] += Math.abs(a.data[i * a.cols + j]!);
  }
  let m = 0;
  for (let j = 0; j < a.cols; j++) {
    const t = sums[j]!;
    if (t > m) m = t;
    else if (t !== t) return NaN;
  }
  return m;
}

/** Induced infinity-norm: largest row sum of |a_ij|. */
export function normInf(a: Mat): number {
  let m = 0;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += Math.abs(a.data[i * a.cols + j]!);
    if (s > m) m = s;
    else if (s !== s) return NaN;
  }
  return m;
}

export function allFinite(a: Mat): boolean {
  for (let k = 0; k < a.data.length; k++) if (!Number.isFinite(a.data[k]!)) return false;
  return true;
}

// ---------------------------------------------------------------- symmetry

/** True when a is square and |a_ij - a_ji| <= tol for all i, j (tol is absolute; scale it by maxAbs(a) if needed). */
export function isSymmetric(a: Mat, tol = 0): boolean {
  if (a.rows !== a.cols) return false;
  const n = a.rows;
  const bound = tol;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!(Math.abs(a.data[i * n + j]! - a.data[j * n + i]!) <= bound)) return false;
    }
  }
  return true;
}

/** (a + a') / 2. */
export function symmetrize(a: Mat): Mat {
  const n = requireSquare("symmetrize", a);
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) {
    out.data[i * n + i] = a.data[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a.data[i * n + j]! + a.data[j * n + i]!);
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

// ---------------------------------------------------------------- messages

/** A number for an error message: three significant digits, plain JS notation ("-3.2", "1e-18"). */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  return String(Number(x.toPrecision(3)));
}
