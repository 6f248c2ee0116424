// The JAX target: one rule per op and kernel, pure jax.numpy / jax.scipy with no Python branching on values, so
// the code works under jax.jit and jax.vmap; logm and sqrtm through eigh (symmetric) or eig (general, CPU only).

import type { ElementwiseName } from "../ir/elementwise.js";
import type { Code, Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import * as py from "./python.js";
import { P, call, wrap } from "./python.js";

const FN = {
  sin: "jnp.sin",
  cos: "jnp.cos",
  tan: "jnp.tan",
  arcsin: "jnp.arcsin",
  arccos: "jnp.arccos",
  arctan: "jnp.arctan",
  exp: "jnp.exp",
  log: "jnp.log",
  tanh: "jnp.tanh",
  abs: "jnp.abs",
  sign: "jnp.sign",
  relu: null,
  sigmoid: "jax.nn.sigmoid",
} as const satisfies Record<ElementwiseName, string | null>;

const SYM = { exp: "jnp.exp", log: "jnp.log", sqrt: "jnp.sqrt" } as Record<string, string>;
const GENERAL = {
  logm: ["jnp.log", "lambda w: 1 / w"],
  sqrtm: ["jnp.sqrt", "lambda w: 0.5 / jnp.sqrt(w)"],
} as const;
/** f, f' and f'' for the second-order Daleckii-Krein formula. */
const GENERAL2 = {
  logm: [...GENERAL.logm, "lambda w: -1 / w ** 2"],
  sqrtm: [...GENERAL.sqrtm, "lambda w: -0.25 / (w * jnp.sqrt(w))"],
} as const;

const filled =
  (f: string): Rule =>
  (t, _a, cx) => {
    const [r, c] = t.shape;
    return call(f, r === 1 ? cx.dim(c) : c === 1 ? cx.dim(r) : `(${cx.dim(r)}, ${cx.dim(c)})`);
  };

const solve: Rule = (t, a, cx) => {
  const [method, trans] = t.attr.split("/") as [string, string];
  const [f, b] = a as [Code, Code];
  switch (method) {
    case "chol":
      cx.use("jax.scipy.linalg");
      return call("jax.scipy.linalg.cho_solve", f, b);
    case "lu":
      cx.use("jax.scipy.linalg");
      return trans === "T" ? call("jax.scipy.linalg.lu_solve", f, b, "trans=1") : call("jax.scipy.linalg.lu_solve", f, b);
    case "direct-pos":
      cx.use("jax.scipy.linalg");
      return call("jax.scipy.linalg.solve", f, b, 'assume_a="pos"');
    default:
      return call("jnp.linalg.solve", trans === "T" ? py.argT(t, a, 0) : f, b);
  }
};

export const JAX_RULES = {
  const: py.constant,
  var: py.name,
  dvar: py.unsupported("differentials have no code"),
  eye: (t, _a, cx) => call("jnp.eye", cx.dim(t.shape[0])),
  ones: filled("jnp.ones"),
  zeros: filled("jnp.zeros"),
  add: py.add,
  times: py.times,
  mul: py.planned("mul"),
  hadamard: py.hadamard,
  transpose: py.transpose,
  tr: (_t, a) => call("jnp.trace", a[0]!),
  sum: (_t, a) => call("jnp.sum", a[0]!),
  diagm: (_t, a) => call("jnp.diag", a[0]!),
  diagv: (_t, a) => call("jnp.diag", a[0]!),
  pow: py.power("jnp.sqrt"),
  fn: (t, a) => {
    const name = t.attr as ElementwiseName;
    if (name === "relu") return call("jnp.maximum", a[0]!, "0");
    return call(FN[name], a[0]!);
  },
  det: (_t, a) => call("jnp.linalg.det", a[0]!),
  logdet: (_t, a, cx) => (cx.helper("_logdet"), call("_logdet", a[0]!)),
  inv: (_t, a) => call("jnp.linalg.inv", a[0]!),
  mpow: (t, a) => call("jnp.linalg.matrix_power", a[0]!, t.attr),
  norm1: (_t, a) => call("jnp.sum", call("jnp.abs", a[0]!)),
  norm2: (_t, a) => call("jnp.linalg.norm", a[0]!),
  expm: (_t, a, cx) => (cx.use("jax.scipy.linalg"), call("jax.scipy.linalg.expm", a[0]!)),
  logm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, GENERAL.logm[0])),
  sqrtm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, GENERAL.sqrtm[0])),
  powm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, `lambda w: w ** ${wrap(a[1]!, P.unary)}`)),
  dexpm: (_t, a, cx) => (
    cx.use("jax.scipy.linalg"), call("jax.scipy.linalg.expm_frechet", a[0]!, a[1]!, "compute_expm=False")
  ),
  dlogm: (_t, a, cx) => (cx.helper("_eig_frechet"), call("_eig_frechet", a[0]!, ...GENERAL.logm, a[1]!)),
  dsqrtm: (_t, a, cx) => (cx.helper("_eig_frechet"), call("_eig_frechet", a[0]!, ...GENERAL.sqrtm, a[1]!)),
  dpowm: (_t, a, cx) => {
    cx.helper("_eig_frechet");
    const p = wrap(a[1]!, P.unary);
    return call("_eig_frechet", a[0]!, `lambda w: w ** ${p}`, `lambda w: ${p} * w ** (${a[1]!.s} - 1)`, a[2]!);
  },
  d2expm: (_t, a, cx) => (
    cx.helper("_frechet2_block"),
    cx.use("jax.scipy.linalg"),
    call("_frechet2_block", "jax.scipy.linalg.expm", a[0]!, a[1]!, a[2]!)
  ),
  d2logm: (_t, a, cx) => (cx.helper("_eig_frechet2"), call("_eig_frechet2", a[0]!, ...GENERAL2.logm, a[1]!, a[2]!)),
  d2sqrtm: (_t, a, cx) => (cx.helper("_eig_frechet2"), call("_eig_frechet2", a[0]!, ...GENERAL2.sqrtm, a[1]!, a[2]!)),
  d2powm: (_t, a, cx) => {
    cx.helper("_eig_frechet2");
    const p = wrap(a[1]!, P.unary);
    const q = a[1]!.s;
    const d2f = `lambda w: ${p} * (${q} - 1) * w ** (${q} - 2)`;
    return call("_eig_frechet2", a[0]!, `lambda w: w ** ${p}`, `lambda w: ${p} * w ** (${q} - 1)`, d2f, a[2]!, a[3]!);
  },
  kron: py.kron("jnp.kron"),
  // kernels
  matmul: py.matmul("jnp.outer"),
  scaleRows: py.scaleRows,
  scaleCols: py.scaleCols,
  traceProd: py.traceProd((x) => `jnp.sum(${x})`),
  diagProd: py.diagProd((x) => `jnp.sum(${x}, axis=1)`),
  factor: (t, a, cx) => (
    cx.use("jax.scipy.linalg"), call(t.attr === "chol" ? "jax.scipy.linalg.cho_factor" : "jax.scipy.linalg.lu_factor", a[0]!)
  ),
  solve,
  factorInv: (t, a, cx) =>
    call(t.attr === "chol" ? "jax.scipy.linalg.cho_solve" : "jax.scipy.linalg.lu_solve", a[0]!, call("jnp.eye", cx.dim(t.shape[0]))),
  factorDet: (t, a, cx) =>
    t.attr === "chol"
      ? { s: `${call("jnp.prod", call("jnp.diag", `${wrap(a[0]!, P.atom)}[0]`)).s} ** 2`, prec: P.power }
      : (cx.helper("_lu_det"), call("_lu_det", a[0]!)),
  factorLogdet: (t, a, cx) =>
    t.attr === "chol"
      ? call("jnp.sum", `jnp.log(jnp.diag(${wrap(a[0]!, P.atom)}[0]))`)
      : (cx.helper("_lu_logdet"), call("_lu_logdet", a[0]!)),
  eigh: (_t, a) => call("jnp.linalg.eigh", a[0]!),
  ...py.eighRules(SYM),
  frechetTensor: (t, a, cx): Code => py.frechetTensor(JAX_RULES, t, a, cx),
  einsum: py.einsum("jnp.einsum"),
} as const satisfies Record<LOp, Rule>;

