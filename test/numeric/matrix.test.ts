// Tests of the dense matrix helpers: construction, elementwise ops, products, reductions, symmetry.
// Exact expectations on small integer matrices, relative-error checks on random ones.

import { describe, expect, it } from "vitest";
import {
  add, addIdentity, block, blocks2x2, clone, diagFromVector, diagOfMatrix, ediv, eye, fmtNum, frobenius, fromRows,
  fromVector, hadamard, isSymmetric, kron, map, matmul, matmulNT, matmulTN, maxAbs, norm1, normInf, ones, scale,
  sub, sum, symmetrize, toRows, trace, transpose, zeros,
} from "../../src/numeric/matrix.js";
import { expectClose, randMat, rng } from "./helpers.js";

describe("matrix helpers", () => {
  const A = fromRows([[1, 2, 3], [4, 5, 6]]);
  const B = fromRows([[1, 0], [2, -1], [0, 3]]);

  it("constructs and converts", () => {
    expect(toRows(eye(2))).toEqual([[1, 0], [0, 1]]);
    expect(toRows(zeros(1, 2))).toEqual([[0, 0]]);
    expect(toRows(ones(2, 1))).toEqual([[1], [1]]);
    expect(fromVector([1, 2, 3])).toMatchObject({ rows: 3, cols: 1 });
    const c = clone(A);
    c.data[0] = 9;
    expect(A.data[0]).toBe(1);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
  });

  it("elementwise arithmetic", () => {
    expect(toRows(add(A, A))).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(toRows(sub(A, A))).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(toRows(scale(A, -1))).toEqual([[-1, -2, -3], [-4, -5, -6]]);
    expect(toRows(hadamard(A, A))).toEqual([[1, 4, 9], [16, 25, 36]]);
    expect(toRows(ediv(A, A))).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(toRows(map(A, (x, i, j) => x * 10 + i + j))).toEqual([[10, 21, 32], [41, 52, 63]]);
    expect(toRows(addIdentity(eye(2), 2))).toEqual([[3, 0], [0, 3]]);
    expect(() => add(A, B)).toThrow(/shapes 2x3 and 3x2 differ/);
  });

  it("products", () => {
    expect(toRows(matmul(A, B))).toEqual([[5, 7], [14, 13]]);
    expect(() => matmul(A, A)).toThrow(expect.objectContaining({ code: "dimension" }));
    const r = rng(1);
    const X = randMat(r, 4, 3), Y = randMat(r, 4, 5), Z = randMat(r, 6, 3);
    expectClose(matmulTN(X, Y), matmul(transpose(X), Y), 1e-15);
    expectClose(matmulNT(X, Z), matmul(X, transpose(Z)), 1e-15);
    expect(toRows(transpose(A))).toEqual([[1, 4], [2, 5], [3, 6]]);
    // tiled, four-row-unrolled matmul against a naive triple loop, on sizes that straddle the tiles
    for (const [m, p, n] of [[3, 70, 300], [131, 67, 5], [9, 257, 66], [1, 1, 1]] as const) {
      const L = randMat(r, m, p), Rm = randMat(r, p, n);
      for (let k = 0; k < L.data.length; k += 7) L.data[k] = 0; // exercise the zero-skipping branches
      const want = zeros(m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < p; k++) s += L.data[i * p + k]! * Rm.data[k * n + j]!;
          want.data[i * n + j] = s;
        }
      }
      expectClose(matmul(L, Rm), want, 1e-14);
    }
    expect(toRows(kron(eye(2), fromRows([[1, 2]])))).toEqual([[1, 2, 0, 0], [0, 0, 1, 2]]);
    // mixed-product property (A ⊗ B)(C ⊗ D) = AC ⊗ BD
    const P = randMat(r, 2), Q = randMat(r, 3), R = randMat(r, 2), S = randMat(r, 3);
    expectClose(matmul(kron(P, Q), kron(R, S)), kron(matmul(P, R), matmul(Q, S)), 1e-14);
  });

  it("diagonals, blocks, reductions, norms", () => {
    expect(toRows(diagFromVector(fromVector([1, 2])))).toEqual([[1, 0], [0, 2]]);
    expect(toRows(diagFromVector([3]))).toEqual([[3]]);
    expect(toRows(diagOfMatrix(A))).toEqual([[1], [5]]);
    expect(trace(fromRows([[1, 2], [3, 4]]))).toBe(5);
    expect(() => trace(A)).toThrow(expect.objectContaining({ code: "not-square", message: "trace: matrix is 2x3, not square" }));
    expect(sum(A)).toBe(21);
    expect(frobenius(fromRows([[3, 4]]))).toBe(5);
    expect(frobenius(fromRows([[3e200, 4e200]]))).toBeCloseTo(5e200, -190);
    expect(maxAbs(fromRows([[-7, 2]]))).toBe(7);
    expect(maxAbs(fromRows([[1, NaN, 3]]))).toBeNaN();
    expect(norm1(A)).toBe(9);
    expect(normInf(A)).toBe(15);
    const M = blocks2x2(eye(1), fromRows([[2, 3]]), fromRows([[4], [5]]), fromRows([[6, 7], [8, 9]]));
    expect(toRows(M)).toEqual([[1, 2, 3], [4, 6, 7], [5, 8, 9]]);
    expect(toRows(block(M, 1, 1, 2, 2))).toEqual([[6, 7], [8, 9]]);
  });

  it("symmetry", () => {
    const S = fromRows([[1, 2], [2 + 1e-15, 1]]);
    expect(isSymmetric(S)).toBe(false);
    expect(isSymmetric(S, 1e-14)).toBe(true);
    expect(isSymmetric(A)).toBe(false);
    expect(isSymmetric(symmetrize(fromRows([[1, 2], [4, 1]])))).toBe(true);
    expect(toRows(symmetrize(fromRows([[1, 2], [4, 1]])))).toEqual([[1, 3], [3, 1]]);
  });

  it("formats numbers for messages", () => {
    expect(fmtNum(-3.2)).toBe("-3.2");
    expect(fmtNum(1.234567e-18)).toBe("1.23e-18");
    expect(fmtNum(0)).toBe("0");
  });
});
