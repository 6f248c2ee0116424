// Numeric value of a derivative in index form: the matricized tensor (rows: the function's axes and every
// derivative's but the last; columns: the last variable's; first index fastest, so vec stacks columns).
// Direct summation over all indices of each term: tensors here are small (the check uses sizes 3 to 5).

import { type Factor, type FrechetTensor, type IndexForm, type Index, axisDim, matricizedAxes } from "../diff/tensor.js";
import { FRECHET_OF } from "../ir/matrix-functions.js";
import type { Node } from "../ir/node.js";
import { type Env, dimValue, evaluateNodes } from "./evaluate.js";
import * as F from "./matfun.js";
import * as M from "./matrix.js";
import type { Mat } from "./matrix.js";

/** The entries of a factor, row-major over its slots (a matrix, or the n^4 entries of a Fréchet tensor). */
interface Entries {
  readonly data: ArrayLike<number>;
  readonly strides: readonly number[];
}

/**
 * D_f(X)_ijkl = L_f(X, e_k e_l')_ij, the tensor of the Fréchet derivative at x, one direction per (k, l),
 * stored at ((i*n + j)*n + k)*n + l.
 */
export function frechetTensor(t: FrechetTensor, x: Mat, p: number): Float64Array {
  const n = x.rows;
  const out = new Float64Array(n ** 4);
  for (let k = 0; k < n; k++) {
    for (let l = 0; l < n; l++) {
      const e = M.zeros(n, n);
      e.data[k * n + l] = 1;
      const L = t.op === "dpowm" ? F.frechetPow(x, p, e) : F.frechet(FRECHET_OF[t.op] as F.MatFunName, x, e);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[((i * n + j) * n + k) * n + l] = L.data[i * n + j]!;
    }
  }
  return out;
}

export function evaluateIndexForm(t: IndexForm, env: Env): Mat {
  const { rows, cols } = matricizedAxes(t);
  const size = (x: Index) => dimValue(t.dims.get(x)!, env);
  const R = rows.reduce((s, x) => s * size(x), 1);
  const C = cols.reduce((s, x) => s * size(x), 1);
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
  const tensors = new Map<string, Entries>();
  const entries = (f: Factor): Entries => {
    const m = vals.get(f.node.id)!;
    if (!f.frechet) return { data: m.data, strides: [m.cols, 1] };
    const { op, p } = f.frechet;
    const key = `${op} ${f.node.id} ${p?.id ?? ""}`;
    let e = tensors.get(key);
    if (!e) {
      const n = m.rows;
      e = { data: frechetTensor(f.frechet, m, p ? vals.get(p.id)!.data[0]! : 0), strides: [n ** 3, n ** 2, n, 1] };
      tensors.set(key, e);
    }
    return e;
  };
  for (const term of t.terms) {
    // Every index of the term: the free ones (also when the term does not mention them), then the summed ones.
    const all: Index[] = [...rows, ...cols];
    const sizes = all.map(size);
    for (const f of term.factors) {
      f.slots.forEach((x, axis) => {
        if (x === null || all.includes(x)) return;
        all.push(x);
        sizes.push(dimValue(axisDim(f, axis), env));
      });
    }
    const pos = new Map(all.map((x, i) => [x, i]));
    // Each factor: its entries and, per slot, the position of its index in `at` (-1 for an axis of size 1).
    const factors = term.factors.map((f) => ({ ...entries(f), at: f.slots.map((x) => (x === null ? -1 : pos.get(x)!)) }));
    const c0 = term.coef * vals.get(term.scalar.id)!.data[0]!;
    const at = new Array<number>(all.length).fill(0);
    const rowStrides = strides(rows.map(size));
    const colStrides = strides(cols.map(size));
    for (;;) {
      let v = c0;
      for (const f of factors) {
        let off = 0;
        for (let s = 0; s < f.at.length; s++) if (f.at[s]! >= 0) off += at[f.at[s]!]! * f.strides[s]!;
        v *= f.data[off]!;
        if (v === 0) break;
      }
      if (v !== 0) {
        let ri = 0;
        for (let k = 0; k < rows.length; k++) ri += at[k]! * rowStrides[k]!;
        let ci = 0;
        for (let k = 0; k < cols.length; k++) ci += at[rows.length + k]! * colStrides[k]!;
        out.data[ri * C + ci]! += v;
      }
      // odometer over every index
      let k = 0;
      while (k < all.length && ++at[k]! === sizes[k]) at[k++] = 0;
      if (k === all.length) break;
    }
  }
  return out;
}

/** Column-major strides: the first index fastest. */
function strides(sizes: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (const n of sizes) {
    s.push(acc);
    acc *= n;
  }
  return s;
}
