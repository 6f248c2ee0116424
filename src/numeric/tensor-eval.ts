// Numeric value of a derivative in index form: the matricized tensor (rows: the function's axes and every
// derivative's but the last; columns: the last variable's; first index fastest, so vec stacks columns).
// Each term is a sum over its summation indices, done one index at a time by multiplying the factors that carry
// it (tensors here are small: the check uses sizes 3 to 5).

import { type Factor, type FrechetTensor, type Index, type IndexForm, matricizedAxes, summationDims } from "../diff/tensor.js";
import { FRECHET2_OF, FRECHET_OF, type Frechet2Op, isFrechetOp } from "../ir/matrix-functions.js";
import type { Node } from "../ir/node.js";
import { type Env, dimValue, evaluateNodes } from "./evaluate.js";
import * as F from "./matfun.js";
import * as M from "./matrix.js";
import { colMajorStrides } from "./ndarray.js";
import type { Mat } from "./matrix.js";

/**
 * D_f(X)_ijkl = L_f(X, e_k e_l')_ij, the tensor of the Fréchet derivative at x, one direction per (k, l),
 * stored at ((i*n + j)*n + k)*n + l; for a second Fréchet op, D2_f(X) (frechet2Tensor).
 */
export function frechetTensor(t: FrechetTensor, x: Mat, p: number): Float64Array {
  if (!isFrechetOp(t.op)) return frechet2Tensor(t.op, x, p);
  const f = FRECHET_OF[t.op];
  const n = x.rows;
  const out = new Float64Array(n ** 4);
  for (let k = 0; k < n; k++) {
    for (let l = 0; l < n; l++) {
      const e = M.zeros(n, n);
      e.data[k * n + l] = 1;
      const L = f === "powm" ? F.frechetPow(x, p, e) : F.frechet(f, x, e);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[((i * n + j) * n + k) * n + l] = L.data[i * n + j]!;
    }
  }
  return out;
}

/**
 * D2_f(X)_ijklmo = L2_f(X, e_k e_l', e_m e_o')_ij, the tensor of the second Fréchet derivative at x, stored at
 * ((((i*n + j)*n + k)*n + l)*n + m)*n + o. L2_f is symmetric in its directions, so each unordered pair of
 * directions is evaluated once: n^2 (n^2 + 1)/2 second Fréchet derivatives.
 */
function frechet2Tensor(op: Frechet2Op, x: Mat, p: number): Float64Array {
  const f = FRECHET2_OF[op];
  const n = x.rows;
  const n2 = n * n;
  const out = new Float64Array(n2 ** 3);
  const unit = (kl: number) => {
    const e = M.zeros(n, n);
    e.data[kl] = 1;
    return e;
  };
  for (let kl = 0; kl < n2; kl++) {
    for (let mn = kl; mn < n2; mn++) {
      const [e, g] = [unit(kl), unit(mn)];
      const L = f === "powm" ? F.frechet2Pow(x, p, e, g) : F.frechet2(f, x, e, g);
      for (let ij = 0; ij < n2; ij++) {
        out[(ij * n2 + kl) * n2 + mn] = L.data[ij]!;
        out[(ij * n2 + mn) * n2 + kl] = L.data[ij]!;
      }
    }
  }
  return out;
}

