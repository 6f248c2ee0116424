// The JAX target: the rule table it shares with NumPy (numpy-like.ts) over jnp and jax.scipy.linalg, pure
// jax.numpy with no Python branching on values, so the code works under jax.jit and jax.vmap; logm and sqrtm
// through eigh (symmetric) or eig (general, CPU only).

import type { Rule, TargetSpec } from "./emit.js";
import type { LOp } from "./lir.js";
import { frechet2BlockHelper, numpyLikeHelpers, numpyLikeRules, numpyLikeTarget } from "./numpy-like.js";
import { eigMatrixFunctionRules } from "./python.js";

const LU_DET = {
  code: `
def _lu_det(factor):
    lu, piv = factor
    swaps = jnp.count_nonzero(piv != jnp.arange(piv.shape[0]))
    return jnp.where(swaps % 2 == 0, 1.0, -1.0) * jnp.prod(jnp.diag(lu))`,
};

const SPEC = {
  np: "jnp",
  linalg: "jax.scipy.linalg",
  sigmoid: { f: "jax.nn.sigmoid" },
  einsumOptions: [],
  matrixFunctions: eigMatrixFunctionRules("jnp"),
  frechetEye: "jnp.eye(n * n, dtype=x.dtype)",
  convert: ["a = jnp.asarray(values[name])", "if not jnp.issubdtype(a.dtype, jnp.floating):", "    a = a.astype(float)"],
  luDet: LU_DET,
  matrixFunctionHelpers: {
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
    _frechet2_block: frechet2BlockHelper("jnp"),
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
  },
} as const;

export const JAX_RULES = numpyLikeRules(SPEC) satisfies Record<LOp, Rule>;

export const JAX: TargetSpec = numpyLikeTarget(
  JAX_RULES,
  numpyLikeHelpers(SPEC),
  {
    imports: ["import jax", "import jax.numpy as jnp"],
    conventions: [
      "  imports jax only; pure jax.numpy, so it works under jax.jit and jax.vmap (float64 needs jax_enable_x64)",
      "  symmetric and spd arguments are read by eigh / cho_factor; logm and sqrtm of others use jnp.linalg.eig (CPU)",
    ],
    demo: { array: "lambda x: jnp.array(x, dtype=jnp.float64)", prelude: ['jax.config.update("jax_enable_x64", True)'] },
  },
  "jnp",
);
