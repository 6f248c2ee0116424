// Tests of expm/logm/sqrtm/powm and Fréchet derivatives: identities, finite differences, DK vs block, domains.
// Every check is an identity or an independent method, so no reference values are needed here.

import { describe, expect, it } from "vitest";
import { eigSym, inv } from "../../src/numeric/linalg.js";
import {
  ddExp, ddLog, ddPow, ddSqrt, expm, frechet, frechetPow, logm, type MatFunName, powm, sqrtm,
} from "../../src/numeric/matfun.js";
import {
  addIdentity, addScaled, allFinite, diagFromVector, eye, fromRows, type Mat, matmul, norm1, scale, transpose, zeros,
} from "../../src/numeric/matrix.js";
import { domainError, expectClose, randMat, randSpd, randSym, relErr, rng } from "./helpers.js";


/** S diag(d) S^{-1} with S = I + 0.3 * random: non-symmetric with the prescribed real spectrum. */
function withSpectrum(r: () => number, d: number[]): Mat {
  const n = d.length;
  const S = addIdentity(randMat(r, n, n, 0.3), 1);
  return matmul(matmul(S, diagFromVector(d)), inv(S));
}

function positiveSpectrum(r: () => number, n: number): Mat {
  return withSpectrum(r, Array.from({ length: n }, (_, i) => 0.5 + (2.5 * (i + 0.5)) / n));
}

describe("expm", () => {
  const r = rng(21);

  it("expm(X) expm(-X) = I across all Padé degrees", () => {
    for (const target of [0.01, 0.2, 0.9, 2, 5, 12]) {
      for (const n of [1, 3, 7]) {
        const X = randMat(r, n);
        const Xs = scale(X, target / norm1(X));
        const tol = target > 4 ? 1e-10 : 1e-13;
        expectClose(matmul(expm(Xs), expm(scale(Xs, -1))), eye(n), tol);
      }
    }
  });

  it("expm of a diagonal matrix is exp of its entries", () => {
    const d = [-20, -1, 0, 0.5, 3, 30];
    const E = expm(diagFromVector(d));
    for (let i = 0; i < d.length; i++) {
      for (let j = 0; j < d.length; j++) {
        const want = i === j ? Math.exp(d[i]!) : 0;
        expect(Math.abs(E.data[i * d.length + j]! - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, want));
      }
    }
  });

  it("closed forms: zero, nilpotent, rotation", () => {
    expectClose(expm(zeros(3, 3)), eye(3), 0);
    expectClose(expm(fromRows([[0, 1], [0, 0]])), fromRows([[1, 1], [0, 1]]), 1e-16);
    const t = 2.5;
    expectClose(expm(fromRows([[0, -t], [t, 0]])), fromRows([[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]]), 1e-14);
    expect(expm(fromRows([[Math.log(3)]])).data[0]).toBeCloseTo(3, 14);
  });

  it("agrees with the eigen formula on symmetric matrices of larger norm", () => {
    for (const s of [0.3, 3, 20]) {
      const S = randSym(r, 6, s);
      const { values, vectors: Q } = eigSym(S);
      const want = matmul(matmul(Q, diagFromVector(values.map(Math.exp))), transpose(Q));
      expectClose(expm(S), want, 1e-12);
    }
  });
});

describe("sqrtm", () => {
  const r = rng(22);

  it("sqrtm(X)^2 = X for spd, general and complex-spectrum matrices", () => {
    for (const n of [1, 2, 5, 9]) {
      const A = randSpd(r, n);
      expectClose(matmul(sqrtm(A), sqrtm(A)), A, 1e-13);
      const G = positiveSpectrum(r, n);
      expectClose(matmul(sqrtm(G), sqrtm(G)), G, 1e-12);
    }
    const C = fromRows([[1, -2, 0], [2, 1, 0.5], [0, 0.3, 4]]); // eigenvalues 1 ± 2i-ish and ~4
    expectClose(matmul(sqrtm(C), sqrtm(C)), C, 1e-12);
  });

  it("positive semidefinite symmetric matrices are allowed", () => {
    expectClose(sqrtm(diagFromVector([0, 4])), diagFromVector([0, 2]), 0);
    const v = fromRows([[1], [2], [2]]);
    const P = matmul(v, transpose(v)); // rank one, eigenvalue 9
    expectClose(sqrtm(P), scale(P, 1 / 3), 1e-14);
  });
});