export function evaluateIndexForm(t: IndexForm, env: Env): Mat {
  const { rows, cols } = matricizedAxes(t);
  const free = new Set<Index>([...rows, ...cols]);
  const freeSize = (x: Index) => dimValue(t.dims.get(x)!, env);
  const R = rows.reduce((s, x) => s * freeSize(x), 1);
  const C = cols.reduce((s, x) => s * freeSize(x), 1);
  const out = M.zeros(R, C);
  const nodes: Node[] = [];
  for (const term of t.terms) {
    nodes.push(term.scalar);
    for (const f of term.factors) {
      nodes.push(f.node);
      if (f.frechet?.p) nodes.push(f.frechet.p);
    }
  }
  const vals = new Map<number, Mat>();
  evaluateNodes(nodes, env).forEach((v, i) => vals.set(nodes[i]!.id, v));
  const tensors = new Map<string, Float64Array>();
  /** A factor's entries over its indices (axes of size 1 dropped). */
  const entries = (f: Factor): Strided => {
    const m = vals.get(f.node.id)!;
    let data: ArrayLike<number> = m.data;
    let st = [m.cols, 1];
    if (f.frechet) {
      const { op, p } = f.frechet;
      const key = `${op} ${f.node.id} ${p?.id ?? ""}`;
      let e = tensors.get(key);
      if (!e) {
        e = frechetTensor(f.frechet, m, p ? vals.get(p.id)!.data[0]! : 0);
        tensors.set(key, e);
      }
      data = e;
      st = f.slots.map((_, s) => m.rows ** (f.slots.length - 1 - s));
    }
    const axes = f.slots.flatMap((x, s) => (x === null ? [] : [{ x, stride: st[s]! }]));
    return { idx: axes.map((a) => a.x), data, strides: axes.map((a) => a.stride) };
  };
  for (const term of t.terms) {
    const c0 = term.coef * vals.get(term.scalar.id)!.data[0]!;
    if (c0 === 0) continue;
    const summed = summationDims(term, free);
    const size = (x: Index) => (free.has(x) ? freeSize(x) : dimValue(summed.get(x)!, env));
    // Sum out one summation index at a time, the one whose factors span the fewest entries, each time
    // multiplying the factors that carry it into one tensor (so the cost follows the largest such span, not
    // the number of indices of the term).
    let ts = term.factors.map(entries);
    for (;;) {
      let best: Index | null = null;
      let bestCost = Infinity;
      for (const x of summed.keys()) {
        const span = indicesOf(ts.filter((f) => f.idx.includes(x)));
        const cost = span.reduce((c, y) => c * size(y), 1);
        if (span.length > 0 && cost < bestCost) [best, bestCost] = [x, cost];
      }
      if (best === null) break;
      const s = best;
      const carry = ts.filter((f) => f.idx.includes(s));
      ts = [...ts.filter((f) => !f.idx.includes(s)), contract(carry, indicesOf(carry).filter((y) => y !== s), size)];
    }
    // What is left carries free indices only: the term over rows and columns, first index fastest.
    const T = contract(ts, [...rows, ...cols], size);
    for (let ri = 0; ri < R; ri++) for (let ci = 0; ci < C; ci++) out.data[ri * C + ci]! += c0 * T.data[ri + R * ci]!;
  }
  return out;
}

/** Entries of a tensor over indices: the one at index values v lies at sum of v[a]*strides[a]. An index may repeat. */
interface Strided {
  readonly idx: readonly Index[];
  readonly data: ArrayLike<number>;
  readonly strides: readonly number[];
}

/** The distinct indices of some tensors, in order of appearance. */
function indicesOf(ts: readonly Strided[]): Index[] {
  return [...new Set(ts.flatMap((f) => f.idx))];
}

/**
 * The product of the tensors as a tensor over `keep` (first index fastest), summed over their other indices; an
 * index of keep that none of them carries repeats the product along it.
 */
function contract(ts: readonly Strided[], keep: readonly Index[], size: (x: Index) => number): Strided {
  const all = [...keep, ...indicesOf(ts).filter((x) => !keep.includes(x))];
  const sizes = all.map(size);
  // per tensor, the stride of each index of `all` (0 when it does not carry it; the sum when it repeats)
  const ins = ts.map((f) => ({ data: f.data, st: all.map((x) => f.idx.reduce((s, y, k) => (y === x ? s + f.strides[k]! : s), 0)) }));
  const outStrides = colMajorStrides(keep.map(size));
  const data = new Float64Array(keep.reduce((s, x) => s * size(x), 1));
  const at = new Array<number>(all.length).fill(0);
  for (;;) {
    let v = 1;
    for (const f of ins) {
      let off = 0;
      for (let a = 0; a < all.length; a++) off += at[a]! * f.st[a]!;
      v *= f.data[off]!;
      if (v === 0) break;
    }
    if (v !== 0) {
      let o = 0;
      for (let k = 0; k < keep.length; k++) o += at[k]! * outStrides[k]!;
      data[o]! += v;
    }
    // odometer over every index
    let k = 0;
    while (k < all.length && ++at[k]! === sizes[k]) at[k++] = 0;
    if (k === all.length) break;
  }
  return { idx: keep, data, strides: outStrides };
}
