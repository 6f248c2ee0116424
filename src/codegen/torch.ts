// The PyTorch target: one rule per op and kernel, writing torch calls that run on the device and in the dtype of
// the inputs. PyTorch has no logm/sqrtm: eigh-based helpers for symmetric arguments, eig-based ones otherwise.

import type { ElementwiseName } from "../ir/elementwise.js";
import type { Code, Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import * as py from "./python.js";
import { P, call } from "./python.js";

const FN = {
  sin: "torch.sin",
  cos: "torch.cos",
  tan: "torch.tan",
  arcsin: "torch.asin",
  arccos: "torch.acos",
  arctan: "torch.atan",
  exp: "torch.exp",
  log: "torch.log",
  tanh: "torch.tanh",
  abs: "torch.abs",
  sign: "torch.sign",
  relu: "torch.relu",
  sigmoid: "torch.sigmoid",
} as const satisfies Record<ElementwiseName, string>;

/** dtype= and device= of the inputs, for arrays made from nothing (eye, ones, zeros). */
const LIKE = "dtype=dtype, device=device";

const filled =
  (f: string): Rule =>
  (t, _a, cx) => {
    cx.use("@like");
    const [r, c] = t.shape;
    const shape = r === 1 ? cx.dim(c) : c === 1 ? cx.dim(r) : `${cx.dim(r)}, ${cx.dim(c)}`;
    return call(f, shape, LIKE);
  };

const eye = (cx: Parameters<Rule>[2], n: string | number): Code => (cx.use("@like"), call("torch.eye", cx.dim(n), LIKE));

const solve: Rule = (t, a, cx) => {
  const [method, trans] = t.attr.split("/") as [string, string];
  const [f, b] = a as [Code, Code];
  switch (method) {
    case "chol":
      cx.helper("_cho_solve");
      return call("_cho_solve", f, b);
    case "lu":
      cx.helper("_lu_solve");
      return trans === "T" ? call("_lu_solve", f, b, "adjoint=True") : call("_lu_solve", f, b);
    case "direct-pos":
      cx.helper("_cho_solve");
      return call("_cho_solve", call("torch.linalg.cholesky", f), b);
    default:
      return call("torch.linalg.solve", trans === "T" ? py.argT(t, a, 0) : f, b);
  }
};

export const TORCH_RULES = {
  const: py.constant,
  var: py.name,
  dvar: py.unsupported("differentials have no code"),
  eye: (t, _a, cx) => eye(cx, t.shape[0]),
  ones: filled("torch.ones"),
  zeros: filled("torch.zeros"),
  add: py.add,
  times: py.times,
  mul: py.planned("mul"),
  hadamard: py.hadamard,
  transpose: py.transpose,
  tr: (_t, a) => call("torch.trace", a[0]!),
  sum: (_t, a) => call("torch.sum", a[0]!),
  diagm: (_t, a) => call("torch.diag", a[0]!),
  diagv: (_t, a) => call("torch.diagonal", a[0]!),
  pow: py.power("torch.sqrt"),
  fn: (t, a) => call(FN[t.attr as ElementwiseName], a[0]!),
  det: (_t, a) => call("torch.linalg.det", a[0]!),
  // log|det|, as matcalc's logdet (torch.logdet is NaN for a negative determinant)
  logdet: (_t, a) => py.atom(`${call("torch.linalg.slogdet", a[0]!).s}[1]`),
  inv: (_t, a) => call("torch.linalg.inv", a[0]!),
  mpow: (t, a) => call("torch.linalg.matrix_power", a[0]!, t.attr),
  norm1: (_t, a) => call("torch.sum", call("torch.abs", a[0]!)),
  norm2: (_t, a) => call("torch.linalg.norm", a[0]!),
  expm: (_t, a) => call("torch.linalg.matrix_exp", a[0]!),
  dexpm: (_t, a, cx) => (cx.helper("_frechet_block"), call("_frechet_block", "torch.linalg.matrix_exp", a[0]!, a[1]!)),
  d2expm: (_t, a, cx) => (cx.helper("_frechet2_block"), call("_frechet2_block", "torch.linalg.matrix_exp", a[0]!, a[1]!, a[2]!)),
  ...py.eigMatrixFunctionRules("torch"),
  kron: (t, a, cx) => (cx.helper("_kron"), py.kron("_kron")(t, a, cx)),
  // kernels
  matmul: py.matmul("torch.outer"),
  scaleRows: py.scaleRows,
  scaleCols: py.scaleCols,
  traceProd: py.traceProd((x) => `torch.sum(${x})`),
  diagProd: py.diagProd((x) => `torch.sum(${x}, dim=1)`),
  factor: (t, a) => call(t.attr === "chol" ? "torch.linalg.cholesky" : "torch.linalg.lu_factor", a[0]!),
  solve,
  factorInv: (t, a, cx) =>
    t.attr === "chol" ? call("torch.cholesky_inverse", a[0]!) : (cx.helper("_lu_solve"), call("_lu_solve", a[0]!, eye(cx, t.shape[0]))),
  factorDet: (t, a, cx) =>
    t.attr === "chol"
      ? { s: `${call("torch.prod", call("torch.diagonal", a[0]!)).s} ** 2`, prec: P.power }
      : (cx.helper("_lu_det"), call("_lu_det", a[0]!)),
  factorLogdet: (t, a, cx) =>
    t.attr === "chol"
      ? call("torch.sum", `torch.log(torch.diagonal(${a[0]!.s}))`)
      : (cx.helper("_lu_logdet"), call("_lu_logdet", a[0]!)),
  eigh: (_t, a) => call("torch.linalg.eigh", a[0]!),
  ...py.eighRules("torch"),
  frechetTensor: (t, a, cx): Code => py.frechetTensor(TORCH_RULES, t, a, cx),
  einsum: py.einsum("torch.einsum"),
} as const satisfies Record<LOp, Rule>;

const HELPERS = {
  ...py.EIGH_HELPERS,
  _frechet_tensor: py.frechetTensorHelper("torch.eye(n * n, dtype=x.dtype, device=x.device)", "torch.stack"),
  _inputs: py.inputsHelper({
    list: "tensors",
    convert: [
      "a = values[name]",
      "a = a if isinstance(a, torch.Tensor) else torch.as_tensor(a, dtype=torch.float64)",
      "if not a.is_floating_point():",
      "    a = a.to(torch.float64)",
    ],
    ndim: "a.dim()",
    shape: "tuple(a.shape)",
  }),
  _check_shape: {
    code: `
def _check_shape(name, a, shape):
    if tuple(a.shape) != shape:
        raise ValueError(f"{name} has shape {tuple(a.shape)}, expected {shape}")`,
  },
  _cho_solve: {
    code: `
def _cho_solve(chol, b):
    # inv(A) b from the Cholesky factor of A; b may be a vector
    if b.dim() == 1:
        return torch.cholesky_solve(b[:, None], chol)[:, 0]
    return torch.cholesky_solve(b, chol)`,
  },
  _lu_solve: {
    code: `
def _lu_solve(factor, b, adjoint=False):
    # inv(A) b (or inv(A)' b) from the LU factorization of A; b may be a vector
    lu, piv = factor
    if b.dim() == 1:
        return torch.linalg.lu_solve(lu, piv, b[:, None], adjoint=adjoint)[:, 0]
    return torch.linalg.lu_solve(lu, piv, b, adjoint=adjoint)`,
  },
  _lu_det: {
    code: `
def _lu_det(factor):
    lu, piv = factor
    swaps = torch.count_nonzero(piv != torch.arange(1, piv.shape[0] + 1, device=piv.device))
    return (-1.0) ** swaps * torch.prod(torch.diagonal(lu))`,
  },
  _lu_logdet: {
    code: `
def _lu_logdet(factor):
    lu, piv = factor
    return torch.sum(torch.log(torch.abs(torch.diagonal(lu))))`,
  },
  _kron: {
    code: `
def _kron(a, b):
    # torch.kron needs contiguous operands (transposes are views)
    return torch.kron(a.contiguous(), b.contiguous())`,
  },
  _frechet_block: {
    code: `
def _frechet_block(f, x, e):
    # L_f(X, E) is the top-right block of f([[X, E], [0, X]])
    n = x.shape[0]
    z = torch.zeros_like(x)
    return f(torch.cat([torch.cat([x, e], dim=1), torch.cat([z, x], dim=1)], dim=0))[:n, n:]`,
  },
  _frechet2_block: {
    code: `
def _frechet2_block(f, x, e, g):
    # L2_f(X, E, F) is the top-right block of f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]])
    n = x.shape[0]
    z = torch.zeros_like(x)
    return f(torch.cat([torch.cat(r, dim=1) for r in [[x, e, g, z], [z, x, z, g], [z, z, x, e], [z, z, z, x]]], dim=0))[:n, 3 * n:]`,
  },
  _eig_frechet2: {
    code: `
def _eig_frechet2(x, f, df, d2f, e, g):
    # second-order Daleckii-Krein for diagonalizable X: V M inv(V), M_ij = sum_k D_ikj (E1_ik F1_kj + F1_ik E1_kj)
    # with E1 = inv(V) E V, F1 = inv(V) F V and D_ikj = f[w_i, w_k, w_j], the second divided differences of f
    w, v = torch.linalg.eig(x)
    vi = torch.linalg.inv(v)
    e1 = vi @ e.to(v.dtype) @ v
    g1 = vi @ g.to(v.dtype) @ v
    d = w[:, None] - w[None, :]
    same = d == 0
    fw = f(w)
    dd = torch.where(same, df(w)[None, :].expand_as(d), (fw[:, None] - fw[None, :]) / d.masked_fill(same, 1))
    dk = -d[:, :, None]
    diag = torch.where(dk == 0, (d2f(w) / 2)[:, None, None].expand_as(dk), (dd[:, :, None] - df(w)[:, None, None]) / dk.masked_fill(dk == 0, 1))
    dij = d[:, None, :]
    d2 = torch.where(dij == 0, diag, (dd[:, :, None] - dd[None, :, :]) / dij.masked_fill(dij == 0, 1))
    m = torch.einsum("ikj,ik,kj->ij", d2, e1, g1) + torch.einsum("ikj,ik,kj->ij", d2, g1, e1)
    return (v @ m @ vi).real`,
  },
  _eig_fun: {
    code: `
def _eig_fun(x, f):
    # f(X) = V diag(f(w)) inv(V) for diagonalizable X (principal branch); real for real X
    w, v = torch.linalg.eig(x)
    return ((v * f(w)) @ torch.linalg.inv(v)).real`,
  },
  _eig_frechet: {
    code: `
def _eig_frechet(x, f, df, e):
    # Daleckii-Krein for diagonalizable X: V (D .* (inv(V) E V)) inv(V), D the divided differences of f
    w, v = torch.linalg.eig(x)
    vi = torch.linalg.inv(v)
    d = w[:, None] - w[None, :]
    same = d == 0
    fw = f(w)
    dd = torch.where(same, df(w)[None, :].expand_as(d), (fw[:, None] - fw[None, :]) / d.masked_fill(same, 1))
    return (v @ (dd * (vi @ e.to(v.dtype) @ v)) @ vi).real`,
  },
  _dd_exp: {
    code: `
def _dd_exp(w):
    d = w[:, None] - w[None, :]
    same = d == 0
    return torch.exp(w)[None, :] * torch.where(same, torch.ones_like(d), torch.expm1(d) / d.masked_fill(same, 1))`,
  },
  _dd_log: {
    code: `
def _dd_log(w):
    b = w[None, :].expand(w.shape[0], -1)
    d = w[:, None] - b
    same = d == 0
    return torch.where(same, 1 / b, torch.log1p(d / b) / d.masked_fill(same, 1))`,
  },
  _dd_sqrt: {
    code: `
def _dd_sqrt(w):
    s = torch.sqrt(w)
    return 1 / (s[:, None] + s[None, :])`,
  },
  _dd_pow: {
    code: `
def _dd_pow(w, p):
    b = w[None, :]
    r = (w[:, None] - b) / b
    same = r == 0
    return b ** (p - 1) * torch.where(same, torch.full_like(r, p), torch.expm1(p * torch.log1p(r)) / r.masked_fill(same, 1))`,
  },
} as const;

export const TORCH: TargetSpec = {
  rules: TORCH_RULES,
  freeTranspose: true,
  reserved: new Set([...py.PY_KEYWORDS, ...Object.keys(HELPERS), "dtype", "device"]),
  atom: P.atom,
  maxInline: 80,
  isName: py.isPyName,
  module: (m) =>
    py.pythonModule(m, {
      imports: ["import torch"],
      conventions: [
        "  imports torch only; runs on the device and in the dtype of the tensor inputs (others become float64)",
        "  symmetric and spd arguments are read by eigh / cholesky; logm and sqrtm of others go through eig",
      ],
      helpers: HELPERS,
      demo: { array: "lambda x: torch.tensor(x, dtype=torch.float64)" },
      tensor: (name, t) => `${t.transposed ? name : `${name}.T`}.reshape(${t.reversed.join(", ")}).permute(${t.axes.join(", ")})`,
      prologue: (mi) => {
        if (!mi.modules.has("@like")) return [];
        const like = mi.inputs.find((v) => v.kind !== "scalar") ?? mi.inputs[0]!;
        return [`dtype, device = ${like.local}.dtype, ${like.local}.device`];
      },
    }),
};
