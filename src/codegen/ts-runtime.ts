// The small dense-matrix runtime that generated TypeScript carries with it: each helper is source text with its
// dependencies, and a module includes only the helpers it calls, so every generated file stands alone.

export interface TsHelper {
  readonly code: string;
  readonly deps?: readonly string[];
}

/** In dependency-friendly order; a module writes the helpers it uses in this order. */
export const TS_HELPERS: Readonly<Record<string, TsHelper>> = {
  Mat: {
    code: `
/** A dense row-major matrix; vectors are n x 1 (or 1 x n) matrices, scalars plain numbers. */
type Mat = { rows: number; cols: number; data: Float64Array };`,
  },
  mat: {
    code: `
function mat(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}`,
    deps: ["Mat"],
  },
  scalarIn: {
    code: `
function scalarIn(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(\`\${name} must be a finite number\`);
  return v;
}`,
  },
  vectorIn: {
    code: `
function vectorIn(name: string, v: readonly number[], row: boolean): Mat {
  if (v.length === 0) throw new TypeError(\`\${name} must be a non-empty array of numbers\`);
  const data = Float64Array.from(v);
  return row ? { rows: 1, cols: data.length, data } : { rows: data.length, cols: 1, data };
}`,
    deps: ["Mat"],
  },
  matrixIn: {
    code: `
function matrixIn(name: string, v: readonly (readonly number[])[]): Mat {
  if (v.length === 0) throw new TypeError(\`\${name} must be a non-empty array of rows\`);
  const cols = v[0]!.length;
  const m = mat(v.length, cols);
  for (let i = 0; i < v.length; i++) {
    const row = v[i]!;
    if (row.length !== cols) throw new TypeError(\`\${name}: rows of different lengths\`);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = row[j]!;
  }
  return m;
}`,
    deps: ["mat"],
  },
  checkShape: {
    code: `
function checkShape(name: string, m: Mat, rows: number, cols: number): void {
  if (m.rows !== rows || m.cols !== cols) throw new RangeError(\`\${name} is \${m.rows} x \${m.cols}, expected \${rows} x \${cols}\`);
}`,
    deps: ["Mat"],
  },
  vectorOut: {
    code: `
function vectorOut(m: Mat): number[] {
  return Array.from(m.data);
}`,
    deps: ["Mat"],
  },
  matrixOut: {
    code: `
function matrixOut(m: Mat): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}`,
    deps: ["Mat"],
  },
  tensorOut: {
    code: `
/** Nested arrays, one level per axis. */
type Nested = number | Nested[];

/**
 * The N-D array (row-major nested arrays) of a matricized tensor m over the axes of the given sizes (first index
 * fastest within rows, then columns; m transposed when \`transposed\`), its axes reordered: result axis t is axis perm[t].
 */
function tensorOut(m: Mat, transposed: boolean, sizes: readonly number[], perm: readonly number[]): Nested[] {
  const colStride: number[] = [];
  let acc = 1;
  for (const n of sizes) {
    colStride.push(acc);
    acc *= n;
  }
  const R = transposed ? m.cols : m.rows;
  const at = (lin: number): number => {
    const r = lin % R, c = Math.floor(lin / R);
    return transposed ? m.data[c * m.cols + r]! : m.data[r * m.cols + c]!;
  };
  const build = (t: number, lin: number): Nested[] =>
    Array.from({ length: sizes[perm[t]!]! }, (_, i) => {
      const l = lin + i * colStride[perm[t]!]!;
      return t === perm.length - 1 ? at(l) : build(t + 1, l);
    });
  return build(0, 0);
}`,
    deps: ["Mat"],
  },
  eye: {
    code: `
function eye(n: number): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}`,
    deps: ["mat"],
  },
  ones: {
    code: `
function ones(rows: number, cols: number): Mat {
  const m = mat(rows, cols);
  m.data.fill(1);
  return m;
}`,
    deps: ["mat"],
  },
  zeros: { code: `\nconst zeros = mat;`, deps: ["mat"] },
  map: {
    code: `
function map(a: Mat, f: (x: number) => number): Mat {
  const m = mat(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) m.data[k] = f(a.data[k]!);
  return m;
}`,
    deps: ["mat"],
  },
  zip: {
    code: `
function zip(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  const m = mat(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) m.data[k] = f(a.data[k]!, b.data[k]!);
  return m;
}`,
    deps: ["mat"],
  },
  add: { code: `\nconst add = (a: Mat, b: Mat): Mat => zip(a, b, (x, y) => x + y);`, deps: ["zip"] },
  sub: { code: `\nconst sub = (a: Mat, b: Mat): Mat => zip(a, b, (x, y) => x - y);`, deps: ["zip"] },
  had: { code: `\nconst had = (a: Mat, b: Mat): Mat => zip(a, b, (x, y) => x * y);`, deps: ["zip"] },
  ediv: { code: `\nconst ediv = (a: Mat, b: Mat): Mat => zip(a, b, (x, y) => x / y);`, deps: ["zip"] },
  shift: { code: `\nconst shift = (a: Mat, s: number): Mat => map(a, (x) => x + s);`, deps: ["map"] },
  scale: { code: `\nconst scale = (s: number, a: Mat): Mat => map(a, (x) => s * x);`, deps: ["map"] },
  neg: { code: `\nconst neg = (a: Mat): Mat => map(a, (x) => -x);`, deps: ["map"] },
  recip: { code: `\nconst recip = (a: Mat): Mat => map(a, (x) => 1 / x);`, deps: ["map"] },
  powe: { code: `\nconst powe = (a: Mat, p: number): Mat => map(a, (x) => x ** p);`, deps: ["map"] },
  sigmoid: {
    code: `
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}`,
  },
  relu: { code: `\nconst relu = (x: number): number => (x > 0 ? x : 0);` },
  tp: {
    code: `
function tp(a: Mat): Mat {
  if (a.rows === 1 || a.cols === 1) return { rows: a.cols, cols: a.rows, data: a.data };
  const m = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) m.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return m;
}`,
    deps: ["mat"],
  },
  mm: {
    code: `
function mm(a: Mat, b: Mat): Mat {
  const m = mat(a.rows, b.cols);
  const n = a.cols, c = b.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < c; j++) m.data[i * c + j]! += aik * b.data[k * c + j]!;
    }
  }
  return m;
}`,
    deps: ["mat"],
  },
  dot: {
    code: `
function dot(a: Mat, b: Mat): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k]! * b.data[k]!;
  return s;
}`,
    deps: ["Mat"],
  },
  trace: {
    code: `
function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + i]!;
  return s;
}`,
    deps: ["Mat"],
  },
  sum: {
    code: `
function sum(a: Mat): number {
  let s = 0;
  for (const x of a.data) s += x;
  return s;
}`,
    deps: ["Mat"],
  },
  norm1: {
    code: `
function norm1(a: Mat): number {
  let s = 0;
  for (const x of a.data) s += Math.abs(x);
  return s;
}`,
    deps: ["Mat"],
  },
  norm2: { code: `\nconst norm2 = (a: Mat): number => Math.sqrt(dot(a, a));`, deps: ["dot"] },
  diagm: {
    code: `
function diagm(v: Mat): Mat {
  const n = v.data.length;
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = v.data[i]!;
  return m;
}`,
    deps: ["mat"],
  },
  diagv: {
    code: `
function diagv(a: Mat): Mat {
  const m = mat(a.rows, 1);
  for (let i = 0; i < a.rows; i++) m.data[i] = a.data[i * a.cols + i]!;
  return m;
}`,
    deps: ["mat"],
  },
  scaleRows: {
    code: `
/** diag(v)*M without forming diag(v). */
function scaleRows(v: Mat, a: Mat): Mat {
  const m = mat(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) m.data[i * a.cols + j] = v.data[i]! * a.data[i * a.cols + j]!;
  return m;
}`,
    deps: ["mat"],
  },
  scaleCols: {
    code: `
/** M*diag(v) without forming diag(v). */
function scaleCols(a: Mat, v: Mat): Mat {
  const m = mat(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) m.data[i * a.cols + j] = a.data[i * a.cols + j]! * v.data[j]!;
  return m;
}`,
    deps: ["mat"],
  },
  trProd: {
    code: `
/** tr(P*Q) = sum(P .* Q') without forming P*Q. */
function trProd(p: Mat, q: Mat): number {
  let s = 0;
  for (let i = 0; i < p.rows; i++) for (let k = 0; k < p.cols; k++) s += p.data[i * p.cols + k]! * q.data[k * q.cols + i]!;
  return s;
}`,
    deps: ["Mat"],
  },
  diagProd: {
    code: `
/** diag(P*Q) without forming P*Q. */
function diagProd(p: Mat, q: Mat): Mat {
  const m = mat(p.rows, 1);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let k = 0; k < p.cols; k++) s += p.data[i * p.cols + k]! * q.data[k * q.cols + i]!;
    m.data[i] = s;
  }
  return m;
}`,
    deps: ["mat"],
  },
  kron: {
    code: `
function kron(a: Mat, b: Mat): Mat {
  const m = mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++)
      for (let k = 0; k < b.rows; k++)
        for (let l = 0; l < b.cols; l++)
          m.data[(i * b.rows + k) * m.cols + j * b.cols + l] = a.data[i * a.cols + j]! * b.data[k * b.cols + l]!;
  return m;
}`,
    deps: ["mat"],
  },
  LU: {
    code: `
/** PA = LU with partial pivoting: unit-lower L and U packed in lu, row permutation perm, its sign. */
type LU = { n: number; lu: Float64Array; perm: Int32Array; sign: number };`,
  },
  lu: {
    code: `
function lu(a: Mat): LU {
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]!) > Math.abs(lu[p * n + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [lu[k * n + j], lu[p * n + j]] = [lu[p * n + j]!, lu[k * n + j]!];
      [perm[k], perm[p]] = [perm[p]!, perm[k]!];
      sign = -sign;
    }
    const d = lu[k * n + k]!;
    if (d === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= d);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { n, lu, perm, sign };
}`,
    deps: ["LU", "Mat"],
  },
  luSolve: {
    code: `
/** inv(A)*B (trans false) or inv(A)'*B (trans true) from the LU factorization of A. */
function luSolve(f: LU, b: Mat, trans: boolean): Mat {
  const { n, lu, perm } = f;
  const c = b.data.length / n;
  const x = mat(n, c);
  for (let col = 0; col < c; col++) {
    const y = new Float64Array(n);
    if (!trans) {
      for (let i = 0; i < n; i++) {
        let s = b.data[perm[i]! * c + col]!;
        for (let k = 0; k < i; k++) s -= lu[i * n + k]! * y[k]!;
        y[i] = s;
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i]!;
        for (let k = i + 1; k < n; k++) s -= lu[i * n + k]! * y[k]!;
        y[i] = s / lu[i * n + i]!;
      }
      for (let i = 0; i < n; i++) x.data[i * c + col] = y[i]!;
    } else {
      // A' = U' L' P: solve U' z = b, then L' w = z, then x = P' w
      for (let i = 0; i < n; i++) {
        let s = b.data[i * c + col]!;
        for (let k = 0; k < i; k++) s -= lu[k * n + i]! * y[k]!;
        y[i] = s / lu[i * n + i]!;
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i]!;
        for (let k = i + 1; k < n; k++) s -= lu[k * n + i]! * y[k]!;
        y[i] = s;
      }
      for (let i = 0; i < n; i++) x.data[perm[i]! * c + col] = y[i]!;
    }
  }
  return b.rows === n ? x : { rows: b.rows, cols: b.cols, data: x.data };
}`,
    deps: ["LU", "mat"],
  },
  luDet: {
    code: `
function luDet(f: LU): number {
  let d = f.sign;
  for (let i = 0; i < f.n; i++) d *= f.lu[i * f.n + i]!;
  return d;
}`,
    deps: ["LU"],
  },
  luLogdet: {
    code: `
function luLogdet(f: LU): number {
  // log|det|, as matcalc's logdet
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(Math.abs(f.lu[i * f.n + i]!));
  return s;
}`,
    deps: ["LU"],
  },
  det: { code: `\nconst det = (a: Mat): number => luDet(lu(a));`, deps: ["luDet", "lu"] },
  logdet: { code: `\nconst logdet = (a: Mat): number => luLogdet(lu(a));`, deps: ["luLogdet", "lu"] },
  inv: { code: `\nconst inv = (a: Mat): Mat => luSolve(lu(a), eye(a.rows), false);`, deps: ["luSolve", "lu", "eye"] },
  solve: { code: `\nconst solve = (a: Mat, b: Mat, trans: boolean): Mat => luSolve(lu(a), b, trans);`, deps: ["luSolve", "lu"] },
  chol: {
    code: `
/** The lower Cholesky factor L of an spd A = L L'. */
function chol(a: Mat): Mat {
  const n = a.rows;
  const l = mat(n, n);
  for (let j = 0; j < n; j++) {
    let d = a.data[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l.data[j * n + k]! ** 2;
    const ljj = Math.sqrt(d);
    l.data[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a.data[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l.data[i * n + k]! * l.data[j * n + k]!;
      l.data[i * n + j] = s / ljj;
    }
  }
  return l;
}`,
    deps: ["mat"],
  },
  cholSolve: {
    code: `
/** inv(A)*B from the Cholesky factor L of A. */
function cholSolve(l: Mat, b: Mat): Mat {
  const n = l.rows;
  const c = b.data.length / n;
  const x = mat(b.rows, b.cols);
  const y = new Float64Array(n);
  for (let col = 0; col < c; col++) {
    for (let i = 0; i < n; i++) {
      let s = b.data[i * c + col]!;
      for (let k = 0; k < i; k++) s -= l.data[i * n + k]! * y[k]!;
      y[i] = s / l.data[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= l.data[k * n + i]! * y[k]!;
      y[i] = s / l.data[i * n + i]!;
    }
    for (let i = 0; i < n; i++) x.data[i * c + col] = y[i]!;
  }
  return x;
}`,
    deps: ["mat"],
  },
  cholLogdet: {
    code: `
/** log det(L) = logdet(L L')/2. */
function cholLogdet(l: Mat): number {
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.rows + i]!);
  return s;
}`,
    deps: ["Mat"],
  },
  cholDet: { code: `\nconst cholDet = (l: Mat): number => Math.exp(2 * cholLogdet(l));`, deps: ["cholLogdet"] },
  mpow: {
    code: `
function mpow(a: Mat, k: number): Mat {
  let r = a;
  for (let i = 1; i < k; i++) r = mm(r, a);
  return r;
}`,
    deps: ["mm"],
  },
  Eig: {
    code: `
/** A = V diag(w) V' for symmetric A. */
type Eig = { w: Float64Array; v: Mat };`,
  },
  eigSym: {
    code: `
/** Symmetric eigendecomposition by cyclic Jacobi rotations (reads the symmetric part of A). */
function eigSym(a: Mat): Eig {
  const n = a.rows;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (a.data[i * n + j]! + a.data[j * n + i]!) / 2;
  const v = eye(n);
  let total = 0;
  for (const x of m) total += x * x;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j]! ** 2;
    if (off <= 1e-32 * total) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = m[k * n + p]!, kq = m[k * n + q]!;
          m[k * n + p] = c * kp - s * kq;
          m[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = m[p * n + k]!, qk = m[q * n + k]!;
          m[p * n + k] = c * pk - s * qk;
          m[q * n + k] = s * pk + c * qk;
        }
        for (let k = 0; k < n; k++) {
          const kp = v.data[k * n + p]!, kq = v.data[k * n + q]!;
          v.data[k * n + p] = c * kp - s * kq;
          v.data[k * n + q] = s * kp + c * kq;
        }
      }
    }
  }
  return { w: Float64Array.from({ length: n }, (_, i) => m[i * n + i]!), v };
}`,
    deps: ["Eig", "eye"],
  },
  symFun: {
    code: `
/** f(A) = V diag(f(w)) V' for symmetric A. */
function symFun(e: Eig, f: (x: number) => number): Mat {
  const fw = e.w.map(f);
  return mm(scaleCols(e.v, { rows: fw.length, cols: 1, data: fw }), tp(e.v));
}`,
    deps: ["Eig", "mm", "scaleCols", "tp"],
  },
  symFrechet: {
    code: `
/** Daleckii-Krein: L_f(A, E) = V (D .* (V' E V)) V', D(i, j) the divided difference f[w(i), w(j)]. */
function symFrechet(e: Eig, dd: (a: number, b: number) => number, dir: Mat): Mat {
  const inner = mm(mm(tp(e.v), dir), e.v);
  const n = e.w.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inner.data[i * n + j]! *= dd(e.w[i]!, e.w[j]!);
  return mm(mm(e.v, inner), tp(e.v));
}`,
    deps: ["Eig", "mm", "tp"],
  },
  ddExp: {
    code: `
const ddExp = (a: number, b: number): number => (a === b ? Math.exp(b) : (Math.exp(b) * Math.expm1(a - b)) / (a - b));`,
  },
  ddLog: {
    code: `
const ddLog = (a: number, b: number): number => (a === b ? 1 / b : Math.log1p((a - b) / b) / (a - b));`,
  },
  ddSqrt: { code: `\nconst ddSqrt = (a: number, b: number): number => 1 / (Math.sqrt(a) + Math.sqrt(b));` },
  ddPow: {
    code: `
function ddPow(a: number, b: number, p: number): number {
  const r = (a - b) / b;
  return r === 0 ? p * b ** (p - 1) : (b ** (p - 1) * Math.expm1(p * Math.log1p(r))) / r;
}`,
  },
  norm1Mat: {
    code: `
/** The matrix 1-norm: the largest absolute column sum. */
function norm1Mat(a: Mat): number {
  let best = 0;
  for (let j = 0; j < a.cols; j++) {
    let s = 0;
    for (let i = 0; i < a.rows; i++) s += Math.abs(a.data[i * a.cols + j]!);
    best = Math.max(best, s);
  }
  return best;
}`,
    deps: ["Mat"],
  },
  expm: {
    code: `
/** Matrix exponential: scaling and squaring with the degree-13 Pade approximant (Higham 2005). */
function expm(a: Mat): Mat {
  const b = [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ];
  const s = Math.max(0, Math.ceil(Math.log2(norm1Mat(a) / 5.371920351148152)));
  const x = scale(2 ** -s, a);
  const n = a.rows, id = eye(n);
  const x2 = mm(x, x), x4 = mm(x2, x2), x6 = mm(x2, x4);
  const lin = (c6: number, c4: number, c2: number, c0: number) =>
    add(add(scale(c6, x6), scale(c4, x4)), add(scale(c2, x2), scale(c0, id)));
  const u = mm(x, add(mm(x6, lin(b[13]!, b[11]!, b[9]!, 0)), lin(b[7]!, b[5]!, b[3]!, b[1]!)));
  const v = add(mm(x6, lin(b[12]!, b[10]!, b[8]!, 0)), lin(b[6]!, b[4]!, b[2]!, b[0]!));
  let r = luSolve(lu(sub(v, u)), add(v, u), false);
  for (let k = 0; k < s; k++) r = mm(r, r);
  return r;
}`,
    deps: ["norm1Mat", "scale", "eye", "mm", "add", "sub", "luSolve", "lu"],
  },
  sqrtm: {
    code: `
/** Principal square root: the product form of the Denman-Beavers iteration with determinant scaling. */
function sqrtm(a: Mat): Mat {
  const n = a.rows;
  let m = a, y = a;
  for (let k = 0; k < 100; k++) {
    const f = lu(m);
    const mi = luSolve(f, eye(n), false);
    const mu = k < 8 ? Math.exp(-luLogAbsDet(f) / (2 * n)) : 1;
    y = scale(mu / 2, mm(y, add(eye(n), scale(1 / (mu * mu), mi))));
    m = add(scale(0.5, eye(n)), add(scale((mu * mu) / 4, m), scale(1 / (4 * mu * mu), mi)));
    if (norm1Mat(sub(m, eye(n))) <= 1e-15 * n) break;
  }
  return y;
}

function luLogAbsDet(f: LU): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(Math.abs(f.lu[i * f.n + i]!));
  return s;
}`,
    deps: ["lu", "luSolve", "eye", "scale", "mm", "add", "sub", "norm1Mat"],
  },
  logm: {
    code: `
/** Principal logarithm: inverse scaling and squaring with an 8-point Gauss-Legendre Pade approximant. */
function logm(a: Mat): Mat {
  const nodes = [
    0.019855071751231912, 0.10166676129318664, 0.2372337950418355, 0.4082826787521751, 0.5917173212478248,
    0.7627662049581645, 0.8983332387068134, 0.9801449282487681,
  ];
  const weights = [
    0.05061426814518853, 0.11119051722668721, 0.15685332293894344, 0.18134189168918083, 0.18134189168918083,
    0.15685332293894344, 0.11119051722668721, 0.05061426814518853,
  ];
  const n = a.rows;
  let t = a, k = 0;
  while (norm1Mat(sub(t, eye(n))) > 0.3 && k < 64) {
    t = sqrtm(t);
    k++;
  }
  const r = sub(t, eye(n));
  let out = mat(n, n);
  nodes.forEach((x, j) => {
    out = add(out, scale(weights[j]!, luSolve(lu(add(eye(n), scale(x, r))), r, false)));
  });
  return scale(2 ** k, out);
}`,
    deps: ["norm1Mat", "sub", "eye", "sqrtm", "mat", "add", "scale", "luSolve", "lu"],
  },
  powm: {
    code: `
/** X^p: binary powering for integer p, exp(p log X) otherwise. */
function powm(a: Mat, p: number): Mat {
  if (Number.isInteger(p)) {
    let base = p < 0 ? luSolve(lu(a), eye(a.rows), false) : a;
    let r = eye(a.rows);
    for (let q = Math.abs(p); q > 0; q = Math.floor(q / 2)) {
      if (q % 2 === 1) r = mm(r, base);
      base = mm(base, base);
    }
    return r;
  }
  return expm(scale(p, logm(a)));
}`,
    deps: ["luSolve", "lu", "eye", "mm", "expm", "scale", "logm"],
  },
  frechetBlock: {
    code: `
/** L_f(X, E): the top-right block of f([[X, E], [0, X]]). */
function frechetBlock(f: (m: Mat) => Mat, x: Mat, e: Mat): Mat {
  const n = x.rows;
  const big = mat(2 * n, 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      big.data[i * 2 * n + j] = x.data[i * n + j]!;
      big.data[(n + i) * 2 * n + n + j] = x.data[i * n + j]!;
      big.data[i * 2 * n + n + j] = e.data[i * n + j]!;
    }
  }
  const fb = f(big);
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = fb.data[i * 2 * n + n + j]!;
  return out;
}`,
    deps: ["mat"],
  },
  frechet2Block: {
    code: `
/** L2_f(X, E, F): the top-right block of L_f([[X, E], [0, X]], [[F, 0], [0, F]]), that is of f of a 4n x 4n block matrix. */
function frechet2Block(f: (m: Mat) => Mat, x: Mat, e: Mat, g: Mat): Mat {
  const n = x.rows, m = 2 * n;
  const big = mat(m, m), dir = mat(m, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      big.data[i * m + j] = big.data[(n + i) * m + n + j] = x.data[i * n + j]!;
      big.data[i * m + n + j] = e.data[i * n + j]!;
      dir.data[i * m + j] = dir.data[(n + i) * m + n + j] = g.data[i * n + j]!;
    }
  }
  const l = frechetBlock(f, big, dir);
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = l.data[i * m + n + j]!;
  return out;
}`,
    deps: ["mat", "frechetBlock"],
  },
  frechetTensor: {
    code: `
/**
 * The tensor D(X)_ijkl = L(X, E)_ij for the unit direction E = e_k e_l', as the n^2 x n^2 matrix with rows (i, j)
 * and columns (k, l), row-major: n^2 Fréchet derivatives (for moderate n).
 */
function frechetTensor(f: (x: Mat, e: Mat) => Mat, x: Mat): Mat {
  const n = x.rows;
  const d = mat(n * n, n * n);
  for (let k = 0; k < n; k++) {
    for (let l = 0; l < n; l++) {
      const e = mat(n, n);
      e.data[k * n + l] = 1;
      const fe = f(x, e);
      for (let ij = 0; ij < n * n; ij++) d.data[ij * n * n + k * n + l] = fe.data[ij]!;
    }
  }
  return d;
}`,
    deps: ["mat"],
  },
  einsum: {
    code: `
/**
 * One term of an index form: the product of the operands, summed over every index not in rows or cols, as the
 * matrix with rows (rows) and columns (cols), first index fastest (vec stacks columns). subs gives each operand's
 * indices, one letter per axis: one for a vector, two for a matrix, four for a Fréchet tensor (frechetTensor).
 */
function einsum(subs: string, ops: readonly Mat[], rows: string, cols: string): Mat {
  const names = subs.split(",");
  const size = new Map<string, number>();
  const strides = ops.map((a, k) => {
    const s = names[k]!;
    const n = Math.round(Math.sqrt(a.rows));
    const dims = s.length === 1 ? [a.data.length] : s.length === 2 ? [a.rows, a.cols] : [n, n, n, n];
    for (let q = 0; q < s.length; q++) size.set(s[q]!, dims[q]!);
    return s.length === 1 ? [1] : s.length === 2 ? [a.cols, 1] : [n * n * n, n * n, n, 1];
  });
  const letters = [...new Set([...rows, ...cols, ...names.join("")])];
  const sizes = letters.map((x) => size.get(x)!);
  const at = new Array<number>(letters.length).fill(0);
  const axes = names.map((s) => [...s].map((x) => letters.indexOf(x)));
  const place = (ix: string) => {
    let stride = 1;
    return [...ix].map((x) => {
      const p = { at: letters.indexOf(x), stride };
      stride *= size.get(x)!;
      return p;
    });
  };
  const [rp, cp] = [place(rows), place(cols)];
  const out = mat(rp.reduce((r, p) => r * sizes[p.at]!, 1), cp.reduce((c, p) => c * sizes[p.at]!, 1));
  for (;;) {
    let v = 1;
    for (let k = 0; k < ops.length && v !== 0; k++) {
      let off = 0;
      const ax = axes[k]!, st = strides[k]!;
      for (let q = 0; q < ax.length; q++) off += at[ax[q]!]! * st[q]!;
      v *= ops[k]!.data[off]!;
    }
    if (v !== 0) {
      let r = 0, c = 0;
      for (const p of rp) r += at[p.at]! * p.stride;
      for (const p of cp) c += at[p.at]! * p.stride;
      out.data[r * out.cols + c]! += v;
    }
    // odometer over every index
    let k = 0;
    while (k < letters.length && ++at[k]! === sizes[k]) at[k++] = 0;
    if (k === letters.length) return out;
  }
}`,
    deps: ["mat"],
  },
};
