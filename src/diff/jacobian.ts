// Jacobian read-off: for a differential dy linear in dx (y and x vectors or scalars), the matrix J with
// dy = J dx, in matrix notation. Scalars read off through the adjoint pass; columns through their structure;
// through a matrix-valued intermediate the caller reads the index form instead (tensor.ts).

import type { Builder } from "../ir/builder.js";
import type { Node } from "../ir/node.js";
import { isScalarShape } from "../shape/shape.js";
import { pullback } from "./adjoint.js";

/** Thrown inside the read-off when a structure has no column-by-column rule; jacobianOf answers null then. */
const NO_RULE = Symbol("no column rule");
const unsupported = (_what: string): never => {
  throw NO_RULE;
};

/** J with lin = J dX, or null when lin passes through a matrix-valued intermediate that depends on dX. */
export function jacobianOf(b: Builder, lin: Node, dX: Node): Node | null {
  try {
    return readJacobian(b, lin, dX);
  } catch (e) {
    if (e === NO_RULE) return null;
    throw e;
  }
}

function readJacobian(b: Builder, lin: Node, dX: Node): Node {
  const memo = new Map<number, Node>();
  const n = dX.shape[0];

  const J = (node: Node): Node => {
    const hit = memo.get(node.id);
    if (hit) return hit;
    const r = compute(node);
    memo.set(node.id, r);
    return r;
  };

  // Linear column (or scalar) node -> its Jacobian (rows(node) x n).
  const compute = (node: Node): Node => {
    if (!node.hasD) return b.zeros([node.shape[0], n]);
    if (isScalarShape(node.shape)) return b.transpose(pullback(b, node, dX, b.num(1)));
    if (node === dX) return b.eye(n);
    if (node.shape[1] !== 1) return unsupported(`a ${node.shape[0]} x ${node.shape[1]} ${node.op}`);
    switch (node.op) {
      case "add":
        return b.add(...node.args.filter((a) => a.hasD).map(J));
      case "times": {
        const i = node.args.findIndex((a) => a.hasD);
        const arg = node.args[i]!;
        const others = node.args.filter((_, j) => j !== i);
        if (!isScalarShape(arg.shape)) return b.times(...others, J(arg));
        return b.prod(b.times(...others), J(arg));
      }
      case "hadamard": {
        const i = node.args.findIndex((a) => a.hasD);
        const others = node.args.filter((_, j) => j !== i);
        return b.mul(b.diagm(b.hadamard(...others)), J(node.args[i]!));
      }
      case "mul":
        return chain(node.args);
      case "transpose":
        return J(pushTranspose(node.args[0]!));
      default:
        return unsupported(node.op);
    }
  };

  // y = P * a_i * Q with a_i the factor that carries dX.
  const chain = (fs: readonly Node[]): Node => {
    const i = fs.findIndex((a) => a.hasD);
    const a = fs[i]!;
    const P = i > 0 ? b.mul(...fs.slice(0, i)) : null;
    const Q = i < fs.length - 1 ? b.mul(...fs.slice(i + 1)) : null;
    if (a.shape[1] === 1) {
      // Q is 1x1 (or absent): J = Q * P * J(a)
      let r = J(a);
      if (P) r = b.prod(P, r);
      if (Q) r = b.prod(Q, r);
      return r;
    }
    if (a.shape[0] === 1) {
      // P is a column, Q a column: P * (a * Q) = P * Q' * a'
      let r = J(b.transpose(a));
      if (Q) r = b.prod(b.transpose(Q), r);
      if (P) r = b.prod(P, r);
      return r;
    }
    // a is a matrix: only structures that reduce to vectors are handled.
    if (a.op === "diagm" && Q) {
      let r = b.mul(b.diagm(Q), J(a.args[0]!));
      if (P) r = b.prod(P, r);
      return r;
    }
    if (a.op === "add") {
      return b.add(...a.args.filter((t) => t.hasD).map((t) => chain([...(P ? [P] : []), t, ...(Q ? [Q] : [])])));
    }
    if (a.op === "times") {
      const big = a.args[a.args.length - 1]!;
      const scal = a.args.slice(0, -1);
      if (!big.hasD) return unsupported("a scalar-times-matrix factor");
      return b.times(...scal, chain([...(P ? [P] : []), big, ...(Q ? [Q] : [])]));
    }
    return unsupported(`a matrix ${a.op}`);
  };

  // transpose(u) for a row u, rewritten as a column expression without the cost rule of the builder.
  const pushTranspose = (u: Node): Node => {
    switch (u.op) {
      case "mul":
        return b.store.intern(
          "mul",
          u.args.map((f) => b.transpose(f)).reverse(),
          [u.shape[1], u.shape[0]],
        );
      case "add":
        return b.add(...u.args.map((t) => b.transpose(t)));
      case "times":
        return b.times(...u.args.slice(0, -1), b.transpose(u.args[u.args.length - 1]!));
      case "hadamard":
        return b.hadamard(...u.args.map((t) => b.transpose(t)));
      default:
        return unsupported(`the transpose of ${u.op}`);
    }
  };

  return J(lin);
}