describe("logm", () => {
  const r = rng(23);

  it("logm(expm(X)) = X for small symmetric X and for general X of modest norm", () => {
    for (const n of [1, 2, 4, 8]) {
      const S = randSym(r, n, 0.5);
      expectClose(logm(expm(S)), S, 1e-12);
      const G = randMat(r, n);
      const X = scale(G, 1.5 / norm1(G));
      expectClose(logm(expm(X)), X, 1e-11);
    }
  });

  it("expm(logm(X)) = X for spd, positive-spectrum and complex-spectrum X", () => {
    for (const n of [1, 3, 6]) {
      const A = randSpd(r, n);
      expectClose(expm(logm(A)), A, 1e-13);
      const G = positiveSpectrum(r, n);
      expectClose(expm(logm(G)), G, 1e-11);
    }
    const C = fromRows([[-1, -2], [2, -1]]); // eigenvalues -1 ± 2i: off the real axis, real log exists
    expectClose(expm(logm(C)), C, 1e-12);
    const far = diagFromVector([1e-6, 1, 1e6]);
    expectClose(logm(far), diagFromVector([Math.log(1e-6), 0, Math.log(1e6)]), 1e-15);
  });

  it("logm(I) = 0 and logm(e I) = I", () => {
    expectClose(logm(eye(3)), zeros(3, 3), 0);
    expectClose(logm(scale(eye(3), Math.E)), eye(3), 1e-15);
  });
});

describe("powm", () => {
  const r = rng(24);

  it("matches sqrtm, inv, repeated products and the exponent law", () => {
    const A = randSpd(r, 5);
    expectClose(powm(A, 0.5), sqrtm(A), 1e-13);
    expectClose(powm(A, -1), inv(A), 1e-12);
    expectClose(powm(A, 3), matmul(A, matmul(A, A)), 1e-14);
    expectClose(matmul(powm(A, 0.7), powm(A, 1.6)), powm(A, 2.3), 1e-12);
    expectClose(powm(A, 0), eye(5), 0);
    const G = positiveSpectrum(r, 4);
    expectClose(powm(G, 0.5), sqrtm(G), 1e-11);
    expectClose(powm(G, -2), inv(matmul(G, G)), 1e-12);
    expectClose(matmul(powm(G, 0.25), powm(G, 0.75)), G, 1e-11);
  });
});

