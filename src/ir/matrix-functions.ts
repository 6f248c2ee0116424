// The matrix functions expm, logm, sqrtm and X^p, and their first and second Fréchet derivatives: one entry per
// function with its Fréchet ops, its scalar derivatives f'(X) and f''(X) (used when the directions commute with X),
// and sources.

import type { Builder } from "./builder.js";
import { type Node, topoOrder } from "./node.js";
import type { Op } from "./ops.js";

export type MatrixFunction = "expm" | "logm" | "sqrtm" | "powm";
export type FrechetOp = "dexpm" | "dlogm" | "dsqrtm" | "dpowm";
export type Frechet2Op = "d2expm" | "d2logm" | "d2sqrtm" | "d2powm";
/** The scalar function f of each matrix function (x^p for powm): the attribute of the generated code's eigh kernels. */
export type MatrixScalar = "exp" | "log" | "sqrt" | "pow";

export interface MatrixFunctionInfo {
  /** Its scalar function: at a symmetric X = Q*diag(l)*Q', f(X) = Q*diag(f(l))*Q' (generated code, eighFun). */
  readonly scalar: MatrixScalar;
  /** The op of its Fréchet derivative L_f(X, E) (args: X, [p,] E). */
  readonly frechet: FrechetOp;
  /**
   * f'(X) as a matrix: L_f(X, E) = f'(X)*E whenever E commutes with X (E a function of X), and
   * tr(G*L_f(X, E)) = tr(G*f'(X)*E) whenever G commutes with X (Higham, Functions of Matrices, Thm 3.8
   * and problem 3.6; term by term on the power series sum_k c_k sum_j X^j E X^(k-1-j)).
   */
  readonly derivative: (b: Builder, x: Node, p: Node | null) => Node;
  /** The op of its second Fréchet derivative L2_f(X, E, F) (args: X, [p,] E, F). */
  readonly frechet2: Frechet2Op;
  /**
   * f''(X) as a matrix: L2_f(X, E, F) = f''(X)*E*F whenever E and F commute with X (both functions of X): each
   * term X^a E X^b F X^c + X^a F X^b E X^c of the power series is then 2*X^(m-2)*E*F, C(m, 2) times.
   */
  readonly second: (b: Builder, x: Node, p: Node | null) => Node;
  /** LaTeX of the subscript in L_f(X, E). */
  readonly latexL: string;
  /** What the Fréchet operator means, stated once with any answer that contains it. */
  readonly meaning: string;
  /** What the second Fréchet operator means, likewise. */
  readonly meaning2: string;
  /** Conditions under which the formulas hold (principal branches), or null. */
  readonly condition: string | null;
}

/** The meaning of L2_f: the same words for every f, with the names of its ops and of its scalar function. */
const secondMeaning = (op2: string, op1: string, f: string, scalar: string, pow = false): string => {
  const [x, e] = pow ? ["X, p", "p, E"] : ["X", "E"];
  return (
    `${op2}(${x}, E, F) is the second Fréchet derivative of ${f} at X in the directions E and F: the derivative of ` +
    `${op1}(X, ${e}) with respect to X in the direction F, bilinear and symmetric in E and F; for symmetric ` +
    "X = Q*diag(l)*Q' it is Q*M*Q' with M(i,j) = sum over k of D(i,k,j)*(E1(i,k)*F1(k,j) + F1(i,k)*E1(k,j)), " +
    `E1 = Q'*E*Q, F1 = Q'*F*Q and D(i,k,j) the second divided difference of ${scalar} at l(i), l(k), l(j)`
  );
};

