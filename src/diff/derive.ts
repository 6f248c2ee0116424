// Derivatives of every kind from one algorithm: the differential (differential.ts), then a read-off:
// substitution dX = 1 for scalar variables, the adjoint pass for gradients, the Jacobian read-off for vectors.

import { MatcalcError } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import { substitute } from "../ir/construct.js";
import type { Node } from "../ir/node.js";
import { describeShape, isScalarShape } from "../shape/shape.js";
import { factorSums } from "../simplify/factor.js";
import { pullback } from "./adjoint.js";
import { differential } from "./differential.js";
import { jacobianOf } from "./jacobian.js";

export type Layout = "numerator" | "denominator";
export type DerivativeKind = "derivative" | "gradient" | "jacobian" | "hessian" | "higher";

export interface DeriveOptions {
  readonly order?: number;
  readonly layout?: Layout;
}

export interface DerivativeResult {
  readonly kind: DerivativeKind;
  /** The derivative, in canonical form (not factored). */
  readonly raw: Node;
  /** The derivative as presented (common factors pulled out). */
  readonly expr: Node;
  /** df for first-order derivatives: linear in dX. */
  readonly differential: Node | null;
  readonly dX: Node;
  readonly notes: readonly string[];
  readonly convention: string;
}

function unsupported(msg: string): never {
  throw new MatcalcError("unsupported", msg);
}

/** One first-order step: the derivative of f (any shape) with respect to the variable wrt. */
function firstOrder(b: Builder, f: Node, wrt: Node, notes: Set<string>) {
  const { d, dX, notes: ns } = differential(b, f, wrt);
  for (const n of ns) notes.add(n);
  const df = d ?? b.zeros(f.shape);
  if (isScalarShape(wrt.shape)) {
    return { df, dX, value: substitute(b, df, new Map([[dX.id, b.num(1)]])), kind: "derivative" as const };
  }
  if (isScalarShape(f.shape)) {
    let g = pullback(b, df, dX, b.num(1));
    const props = wrt.props ?? [];
    if (props.includes("diagonal")) {
      g = b.diagm(b.diagv(g));
      notes.add(`${wrt.name} is diagonal: the gradient is the diagonal part of the unconstrained gradient`);
    } else if (props.includes("symmetric") || props.includes("spd")) {
      g = b.times(b.num(0.5), b.add(g, b.transpose(g)));
      notes.add(
        `${wrt.name} is symmetric: the gradient is the symmetric G with df = tr(G' d${wrt.name}) for every symmetric d${wrt.name}, i.e. sym(unconstrained gradient)`,
      );
    }
    return { df, dX, value: g, kind: "gradient" as const };
  }
  const fCol = f.shape[1] === 1 || f.shape[0] === 1;
  if (fCol && wrt.shape[1] === 1) {
    const lin = f.shape[1] === 1 ? df : b.transpose(df);
    return { df, dX, value: jacobianOf(b, lin, dX), kind: "jacobian" as const };
  }
  return unsupported(
    `the derivative of a ${describeShape(f.shape)} with respect to a ${describeShape(wrt.shape)} is a tensor of order ` +
      `${(isScalarShape(f.shape) ? 0 : f.shape[1] === 1 ? 1 : 2) + (wrt.shape[1] === 1 ? 1 : 2)}; ` +
      "index (Einstein) notation output for such tensors is not supported yet",
  );
}

export function derive(b: Builder, f: Node, wrt: Node, opts: DeriveOptions = {}): DerivativeResult {
  const order = opts.order ?? 1;
  const layout = opts.layout ?? "numerator";
  if (!Number.isInteger(order) || order < 1) throw new MatcalcError("usage", `order must be a positive integer, got ${order}`);
  const notes = new Set<string>();
  let cur = f;
  let first: ReturnType<typeof firstOrder> | null = null;
  let kind: DerivativeKind = "derivative";
  for (let k = 1; k <= order; k++) {
    if (k > 1 && !isScalarShape(wrt.shape)) {
      if (k === 2 && isScalarShape(f.shape) && wrt.shape[1] === 1) {
        const step = firstOrder(b, cur, wrt, notes);
        cur = step.value;
        kind = "hessian";
        continue;
      }
      unsupported(
        `derivatives of order ${order} with respect to the ${describeShape(wrt.shape)} ${wrt.name} are tensors of order > 2; ` +
          "index (Einstein) notation output for them is not supported yet",
      );
    }
    const step = firstOrder(b, cur, wrt, notes);
    if (k === 1) {
      first = step;
      kind = step.kind;
    } else kind = isScalarShape(wrt.shape) ? "derivative" : kind;
    cur = step.value;
  }
  if (order > 2 && isScalarShape(wrt.shape)) kind = "higher";
  let raw = cur;
  if (layout === "denominator" && (kind === "jacobian" || (kind === "derivative" && !isScalarShape(raw.shape)))) {
    raw = b.transpose(raw);
  }
  const convention =
    kind === "gradient"
      ? `gradient: same shape as ${wrt.name}, df = tr(G' d${wrt.name})`
      : kind === "hessian"
        ? "Hessian: H(i,j) = d2f / dx(i) dx(j)"
        : layout === "numerator"
          ? "numerator layout: output axes first, then the axes of the variable"
          : "denominator layout: the axes of the variable first, then the output axes";
  return {
    kind,
    raw,
    expr: factorSums(b, raw),
    differential: order === 1 && first ? first.df : null,
    dX: first!.dX,
    notes: [...notes],
    convention,
  };
}
