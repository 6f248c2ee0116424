// The functions of the surface language: name, arity and shape rule, one entry each. Lowering to IR
// (ir/lower.ts) and printing read the same names, so the language has one list of its functions.

export type FunctionKind =
  | "elementwise" // same shape in and out
  | "square-to-scalar" // tr det logdet
  | "square-to-square" // inv expm logm sqrtm
  | "frechet" // dexpm(X, E), dlogm(X, E), dsqrtm(X, E): X and E square and alike
  | "frechet-pow" // dpowm(X, p, E): p a scalar
  | "frechet2" // d2expm(X, E, F), d2logm(X, E, F), d2sqrtm(X, E, F): X, E and F square and alike
  | "frechet2-pow" // d2powm(X, p, E, F): p a scalar
  | "to-scalar" // sum norm1 norm2
  | "diag" // vector -> diagonal matrix, square matrix -> vector
  | "constant" // vector(c), matrix(c)
  | "dims" // eye(n), ones(n, m), zeros(n, m)
  | "kron"; // kron(A, B): (rows(A)*rows(B)) x (cols(A)*cols(B)), sizes known when it is met

export interface FunctionInfo {
  readonly kind: FunctionKind;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly doc: string;
}

const ew = (doc: string): FunctionInfo => ({ kind: "elementwise", minArgs: 1, maxArgs: 1, doc });

const FUNCTION_TABLE = {
  sin: ew("sine, elementwise"),
  cos: ew("cosine, elementwise"),
  tan: ew("tangent, elementwise"),
  arcsin: ew("inverse sine, elementwise"),
  arccos: ew("inverse cosine, elementwise"),
  arctan: ew("inverse tangent, elementwise"),
  exp: ew("exponential, elementwise (expm is the matrix exponential)"),
  log: ew("natural logarithm, elementwise (logm is the matrix logarithm)"),
  tanh: ew("hyperbolic tangent, elementwise"),
  abs: ew("absolute value, elementwise"),
  sign: ew("sign, elementwise"),
  relu: ew("max(x, 0), elementwise"),
  sqrt: ew("square root, elementwise (sqrtm is the matrix square root)"),
  sigmoid: ew("logistic function 1/(1 + exp(-x)), elementwise"),
  tr: { kind: "square-to-scalar", minArgs: 1, maxArgs: 1, doc: "trace" },
  det: { kind: "square-to-scalar", minArgs: 1, maxArgs: 1, doc: "determinant" },
  logdet: { kind: "square-to-scalar", minArgs: 1, maxArgs: 1, doc: "log|det(X)|: defined wherever X is invertible" },
  inv: { kind: "square-to-square", minArgs: 1, maxArgs: 1, doc: "matrix inverse" },
  expm: { kind: "square-to-square", minArgs: 1, maxArgs: 1, doc: "matrix exponential" },
  logm: { kind: "square-to-square", minArgs: 1, maxArgs: 1, doc: "matrix logarithm (principal)" },
  sqrtm: { kind: "square-to-square", minArgs: 1, maxArgs: 1, doc: "matrix square root (principal)" },
  dexpm: { kind: "frechet", minArgs: 2, maxArgs: 2, doc: "dexpm(X, E): Fréchet derivative of expm at X in the direction E" },
  dlogm: { kind: "frechet", minArgs: 2, maxArgs: 2, doc: "dlogm(X, E): Fréchet derivative of logm at X in the direction E" },
  dsqrtm: { kind: "frechet", minArgs: 2, maxArgs: 2, doc: "dsqrtm(X, E): Fréchet derivative of sqrtm at X in the direction E" },
  dpowm: { kind: "frechet-pow", minArgs: 3, maxArgs: 3, doc: "dpowm(X, p, E): Fréchet derivative of X^p at X in the direction E" },
  d2expm: { kind: "frechet2", minArgs: 3, maxArgs: 3, doc: "d2expm(X, E, F): second Fréchet derivative of expm at X in the directions E and F" },
  d2logm: { kind: "frechet2", minArgs: 3, maxArgs: 3, doc: "d2logm(X, E, F): second Fréchet derivative of logm at X in the directions E and F" },
  d2sqrtm: { kind: "frechet2", minArgs: 3, maxArgs: 3, doc: "d2sqrtm(X, E, F): second Fréchet derivative of sqrtm at X in the directions E and F" },
  d2powm: { kind: "frechet2-pow", minArgs: 4, maxArgs: 4, doc: "d2powm(X, p, E, F): second Fréchet derivative of X^p at X in the directions E and F" },
  sum: { kind: "to-scalar", minArgs: 1, maxArgs: 1, doc: "sum of all entries" },
  norm1: { kind: "to-scalar", minArgs: 1, maxArgs: 1, doc: "sum of absolute values of all entries" },
  norm2: { kind: "to-scalar", minArgs: 1, maxArgs: 1, doc: "Euclidean norm (Frobenius for matrices)" },
  diag: { kind: "diag", minArgs: 1, maxArgs: 1, doc: "diag(x): diagonal matrix from a vector; diag(X): diagonal of a matrix" },
  vector: { kind: "constant", minArgs: 1, maxArgs: 1, doc: "vector(c): a vector with every entry c" },
  matrix: { kind: "constant", minArgs: 1, maxArgs: 1, doc: "matrix(c): a matrix with every entry c" },
  kron: { kind: "kron", minArgs: 2, maxArgs: 2, doc: "Kronecker product: block (i, j) of kron(A, B) is A(i, j)*B" },
  eye: { kind: "dims", minArgs: 0, maxArgs: 1, doc: "identity matrix: eye or eye(n)" },
  ones: { kind: "dims", minArgs: 0, maxArgs: 2, doc: "all-ones: ones(n) is n x n, ones(n, 1) a vector" },
  zeros: { kind: "dims", minArgs: 0, maxArgs: 2, doc: "all-zeros: zeros(n) is n x n, zeros(n, 1) a vector" },
} satisfies Record<string, FunctionInfo>;

