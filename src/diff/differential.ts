// Differentials: d(f) as an IR expression linear in dX (the dvar leaf), one rule per op in a table.
// Linear ops apply themselves to the differential, multilinear ones get the product rule, and only the
// nonlinear ops carry hand-written rules, each with its formula and source.

import { MatcalcError, assertNever, invariant } from "../diagnostics/errors.js";
import { type Builder, FLATTEN_LIMIT } from "../ir/builder.js";
import { ELEMENTWISE, type ElementwiseName } from "../ir/elementwise.js";
import { type Node, topoOrder } from "../ir/node.js";
import {
  FRECHET2_OF,
  FRECHET_OF,
  type Frechet2Op,
  type FrechetOp,
  MATRIX_FUNCTIONS,
  type MatrixFunction,
  frechet2Parts,
  frechetParts,
} from "../ir/matrix-functions.js";
import type { Op } from "../ir/ops.js";

/** Differential of a child, or null when the child does not depend on the variable (a symbolic zero). */
type D = (i: number) => Node | null;

interface DiffCtx {
  readonly b: Builder;
  readonly notes: Set<string>;
}

type DiffRule = (c: DiffCtx, n: Node, d: D) => Node | null;

/** Product rule for any multilinear op: sum over i of op(a1, ..., d(ai), ..., an). */
const productRule =
  (mk: (b: Builder, args: Node[]) => Node): DiffRule =>
  ({ b }, n, d) => {
    const terms: Node[] = [];
    n.args.forEach((_, i) => {
      const di = d(i);
      if (di) terms.push(mk(b, n.args.map((a, j) => (j === i ? di : a))));
    });
    return terms.length === 0 ? null : b.addList(terms);
  };

/**
 * The product rule for a long matrix product a1*...*an: the sum over i of P(i-1)*d(ai)*S(i+1), where the prefix
 * products P(i) = P(i-1)*ai and suffix products S(i) = ai*S(i+1) are built once each as nested nodes (a long
 * product stays one factor, FLATTEN_LIMIT in builder.ts), so with the variable in K places the differential has
 * O(n) nodes rather than K products of n factors: the shared prefixes and suffixes of reverse mode.
 */
const chainRule: DiffRule = (c, n, d) => {
  const { b } = c;
  const k = n.args.length;
  if (k <= FLATTEN_LIMIT) return productRule((bb, args) => bb.mulList(args))(c, n, d);
  const ds = n.args.map((_, i) => d(i));
  if (ds.every((x) => x === null)) return null;
  const first = ds.findIndex((x) => x !== null);
  let last = k - 1;
  while (ds[last] === null) last--;
  const prefix: (Node | null)[] = [null];
  for (let i = 0; i < last; i++) prefix.push(prefix[i] ? b.mulList([prefix[i]!, n.args[i]!]) : n.args[i]!);
  const suffix: (Node | null)[] = new Array<Node | null>(k + 1).fill(null);
  for (let i = k - 1; i > first; i--) suffix[i] = suffix[i + 1] ? b.mulList([n.args[i]!, suffix[i + 1]!]) : n.args[i]!;
  const terms: Node[] = [];
  for (let i = first; i <= last; i++) {
    const di = ds[i];
    if (!di) continue;
    const fs: Node[] = [];
    if (prefix[i]) fs.push(prefix[i]!);
    fs.push(di);
    if (suffix[i + 1]) fs.push(suffix[i + 1]!);
    terms.push(b.mulList(fs));
  }
  return b.addList(terms);
};

/** A linear unary op: d(op(a)) = op(da). */
const linearRule =
  (mk: (b: Builder, a: Node) => Node): DiffRule =>
  ({ b }, _n, d) => {
    const da = d(0);
    return da ? mk(b, da) : null;
  };

/**
 * d f(X) = L_f(X, dX), the Fréchet derivative (Higham, Functions of Matrices, ch. 3), kept as an operator of
 * the language; what it means and when it holds is stated with the answer.
 */
const matrixFunctionRule =
  (f: MatrixFunction): DiffRule =>
  (c, n, d) => {
    const dx = d(0);
    if (!dx) return null;
    noteMatrixFunction(c, f);
    return c.b.frechet(f, n.args[0]!, dx);
  };

