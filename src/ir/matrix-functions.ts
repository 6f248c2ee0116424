// The matrix functions expm, logm, sqrtm and X^p, and their Fréchet derivatives: one entry per function
// with its Fréchet op, its scalar derivative f'(X) (used when the direction commutes with X), and sources.

import type { Builder } from "./builder.js";
import { type Node, topoOrder } from "./node.js";
import type { Op } from "./ops.js";

export type MatrixFunction = "expm" | "logm" | "sqrtm" | "powm";
export type FrechetOp = "dexpm" | "dlogm" | "dsqrtm" | "dpowm";

export interface MatrixFunctionInfo {
  /** The op of its Fréchet derivative L_f(X, E) (args: X, [p,] E). */
  readonly frechet: FrechetOp;
  /**
   * f'(X) as a matrix: L_f(X, E) = f'(X)*E whenever E commutes with X (E a function of X), and
   * tr(G*L_f(X, E)) = tr(G*f'(X)*E) whenever G commutes with X (Higham, Functions of Matrices, Thm 3.8
   * and problem 3.6; term by term on the power series sum_k c_k sum_j X^j E X^(k-1-j)).
   */
  readonly derivative: (b: Builder, x: Node, p: Node | null) => Node;
  /** LaTeX of the subscript in L_f(X, E). */
  readonly latexL: string;
  /** What the Fréchet operator means, stated once with any answer that contains it. */
  readonly meaning: string;
  /** Conditions under which the formulas hold (principal branches), or null. */
  readonly condition: string | null;
}

export const MATRIX_FUNCTIONS: Readonly<Record<MatrixFunction, MatrixFunctionInfo>> = {
  expm: {
    frechet: "dexpm",
    derivative: (b, x) => b.expm(x),
    latexL: "\\exp",
    meaning:
      "dexpm(X, E) is the Fréchet derivative of expm at X in the direction E: the integral over s in [0, 1] of " +
      "expm(s*X)*E*expm((1-s)*X); for symmetric X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' with " +
      "D(i,j) = (exp(l(i)) - exp(l(j)))/(l(i) - l(j)) (Daleckii-Krein)",
    condition: null,
  },
  logm: {
    frechet: "dlogm",
    derivative: (b, x) => b.inv(x),
    latexL: "\\log",
    meaning:
      "dlogm(X, E) is the Fréchet derivative of the principal logm at X in the direction E: the integral over " +
      "s in [0, inf) of inv(X + s*I)*E*inv(X + s*I); for symmetric X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' " +
      "with D(i,j) = (log(l(i)) - log(l(j)))/(l(i) - l(j))",
    condition: "logm is the principal logarithm: it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
  sqrtm: {
    frechet: "dsqrtm",
    derivative: (b, x) => b.times(b.num(0.5), b.inv(b.sqrtm(x))),
    latexL: "\\sqrt{\\cdot}",
    meaning:
      "dsqrtm(X, E) is the Fréchet derivative of the principal sqrtm at X in the direction E: the solution L of " +
      "the Sylvester equation sqrtm(X)*L + L*sqrtm(X) = E",
    condition: "sqrtm is the principal square root: it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
  powm: {
    frechet: "dpowm",
    derivative: (b, x, p) => b.times(p!, b.powm(x, b.add(p!, b.num(-1)))),
    latexL: "(\\cdot)^{p}",
    meaning:
      "dpowm(X, p, E) is the Fréchet derivative of X^p (principal power) at X in the direction E; for symmetric " +
      "X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' with D(i,j) = (l(i)^p - l(j)^p)/(l(i) - l(j))",
    condition: "X^p for a non-integer p is the principal power expm(p*logm(X)): it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
};

export const FRECHET_OF: Readonly<Record<FrechetOp, MatrixFunction>> = {
  dexpm: "expm",
  dlogm: "logm",
  dsqrtm: "sqrtm",
  dpowm: "powm",
};

export function isFrechetOp(op: Op): op is FrechetOp {
  return Object.hasOwn(FRECHET_OF, op);
}

export function isMatrixFunction(op: Op): op is MatrixFunction {
  return Object.hasOwn(MATRIX_FUNCTIONS, op);
}

/** X, the exponent p (dpowm only) and the direction E of a Fréchet node. */
export function frechetParts(n: Node): { x: Node; p: Node | null; e: Node } {
  const a = n.args;
  return a.length === 3 ? { x: a[0]!, p: a[1]!, e: a[2]! } : { x: a[0]!, p: null, e: a[1]! };
}

/** What each Fréchet operator in an answer means, once per operator (stated with the answer). */
export function frechetMeanings(root: Node): string[] {
  const seen = new Set<FrechetOp>();
  for (const n of topoOrder([root])) if (isFrechetOp(n.op)) seen.add(n.op);
  return [...seen].sort().map((op) => MATRIX_FUNCTIONS[FRECHET_OF[op]].meaning);
}