/** The name of a function of the language. */
export type FunctionName = keyof typeof FUNCTION_TABLE;

export const FUNCTIONS: Readonly<Record<string, FunctionInfo>> = FUNCTION_TABLE;

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTION_TABLE, name);
}

/** Names from other tools that mean a function of ours, for "did you mean" hints. */
export const SYNONYMS: Readonly<Record<string, string>> = {
  trace: "tr",
  Tr: "tr",
  inverse: "inv",
  determinant: "det",
  log_det: "logdet",
  logDet: "logdet",
  exponential: "exp",
  mexp: "expm",
  sqrt_m: "sqrtm",
  identity: "eye",
  diagonal: "diag",
};

/**
 * Functions of other tools (NumPy, MATLAB, PyTorch) with what to write here instead, or a plain "not supported yet":
 * the hint of an unknown function goes by meaning first, by spelling only when the name is close to one of ours.
 */
export const ELSEWHERE: Readonly<Record<string, string>> = {
  max: "max is not supported yet; max(x, 0) is relu(x)",
  min: "min is not supported yet; min(x, 0) is -relu(-x)",
  maximum: "maximum is not supported yet; maximum(x, 0) is relu(x)",
  minimum: "minimum is not supported yet; minimum(x, 0) is -relu(-x)",
  chol: "chol, the Cholesky factor, is not supported yet",
  cholesky: "cholesky, the Cholesky factor, is not supported yet",
  softmax: "softmax is not supported yet as a function; write exp(x)/sum(exp(x))",
  logsumexp: "logsumexp is not supported yet as a function; write log(sum(exp(x)))",
  softplus: "softplus is not supported yet as a function; write log(1 + exp(x))",
  log1p: "write log(1 + x)",
  expm1: "write exp(x) - 1",
  log2: "write log(x)/log(2)",
  log10: "write log(x)/log(10)",
  sinh: "write (exp(x) - exp(-x))/2",
  cosh: "write (exp(x) + exp(-x))/2",
  square: "write x.^2, elementwise, or X^2, the matrix power",
  norm: "norm(x) is written norm2(x), the Euclidean norm, Frobenius for matrices; norm1(x) is the sum of absolute values",
  eig: "eig, the eigendecomposition, is not supported yet",
  eigh: "eigh, the eigendecomposition, is not supported yet",
  eigvals: "eigvals is not supported yet",
  svd: "svd is not supported yet",
  vec: "vec is not supported yet",
  reshape: "reshape is not supported yet",
  dot: "dot(x, y) is written x'*y",
  inner: "inner(x, y) is written x'*y",
  outer: "outer(x, y) is written x*y'",
  matmul: "matmul(A, B) is written A*B",
  mtimes: "mtimes(A, B) is written A*B",
  times: "times(A, B) is written A .* B, elementwise",
  multiply: "multiply(A, B) is written A .* B, elementwise",
  hadamard: "hadamard(A, B) is written A .* B",
  transpose: "transpose(X) is written X'",
  power: "power(x, p) is written x.^p, elementwise",
  mpower: "mpower(X, p) is written X^p",
  matrix_power: "matrix_power(X, k) is written X^k",
  mean: "mean is not supported yet; write sum(x)/N with N: scalar, the number of entries",
  prod: "prod is not supported yet",
  pinv: "pinv is not supported yet; inv(X) is the inverse of a square X",
  slogdet: "slogdet is written logdet(X), which is log|det(X)|",
  exp2: "write exp(log(2)*x)",
  ln: "ln(x) is written log(x)",
  atan: "atan(x) is written arctan(x)",
  asin: "asin(x) is written arcsin(x)",
  acos: "acos(x) is written arccos(x)",
  logistic: "logistic(x) is written sigmoid(x)",
  expit: "expit(x) is written sigmoid(x)",
  diagm: "diagm(x) is written diag(x)",
  numel: "sizes are not values of the language: write N with N: scalar",
  length: "sizes are not values of the language: write N with N: scalar",
  size: "sizes are not values of the language: write N with N: scalar",
};

/** The hint of an unknown function `name`, in parentheses after the error, or null: by meaning, else by spelling. */
export function unknownFunctionHint(name: string): string | null {
  if (Object.hasOwn(SYNONYMS, name)) return `did you mean '${SYNONYMS[name]}'?`;
  if (Object.hasOwn(ELSEWHERE, name)) return ELSEWHERE[name]!;
  const lower = name.toLowerCase();
  if (lower !== name && Object.hasOwn(ELSEWHERE, lower)) return ELSEWHERE[lower]!;
  if (lower !== name && Object.hasOwn(FUNCTIONS, lower)) return `did you mean '${lower}'?`;
  // a misspelling of one of ours, of a synonym or of a function known elsewhere
  const close = closestName(name, [...Object.keys(FUNCTIONS), ...Object.keys(SYNONYMS), ...Object.keys(ELSEWHERE)]);
  if (close === null) return null;
  if (Object.hasOwn(FUNCTIONS, close)) return `did you mean '${close}'?`;
  return Object.hasOwn(SYNONYMS, close) ? `did you mean '${SYNONYMS[close]}'?` : `did you mean '${close}'? ${ELSEWHERE[close]}`;
}

/**
 * Closest name by edit distance (an adjacent transposition counts as one edit), for "did you mean" hints: at most
 * one edit for names of up to 4 letters, two for longer ones, so that `max` does not suggest `tan`.
 */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestD = limit + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions); 3 for anything above 2. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return Math.min(rows[a.length]![b.length]!, 3);
}
