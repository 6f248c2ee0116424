// Adjoint (transpose) rules: given df linear in dX and a cotangent for a node, the cotangent of the child
// that carries dX. Running them from df (cotangent 1) down to dX reads off the gradient G with
// df = <G, dX> = tr(G' dX): "differential, then move dX out", as one backward pass over the DAG.

import { InternalError, MatcalcError, invariant } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import { type Node, topoOrder } from "../ir/node.js";
import { FRECHET2_OF, FRECHET_OF, type Frechet2Op, type FrechetOp, frechet2Parts, frechetParts } from "../ir/matrix-functions.js";
import type { Op } from "../ir/ops.js";
import { isScalarShape } from "../shape/shape.js";

/** Cotangent of argument i of n, given n's cotangent ct. Only called for an argument that carries dX. */
type AdjointRule = (b: Builder, n: Node, ct: Node, i: number) => Node;

const notLinear = (op: Op): AdjointRule => () => {
  throw new InternalError(`${op} is not linear in the differential`);
};

/** Product of the factors other than i, in order, as one node (for chains; null when empty). */
function chainOf(b: Builder, fs: readonly Node[]): Node | null {
  return fs.length === 0 ? null : b.mul(...fs);
}

/**
 * <G, L_f(X, E)> = <L_f(X', G), E> for f with a real power series (expm, logm, sqrtm, X^p): each term
 * X^j E X^(k-1-j) has adjoint X'^j G X'^(k-1-j) (Higham, Functions of Matrices, §3.2 and (3.30)).
 */
const frechetAdjoint: AdjointRule = (b, n, ct, i) => {
  invariant(i === n.args.length - 1, `${n.op} is linear only in its direction`);
  const { x, p } = frechetParts(n);
  return b.frechet(FRECHET_OF[n.op as FrechetOp], b.transpose(x), ct, p);
};

/**
 * <G, L2_f(X, E, F)> = <L2_f(X', E', G), F>, and by symmetry <L2_f(X', F', G), E> for the direction E: the term
 * X^a E X^b F X^c of the power series has adjoint X'^b E' X'^a G X'^c in F, and X^a F X^b E X^c has
 * X'^a G X'^c E' X'^b; summed over a + b + c = m - 2 they give L2_f(X', E', G).
 */
const frechet2Adjoint: AdjointRule = (b, n, ct, i) => {
  const k = n.args.length;
  invariant(i >= k - 2, `${n.op} is linear only in its directions`);
  const { x, p, e, f } = frechet2Parts(n);
  return b.frechet2(FRECHET2_OF[n.op as Frechet2Op], b.transpose(x), b.transpose(i === k - 1 ? e : f), ct, p);
};

export const ADJOINT_RULES: Readonly<Record<Op, AdjointRule>> = {
  const: notLinear("const"),
  var: notLinear("var"),
  dvar: notLinear("dvar"),
  eye: notLinear("eye"),
  ones: notLinear("ones"),
  zeros: notLinear("zeros"),
  pow: notLinear("pow"),
  fn: notLinear("fn"),
  det: notLinear("det"),
  logdet: notLinear("logdet"),
  inv: notLinear("inv"),
  mpow: notLinear("mpow"),
  norm1: notLinear("norm1"),
  norm2: notLinear("norm2"),
  expm: notLinear("expm"),
  logm: notLinear("logm"),
  sqrtm: notLinear("sqrtm"),
  powm: notLinear("powm"),
  dexpm: frechetAdjoint,
  dlogm: frechetAdjoint,
  dsqrtm: frechetAdjoint,
  dpowm: frechetAdjoint,
  d2expm: frechet2Adjoint,
  d2logm: frechet2Adjoint,
  d2sqrtm: frechet2Adjoint,
  d2powm: frechet2Adjoint,
  // The cotangent of B in kron(A, B) contracts over A's blocks: not expressible in matrix notation here.
  kron: () => {
    throw new MatcalcError("unsupported", "gradients through kron are not supported: differentiate with respect to a scalar instead");
  },
  // d(a + b): each term gets the cotangent
  add: (_b, _n, ct) => ct,
  // s1*...*M: the scalar factor si gets <others, ct>; the non-scalar factor M gets (s1*...)*ct
  times: (b, n, ct, i) => {
    const others = n.args.filter((_, j) => j !== i);
    const arg = n.args[i]!;
    const rest = others.length === 0 ? b.num(1) : b.times(...others);
    if (isScalarShape(arg.shape)) return b.inner(rest, ct);
    return b.times(rest, ct);
  },
  // P * Ai * Q: Ai gets P' * ct * Q'
  mul: (b, n, ct, i) => {
    const p = chainOf(b, n.args.slice(0, i));
    const q = chainOf(b, n.args.slice(i + 1));
    let g = ct;
    if (p) g = b.prod(b.transpose(p), g);
    if (q) g = b.prod(g, b.transpose(q));
    return g;
  },
  hadamard: (b, n, ct, i) => b.hadamard(ct, ...n.args.filter((_, j) => j !== i)),
  transpose: (b, _n, ct) => b.transpose(ct),
  // tr(A): A gets ct * I
  tr: (b, n, ct) => b.times(ct, b.eye(n.args[0]!.shape[0])),
  // sum(A): A gets ct * ones
  sum: (b, n, ct) => b.times(ct, b.ones(n.args[0]!.shape)),
  diagm: (b, _n, ct) => b.diagv(ct),
  diagv: (b, _n, ct) => b.diagm(ct),
};

/**
 * Backward pass over a linear expression `lin` in dX: returns G with <seed, lin> = <G, dX>.
 * With seed = 1 and a scalar lin this is the gradient. Each shared node is visited once.
 */
export function pullback(b: Builder, lin: Node, dX: Node, seed: Node): Node {
  const order = topoOrder([lin]).filter((n) => n.hasD);
  const cts = new Map<number, Node[]>();
  cts.set(lin.id, [seed]);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const list = cts.get(n.id);
    if (!list || n === dX) continue;
    const ct = list.length === 1 ? list[0]! : b.addList(list);
    n.args.forEach((a, i) => {
      if (!a.hasD) return;
      const c = ADJOINT_RULES[n.op](b, n, ct, i);
      const l = cts.get(a.id);
      if (l) l.push(c);
      else cts.set(a.id, [c]);
    });
  }
  const got = cts.get(dX.id);
  if (!got) return b.zeros(dX.shape);
  const g = got.length === 1 ? got[0]! : b.addList(got);
  invariant(g.shape[0] === dX.shape[0] && g.shape[1] === dX.shape[1], "pullback shape");
  return g;
}
