// Textbook forms of the read-off steps: tr(G'*dX), G'*dx, J*dx, g*dt, built as nodes outside the canonical
// form on purpose (the smart constructors would rotate or distribute them), for display and evaluation only.

import type { Builder } from "../ir/builder.js";
import type { Node } from "../ir/node.js";
import { SCALAR, type Shape, isScalarShape } from "../shape/shape.js";
import { factorSums } from "../simplify/factor.js";
import type { Notation } from "./notation.js";

/** A product chain as written (not canonical). */
export const rawMul = (b: Builder, fs: readonly Node[]): Node =>
  fs.length === 1 ? fs[0]! : b.store.intern("mul", fs, [fs[0]!.shape[0], fs[fs.length - 1]!.shape[1]]);
/** A trace as written (not canonical). */
export const rawTr = (b: Builder, a: Node): Node => b.store.intern("tr", [a], SCALAR);

/** G as the factor in front of dX: scalar factors pulled out, a product flattened (displays only). */
export function leftFactor(b: Builder, m: Node): { scalars: Node[]; chain: Node[] } {
  let scalars: Node[] = [];
  let core = m;
  if (core.op === "times" && !isScalarShape(core.shape)) {
    scalars = core.args.slice(0, -1) as Node[];
    core = core.args[core.args.length - 1]!;
  }
  const chain = core.op === "mul" ? [...core.args] : core.op === "eye" ? [] : [core];
  return { scalars, chain };
}

/** Transpose marks as a reader counts them: a mark on a parenthesised group, (A*x)', weighs double. */
export function marks(t: string): number {
  let n = 0;
  const open: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === "(") open.push(i);
    else if (ch === ")") {
      const at = open.pop() ?? 0;
      if (t[i + 1] === "'" && !/[A-Za-z0-9_]/.test(t[at - 1] ?? "")) n++;
    } else if (ch === "'") n++;
  }
  return n;
}

/**
 * tr(G'*dX) for a matrix variable, G'*dx for a vector one, written as a textbook does (not canonical):
 * scalar factors in front, and G' either distributed (x'*A') or kept whole ((A*x + b)'), whichever reads lighter.
 */
export function gradientForm(b: Builder, nota: Notation, g: Node, dX: Node): Node {
  const { scalars, chain: gChain } = leftFactor(b, g);
  const core = gChain.length === 0 ? b.eye(g.shape[0]) : rawMul(b, gChain);
  const distributed = b.transpose(core);
  const whole = isScalarShape(core.shape) ? core : b.store.intern("transpose", [core], [core.shape[1], core.shape[0]]);
  const t = marks(nota.text(distributed)) <= marks(nota.text(whole)) ? distributed : whole;
  const chain = t.op === "mul" ? [...t.args] : t.op === "eye" ? [] : [t];
  const prod = chain.length === 0 ? dX : rawMul(b, [...chain, dX]);
  const form = dX.shape[1] === 1 ? prod : rawTr(b, prod);
  return scalars.length === 0 ? form : b.timesList([...scalars, form]);
}

/** A gradient as presented: common factors pulled out, a shared coefficient too ((A - B)/2 for A/2 - B/2). */
export function present(b: Builder, g: Node): Node {
  if (g.op === "add") {
    const cs = g.args.map((t) => Math.abs(b.splitCoef(t)[0]));
    const c = cs[0]!;
    if (c !== 1 && c !== 0 && cs.every((x) => x === c)) {
      return b.times(b.num(c), factorSums(b, b.addList(g.args.map((t) => b.times(b.num(1 / c), t)))));
    }
  }
  return factorSums(b, g);
}

/** J*dx, written out (not canonical). */
export function jacobianForm(b: Builder, j: Node, dx: Node): Node {
  if (isScalarShape(j.shape)) return b.times(j, dx);
  const { scalars, chain } = leftFactor(b, j);
  const prod = chain.length === 0 ? dx : rawMul(b, [...chain, dx]);
  return scalars.length === 0 ? prod : b.timesList([...scalars, prod]);
}

/** g*dx^k for a derivative g by a scalar (display only: g may be a matrix). */
export function scalarForm(b: Builder, g: Node, dxk: Node, shape: Shape): Node {
  return b.store.intern("times", [g, dxk], shape);
}

