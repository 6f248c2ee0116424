// The low-level program that code generation schedules: terms of IR ops plus linear-algebra kernels (a product
// of two operands, a solve with a shared factorization, ...), interned so that equal work is written once.

import { MATRIX_FUNCTIONS, type MatrixScalar } from "../ir/matrix-functions.js";
import type { Node } from "../ir/node.js";
import type { Op } from "../ir/ops.js";
import { type Shape, isScalarShape } from "../shape/shape.js";

/** Kernels: the building blocks the planner chooses besides the IR ops themselves. */
export const KERNELS = [
  "matmul", // product of two operands (outer, inner, matrix-vector or matrix-matrix, by their shapes)
  "scaleRows", // diag(v)*M as broadcasting: args [v, M]
  "scaleCols", // M*diag(v) as broadcasting: args [M, v]
  "traceProd", // tr(P*Q) = sum(P .* Q') without forming P*Q: args [P, Q]
  "diagProd", // diag(P*Q) = row sums of P .* Q' without forming P*Q: args [P, Q]
  "factor", // factorization of A, attr "chol" or "lu": args [A]
  "solve", // attr "METHOD/N" inv(A)*B or "METHOD/T" inv(A)'*B: args [F, B] (F the factor, or A for METHOD "direct" / "direct-pos")
  "factorInv", // inv(A) from its factorization, attr "chol" or "lu": args [F]
  "factorDet", // det(A) from its factorization: args [F]
  "factorLogdet", // log det of the factor: logdet(A) from LU, log det(L) = logdet(A)/2 from Cholesky A = L L': args [F]
  "eigh", // symmetric eigendecomposition (w, V) of A: args [A]
  "eighFun", // V f(w) V', attr exp|log|sqrt|pow: args [Eig] or [Eig, p]
  "eighFrechet", // Daleckii-Krein L_f(A, E) = V (D .* (V' E V)) V', attr as eighFun: args [Eig, E] or [Eig, p, E]
  // index forms (index-form.ts)
  // D_f(X)_ijkl = L_f(X, e_k e_l')_ij (shape n*n x n*n, 4-D in Python), attr the op of L_f: "dexpm", ... with args [X]
  // or [X, p]; "eighFrechet/exp", ... (as eighFun) with args [X, Eig] or [X, Eig, p]
  "frechetTensor",
  "einsum", // a term of an index form, matricized: attr "SUBS->ROWS|COLS" ("il,jk->ij|kl"), each side first index fastest: args the operands
] as const;

export type Kernel = (typeof KERNELS)[number];
/** The operations of the low-level program: every IR op and every kernel. */
export type LOp = Op | Kernel;

/**
 * The attribute of eighFun and eighFrechet other than "pow" (which takes its exponent as an argument): the scalar
 * function of a matrix function (`MATRIX_FUNCTIONS[f].scalar`), so each target's table of them is checked against it.
 */
export type SymFn = Exclude<MatrixScalar, "pow">;

const SYM_FNS: ReadonlySet<string> = new Set(
  Object.values(MATRIX_FUNCTIONS)
    .map((f) => f.scalar)
    .filter((s) => s !== "pow"),
);

/** Whether an eighFun / eighFrechet attribute names one of the scalar functions of SymFn. */
export function isSymFn(attr: string): attr is SymFn {
  return SYM_FNS.has(attr);
}

/** Kernels whose result is not an array but a factorization (bound to a name, never inlined). */
export const OPAQUE: ReadonlySet<LOp> = new Set<LOp>(["factor", "eigh"]);

export interface Term {
  readonly id: number;
  readonly op: LOp;
  readonly args: readonly Term[];
  readonly shape: Shape;
  /**
   * const: the number as written; var: the name; fn: the function name; mpow: k; add: one sign per argument
   * ("+-+"); times, hadamard: one of '*' '/' per argument; kernels: see KERNELS.
   */
  readonly attr: string;
  /** The IR node the term computes, when there is one (variables: name and properties). */
  readonly node: Node | null;
}

/** Interns terms: the same op on the same arguments is one term. */
export class TermStore {
  private readonly table = new Map<string, Term>();
  private next = 0;

  make(op: LOp, args: readonly Term[], shape: Shape, attr = "", node: Node | null = null): Term {
    let key = `${op}|${attr}|${shape[0]}x${shape[1]}`;
    for (const a of args) key += `|${a.id}`;
    const hit = this.table.get(key);
    if (hit) return hit;
    const t: Term = { id: this.next++, op, args, shape, attr, node };
    this.table.set(key, t);
    return t;
  }

  constant(v: number): Term {
    return this.make("const", [], [1, 1], String(Object.is(v, -0) ? 0 : v));
  }

  /** X' with X'' = X and scalars their own transpose. */
  transpose(t: Term): Term {
    if (isScalarShape(t.shape)) return t;
    if (t.op === "transpose") return t.args[0]!;
    return this.make("transpose", [t], [t.shape[1], t.shape[0]]);
  }
}

/** Terms reachable from the roots, arguments first, each once (iterative). */
export function termOrder(roots: readonly Term[]): Term[] {
  const out: Term[] = [];
  const seen = new Set<number>();
  const stack: { t: Term; i: number }[] = [];
  for (const r of roots) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    stack.push({ t: r, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.t.args.length) {
        const c = top.t.args[top.i++]!;
        if (!seen.has(c.id)) {
          seen.add(c.id);
          stack.push({ t: c, i: 0 });
        }
      } else {
        out.push(top.t);
        stack.pop();
      }
    }
  }
  return out;
}

export type Kind = "scalar" | "col" | "row" | "matrix";

/** How a value of this shape is held: scalars, vectors (1-D in Python; rows and columns alike) and matrices. */
export function kindOf(s: Shape): Kind {
  if (s[0] === 1 && s[1] === 1) return "scalar";
  if (s[1] === 1) return "col";
  if (s[0] === 1) return "row";
  return "matrix";
}

export function isVectorKind(k: Kind): boolean {
  return k === "col" || k === "row";
}
