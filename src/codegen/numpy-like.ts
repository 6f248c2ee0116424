// The rule table NumPy and JAX share, built from the namespace: the array module (np / jnp) and the SciPy-style
// linear algebra (scipy.linalg / jax.scipy.linalg), with the few real differences as explicit parameters.

import type { ElementwiseName } from "../ir/elementwise.js";
import type { Code, Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import * as py from "./python.js";
import { P, call, wrap } from "./python.js";

/** What differs between NumPy and JAX; everything else is written from the two namespaces. */
export interface NumpyLike {
  /** The array module: np (numpy) or jnp (jax.numpy). */
  readonly np: "np" | "jnp";
  /** The SciPy-style linear algebra: solves, factorizations, expm and its Fréchet derivative. */
  readonly linalg: "scipy.linalg" | "jax.scipy.linalg";
  /** The logistic function, and the module it needs imported (if any). */
  readonly sigmoid: { readonly f: string; readonly module?: string };
  /** Arguments after the operands of einsum (numpy's optimize=True). */
  readonly einsumOptions: readonly string[];
  /** logm, sqrtm, powm and their Fréchet derivatives (scipy.linalg in NumPy; eig-based, jit-friendly in JAX). */
  readonly matrixFunctions: py.MatrixFunctionRules;
  /** _frechet_tensor's n^2 x n^2 identity (JAX keeps the dtype of x). */
  readonly frechetEye: string;
  /** Lines of _inputs that make an array `a` of values[name] (JAX keeps the dtype of floating inputs). */
  readonly convert: readonly string[];
  /** The helper _lu_det (the sign of the permutation: a Python power in NumPy, jnp.where in JAX). */
  readonly luDet: py.PyHelper;
  /** The helpers of matrixFunctions, listed after the shared ones (the module writes helpers in this order). */
  readonly matrixFunctionHelpers: Readonly<Record<string, py.PyHelper>>;
}

const shapeArgs = (cx: Parameters<Rule>[2], r: string | number, c: string | number) =>
  r === 1 ? cx.dim(c) : c === 1 ? cx.dim(r) : `(${cx.dim(r)}, ${cx.dim(c)})`;

/** One rule per op and kernel, from the namespaces of p. */
export function numpyLikeRules(p: NumpyLike): Record<LOp, Rule> {
  const { np, linalg } = p;
  const FN = {
    sin: `${np}.sin`,
    cos: `${np}.cos`,
    tan: `${np}.tan`,
    arcsin: `${np}.arcsin`,
    arccos: `${np}.arccos`,
    arctan: `${np}.arctan`,
    exp: `${np}.exp`,
    log: `${np}.log`,
    tanh: `${np}.tanh`,
    abs: `${np}.abs`,
    sign: `${np}.sign`,
    relu: null,
    sigmoid: p.sigmoid.f,
  } as const satisfies Record<ElementwiseName, string | null>;

  const filled =
    (f: string): Rule =>
    (t, _a, cx) =>
      call(f, shapeArgs(cx, t.shape[0], t.shape[1]));

  /** inv(A)*B and inv(A)'*B by method: a Cholesky or LU factor, or one direct solve. */
  const solve: Rule = (t, a, cx) => {
    const [method, trans] = t.attr.split("/") as [string, string];
    const [f, b] = a as [Code, Code];
    switch (method) {
      case "chol":
        cx.use(linalg);
        return call(`${linalg}.cho_solve`, f, b);
      case "lu":
        cx.use(linalg);
        return trans === "T" ? call(`${linalg}.lu_solve`, f, b, "trans=1") : call(`${linalg}.lu_solve`, f, b);
      case "direct-pos":
        cx.use(linalg);
        return call(`${linalg}.solve`, f, b, 'assume_a="pos"');
      default:
        return call(`${np}.linalg.solve`, trans === "T" ? py.argT(t, a, 0) : f, b);
    }
  };

  const rules = {
    const: py.constant,
    var: py.name,
    dvar: py.unsupported("differentials have no code"),
    eye: (t, _a, cx) => call(`${np}.eye`, cx.dim(t.shape[0])),
    ones: filled(`${np}.ones`),
    zeros: filled(`${np}.zeros`),
    add: py.add,
    times: py.times,
    mul: py.planned("mul"),
    hadamard: py.hadamard,
    transpose: py.transpose,
    tr: (_t, a) => call(`${np}.trace`, a[0]!),
    sum: (_t, a) => call(`${np}.sum`, a[0]!),
    diagm: (_t, a) => call(`${np}.diag`, a[0]!),
    diagv: (_t, a) => call(`${np}.diag`, a[0]!),
    pow: py.power(`${np}.sqrt`),
    fn: (t, a, cx) => {
      const name = t.attr as ElementwiseName;
      if (name === "relu") return call(`${np}.maximum`, a[0]!, "0");
      if (name === "sigmoid" && p.sigmoid.module) cx.use(p.sigmoid.module);
      return call(FN[name], a[0]!);
    },
    det: (_t, a) => call(`${np}.linalg.det`, a[0]!),
    logdet: (_t, a, cx) => (cx.helper("_logdet"), call("_logdet", a[0]!)),
    inv: (_t, a) => call(`${np}.linalg.inv`, a[0]!),
    mpow: (t, a) => call(`${np}.linalg.matrix_power`, a[0]!, t.attr),
    norm1: (_t, a) => call(`${np}.sum`, call(`${np}.abs`, a[0]!)),
    norm2: (_t, a) => call(`${np}.linalg.norm`, a[0]!),
    expm: (_t, a, cx) => (cx.use(linalg), call(`${linalg}.expm`, a[0]!)),
    dexpm: (_t, a, cx) => (cx.use(linalg), call(`${linalg}.expm_frechet`, a[0]!, a[1]!, "compute_expm=False")),
    d2expm: (_t, a, cx) => (
      cx.helper("_frechet2_block"), cx.use(linalg), call("_frechet2_block", `${linalg}.expm`, a[0]!, a[1]!, a[2]!)
    ),
    ...p.matrixFunctions,
    kron: py.kron(`${np}.kron`),
    // kernels
    matmul: py.matmul(`${np}.outer`),
    scaleRows: py.scaleRows,
    scaleCols: py.scaleCols,
    traceProd: py.traceProd((x) => `${np}.sum(${x})`),
    diagProd: py.diagProd((x) => `${np}.sum(${x}, axis=1)`),
    factor: (t, a, cx) => (cx.use(linalg), call(t.attr === "chol" ? `${linalg}.cho_factor` : `${linalg}.lu_factor`, a[0]!)),
    solve,
    factorInv: (t, a, cx) =>
      call(t.attr === "chol" ? `${linalg}.cho_solve` : `${linalg}.lu_solve`, a[0]!, call(`${np}.eye`, cx.dim(t.shape[0]))),
    factorDet: (t, a, cx) =>
      t.attr === "chol"
        ? { s: `${call(`${np}.prod`, call(`${np}.diag`, `${wrap(a[0]!, P.atom)}[0]`)).s} ** 2`, prec: P.power }
        : (cx.helper("_lu_det"), call("_lu_det", a[0]!)),
    factorLogdet: (t, a, cx) =>
      t.attr === "chol"
        ? call(`${np}.sum`, `${np}.log(${np}.diag(${wrap(a[0]!, P.atom)}[0]))`)
        : (cx.helper("_lu_logdet"), call("_lu_logdet", a[0]!)),
    eigh: (_t, a) => call(`${np}.linalg.eigh`, a[0]!),
    ...py.eighRules(np),
    frechetTensor: (t, a, cx): Code => py.frechetTensor(rules, t, a, cx),
    einsum: py.einsum(`${np}.einsum`, ...p.einsumOptions),
  } satisfies Record<LOp, Rule>;
  return rules;
}

/** The helpers of numpyLikeRules, in the order the module writes them. */
export function numpyLikeHelpers(p: NumpyLike): Readonly<Record<string, py.PyHelper>> {
  const { np } = p;
  return {
    ...py.EIGH_HELPERS,
    _frechet_tensor: py.frechetTensorHelper(p.frechetEye, `${np}.stack`),
    ...py.arrayDividedDifferences(np),
    _inputs: py.inputsHelper({ list: "arrays", convert: p.convert, ndim: "a.ndim", shape: "a.shape" }),
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
    return ${np}.linalg.slogdet(a)[1]`,
    },
    _lu_det: p.luDet,
    _lu_logdet: {
      code: `
def _lu_logdet(factor):
    lu, piv = factor
    return ${np}.sum(${np}.log(${np}.abs(${np}.diag(lu))))`,
    },
    ...p.matrixFunctionHelpers,
  };
}

/** _frechet2_block in np or jnp: the second Fréchet derivative as a block of f of a 4n x 4n matrix. */
export function frechet2BlockHelper(np: "np" | "jnp"): py.PyHelper {
  return {
    code: `
def _frechet2_block(f, x, e, g):
    # L2_f(X, E, F) is the top-right block of f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]])
    n = x.shape[0]
    z = ${np}.zeros_like(x)
    return f(${np}.block([[x, e, g, z], [z, x, z, g], [z, z, x, e], [z, z, z, x]]))[:n, 3 * n:]`,
  };
}

/** The target around the rules: what differs is the imports, the header's conventions and the demo's arrays. */
export function numpyLikeTarget(
  rules: Readonly<Record<LOp, Rule>>,
  helpers: Readonly<Record<string, py.PyHelper>>,
  style: Pick<py.PythonModuleStyle, "imports" | "conventions" | "demo">,
  np: "np" | "jnp",
): TargetSpec {
  return {
    rules,
    freeTranspose: true,
    reserved: new Set([...py.PY_KEYWORDS, ...Object.keys(helpers)]),
    atom: P.atom,
    maxInline: 80,
    isName: py.isPyName,
    module: (m) => py.pythonModule(m, { ...style, helpers, tensor: py.arrayTensor(np) }),
  };
}
