// Lowering: the typed surface AST (shapes resolved) to the hash-consed IR through the smart constructors.
// Definitions become shared DAG nodes; MATLAB's overloaded operators are resolved into explicit ops here.

import { InternalError, fail, invariant } from "../diagnostics/errors.js";
import type { DimT } from "../shape/dims.js";
import { FUNCTIONS } from "../shape/functions.js";
import { integerLiteral, postorder, type Typed } from "../shape/infer.js";
import { type Dim, type Prop, type Shape, isScalarShape, sameShape } from "../shape/shape.js";
import type { Expr } from "../syntax/ast.js";
import type { Builder } from "./builder.js";
import { isElementwise } from "./elementwise.js";
import type { Node } from "./node.js";

export interface Lowered {
  readonly f: Node;
  readonly vars: Map<string, { node: Node; shape: Shape; props: readonly Prop[]; origin: "declared" | "inferred" }>;
  readonly defs: { name: string; node: Node }[];
}

export function lower(b: Builder, typed: Typed, resolve: (d: DimT) => Dim): Lowered {
  const vars: Lowered["vars"] = new Map();
  for (const v of typed.vars.values()) {
    const shape: Shape = [resolve(v.shape[0]), resolve(v.shape[1])];
    vars.set(v.name, { node: b.variable(v.name, shape, v.props), shape, props: v.props, origin: v.origin });
  }
  const defNodes = new Map<string, Node>();
  const memo = new Map<Expr, Node>();
  const shapeOf = (e: Expr): Shape => {
    const s = typed.shapes.get(e);
    invariant(s !== undefined, "untyped expression");
    return [resolve(s[0]), resolve(s[1])];
  };
  const get = (e: Expr): Node => memo.get(e)!;

  const lowerExpr = (root: Expr): Node => {
    postorder(
      root,
      (e) => memo.set(e, lower1(e)),
      (e) => e.kind === "call" && (e.callee === "eye" || e.callee === "ones" || e.callee === "zeros"),
    );
    return get(root);
  };

  const broadcast = (a: Node, like: Node): Node =>
    isScalarShape(a.shape) && !isScalarShape(like.shape) ? b.times(a, b.ones(like.shape)) : a;

  const lower1 = (e: Expr): Node => {
    switch (e.kind) {
      case "num":
        return b.num(e.value);
      case "ident": {
        const d = defNodes.get(e.name);
        if (d) return d;
        const v = vars.get(e.name);
        if (v) return v.node;
        if (e.name === "pi") return b.num(Math.PI);
        throw new InternalError(`unresolved identifier ${e.name}`);
      }
      case "neg":
        return b.neg(get(e.arg));
      case "transpose":
        return b.transpose(get(e.arg));
      case "binary": {
        const l = get(e.left);
        const r = get(e.right);
        switch (e.op) {
          case "+":
            return b.add(broadcast(l, r), broadcast(r, l));
          case "-":
            return b.sub(broadcast(l, r), broadcast(r, l));
          case ".*":
            return b.hadamard(l, r);
          case "./":
            return b.hadamard(broadcast(l, r), b.pow(broadcast(r, l), b.num(-1)));
          case "*":
            return b.prod(l, r);
          case "/":
            if (isScalarShape(r.shape)) return b.times(l, b.pow(r, b.num(-1)));
            return b.prod(l, b.inv(r));
          case ".^":
            return b.pow(l, r);
          case "^": {
            if (isScalarShape(l.shape)) return b.pow(l, r);
            const k = integerLiteral(e.right);
            invariant(k !== null, "matrix power exponent checked by inference");
            return b.mpow(l, k);
          }
        }
        break;
      }
      case "call":
        return call(e);
    }
    throw new InternalError("unhandled expression");
  };

  const call = (e: Extract<Expr, { kind: "call" }>): Node => {
    const shape = shapeOf(e);
    const name = e.callee;
    invariant(Object.hasOwn(FUNCTIONS, name), `function ${name} passed inference`);
    if (name === "eye") return b.eye(shape[0]);
    if (name === "ones") return b.ones(shape);
    if (name === "zeros") return b.zeros(shape);
    const a = get(e.args[0]!);
    if (name === "sqrt") return b.pow(a, b.num(0.5));
    if (isElementwise(name)) return b.fn(name, a);
    switch (name) {
      case "tr":
        return b.tr(a);
      case "det":
        return b.det(a);
      case "logdet":
        return b.logdet(a);
      case "inv":
        return b.inv(a);
      case "expm":
        return b.expm(a);
      case "logm":
        return b.logm(a);
      case "sqrtm":
        return b.sqrtm(a);
      case "sum":
        return b.sum(a);
      case "norm1":
        return b.norm1(a);
      case "norm2":
        return b.norm2(a);
      case "diag":
        if (isScalarShape(a.shape)) return a;
        return a.shape[1] === 1 ? b.diagm(a) : b.diagv(a);
      case "vector":
      case "matrix":
        return b.times(a, b.ones(shape));
      default:
        return fail("unsupported", `function '${name}' is not supported`, e.calleeSpan);
    }
  };

  const defs: Lowered["defs"] = [];
  for (const d of typed.defs) {
    const node = lowerExpr(d.expr);
    defNodes.set(d.name, node);
    defs.push({ name: d.name, node });
  }
  const f = memo.get(typed.body) ?? lowerExpr(typed.body);
  invariant(sameShape(f.shape, shapeOf(typed.body)), "lowered shape differs from inferred shape");
  return { f, vars, defs };
}
