// Code for derivatives that exist only in index notation (diff/tensor.ts): the factors of every term are planned
// together with the function (plan.ts), so what they share is computed once; each term is one einsum over its
// factors, matricized as matcalc's evaluator does (numeric/tensor-eval.ts), and the terms are summed.

import type { Differentiated } from "../api/differentiate.js";
import { MatcalcError, invariant } from "../diagnostics/errors.js";
import { type Index, matricizedAxes, matricizedShape } from "../diff/tensor.js";
import { FRECHET_OF, MATRIX_FUNCTIONS, isFrechetOp } from "../ir/matrix-functions.js";
import type { Node } from "../ir/node.js";
import { isScalarShape, mulDims } from "../shape/shape.js";
import type { Term } from "./lir.js";
import { type Plan, type PlanContext, planProgram, programCost } from "./plan.js";

/**
 * The function and its index-form derivative as one program. Every factor is a root of the plan (an array of its
 * own) and an operand with one subscript per axis of size > 1; a delta is an identity matrix (deltas over a summed
 * index were already contracted into the other factors by renaming, so the ones left tie two free indices); the
 * tensor D_f(X)_ijkl of a Fréchet derivative is built from one Fréchet derivative per unit direction (through one
 * eigh for a symmetric X); a free index that no factor carries gets a vector of ones.
 */
export function planIndexForm(d: Differentiated, ctx: PlanContext): Plan {
  const form = d.result.index();
  const nodes: Node[] = [d.compiled.f];
  for (const t of form.terms) {
    nodes.push(t.scalar);
    for (const f of t.factors) {
      nodes.push(f.node);
      if (f.frechet?.p) nodes.push(f.frechet.p);
    }
  }
  const plan = planProgram(nodes, ctx);
  const S = plan.store;
  const termOf = new Map<number, Term>(nodes.map((n, i) => [n.id, plan.roots[i]!]));
  const { rows, cols } = matricizedAxes(form);
  const shape = matricizedShape(form);
  const attrOut = `${rows.join("")}|${cols.join("")}`;

  const parts: { t: Term; coef: number; scalars: Term[] }[] = [];
  for (const t of form.terms) {
    const ops: Term[] = [];
    const subs: string[] = [];
    for (const f of t.factors) {
      const x = termOf.get(f.node.id)!;
      if (f.frechet && !isFrechetOp(f.frechet.op)) {
        throw new MatcalcError(
          "unsupported",
          `code generation for D2${f.frechet.op.slice(2)}(X)_ijklmn, the tensor of the second Fréchet derivative ${f.frechet.op}, ` +
            "is not supported yet (the answer itself and its check are)",
        );
      }
      if (f.frechet && isFrechetOp(f.frechet.op)) {
        // at a symmetric point, Daleckii-Krein with the eigendecomposition the function may share
        const n = f.node.shape[0];
        const p = f.frechet.p ? [termOf.get(f.frechet.p.id)!] : [];
        const sym = ctx.isSymmetric(f.node);
        const args = sym ? [x, S.make("eigh", [x], f.node.shape), ...p] : [x, ...p];
        const attr = sym ? `eighFrechet/${MATRIX_FUNCTIONS[FRECHET_OF[f.frechet.op]].scalar}` : f.frechet.op;
        ops.push(S.make("frechetTensor", args, [mulDims(n, n), mulDims(n, n)], attr));
      } else ops.push(x);
      subs.push(f.slots.filter((s): s is Index => s !== null).join(""));
    }
    for (const x of [...rows, ...cols]) {
      if (subs.some((s) => s.includes(x))) continue;
      ops.push(S.make("ones", [], [form.dims.get(x)!, 1]));
      subs.push(x);
    }
    let coef = t.coef;
    const scalars: Term[] = [];
    const sc = termOf.get(t.scalar.id)!;
    if (sc.op === "const") coef *= Number(sc.attr);
    else scalars.push(sc);
    parts.push({ t: S.make("einsum", ops, shape, `${subs.join(",")}->${attrOut}`), coef, scalars });
  }

  const scaled = (p: (typeof parts)[number], coef: number): Term => {
    if (coef === 1 && p.scalars.length === 0) return p.t;
    const args = [...(coef === 1 ? [] : [S.constant(coef)]), ...p.scalars, p.t];
    return S.make("times", args, shape, "*".repeat(args.length));
  };
  let sum: Term;
  if (parts.length === 0) sum = S.make("zeros", [], shape);
  else if (parts.length === 1) sum = scaled(parts[0]!, parts[0]!.coef);
  else {
    sum = S.make(
      "add",
      parts.map((p) => scaled(p, Math.abs(p.coef))),
      shape,
      parts.map((p) => (p.coef < 0 ? "-" : "+")).join(""),
    );
  }
  // as derivativeValue: Jacobians (and higher derivatives by a non-scalar) in denominator layout are transposed
  const wrtShape = d.compiled.vars.get(d.wrt)!.shape;
  const transposed = d.layout === "denominator" && (d.kind === "jacobian" || (d.kind === "higher" && !isScalarShape(wrtShape)));
  const derivative = transposed ? S.transpose(sum) : sum;
  invariant(
    String(derivative.shape) === String(d.result.shape),
    `index-form code has shape ${derivative.shape.join(" x ")}, expected ${d.result.shape.join(" x ")}`,
  );
  const roots = [plan.roots[0]!, derivative];
  return { store: S, roots, cost: programCost(roots) };
}
