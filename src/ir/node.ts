// IR nodes: immutable, span-free, hash-consed per Store (key = op + attributes + child ids), so that
// structural equality is pointer equality and memo tables keyed by id are cheap on shared DAGs.

import { invariant } from "../diagnostics/errors.js";
import type { Prop, Shape } from "../shape/shape.js";
import type { Op } from "./ops.js";

export interface Node {
  readonly id: number;
  readonly op: Op;
  readonly args: readonly Node[];
  readonly shape: Shape;
  /** const: the number; mpow: the exponent. */
  readonly num?: number;
  /** var/dvar: the variable name; fn: the function name. */
  readonly name?: string;
  /** var: declared properties. */
  readonly props?: readonly Prop[];
  /** Longest path to a leaf (leaves are 0). */
  readonly height: number;
  /** Whether the node contains a dvar (i.e. is part of a differential). */
  readonly hasD: boolean;
}

export interface NodeAttrs {
  num?: number;
  name?: string;
  props?: readonly Prop[];
}

export class Store {
  private readonly table = new Map<string, Node>();
  private nextId = 0;

  get size(): number {
    return this.table.size;
  }

  intern(op: Op, args: readonly Node[], shape: Shape, attrs: NodeAttrs = {}): Node {
    let key = `${op}|${shape[0]}x${shape[1]}`;
    if (attrs.num !== undefined) key += `|#${Object.is(attrs.num, -0) ? 0 : attrs.num}`;
    if (attrs.name !== undefined) key += `|$${attrs.name}`;
    if (attrs.props !== undefined && attrs.props.length > 0) key += `|${attrs.props.join(",")}`;
    for (const a of args) key += `|${a.id}`;
    const hit = this.table.get(key);
    if (hit) return hit;
    let height = 0;
    let hasD = op === "dvar";
    for (const a of args) {
      invariant(a !== undefined, `undefined argument to ${op}`);
      if (a.height + 1 > height) height = a.height + 1;
      if (a.hasD) hasD = true;
    }
    // Every node has the same fields in the same order (absent ones undefined): one object shape, so the walks
    // over nodes stay monomorphic.
    const node: Node = {
      id: this.nextId++,
      op,
      args,
      shape,
      num: attrs.num !== undefined ? (Object.is(attrs.num, -0) ? 0 : attrs.num) : undefined,
      name: attrs.name,
      props: attrs.props !== undefined && attrs.props.length > 0 ? attrs.props : undefined,
      height,
      hasD,
    };
    this.table.set(key, node);
    return node;
  }
}

/** Nodes reachable from the roots, children before parents, each once. Iterative: safe on deep DAGs. */
export function topoOrder(roots: readonly Node[]): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  const stack: { n: Node; i: number }[] = [];
  for (const r of roots) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    stack.push({ n: r, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.n.args.length) {
        const c = top.n.args[top.i++]!;
        if (!seen.has(c.id)) {
          seen.add(c.id);
          stack.push({ n: c, i: 0 });
        }
      } else {
        out.push(top.n);
        stack.pop();
      }
    }
  }
  return out;
}

/** Bottom-up rebuild of a DAG: f receives the node and its already-rebuilt children. Iterative. */
export function rebuild(root: Node, f: (n: Node, args: Node[]) => Node): Node {
  const memo = new Map<number, Node>();
  for (const n of topoOrder([root])) {
    memo.set(
      n.id,
      f(
        n,
        n.args.map((a) => memo.get(a.id)!),
      ),
    );
  }
  return memo.get(root.id)!;
}

/** Does `root` contain the node `target` (by identity)? */
export function contains(root: Node, pred: (n: Node) => boolean): boolean {
  for (const n of topoOrder([root])) if (pred(n)) return true;
  return false;
}
