// Canonical structural order on IR nodes, used to sort commutative arguments and pick trace rotations.
// It depends only on structure (never on ids or creation order), so output does not depend on history.

import type { Node } from "./node.js";
import { OP_RANK } from "./ops.js";

function cmpPrim(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : 1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export class StructuralOrder {
  private readonly memo = new Map<string, number>();

  compare(a: Node, b: Node): number {
    if (a === b) return 0;
    if (a.args.length === 0 && b.args.length === 0) return this.compute(a, b);
    const key = a.id < b.id ? `${a.id},${b.id}` : `${b.id},${a.id}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return a.id < b.id ? hit : -hit;
    const r = this.compute(a, b);
    this.memo.set(key, a.id < b.id ? r : -r);
    return r;
  }

  private compute(a: Node, b: Node): number {
    // Variables and simple leaves first, then by op; deeper nodes later within an op.
    let c = OP_RANK[a.op] - OP_RANK[b.op];
    if (c !== 0) return c;
    c = cmpPrim(a.name, b.name);
    if (c !== 0) return c;
    c = cmpPrim(a.num, b.num);
    if (c !== 0) return c;
    c = cmpPrim(String(a.shape[0]), String(b.shape[0])) || cmpPrim(String(a.shape[1]), String(b.shape[1]));
    if (c !== 0) return c;
    c = a.args.length - b.args.length;
    if (c !== 0) return c;
    c = a.height - b.height;
    if (c !== 0) return c;
    for (let i = 0; i < a.args.length; i++) {
      c = this.compare(a.args[i]!, b.args[i]!);
      if (c !== 0) return c;
    }
    return 0;
  }

  sort(nodes: Node[]): Node[] {
    return nodes.sort((x, y) => this.compare(x, y));
  }

  /** Lexicographic comparison of two node sequences. */
  compareSeq(a: readonly Node[], b: readonly Node[]): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = this.compare(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
}
