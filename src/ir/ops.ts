// The op table: every operator of the IR is declared exactly once here, with its arity and algebraic
// class. Each facet (differential, adjoint, evaluation, text, LaTeX) is a separate table keyed by Op.

export const OP_NAMES = [
  // leaves
  "const", // numeric scalar constant (attr value)
  "var", // a variable of the problem (attr name, props)
  "dvar", // the differential dX of the variable named attr name
  "eye", // identity of shape n x n
  "ones", // all-ones matrix of the node's shape
  "zeros", // structural zero of the node's shape
  // linear / multilinear
  "add", // n-ary sum of same-shaped terms (commutative, sorted)
  "times", // n-ary scalar multiplication: 1x1 factors (sorted) times at most one non-scalar factor, last
  "mul", // n-ary matrix product chain, no 1x1 factor
  "hadamard", // n-ary elementwise product (commutative, sorted)
  "transpose",
  "tr",
  "sum", // sum of all entries
  "diagm", // vector -> diagonal matrix
  "diagv", // matrix -> vector of its diagonal
  // nonlinear
  "pow", // elementwise power a .^ p, p a scalar expression
  "fn", // elementwise function (attr name), see elementwise.ts
  "det",
  "logdet",
  "inv",
  "mpow", // integer matrix power A^k, k >= 2 (attr k)
  "norm1", // sum of absolute values of all entries
  "norm2", // Euclidean / Frobenius norm
  "expm",
  "logm",
  "sqrtm",
  "powm", // real matrix power X^p, p a scalar expression (principal branch)
  // Fréchet derivatives of the matrix functions: linear in their last argument E (see matrix-functions.ts)
  "dexpm", // dexpm(X, E) = L_expm(X, E)
  "dlogm", // dlogm(X, E) = L_logm(X, E)
  "dsqrtm", // dsqrtm(X, E) = L_sqrtm(X, E)
  "dpowm", // dpowm(X, p, E) = L_{X^p}(X, E)
  // second Fréchet derivatives: bilinear and symmetric in their last two arguments E, F
  "d2expm", // d2expm(X, E, F) = L2_expm(X, E, F)
  "d2logm", // d2logm(X, E, F) = L2_logm(X, E, F)
  "d2sqrtm", // d2sqrtm(X, E, F) = L2_sqrtm(X, E, F)
  "d2powm", // d2powm(X, p, E, F) = L2_{X^p}(X, E, F)
  "kron", // Kronecker product kron(A, B) (block (i, j) is A(i, j)*B); bilinear
] as const;

export type Op = (typeof OP_NAMES)[number];

/**
 * "frechet": nonlinear in X (and p), linear in each direction: the last argument of a Fréchet derivative L_f(X, E),
 * each of the last two of a second Fréchet derivative L2_f(X, E, F).
 */
export type OpClass = "leaf" | "linear" | "multilinear" | "nonlinear" | "frechet";

export interface OpInfo {
  /** Number of arguments; -1 for n-ary. */
  readonly arity: number;
  readonly cls: OpClass;
}

export const OPS = {
  const: { arity: 0, cls: "leaf" },
  var: { arity: 0, cls: "leaf" },
  dvar: { arity: 0, cls: "leaf" },
  eye: { arity: 0, cls: "leaf" },
  ones: { arity: 0, cls: "leaf" },
  zeros: { arity: 0, cls: "leaf" },
  add: { arity: -1, cls: "linear" },
  times: { arity: -1, cls: "multilinear" },
  mul: { arity: -1, cls: "multilinear" },
  hadamard: { arity: -1, cls: "multilinear" },
  transpose: { arity: 1, cls: "linear" },
  tr: { arity: 1, cls: "linear" },
  sum: { arity: 1, cls: "linear" },
  diagm: { arity: 1, cls: "linear" },
  diagv: { arity: 1, cls: "linear" },
  pow: { arity: 2, cls: "nonlinear" },
  fn: { arity: 1, cls: "nonlinear" },
  det: { arity: 1, cls: "nonlinear" },
  logdet: { arity: 1, cls: "nonlinear" },
  inv: { arity: 1, cls: "nonlinear" },
  mpow: { arity: 1, cls: "nonlinear" },
  norm1: { arity: 1, cls: "nonlinear" },
  norm2: { arity: 1, cls: "nonlinear" },
  expm: { arity: 1, cls: "nonlinear" },
  logm: { arity: 1, cls: "nonlinear" },
  sqrtm: { arity: 1, cls: "nonlinear" },
  powm: { arity: 2, cls: "nonlinear" },
  dexpm: { arity: 2, cls: "frechet" },
  dlogm: { arity: 2, cls: "frechet" },
  dsqrtm: { arity: 2, cls: "frechet" },
  dpowm: { arity: 3, cls: "frechet" },
  d2expm: { arity: 3, cls: "frechet" },
  d2logm: { arity: 3, cls: "frechet" },
  d2sqrtm: { arity: 3, cls: "frechet" },
  d2powm: { arity: 4, cls: "frechet" },
  kron: { arity: 2, cls: "multilinear" },
} as const satisfies Record<Op, OpInfo>;

/** Rank of each op in the canonical structural order (used to sort commutative arguments). */
export const OP_RANK: Readonly<Record<Op, number>> = Object.fromEntries(OP_NAMES.map((op, i) => [op, i])) as Record<
  Op,
  number
>;
