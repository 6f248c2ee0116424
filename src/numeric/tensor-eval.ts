// Numeric value of a derivative in index form: the matricized tensor (rows: the function's axes and every
// derivative's but the last; columns: the last variable's; first index fastest, so vec stacks columns).
// Direct summation over all indices of each term: tensors here are small (the check uses sizes 3 to 5).

import { type IndexForm, type Index, matricizedAxes } from "../diff/tensor.js";
import type { Node } from "../ir/node.js";
import { type Env, dimValue, evaluateNodes } from "./evaluate.js";
import * as M from "./matrix.js";
import type { Mat } from "./matrix.js";

export function evaluateIndexForm(t: IndexForm, env: Env): Mat {
  const { rows, cols } = matricizedAxes(t);
  const size = (x: Index) => dimValue(t.dims.get(x)!, env);
  const R = rows.reduce((s, x) => s * size(x), 1);
  const C = cols.reduce((s, x) => s * size(x), 1);
  const out = M.zeros(R, C);
  const nodes: Node[] = [];
  for (const term of t.terms) {
    nodes.push(term.scalar);
    for (const f of term.factors) nodes.push(f.node);
  }
  const vals = new Map<number, Mat>();
  evaluateNodes(nodes, env).forEach((v, i) => vals.set(nodes[i]!.id, v));
  for (const term of t.terms) {
    // Every index of the term: the free ones (also when the term does not mention them), then the summed ones.
    const all: Index[] = [...rows, ...cols];
    const sizes = all.map(size);
    for (const f of term.factors) {
      f.slots.forEach((x, axis) => {
        if (x === null || all.includes(x)) return;
        all.push(x);
        sizes.push(dimValue(f.node.shape[axis]!, env));
      });
    }
    const pos = new Map(all.map((x, i) => [x, i]));
    const factors = term.factors.map((f) => ({
      m: vals.get(f.node.id)!,
      r: f.slots[0] === null ? -1 : pos.get(f.slots[0])!,
      c: f.slots[1] === null ? -1 : pos.get(f.slots[1])!,
    }));
    const c0 = term.coef * vals.get(term.scalar.id)!.data[0]!;
    const at = new Array<number>(all.length).fill(0);
    const rowStrides = strides(rows.map(size));
    const colStrides = strides(cols.map(size));
    for (;;) {
      let v = c0;
      for (const f of factors) {
        v *= f.m.data[(f.r < 0 ? 0 : at[f.r]!) * f.m.cols + (f.c < 0 ? 0 : at[f.c]!)]!;
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