export const MATRIX_FUNCTIONS: Readonly<Record<MatrixFunction, MatrixFunctionInfo>> = {
  expm: {
    scalar: "exp",
    frechet: "dexpm",
    derivative: (b, x) => b.expm(x),
    frechet2: "d2expm",
    second: (b, x) => b.expm(x),
    latexL: "\\exp",
    meaning:
      "dexpm(X, E) is the Fréchet derivative of expm at X in the direction E: the integral over s in [0, 1] of " +
      "expm(s*X)*E*expm((1-s)*X); for symmetric X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' with " +
      "D(i,j) = (exp(l(i)) - exp(l(j)))/(l(i) - l(j)) (Daleckii-Krein)",
    meaning2: secondMeaning("d2expm", "dexpm", "expm", "exp"),
    condition: null,
  },
  logm: {
    scalar: "log",
    frechet: "dlogm",
    derivative: (b, x) => b.inv(x),
    frechet2: "d2logm",
    second: (b, x) => b.neg(b.mpow(b.inv(x), 2)),
    latexL: "\\log",
    meaning:
      "dlogm(X, E) is the Fréchet derivative of the principal logm at X in the direction E: the integral over " +
      "s in [0, inf) of inv(X + s*I)*E*inv(X + s*I); for symmetric X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' " +
      "with D(i,j) = (log(l(i)) - log(l(j)))/(l(i) - l(j))",
    meaning2: secondMeaning("d2logm", "dlogm", "the principal logm", "log"),
    condition: "logm is the principal logarithm: it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
  sqrtm: {
    scalar: "sqrt",
    frechet: "dsqrtm",
    derivative: (b, x) => b.times(b.num(0.5), b.inv(b.sqrtm(x))),
    frechet2: "d2sqrtm",
    second: (b, x) => b.times(b.num(-0.25), b.inv(b.mul(x, b.sqrtm(x)))),
    latexL: "\\sqrt{\\cdot}",
    meaning:
      "dsqrtm(X, E) is the Fréchet derivative of the principal sqrtm at X in the direction E: the solution L of " +
      "the Sylvester equation sqrtm(X)*L + L*sqrtm(X) = E",
    meaning2: secondMeaning("d2sqrtm", "dsqrtm", "the principal sqrtm", "sqrt"),
    condition: "sqrtm is the principal square root: it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
  powm: {
    scalar: "pow",
    frechet: "dpowm",
    derivative: (b, x, p) => b.times(p!, b.powm(x, b.add(p!, b.num(-1)))),
    frechet2: "d2powm",
    second: (b, x, p) => b.times(p!, b.add(p!, b.num(-1)), b.powm(x, b.add(p!, b.num(-2)))),
    latexL: "(\\cdot)^{p}",
    meaning:
      "dpowm(X, p, E) is the Fréchet derivative of X^p (principal power) at X in the direction E; for symmetric " +
      "X = Q*diag(l)*Q' it is Q*(D .* (Q'*E*Q))*Q' with D(i,j) = (l(i)^p - l(j)^p)/(l(i) - l(j))",
    meaning2: secondMeaning("d2powm", "dpowm", "X^p (principal power)", "x^p", true),
    condition: "X^p for a non-integer p is the principal power expm(p*logm(X)): it and its derivative exist when X has no eigenvalue on the closed negative real axis (e.g. X spd)",
  },
};

export const FRECHET_OF: Readonly<Record<FrechetOp, MatrixFunction>> = {
  dexpm: "expm",
  dlogm: "logm",
  dsqrtm: "sqrtm",
  dpowm: "powm",
};

export const FRECHET2_OF: Readonly<Record<Frechet2Op, MatrixFunction>> = {
  d2expm: "expm",
  d2logm: "logm",
  d2sqrtm: "sqrtm",
  d2powm: "powm",
};

export function isFrechetOp(op: Op): op is FrechetOp {
  return Object.hasOwn(FRECHET_OF, op);
}

export function isFrechet2Op(op: Op): op is Frechet2Op {
  return Object.hasOwn(FRECHET2_OF, op);
}

export function isMatrixFunction(op: Op): op is MatrixFunction {
  return Object.hasOwn(MATRIX_FUNCTIONS, op);
}

/** X, the exponent p (dpowm only) and the direction E of a Fréchet node. */
export function frechetParts(n: Node): { x: Node; p: Node | null; e: Node } {
  const a = n.args;
  return a.length === 3 ? { x: a[0]!, p: a[1]!, e: a[2]! } : { x: a[0]!, p: null, e: a[1]! };
}

/** X, the exponent p (d2powm only) and the directions E and F of a second Fréchet node. */
export function frechet2Parts(n: Node): { x: Node; p: Node | null; e: Node; f: Node } {
  const a = n.args;
  return a.length === 4 ? { x: a[0]!, p: a[1]!, e: a[2]!, f: a[3]! } : { x: a[0]!, p: null, e: a[1]!, f: a[2]! };
}

/** What each Fréchet operator in an answer means, once per operator (stated with the answer). */
export function frechetMeanings(root: Node): string[] {
  const seen = new Set<FrechetOp | Frechet2Op>();
  for (const n of topoOrder([root])) if (isFrechetOp(n.op) || isFrechet2Op(n.op)) seen.add(n.op);
  return [...seen]
    .sort()
    .map((op) => (isFrechetOp(op) ? MATRIX_FUNCTIONS[FRECHET_OF[op]].meaning : MATRIX_FUNCTIONS[FRECHET2_OF[op]].meaning2));
}
