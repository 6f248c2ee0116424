// The NumPy target: the rule table it shares with JAX (numpy-like.ts) over np and scipy.linalg: solves and
// Cholesky/LU factors from scipy, matrix functions via scipy.linalg or eigh.

import type { Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import { frechet2BlockHelper, numpyLikeHelpers, numpyLikeRules, numpyLikeTarget } from "./numpy-like.js";
import { type MatrixFunctionRules, call } from "./python.js";

/** logm, sqrtm and powm from scipy.linalg; Fréchet derivatives by blocks or Sylvester equations. */
const MATRIX_FUNCTIONS = {
  logm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.logm", a[0]!)),
  sqrtm: (_t, a, cx) => (cx.use("scipy.linalg"), call("scipy.linalg.sqrtm", a[0]!)),
  powm: (_t, a, cx) => (cx.helper("_powm"), call("_powm", a[0]!, a[1]!)),
  dlogm: (_t, a, cx) => (cx.helper("_frechet_block"), cx.use("scipy.linalg"), call("_frechet_block", "scipy.linalg.logm", a[0]!, a[1]!)),
  dsqrtm: (_t, a, cx) => (cx.helper("_dsqrtm"), call("_dsqrtm", a[0]!, a[1]!)),
  dpowm: (_t, a, cx) => (
    cx.helper("_frechet_block"), cx.helper("_powm"), call("_frechet_block", `lambda m: _powm(m, ${a[1]!.s})`, a[0]!, a[2]!)
  ),
  d2logm: (_t, a, cx) => (
    cx.helper("_frechet2_block"), cx.use("scipy.linalg"), call("_frechet2_block", "scipy.linalg.logm", a[0]!, a[1]!, a[2]!)
  ),
  d2sqrtm: (_t, a, cx) => (cx.helper("_d2sqrtm"), call("_d2sqrtm", a[0]!, a[1]!, a[2]!)),
  d2powm: (_t, a, cx) => (
    cx.helper("_frechet2_block"), cx.helper("_powm"), call("_frechet2_block", `lambda m: _powm(m, ${a[1]!.s})`, a[0]!, a[2]!, a[3]!)
  ),
} satisfies MatrixFunctionRules;

const LU_DET = {
  code: `
def _lu_det(factor):
    lu, piv = factor
    swaps = np.count_nonzero(piv != np.arange(piv.shape[0]))
    return (-1.0) ** swaps * np.prod(np.diag(lu))`,
};

const SPEC = {
  np: "np",
  linalg: "scipy.linalg",
  sigmoid: { f: "scipy.special.expit", module: "scipy.special" },
  einsumOptions: ["optimize=True"],
  matrixFunctions: MATRIX_FUNCTIONS,
  frechetEye: "np.eye(n * n)",
  convert: ["a = np.asarray(values[name], dtype=np.float64)"],
  luDet: LU_DET,
  matrixFunctionHelpers: {
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
    _frechet2_block: frechet2BlockHelper("np"),
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
  },
} as const;

export const NUMPY_RULES = numpyLikeRules(SPEC) satisfies Record<LOp, Rule>;

export const NUMPY: TargetSpec = numpyLikeTarget(
  NUMPY_RULES,
  numpyLikeHelpers(SPEC),
  {
    imports: ["import numpy as np"],
    conventions: ["  imports numpy and scipy only; symmetric and spd arguments are read by eigh / cho_factor"],
    demo: { array: "lambda x: np.array(x, dtype=float)" },
  },
  "np",
);