function noteMatrixFunction(c: DiffCtx, f: MatrixFunction): void {
  const cond = MATRIX_FUNCTIONS[f].condition;
  if (cond) c.notes.add(cond);
}

/**
 * d L_f(X, E) = L2_f(X, E, dX) + L_f(X, dE): the second Fréchet derivative in the direction dX (Higham & Relton,
 * "Higher order Fréchet derivatives of matrix functions and the level-2 condition number", SIAM J. Matrix Anal.
 * Appl. 35(3), 2014), and linearity in E. For X^p also dp*(L_{x^p}(X, E)*logm(X) + X^p*L_log(X, E)): L_f is linear
 * in f, so its derivative in p is L_g for g(x) = x^p*log(x), and g(X) = X^p*logm(X) has the product rule.
 */
const frechetRule: DiffRule = (c, n, d) => {
  const { x, p, e } = frechetParts(n);
  const f = FRECHET_OF[n.op as FrechetOp];
  const dx = d(0);
  const dp = p ? d(1) : null;
  const de = d(n.args.length - 1);
  const { b } = c;
  const terms: Node[] = [];
  if (dx) terms.push(b.frechet2(f, x, e, dx, p));
  if (de) terms.push(b.frechet(f, x, de, p));
  if (dp) terms.push(b.times(dp, b.add(b.mul(n, b.logm(x)), b.mul(b.powm(x, p!), b.frechet("logm", x, e)))));
  return terms.length === 0 ? null : b.addList(terms);
};

/** L2_f(X, E, F) is bilinear in E and F; its dependence on X (or p) is a third derivative, not supported. */
const frechet2Rule: DiffRule = (c, n, d) => {
  const { x, p, e, f } = frechet2Parts(n);
  if (d(0) || (p && d(1))) {
    const what = d(0) ? "its matrix argument is a third Fréchet derivative" : "its exponent is a third derivative of X^p";
    throw new MatcalcError(
      "unsupported",
      `the derivative of ${n.op}(...) with respect to ${what}, which is not supported ` +
        "(third derivatives through expm, logm, sqrtm and X^p)",
    );
  }
  const k = n.args.length;
  const de = d(k - 2);
  const df = d(k - 1);
  const fn = FRECHET2_OF[n.op as Frechet2Op];
  const terms: Node[] = [];
  if (de) terms.push(c.b.frechet2(fn, x, de, f, p));
  if (df) terms.push(c.b.frechet2(fn, x, e, df, p));
  return terms.length === 0 ? null : c.b.addList(terms);
};

