// The elementwise function table: everything about sin, exp, relu, ... in one entry each: its numeric
// value, its derivative (as an IR expression), its LaTeX, and whether it is only differentiable a.e.

import type { Builder } from "./builder.js";
import type { Node } from "./node.js";

export interface ElementwiseInfo {
  readonly eval: (x: number) => number;
  /** f'(x) as an expression, elementwise over x. */
  readonly deriv: (b: Builder, x: Node) => Node;
  readonly latex: string;
  /** Set when f is not differentiable everywhere; the derivative is the almost-everywhere one. */
  readonly aeNote?: string;
  /** Domain check for evaluation: returns a reason when x is outside the domain. */
  readonly domain?: (x: number) => string | null;
}

const oneMinusSq = (b: Builder, x: Node) => b.sub(b.onesLike(x), b.pow(x, b.num(2)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const ELEMENTWISE = {
  sin: { eval: Math.sin, deriv: (b, x) => b.fn("cos", x), latex: "\\sin" },
  cos: { eval: Math.cos, deriv: (b, x) => b.neg(b.fn("sin", x)), latex: "\\cos" },
  tan: { eval: Math.tan, deriv: (b, x) => b.pow(b.fn("cos", x), b.num(-2)), latex: "\\tan" },
  arcsin: {
    eval: Math.asin,
    deriv: (b, x) => b.pow(oneMinusSq(b, x), b.num(-0.5)),
    latex: "\\arcsin",
    domain: (x) => (Math.abs(x) <= 1 ? null : `argument ${Number(x.toPrecision(3))} is outside [-1, 1]`),
  },
  arccos: {
    eval: Math.acos,
    deriv: (b, x) => b.neg(b.pow(oneMinusSq(b, x), b.num(-0.5))),
    latex: "\\arccos",
    domain: (x) => (Math.abs(x) <= 1 ? null : `argument ${Number(x.toPrecision(3))} is outside [-1, 1]`),
  },
  arctan: {
    eval: Math.atan,
    deriv: (b, x) => b.pow(b.add(b.onesLike(x), b.pow(x, b.num(2))), b.num(-1)),
    latex: "\\arctan",
  },
  exp: { eval: Math.exp, deriv: (b, x) => b.fn("exp", x), latex: "\\exp" },
  log: {
    eval: Math.log,
    deriv: (b, x) => b.pow(x, b.num(-1)),
    latex: "\\log",
    domain: (x) => (x > 0 ? null : `argument ${Number(x.toPrecision(3))} is not positive`),
  },
  tanh: { eval: Math.tanh, deriv: (b, x) => b.sub(b.onesLike(x), b.pow(b.fn("tanh", x), b.num(2))), latex: "\\tanh" },
  abs: {
    eval: Math.abs,
    deriv: (b, x) => b.fn("sign", x),
    latex: "\\operatorname{abs}",
    aeNote: "abs is not differentiable at 0; the derivative there is taken as 0 (sign(0) = 0)",
  },
  sign: {
    eval: Math.sign,
    deriv: (b, x) => b.zeros(x.shape),
    latex: "\\operatorname{sign}",
    aeNote: "sign is not differentiable at 0; its derivative is 0 everywhere else",
  },
  relu: {
    eval: (x: number) => (x > 0 ? x : 0),
    deriv: (b, x) => b.times(b.num(0.5), b.add(b.onesLike(x), b.fn("sign", x))),
    latex: "\\operatorname{relu}",
    aeNote: "relu is not differentiable at 0; the derivative there is taken as 1/2",
  },
  sigmoid: {
    eval: sigmoid,
    deriv: (b, x) => {
      const s = b.fn("sigmoid", x);
      return b.hadamard(s, b.sub(b.onesLike(x), s));
    },
    latex: "\\sigma",
  },
} as const satisfies Record<string, ElementwiseInfo>;

export type ElementwiseName = keyof typeof ELEMENTWISE;

export function isElementwise(name: string): name is ElementwiseName {
  return Object.hasOwn(ELEMENTWISE, name);
}
