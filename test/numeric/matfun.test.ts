// Tests of expm/logm/sqrtm/powm and Fréchet derivatives: identities, finite differences, DK vs block, domains.
// Every check is an identity or an independent method, so no reference values are needed here.

import { describe, expect, it } from "vitest";
import { eigSym, inv } from "../../src/numeric/linalg.js";
import {
  dd2Exp, dd2Log, dd2Pow, dd2Sqrt, ddExp, ddLog, ddPow, ddSqrt, expm, frechet, frechet2, frechet2Pow, frechetPow, logm,
  type MatFunName, powm, sqrtm,
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

describe("second Fréchet derivatives", () => {
  const r = rng(27);

  /** (L(X + hF, E) - L(X - hF, E))/(2h), Richardson-extrapolated: O(h^4). */
  function centralDifference(l: (x: Mat) => Mat, X: Mat, F: Mat): Mat {
    const c = (h: number) => scale(addScaled(l(addScaled(X, h, F)), -1, l(addScaled(X, -h, F))), 1 / (2 * h));
    const h = (1e-3 * norm1(X)) / norm1(F);
    return addScaled(scale(c(h / 2), 4 / 3), -1 / 3, c(h));
  }

  for (const name of ["expm", "logm", "sqrtm"] as const) {
    it(`${name}: Daleckii–Krein and block match central differences of the first derivative`, () => {
      for (const n of [1, 3, 6]) {
        const [E, F] = [randMat(r, n), randMat(r, n)];
        const A = randSpd(r, n);
        expectClose(frechet2(name, A, E, F), centralDifference((x) => frechet(name, x, E), A, F), 1e-9);
        const G = positiveSpectrum(r, n);
        expectClose(frechet2(name, G, E, F), centralDifference((x) => frechet(name, x, E), G, F), 1e-7);
      }
    });

    it(`${name}: Daleckii–Krein agrees with the 4n block formula on symmetric X, and L2 is symmetric in E, F`, () => {
      for (const n of [2, 5, 10]) {
        const A = randSpd(r, n, 0.2);
        const [E, F] = [randMat(r, n), randMat(r, n)];
        const dk = frechet2(name, A, E, F, { method: "dk" });
        expectClose(dk, frechet2(name, A, E, F, { method: "block" }), 1e-12);
        expectClose(dk, frechet2(name, A, F, E, { method: "dk" }), 1e-14);
        const G = positiveSpectrum(r, n);
        expectClose(frechet2(name, G, E, F), frechet2(name, G, F, E), 1e-12);
      }
    });
  }

  it("close and equal eigenvalues: X = I + 1e-10 P, X = 2I and clusters", () => {
    for (const name of ["expm", "logm", "sqrtm"] as const) {
      const X = addScaled(eye(6), 1e-10, randSym(r, 6));
      const [E, F] = [randMat(r, 6), randMat(r, 6)];
      const dk = frechet2(name, X, E, F, { method: "dk" });
      expect(allFinite(dk)).toBe(true);
      expectClose(dk, frechet2(name, X, E, F, { method: "block" }), 1e-12);
    }
    // at X = 2I every direction commutes with X: L2 = f''(2)*(E F + F E)/2
    const [E, F] = [randMat(r, 4), randMat(r, 4)];
    const sym = addScaled(matmul(E, F), 1, matmul(F, E));
    const twoI = scale(eye(4), 2);
    expectClose(frechet2("expm", twoI, E, F), scale(sym, Math.exp(2) / 2), 1e-15);
    expectClose(frechet2("logm", twoI, E, F), scale(sym, -1 / 8), 1e-15);
    expectClose(frechet2("sqrtm", twoI, E, F), scale(sym, -1 / (8 * Math.pow(2, 1.5))), 1e-15);
    const D = diagFromVector([1, 1 + 1e-13, 1 + 2e-13, 1 + 1e-6, 5]);
    const [E5, F5] = [randMat(r, 5), randMat(r, 5)];
    for (const name of ["expm", "logm", "sqrtm"] as const) {
      expectClose(frechet2(name, D, E5, F5, { method: "dk" }), frechet2(name, D, E5, F5, { method: "block" }), 1e-12);
    }
  });

  it("polynomials: L2 of X^2 is E F + F E, of X^3 the six products, of X^-1 2 sym(inv(X) E inv(X) F inv(X))", () => {
    const S = randSym(r, 4); // indefinite: the integer-power block path
    const [E, F] = [randMat(r, 4), randMat(r, 4)];
    expectClose(frechet2Pow(S, 2, E, F), addScaled(matmul(E, F), 1, matmul(F, E)), 1e-14);
    const six = [
      [S, E, F], [E, S, F], [E, F, S], [S, F, E], [F, S, E], [F, E, S],
    ].map(([a, b, c]) => matmul(matmul(a!, b!), c!)).reduce((x, y) => addScaled(x, 1, y));
    expectClose(frechet2Pow(S, 3, E, F), six, 1e-13);
    const A = randSpd(r, 4);
    const Ai = inv(A);
    const want = addScaled(matmul(matmul(matmul(matmul(Ai, E), Ai), F), Ai), 1, matmul(matmul(matmul(matmul(Ai, F), Ai), E), Ai));
    expectClose(frechet2Pow(A, -1, E, F), want, 1e-13);
    const G = positiveSpectrum(r, 4);
    const Gi = inv(G);
    const wantG = addScaled(matmul(matmul(matmul(matmul(Gi, E), Gi), F), Gi), 1, matmul(matmul(matmul(matmul(Gi, F), Gi), E), Gi));
    expectClose(frechet2Pow(G, -1, E, F), wantG, 1e-13);
    expectClose(frechet2Pow(A, 1, E, F), zeros(4, 4), 0);
  });

  it("frechet2Pow matches central differences (spd, integer and general X)", () => {
    const A = randSpd(r, 5);
    const [E, F] = [randMat(r, 5), randMat(r, 5)];
    for (const p of [0.5, -1.3, 2.7, 3, -2]) {
      expectClose(frechet2Pow(A, p, E, F), centralDifference((x) => frechetPow(x, p, E), A, F), 1e-9);
    }
    const G = positiveSpectrum(r, 4);
    const [E4, F4] = [randMat(r, 4), randMat(r, 4)];
    for (const p of [3, -2, 0.7]) {
      expectClose(frechet2Pow(G, p, E4, F4), centralDifference((x) => frechetPow(x, p, E4), G, F4), 1e-8);
    }
  });

  it("second divided differences: f''/2 at coinciding points, continuous and symmetric near them", () => {
    for (const a of [1e-3, 0.7, 2, 40]) {
      expect(dd2Exp(a, a, a)).toBe(Math.exp(a) / 2);
      expect(Math.abs(dd2Log(a, a, a) * 2 * a * a + 1)).toBeLessThan(1e-15);
      expect(Math.abs(dd2Sqrt(a, a, a) * 8 * Math.pow(a, 1.5) + 1)).toBeLessThan(1e-15);
      expect(Math.abs(dd2Pow(a, a, a, 2.5) / (1.875 * Math.sqrt(a)) - 1)).toBeLessThan(1e-15);
      // f[a, b, c] = f''(m)/2 + O(spread^2) with m the mean of the points
      const [b, c] = [a * (1 + 1e-7), a * (1 - 2e-7)];
      const m = (a + b + c) / 3;
      const [u, w] = [a + 1e-7, a - 2e-7]; // exp is shift-invariant: spreads in absolute terms
      expect(Math.abs(dd2Exp(a, u, w) / (Math.exp((a + u + w) / 3) / 2) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(dd2Log(a, b, c) * 2 * m * m + 1)).toBeLessThan(1e-12);
      expect(Math.abs(dd2Sqrt(a, b, c) * 8 * Math.pow(m, 1.5) + 1)).toBeLessThan(1e-12);
      expect(Math.abs(dd2Pow(b, c, a, -0.3) / (0.195 * Math.pow(m, -2.3)) - 1)).toBeLessThan(1e-12);
      for (const f of [dd2Exp, dd2Log, dd2Sqrt, (x: number, y: number, z: number) => dd2Pow(x, y, z, 0.7)]) {
        expect(f(a, 3 * a, 0.5 * a)).toBe(f(0.5 * a, a, 3 * a));
      }
    }
    // well separated points: the difference of first divided differences
    expect(dd2Exp(-3, 0, 4)).toBeCloseTo((ddExp(0, 4) - ddExp(-3, 0)) / 7, 14);
    expect(dd2Log(0.01, 1, 100)).toBeCloseTo((ddLog(1, 100) - ddLog(0.01, 1)) / 99.99, 14);
    expect(dd2Pow(0.5, 1, 2, 0.5)).toBeCloseTo(dd2Sqrt(0.5, 1, 2), 15);
    expect(dd2Pow(0, 0, 0, 2)).toBe(1);
  });

  it("domain: singular and indefinite X, dk on a non-symmetric X", () => {
    const E = eye(2);
    domainError(() => frechet2("logm", diagFromVector([1, -3]), E, E), /^logm: eigenvalue -3 on the closed/);
    domainError(() => frechet2("sqrtm", diagFromVector([0, 2]), E, E), /^sqrtm: derivative undefined at a singular matrix/);
    domainError(() => frechet2Pow(diagFromVector([0, 2]), 1.5, E, E), /^powm: second derivative undefined at a singular matrix/);
    domainError(() => frechet2("expm", fromRows([[1, 2], [0, 1]]), E, E, { method: "dk" }), /needs a symmetric matrix/);
    expect(() => frechet2("expm", eye(2), E, eye(3))).toThrow(expect.objectContaining({ code: "dimension" }));
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
