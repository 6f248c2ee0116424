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

export const FUNCTIONS: Readonly<Record<string, FunctionInfo>> = {
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
  logdet: { kind: "square-to-scalar", minArgs: 1, maxArgs: 1, doc: "log(det(X))" },
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
};

/** Names from other tools that mean a function of ours, for "did you mean" hints. */
export const SYNONYMS: Readonly<Record<string, string>> = {
  trace: "tr",
  Tr: "tr",
  inverse: "inv",
  determinant: "det",
  log_det: "logdet",
  logDet: "logdet",
  norm: "norm2",
  exponential: "exp",
  mexp: "expm",
  sqrt_m: "sqrtm",
  identity: "eye",
  diagonal: "diag",
};

/** Closest name by edit distance (at most 2 edits), for "did you mean" hints. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