describe("Fréchet derivatives", () => {
  const r = rng(25);
  const fns: Record<MatFunName, (x: Mat) => Mat> = { expm, logm, sqrtm };

  function centralDifference(f: (x: Mat) => Mat, X: Mat, E: Mat): Mat {
    const h = (1e-5 * norm1(X)) / norm1(E);
    return scale(addScaled(f(addScaled(X, h, E)), -1, f(addScaled(X, -h, E))), 1 / (2 * h));
  }

  for (const name of ["expm", "logm", "sqrtm"] as const) {
    it(`${name}: Daleckii–Krein and block match central differences`, () => {
      for (const n of [1, 3, 6]) {
        const A = randSpd(r, n);
        const E = randMat(r, n);
        const fd = centralDifference(fns[name], A, E);
        expectClose(frechet(name, A, E), fd, 1e-7);
        const G = positiveSpectrum(r, n);
        expectClose(frechet(name, G, E), centralDifference(fns[name], G, E), 1e-7);
      }
    });

    it(`${name}: Daleckii–Krein agrees with the block formula on symmetric X`, () => {
      for (const n of [2, 5, 10]) {
        const A = randSpd(r, n, 0.2);
        const E = randMat(r, n);
        expectClose(frechet(name, A, E, { method: "dk" }), frechet(name, A, E, { method: "block" }), 1e-10);
        const Esym = randSym(r, n);
        expectClose(frechet(name, A, Esym, { method: "dk" }), frechet(name, A, Esym, { method: "block" }), 1e-10);
      }
    });
  }

  it("close and equal eigenvalues: X = I + 1e-10 P does not blow up", () => {
    for (const name of ["expm", "logm", "sqrtm"] as const) {
      const X = addScaled(eye(6), 1e-10, randSym(r, 6));
      const E = randMat(r, 6);
      const dk = frechet(name, X, E, { method: "dk" });
      expect(allFinite(dk)).toBe(true);
      expectClose(dk, frechet(name, X, E, { method: "block" }), 1e-9);
    }
    const E = randMat(r, 4);
    const twoI = scale(eye(4), 2);
    expectClose(frechet("expm", twoI, E), scale(E, Math.exp(2)), 1e-15);
    expectClose(frechet("logm", twoI, E), scale(E, 0.5), 1e-15);
    expectClose(frechet("sqrtm", twoI, E), scale(E, 1 / (2 * Math.SQRT2)), 1e-15);
    const D = diagFromVector([1, 1 + 1e-13, 1 + 2e-13, 5]);
    for (const name of ["expm", "logm", "sqrtm"] as const) {
      expectClose(frechet(name, D, E, { method: "dk" }), frechet(name, D, E, { method: "block" }), 1e-10);
    }
  });

  it("divided differences are continuous across a = b", () => {
    for (const a of [1e-3, 0.7, 2, 40]) {
      // f[a, b] = f'((a + b)/2) + O((b - a)^2): compare with the derivative at the midpoint.
      const b = a * (1 + 1e-9), m = (a + b) / 2;
      expect(Math.abs(ddExp(a, b) / Math.exp(m) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(ddLog(a, b) * m - 1)).toBeLessThan(1e-13);
      expect(Math.abs(ddSqrt(a, b) * 2 * Math.sqrt(m) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(ddPow(a, b, 2.5) / (2.5 * Math.pow(m, 1.5)) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(ddPow(b, a, -0.3) / (-0.3 * Math.pow(m, -1.3)) - 1)).toBeLessThan(1e-13);
    }
    expect(ddExp(-800, 800)).toBeCloseTo(Math.exp(800) / 1600); // Infinity either way, no NaN
    expect(ddExp(-800, -700)).toBeCloseTo((Math.exp(-700) - Math.exp(-800)) / 100, 320);
    expect(ddLog(1e-8, 1e8)).toBeCloseTo((Math.log(1e8) - Math.log(1e-8)) / (1e8 - 1e-8), 20);
  });

  it("frechetPow matches central differences (spd, integer and general X)", () => {
    const A = randSpd(r, 5);
    const E = randMat(r, 5);
    for (const p of [0.5, -1.3, 2.7, 3, -2]) {
      expectClose(frechetPow(A, p, E), centralDifference((x) => powm(x, p), A, E), 1e-7);
    }
    const G = positiveSpectrum(r, 4);
    const F = randMat(r, 4);
    for (const p of [3, -2, 0.7]) {
      expectClose(frechetPow(G, p, F), centralDifference((x) => powm(x, p), G, F), 1e-7);
    }
    const S = randSym(r, 4); // indefinite symmetric, integer power: block path
    expectClose(frechetPow(S, 2, F), addScaled(matmul(S, F), 1, matmul(F, S)), 1e-13);
    expectClose(frechetPow(A, 1, E), E, 1e-14);
    expect(relErr(frechetPow(addScaled(eye(5), 1e-11, randSym(r, 5)), 1.5, E), scale(E, 1.5))).toBeLessThan(1e-9);
  });
});

describe("domain errors", () => {
  const r = rng(26);

  it("logm of matrices with eigenvalues on the closed negative real axis", () => {
    domainError(() => logm(diagFromVector([-0.5, 2])), /^logm: eigenvalue -0\.5 on the closed negative real axis$/);
    domainError(() => logm(withSpectrum(r, [-0.5, 2, 3])), /^logm: eigenvalue -0\.5 on the closed negative real axis$/);
    domainError(() => logm(zeros(2, 2)), /^logm: eigenvalue 0 on the closed negative real axis$/);
    domainError(() => logm(fromRows([[1, 1], [0, 0]])), /^logm: eigenvalue 0 on the closed negative real axis$/);
    domainError(() => logm(fromRows([[-2, 1], [0, -2]])), /^logm: eigenvalue -2 on the closed negative real axis$/);
    domainError(() => frechet("logm", diagFromVector([1, -3]), eye(2)), /^logm: eigenvalue -3 on the closed/);
    domainError(() => frechet("logm", withSpectrum(r, [1, -3]), eye(2)), /^logm: eigenvalue -3 on the closed/);
  });

  it("sqrtm and powm outside their domains", () => {
    domainError(() => sqrtm(diagFromVector([-1, 2])), /^sqrtm: eigenvalue -1 is negative$/);
    domainError(() => sqrtm(withSpectrum(r, [-1, 2])), /^sqrtm: eigenvalue -1 on the closed negative real axis$/);
    domainError(() => frechet("sqrtm", diagFromVector([0, 2]), eye(2)), /^sqrtm: derivative undefined at a singular matrix/);
    domainError(() => powm(diagFromVector([-1, 2]), 0.5), /^powm: eigenvalue -1 is negative/);
    domainError(() => powm(diagFromVector([0, 2]), -0.5), /^powm: matrix is singular \(eigenvalue 0\) and p = -0\.5 is negative$/);
    domainError(() => powm(fromRows([[1, 1], [1, 1]]), -1), /^powm: matrix is singular \(rcond = 0\)$/);
    domainError(() => powm(withSpectrum(r, [-1, 2]), 0.5), /^powm: eigenvalue -1 on the closed negative real axis$/);
    domainError(() => frechetPow(diagFromVector([-1, 2]), 0.5, eye(2)), /^powm: eigenvalue -1 is negative/);
  });

  it("expm overflow and non-finite input; dk on a non-symmetric matrix", () => {
    domainError(() => expm(diagFromVector([1000])), /^expm: result overflows/);
    domainError(() => expm(fromRows([[NaN]])), /^expm: matrix has non-finite entries$/);
    domainError(() => powm(diagFromVector([1e200]), 2), /^powm: result overflows \(p = 2\)$/);
    domainError(() => frechet("expm", fromRows([[1, 2], [0, 1]]), eye(2), { method: "dk" }), /needs a symmetric matrix/);
    expect(() => expm(fromRows([[1, 2]]))).toThrow(expect.objectContaining({ code: "not-square" }));
    expect(() => frechet("expm", eye(2), eye(3))).toThrow(expect.objectContaining({ code: "dimension" }));
  });
});