const HELPERS = {
  ...py.EIGH_HELPERS,
  _frechet_tensor: py.frechetTensorHelper("jnp.eye(n * n, dtype=x.dtype)", "jnp.stack"),
  ...py.arrayDividedDifferences("jnp"),
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
        a = jnp.asarray(values[name])
        if not jnp.issubdtype(a.dtype, jnp.floating):
            a = a.astype(float)
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
    return jnp.linalg.slogdet(a)[1]`,
  },
  _lu_det: {
    code: `
def _lu_det(factor):
    lu, piv = factor
    swaps = jnp.count_nonzero(piv != jnp.arange(piv.shape[0]))
    return jnp.where(swaps % 2 == 0, 1.0, -1.0) * jnp.prod(jnp.diag(lu))`,
  },
  _lu_logdet: {
    code: `
def _lu_logdet(factor):
    lu, piv = factor
    return jnp.sum(jnp.log(jnp.abs(jnp.diag(lu))))`,
  },
  _eig_fun: {
    code: `
def _eig_fun(x, f):
    # f(X) = V diag(f(w)) inv(V) for diagonalizable X (principal branch; jnp.linalg.eig runs on CPU)
    w, v = jnp.linalg.eig(x)
    return jnp.real((v * f(w)) @ jnp.linalg.inv(v))`,
  },
  _eig_frechet: {
    code: `
def _eig_frechet(x, f, df, e):
    # Daleckii-Krein for diagonalizable X: V (D .* (inv(V) E V)) inv(V), D the divided differences of f
    w, v = jnp.linalg.eig(x)
    vi = jnp.linalg.inv(v)
    d = w[:, None] - w[None, :]
    same = d == 0
    fw = f(w)
    dd = jnp.where(same, df(w)[None, :], (fw[:, None] - fw[None, :]) / jnp.where(same, 1, d))
    return jnp.real(v @ (dd * (vi @ e @ v)) @ vi)`,
  },
  _frechet2_block: {
    code: `
def _frechet2_block(f, x, e, g):
    # L2_f(X, E, F) is the top-right block of f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]])
    n = x.shape[0]
    z = jnp.zeros_like(x)
    return f(jnp.block([[x, e, g, z], [z, x, z, g], [z, z, x, e], [z, z, z, x]]))[:n, 3 * n:]`,
  },
  _eig_frechet2: {
    code: `
def _eig_frechet2(x, f, df, d2f, e, g):
    # second-order Daleckii-Krein for diagonalizable X: V M inv(V), M_ij = sum_k D_ikj (E1_ik F1_kj + F1_ik E1_kj)
    # with E1 = inv(V) E V, F1 = inv(V) F V and D_ikj = f[w_i, w_k, w_j], the second divided differences of f
    w, v = jnp.linalg.eig(x)
    vi = jnp.linalg.inv(v)
    e1 = vi @ e @ v
    g1 = vi @ g @ v
    d = w[:, None] - w[None, :]
    same = d == 0
    fw = f(w)
    dd = jnp.where(same, df(w)[None, :], (fw[:, None] - fw[None, :]) / jnp.where(same, 1, d))
    dk = -d[:, :, None]
    diag = jnp.where(dk == 0, d2f(w)[:, None, None] / 2, (dd[:, :, None] - df(w)[:, None, None]) / jnp.where(dk == 0, 1, dk))
    dij = d[:, None, :]
    d2 = jnp.where(dij == 0, diag, (dd[:, :, None] - dd[None, :, :]) / jnp.where(dij == 0, 1, dij))
    m = jnp.einsum("ikj,ik,kj->ij", d2, e1, g1) + jnp.einsum("ikj,ik,kj->ij", d2, g1, e1)
    return jnp.real(v @ m @ vi)`,
  },
} as const;

export const JAX: TargetSpec = {
  rules: JAX_RULES,
  freeTranspose: true,
  reserved: new Set([...py.PY_KEYWORDS, ...Object.keys(HELPERS)]),
  atom: P.atom,
  maxInline: 80,
  isName: py.isPyName,
  module: (m) =>
    py.pythonModule(m, {
      imports: ["import jax", "import jax.numpy as jnp"],
      conventions: [
        "  imports jax only; pure jax.numpy, so it works under jax.jit and jax.vmap (float64 needs jax_enable_x64)",
        "  symmetric and spd arguments are read by eigh / cho_factor; logm and sqrtm of others use jnp.linalg.eig (CPU)",
      ],
      helpers: HELPERS,
      demo: { array: "lambda x: jnp.array(x, dtype=jnp.float64)", prelude: ['jax.config.update("jax_enable_x64", True)'] },
      tensor: py.arrayTensor("jnp"),
    }),
};
