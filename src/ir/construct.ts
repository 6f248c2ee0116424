// Re-create a node of any op from new arguments through the smart constructors: the generic "map" that
// every DAG rewrite (substitution, factoring, evaluation-free transformations) is built on.

import type { Builder } from "./builder.js";
import { type Node, rebuild } from "./node.js";

/** Re-create node n with new arguments through the smart constructors. */
export function rebuildWith(b: Builder, n: Node, args: Node[]): Node {
  switch (n.op) {
    case "const":
    case "var":
    case "dvar":
    case "eye":
    case "ones":
    case "zeros":
      return n;
    case "add":
      return b.add(...args);
    case "times":
      return b.times(...args);
    case "mul":
      return b.mul(...args);
    case "hadamard":
      return b.hadamard(...args);
    case "transpose":
      return b.transpose(args[0]!);
    case "tr":
      return b.tr(args[0]!);
    case "sum":
      return b.sum(args[0]!);
    case "diagm":
      return b.diagm(args[0]!);
    case "diagv":
      return b.diagv(args[0]!);
    case "pow":
      return b.pow(args[0]!, args[1]!);
    case "fn":
      return b.fn(n.name!, args[0]!);
    case "det":
      return b.det(args[0]!);
    case "logdet":
      return b.logdet(args[0]!);
    case "inv":
      return b.inv(args[0]!);
    case "mpow":
      return b.mpow(args[0]!, n.num!);
    case "norm1":
      return b.norm1(args[0]!);
    case "norm2":
      return b.norm2(args[0]!);
    case "expm":
      return b.expm(args[0]!);
    case "logm":
      return b.logm(args[0]!);
    case "sqrtm":
      return b.sqrtm(args[0]!);
    case "powm":
      return b.powm(args[0]!, args[1]!);
    case "dexpm":
      return b.frechet("expm", args[0]!, args[1]!);
    case "dlogm":
      return b.frechet("logm", args[0]!, args[1]!);
    case "dsqrtm":
      return b.frechet("sqrtm", args[0]!, args[1]!);
    case "dpowm":
      return b.frechet("powm", args[0]!, args[2]!, args[1]!);
    case "d2expm":
      return b.frechet2("expm", args[0]!, args[1]!, args[2]!);
    case "d2logm":
      return b.frechet2("logm", args[0]!, args[1]!, args[2]!);
    case "d2sqrtm":
      return b.frechet2("sqrtm", args[0]!, args[1]!, args[2]!);
    case "d2powm":
      return b.frechet2("powm", args[0]!, args[2]!, args[3]!, args[1]!);
    case "kron":
      return b.kron(args[0]!, args[1]!);
  }
}

/** Replace nodes (by id) throughout a DAG, re-canonicalising every ancestor. */
export function substitute(b: Builder, root: Node, map: ReadonlyMap<number, Node>): Node {
  return rebuild(root, (n, args) => {
    const hit = map.get(n.id);
    if (hit) return hit;
    return args.every((a, i) => a === n.args[i]) ? n : rebuildWith(b, n, args);
  });
}
