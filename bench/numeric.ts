// Timing table for the dense numeric runtime: expm/logm/sqrtm, eigSym and Fréchet derivatives at n = 50, 200, 500.
// Figures only, no assertions; each measurement gets a fixed time budget so the whole run stays well under a minute.
//
// Run with `npx tsx bench/numeric.ts`. Columns: the symmetric path (X spd: eigSym for logm/sqrtm, Padé for expm;
// derivatives by Daleckii–Krein) and the general path (G = S X S^-1, not symmetric: Padé, Denman–Beavers, inverse
// scaling and squaring; derivatives by the 2n x 2n block formula). Ratios are L_f / f on the same path.

import { eigSym, inv } from "../src/numeric/linalg.js";
import { expm, frechet, logm, type MatFunName, sqrtm } from "../src/numeric/matfun.js";
import { addIdentity, type Mat, matmul, matmulNT, scale, symmetrize, zeros } from "../src/numeric/matrix.js";

const BUDGET_MS = 300; // per measurement
const MAX_REPS = 20;
const DK_500_LIMIT_MS = 10_000; // the n = 500 symmetric rows are dropped once they have used this much

let seed = 12345;
function uniform(): number {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
}
function randn(): number {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
function randMat(n: number, s = 1): Mat {
  const m = zeros(n, n);
  for (let k = 0; k < n * n; k++) m.data[k] = s * randn();
  return m;
}

/** Milliseconds per call: one call, then repeats until the budget is spent (slow calls are timed once). */
function timeIt(fn: () => unknown): number {
  let t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > BUDGET_MS / 2) return first;
  let reps = 0;
  t0 = performance.now();
  while (reps < MAX_REPS && performance.now() - t0 < BUDGET_MS) {
    fn();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

const FNS: Record<MatFunName, (x: Mat) => Mat> = { expm, logm, sqrtm };
const fmt = (ms: number | null) => (ms === null ? "—" : ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(9);
const ratio = (a: number | null, b: number | null) =>
  (a === null || b === null ? "—" : (a / b).toFixed(2)).padStart(7);

function row(cells: string[]): void {
  console.log(cells.join(" "));
}

function benchSize(n: number, withGeneral: boolean, deadline: number): void {
  const b = randMat(n);
  const X = symmetrize(addIdentity(scale(matmulNT(b, b), 1 / n), 0.5)); // spd, spectrum ~ [0.5, 4.5]
  const E = randMat(n);
  const S = addIdentity(randMat(n, 0.3 / Math.sqrt(n)), 1);
  const G = matmul(matmul(S, X), inv(S)); // same spectrum, not symmetric
  row([`${n}`.padStart(4), "eigSym".padEnd(6), fmt(timeIt(() => eigSym(X)))]);
  for (const name of ["expm", "logm", "sqrtm"] as const) {
    if (performance.now() > deadline) {
      row([`${n}`.padStart(4), name.padEnd(6), "(skipped: over the time limit for this size)"]);
      continue;
    }
    const f = FNS[name];
    const fSym = timeIt(() => f(X));
    const lDk = timeIt(() => frechet(name, X, E, { method: "dk" }));
    const fGen = withGeneral ? timeIt(() => f(G)) : null;
    const lBlock = withGeneral ? timeIt(() => frechet(name, G, E, { method: "block" })) : null;
    const cells = [fmt(fSym), fmt(lDk), ratio(lDk, fSym), fmt(fGen), fmt(lBlock), ratio(lBlock, fGen)];
    row([`${n}`.padStart(4), name.padEnd(6), ...cells]);
  }
}

function main(): void {
  const t0 = performance.now();
  console.log(`matcalc numeric bench (node ${process.version}); ms per call`);
  row(["   n", "f     ", "f(X) sym".padStart(9), "L_f dk".padStart(9), "dk/f".padStart(7),
    "f(G) gen".padStart(9), "L_f block".padStart(9), "blk/f".padStart(7)]);
  benchSize(50, true, Infinity);
  benchSize(200, true, Infinity);
  const t500 = performance.now();
  benchSize(500, false, t500 + DK_500_LIMIT_MS);
  console.log(`n = 500 (symmetric path only): ${((performance.now() - t500) / 1000).toFixed(1)} s`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main();