export const DIFF_RULES: Readonly<Record<Op, DiffRule>> = {
  const: () => null,
  eye: () => null,
  ones: () => null,
  zeros: () => null,
  var: () => null, // the variable itself is handled by differential()
  dvar: () => {
    throw new MatcalcError("unsupported", "differentiating a differential is not supported");
  },
  add: ({ b }, n, d) => {
    const terms = n.args.map((_, i) => d(i)).filter((x): x is Node => x !== null);
    return terms.length === 0 ? null : b.addList(terms);
  },
  times: productRule((b, args) => b.times(...args)),
  mul: chainRule,
  hadamard: productRule((b, args) => b.hadamard(...args)),
  transpose: linearRule((b, a) => b.transpose(a)),
  tr: linearRule((b, a) => b.tr(a)),
  sum: linearRule((b, a) => b.sum(a)),
  diagm: linearRule((b, a) => b.diagm(a)),
  diagv: linearRule((b, a) => b.diagv(a)),
  // d(a.^p) = p a.^(p-1) .* da + log(a) .* a.^p dp
  pow: ({ b }, n, d) => {
    const [a, p] = n.args as [Node, Node];
    const da = d(0);
    const dp = d(1);
    const terms: Node[] = [];
    if (da) terms.push(b.times(p, b.hadamard(b.pow(a, b.add(p, b.num(-1))), da)));
    if (dp) terms.push(b.times(dp, b.hadamard(n, b.fn("log", a))));
    return terms.length === 0 ? null : b.addList(terms);
  },
  // d f(a) = f'(a) .* da, elementwise
  fn: (c, n, d) => {
    const da = d(0);
    if (!da) return null;
    const info = ELEMENTWISE[n.name as ElementwiseName];
    invariant(info !== undefined, `no elementwise rule for ${n.name}`);
    if ("aeNote" in info) c.notes.add(info.aeNote);
    return c.b.hadamard(info.deriv(c.b, n.args[0]!), da);
  },
  // Jacobi's formula: d det(A) = det(A) tr(inv(A) dA)   (Magnus & Neudecker, ch. 8)
  det: ({ b }, n, d) => {
    const da = d(0);
    return da ? b.times(n, b.tr(b.mul(b.inv(n.args[0]!), da))) : null;
  },
  // d logdet(A) = tr(inv(A) dA)
  logdet: ({ b }, n, d) => {
    const da = d(0);
    return da ? b.tr(b.mul(b.inv(n.args[0]!), da)) : null;
  },
  // d inv(A) = -inv(A) dA inv(A)
  inv: ({ b }, n, d) => {
    const da = d(0);
    return da ? b.neg(b.mul(n, da, n)) : null;
  },
  // d A^k = sum_{i=0}^{k-1} A^i dA A^(k-1-i)
  mpow: ({ b }, n, d) => {
    const da = d(0);
    if (!da) return null;
    const a = n.args[0]!;
    const k = n.num!;
    const terms: Node[] = [];
    for (let i = 0; i < k; i++) terms.push(b.mul(b.mpow(a, i), da, b.mpow(a, k - 1 - i)));
    return b.add(...terms);
  },
  // d sum|a| = sum(sign(a) .* da)   (a.e.)
  norm1: (c, n, d) => {
    const da = d(0);
    if (!da) return null;
    c.notes.add("norm1 is not differentiable where an entry is 0; the derivative there uses sign(0) = 0");
    return c.b.inner(c.b.fn("sign", n.args[0]!), da);
  },
  // d ||a|| = <a, da> / ||a||
  norm2: ({ b }, n, d) => {
    const da = d(0);
    return da ? b.times(b.pow(n, b.num(-1)), b.inner(n.args[0]!, da)) : null;
  },
  expm: matrixFunctionRule("expm"),
  logm: matrixFunctionRule("logm"),
  sqrtm: matrixFunctionRule("sqrtm"),
  // d(X^p) = L_{x^p}(X, dX) + dp * X^p * logm(X)   (X^p = expm(p logm X), and X^p commutes with logm X)
  powm: (c, n, d) => {
    const [x, p] = n.args as [Node, Node];
    const dx = d(0);
    const dp = d(1);
    const terms: Node[] = [];
    if (dx) terms.push(c.b.frechet("powm", x, dx, p));
    if (dp) terms.push(c.b.times(dp, c.b.mul(n, c.b.logm(x))));
    if (terms.length === 0) return null;
    noteMatrixFunction(c, "powm");
    return c.b.addList(terms);
  },
  dexpm: frechetRule,
  dlogm: frechetRule,
  dsqrtm: frechetRule,
  dpowm: frechetRule,
  d2expm: frechet2Rule,
  d2logm: frechet2Rule,
  d2sqrtm: frechet2Rule,
  d2powm: frechet2Rule,
  kron: productRule((b, args) => b.kron(args[0]!, args[1]!)),
};

export interface Differential {
  /** d(root), linear in dX; null when root does not depend on X. */
  readonly d: Node | null;
  /** The dX leaf. */
  readonly dX: Node;
  /** Notes about non-differentiable points met on the way. */
  readonly notes: string[];
}

/** Forward pass over the DAG: every node's differential, each computed once. */
export function differential(b: Builder, root: Node, wrt: Node): Differential {
  invariant(wrt.op === "var", "wrt must be a variable node");
  const dX = b.dvar(wrt.name!, wrt.shape);
  const ctx: DiffCtx = { b, notes: new Set() };
  const memo = new Map<number, Node | null>();
  for (const n of topoOrder([root])) {
    if (n.op === "var") {
      memo.set(n.id, n === wrt ? dX : null);
      continue;
    }
    if (n.args.every((a) => memo.get(a.id) === null)) {
      memo.set(n.id, null);
      continue;
    }
    const rule = DIFF_RULES[n.op];
    if (!rule) assertNever(n.op as never, "op");
    memo.set(
      n.id,
      rule(ctx, n, (i) => memo.get(n.args[i]!.id) ?? null),
    );
  }
  return { d: memo.get(root.id) ?? null, dX, notes: [...ctx.notes] };
}
