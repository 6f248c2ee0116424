// N-D arrays of derivative values (the JSON contract's tensors): row-major data with one size per axis, made from a
// matricized tensor by re-indexing once, so the engine keeps one matricized evaluator and every caller gets one layout.

import { invariant } from "../diagnostics/errors.js";
import type { Mat } from "./matrix.js";

/** A dense array over `shape` (no axes for a scalar), stored row-major: the last axis fastest. */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Nested JSON arrays, one level per axis (a number for no axes). */
export type NdJson = number | NdJson[];

/** Column-major strides of an array of these sizes: the first index fastest, as matcalc matricizes tensors. */
export function colMajorStrides(sizes: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (const n of sizes) {
    s.push(acc);
    acc *= n;
  }
  return s;
}

/**
 * The N-D array of a matricized tensor. `m` holds the tensor T over `sizes` (axes a0, a1, ...) as matcalc matricizes
 * it: rows then columns, first index fastest, so T[a] sits at column-major linear index a0 + n0*(a1 + n1*(a2 ...))
 * of m. The result has the axes reordered by `perm` (its axis t is axis perm[t] of T) and is stored row-major.
 */
export function fromMatricized(m: Mat, sizes: readonly number[], perm: readonly number[]): NdArray {
  const total = sizes.reduce((s, n) => s * n, 1);
  invariant(total === m.rows * m.cols, `a ${m.rows} x ${m.cols} matrix is not a tensor of sizes ${sizes.join(" x ")}`);
  invariant(perm.length === sizes.length, "a permutation of every axis");
  // strides of T's axes in the column-major linear index of m
  const colStride = colMajorStrides(sizes);
  const shape = perm.map((a) => sizes[a]!);
  const st = perm.map((a) => colStride[a]!);
  const data = new Float64Array(total);
  const at = new Array<number>(shape.length).fill(0);
  const R = m.rows;
  for (let o = 0; o < total; o++) {
    let lin = 0;
    for (let t = 0; t < shape.length; t++) lin += at[t]! * st[t]!;
    data[o] = m.data[(lin % R) * m.cols + Math.floor(lin / R)]!;
    // odometer, last axis fastest (row-major output)
    for (let t = shape.length - 1; t >= 0; t--) {
      if (++at[t]! < shape[t]!) break;
      at[t] = 0;
    }
  }
  return { shape, data };
}

/** Nested arrays in row-major order: a[i][j][k][l] for four axes; a number for none. */
export function ndToJson(a: NdArray): NdJson {
  if (a.shape.length === 0) return a.data[0]!;
  const build = (axis: number, offset: number, block: number): NdJson[] => {
    const n = a.shape[axis]!;
    const inner = block / n;
    if (axis === a.shape.length - 1) return Array.from(a.data.subarray(offset, offset + n));
    return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * inner, inner));
  };
  return build(0, 0, a.data.length);
}
