// Lowering: the typed surface AST (shapes resolved) to the hash-consed IR through the smart constructors.
// Definitions become shared DAG nodes; MATLAB's overloaded operators are resolved into explicit ops here.

import { InternalError, assertNever, invariant } from "../diagnostics/errors.js";
import type { DimT } from "../shape/dims.js";
import { isFunctionName } from "../shape/functions.js";
import { childrenOf, integerLiteral, postorder, type Typed } from "../shape/infer.js";
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
      chainKids,
    );
    return get(root);
  };

  // Left-associated chains (a + b - c + ..., a*b*c*..., a.*b.*...) are lowered in one constructor call
  // over all their operands, so that a chain of n operations costs O(n), not O(n^2) re-flattening.
  const CHAIN: Record<string, string[]> = { "+": ["+", "-"], "-": ["+", "-"], "*": ["*"], ".*": [".*"] };
  const chainOperands = (e: Expr): { ops: string[]; xs: Expr[] } | null => {
    if (e.kind !== "binary" || !CHAIN[e.op]) return null;
    const family = CHAIN[e.op]!;
    const ops: string[] = [];
    const xs: Expr[] = [];
    let cur: Expr = e;
    while (cur.kind === "binary" && family.includes(cur.op)) {
      xs.push(cur.right);
      ops.push(cur.op);
      // A parenthesized product on the left, `(a*b*...)*c` (its span starts after this node's), is its own operand:
      // a product of more than 16 factors stays one factor (FLATTEN_LIMIT), so the printed `(P)*c` of a long
      // chain's prefix reads back as the same node; shorter ones are spliced in by the builder as before.
      const left: Expr = cur.left;
      if (e.op !== "+" && e.op !== "-" && left.span[0] > cur.span[0]) {
        cur = left;
        break;
      }
      cur = left;
    }
    xs.push(cur);
    ops.push("+");
    return { ops: ops.reverse(), xs: xs.reverse() };
  };
  const chains = new Map<Expr, { ops: string[]; xs: Expr[] }>();
  const chainKids = (e: Expr): readonly Expr[] => {
    const c = chainOperands(e);
    if (!c) return childrenOf(e);
    chains.set(e, c);
    return c.xs;
  };

  const lowerChain = (e: Expr, c: { ops: string[]; xs: Expr[] }): Node => {
    const xs = c.xs.map(get);
    if (e.kind === "binary" && (e.op === "+" || e.op === "-")) {
      const like = xs.find((x) => !isScalarShape(x.shape)) ?? xs[0]!;
      return b.addList(xs.map((x, i) => (c.ops[i] === "-" ? b.neg(broadcast(x, like)) : broadcast(x, like))));
    }
    if (e.kind === "binary" && e.op === ".*") return b.hadamardList(xs);
    // a*b*c...: scalars commute out; consecutive non-scalars form matrix-product segments, and a segment
    // whose product is 1x1 becomes a scalar factor (exactly the left-to-right meaning of '*').
    const scalars: Node[] = [];
    let seg: Node[] = [];
    for (const x of xs) {
      if (isScalarShape(x.shape)) scalars.push(x);
      else {
        seg.push(x);
        if (seg.length > 1 && seg[0]!.shape[0] === 1 && x.shape[1] === 1) {
          scalars.push(b.mulList(seg));
          seg = [];
        }
      }
    }
    if (seg.length > 0) scalars.push(seg.length === 1 ? seg[0]! : b.mulList(seg));
    return b.timesList(scalars);
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
        const c = chains.get(e);
        if (c) return lowerChain(e, c);
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
            return k !== null ? b.mpow(l, k) : b.powm(l, r);
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
    invariant(isFunctionName(name), `function ${name} passed inference`);
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
      case "dexpm":
        return b.frechet("expm", a, get(e.args[1]!));
      case "dlogm":
        return b.frechet("logm", a, get(e.args[1]!));
      case "dsqrtm":
        return b.frechet("sqrtm", a, get(e.args[1]!));
      case "dpowm":
        return b.frechet("powm", a, get(e.args[2]!), get(e.args[1]!));
      case "d2expm":
        return b.frechet2("expm", a, get(e.args[1]!), get(e.args[2]!));
      case "d2logm":
        return b.frechet2("logm", a, get(e.args[1]!), get(e.args[2]!));
      case "d2sqrtm":
        return b.frechet2("sqrtm", a, get(e.args[1]!), get(e.args[2]!));
      case "d2powm":
        return b.frechet2("powm", a, get(e.args[2]!), get(e.args[3]!), get(e.args[1]!));
      case "kron":
        return b.kron(a, get(e.args[1]!));
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
        return assertNever(name, "function");
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
