// Compares the numeric runtime with numpy/scipy results stored in test/fixtures/numeric.json
// (regenerate with `python3 test/fixtures/gen_numeric.py`; no Python runs at test time).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { det, eigSym, inv } from "../../src/numeric/linalg.js";
import { expm, frechet, logm, sqrtm } from "../../src/numeric/matfun.js";
import { fromRows } from "../../src/numeric/matrix.js";
import { expectClose } from "./helpers.js";

interface Case {
  name: string;
  symmetric: boolean;
  X: number[][];
  E: number[][];
  expm: number[][];
  logm: number[][];
  sqrtm: number[][];
  inv: number[][];
  det: number;
  eigvalsh?: number[];
  expm_frechet: number[][];
  logm_frechet: number[][];
  sqrtm_frechet: number[][];
  /** 40-digit mpmath references, when mpmath was available to the generator. */
  mp?: { expm: number[][]; logm: number[][]; sqrtm: number[][] };
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/numeric.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

describe("agreement with scipy on fixed inputs", () => {
  it("has a dozen cases of sizes 1..6", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const X = fromRows(c.X), E = fromRows(c.E);
      // scipy's expm is itself off by up to ~1e-12 on these inputs (see the mpmath comparison below).
      expectClose(expm(X), fromRows(c.expm), 5e-12);
      expectClose(logm(X), fromRows(c.logm), 1e-10);
      expectClose(sqrtm(X), fromRows(c.sqrtm), 1e-11);
      expectClose(inv(X), fromRows(c.inv), 1e-12);
      expect(Math.abs(det(X) - c.det)).toBeLessThanOrEqual(1e-12 * Math.abs(c.det));
      if (c.eigvalsh) {
        const values = eigSym(X).values;
        c.eigvalsh.forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
      }
      expectClose(frechet("expm", X, E), fromRows(c.expm_frechet), 1e-11);
      expectClose(frechet("logm", X, E), fromRows(c.logm_frechet), 1e-9);
      expectClose(frechet("sqrtm", X, E), fromRows(c.sqrtm_frechet), 1e-10);
      if (c.mp) {
        expectClose(expm(X), fromRows(c.mp.expm), 5e-14);
        expectClose(logm(X), fromRows(c.mp.logm), 5e-14);
        expectClose(sqrtm(X), fromRows(c.mp.sqrtm), 5e-14);
      }
      if (c.symmetric) {
        expectClose(frechet("expm", X, E, { method: "block" }), fromRows(c.expm_frechet), 1e-11);
        expectClose(frechet("logm", X, E, { method: "block" }), fromRows(c.logm_frechet), 1e-9);
      }
    });
  }
});
