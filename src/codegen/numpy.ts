// The NumPy target: one rule per op and kernel (a table the compiler checks for completeness), writing numpy and
// scipy.linalg calls: solves and Cholesky/LU factors from scipy, matrix functions via scipy.linalg or eigh.

import type { ElementwiseName } from "../ir/elementwise.js";
import type { Code, Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import * as py from "./python.js";
import { P, call, wrap } from "./python.js";

const FN = {
  sin: "np.sin",
  cos: "np.cos",
  tan: "np.tan",
  arcsin: "np.arcsin",
  arccos: "np.arccos",
  arctan: "np.arctan",
  exp: "np.exp",
  log: "np.log",
  tanh: "np.tanh",
  abs: "np.abs",
  sign: "np.sign",
  relu: null,
  sigmoid: "scipy.special.expit",
} as const satisfies Record<ElementwiseName, string | null>;

const SYM = { exp: "np.exp", log: "np.log", sqrt: "np.sqrt" } as Record<string, string>;

const shapeArgs = (cx: Parameters<Rule>[2], r: string | number, c: string | number, rows1: boolean, cols1: boolean) =>
  rows1 ? cx.dim(c) : cols1 ? cx.dim(r) : `(${cx.dim(r)}, ${cx.dim(c)})`;

const filled =
  (f: string): Rule =>
  (t, _a, cx) =>
    call(f, shapeArgs(cx, t.shape[0], t.shape[1], t.shape[0] === 1, t.shape[1] === 1));

/** inv(A)*B and inv(A)'*B by method: a Cholesky or LU factor, or one direct solve. */
const solve: Rule = (t, a, cx) => {
  const [method, trans] = t.attr.split("/") as [string, string];
  const [f, b] = a as [Code, Code];
  switch (method) {
    case "chol":
      cx.use("scipy.linalg");
      return call("scipy.linalg.cho_solve", f, b);
    case "lu":
      cx.use("scipy.linalg");
      return trans === "T" ? call("scipy.linalg.lu_solve", f, b, "trans=1") : call("scipy.linalg.lu_solve", f, b);
    case "direct-pos":
      cx.use("scipy.linalg");
      return call("scipy.linalg.solve", f, b, 'assume_a="pos"');
    default:
      return call("np.linalg.solve", trans === "T" ? py.argT(t, a, 0) : f, b);
  }
};

export const NUMPY_RULES = {
  const: py.constant,
  var: py.name,
  dvar: py.unsupported("differentials have no code"),
  eye: (t, _a, cx) => call("np.eye", cx.dim(t.shape[0])),
  ones: filled("np.ones"),
  zeros: filled("np.zeros"),
  add: py.add,
  times: py.times,
  mul: py.planned("mul"),
  hadamard: py.hadamard,
  transpose: py.transpose,
  tr: (_t, a) => call("np.trace", a[0]!),
  sum: (_t, a) => call("np.sum", a[0]!),
  diagm: (_t, a) => call("np.diag", a[0]!),
  diagv: (_t, a) => call("np.diag", a[0]!),
  pow: py.power("np.sqrt"),
  fn: (t, a, cx) => {
    const name = t.attr as ElementwiseName;
    if (name === "relu") return call("np.maximum", a[0]!, "0");
    if (name === "sigmoid") cx.use("scipy.special");
    return call(FN[name], a[0]!);
  },
  det: (_t, a) => call("np.linalg.det", a[0]!),
  logdet: (_t, a, cx) => (cx.helper("_logdet"), call("_logdet", a[0]!)),
  inv: (_t, a) => call("np.linalg.inv", a[0]!),
  mpow: (t, a) => call("np.linalg.matrix_power", a[0]!, t.attr),
  norm1: (_t, a) => call("np.sum", call("np.abs", a[0]!)),
  norm2: (_t, a) => call("np.linalg.norm", a[0]!),
  expm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.expm", a[0]!)),
  logm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.logm", a[0]!)),
  sqrtm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.sqrtm", a[0]!)),
  powm: (_t, a, cx) => (cx.helper("_powm"), call("_powm", a[0]!, a[1]!)),
  dexpm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.expm_frechet", a[0]!, a[1]!, "compute_expm=False")),
  dlogm: (_t, a, cx) => (cx.helper("_frechet_block"), cx.use("scipy.linalg"), call("_frechet_block", "scipy.linalg.logm", a[0]!, a[1]!)),
  dsqrtm: (_t, a, cx) => (cx.helper("_dsqrtm"), call("_dsqrtm", a[0]!, a[1]!)),
  dpowm: (_t, a, cx) => (
    cx.helper("_frechet_block"), cx.helper("_powm"), call("_frechet_block", `lambda m: _powm(m, ${a[1]!.s})`, a[0]!, a[2]!)
  ),
  d2expm: (_t, a, cx) => (
    cx.helper("_frechet2_block"), cx.use("scipy.linalg"), call("_frechet2_block", "scipy.linalg.expm", a[0]!, a[1]!, a[2]!)
  ),
  d2logm: (_t, a, cx) => (
    cx.helper("_frechet2_block"), cx.use("scipy.linalg"), call("_frechet2_block", "scipy.linalg.logm", a[0]!, a[1]!, a[2]!)
  ),
  d2sqrtm: (_t, a, cx) => (cx.helper("_d2sqrtm"), call("_d2sqrtm", a[0]!, a[1]!, a[2]!)),
  d2powm: (_t, a, cx) => (
    cx.helper("_frechet2_block"), cx.helper("_powm"), call("_frechet2_block", `lambda m: _powm(m, ${a[1]!.s})`, a[0]!, a[2]!, a[3]!)
  ),
  kron: py.kron("np.kron"),
  // kernels
  matmul: py.matmul("np.outer"),
  scaleRows: py.scaleRows,
  scaleCols: py.scaleCols,
  traceProd: py.traceProd((x) => `np.sum(${x})`),
  diagProd: py.diagProd((x) => `np.sum(${x}, axis=1)`),
  factor: (t, a, cx) => (cx.use("scipy.linalg"), call(t.attr === "chol" ? "scipy.linalg.cho_factor" : "scipy.linalg.lu_factor", a[0]!)),
  solve,
  factorInv: (t, a, cx) =>
    call(t.attr === "chol" ? "scipy.linalg.cho_solve" : "scipy.linalg.lu_solve", a[0]!, call("np.eye", cx.dim(t.shape[0]))),
  factorDet: (t, a, cx) =>
    t.attr === "chol"
      ? { s: `${call("np.prod", call("np.diag", `${wrap(a[0]!, P.atom)}[0]`)).s} ** 2`, prec: P.power }
      : (cx.helper("_lu_det"), call("_lu_det", a[0]!)),
  factorLogdet: (t, a, cx) =>
    t.attr === "chol"
      ? call("np.sum", `np.log(np.diag(${wrap(a[0]!, P.atom)}[0]))`)
      : (cx.helper("_lu_logdet"), call("_lu_logdet", a[0]!)),
  eigh: (_t, a) => call("np.linalg.eigh", a[0]!),
  ...py.eighRules(SYM),
  frechetTensor: (t, a, cx): Code => py.frechetTensor(NUMPY_RULES, t, a, cx),
  einsum: py.einsum("np.einsum", "optimize=True"),
} as const satisfies Record<LOp, Rule>;

const HELPERS = {
  ...py.EIGH_HELPERS,
  _frechet_tensor: py.frechetTensorHelper("np.eye(n * n)", "np.stack"),
  ...py.arrayDividedDifferences("np"),
  _inputs: {
    code: `
def _inputs(values, ndims):
    unknown = sorted(set(values) - set(ndims))
    if unknown:
        raise TypeError(f"evaluate() got values for unknown variables {unknown}")
    arrays = []
    for name, ndim in ndims.items():
        if name not in values:
            raise TypeError(f"evaluate() needs a value for {name!r}")
        a = np.asarray(values[name], dtype=np.float64)
        if a.ndim != ndim:
            raise ValueError(f"{name} must have {ndim} dimension(s), got shape {a.shape}")
        arrays.append(a)
    return arrays`,
  },
  _check_shape: {
    code: `
def _check_shape(name, a, shape):
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape}, expected {shape}")`,
  },
  _logdet: {
    code: `
def _logdet(a):
    # log|det(a)|, as matcalc's logdet
    return np.linalg.slogdet(a)[1]`,
  },
  _lu_det: {
    code: `
def _lu_det(factor):
    lu, piv = factor
    swaps = np.count_nonzero(piv != np.arange(piv.shape[0]))
    return (-1.0) ** swaps * np.prod(np.diag(lu))`,
  },
  _lu_logdet: {
    code: `
def _lu_logdet(factor):
    lu, piv = factor
    return np.sum(np.log(np.abs(np.diag(lu))))`,
  },
  _powm: {
    code: `
def _powm(x, p):
    return np.real(scipy.linalg.fractional_matrix_power(x, p))`,
    modules: ["scipy.linalg"],
  },
  _frechet_block: {
    code: `
def _frechet_block(f, x, e):
    # L_f(X, E) is the top-right block of f([[X, E], [0, X]])
    n = x.shape[0]
    return f(np.block([[x, e], [np.zeros_like(x), x]]))[:n, n:]`,
  },
  _frechet2_block: {
    code: `
def _frechet2_block(f, x, e, g):
    # L2_f(X, E, F) is the top-right block of f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]])
    n = x.shape[0]
    z = np.zeros_like(x)
    return f(np.block([[x, e, g, z], [z, x, z, g], [z, z, x, e], [z, z, z, x]]))[:n, 3 * n:]`,
  },
  _d2sqrtm: {
    code: `
def _d2sqrtm(x, e, g):
    # S L + L S = E (S = sqrtm(X)) differentiated once more: S L2 + L2 S = -(L_E L_F + L_F L_E)
    s = scipy.linalg.sqrtm(x)
    le = scipy.linalg.solve_sylvester(s, s, e)
    lg = scipy.linalg.solve_sylvester(s, s, g)
    return scipy.linalg.solve_sylvester(s, s, -(le @ lg + lg @ le))`,
    modules: ["scipy.linalg"],
  },
  _dsqrtm: {
    code: `
def _dsqrtm(x, e):
    # the derivative L of sqrtm solves the Sylvester equation S L + L S = E, S = sqrtm(X)
    s = scipy.linalg.sqrtm(x)
    return scipy.linalg.solve_sylvester(s, s, e)`,
    modules: ["scipy.linalg"],
  },
} as const;

export const NUMPY: TargetSpec = {
  rules: NUMPY_RULES,
  freeTranspose: true,
  reserved: new Set([...py.PY_KEYWORDS, ...Object.keys(HELPERS)]),
  atom: P.atom,
  maxInline: 80,
  isName: py.isPyName,
  module: (m) =>
    py.pythonModule(m, {
      imports: ["import numpy as np"],
      conventions: ["  imports numpy and scipy only; symmetric and spd arguments are read by eigh / cho_factor"],
      helpers: HELPERS,
      demo: { array: "lambda x: np.array(x, dtype=float)" },
      tensor: py.arrayTensor("np"),
    }),
};

