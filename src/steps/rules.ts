// The rules a derivation cites: for every op, the name and source of the rule that writes out its
// differential (the formula itself is DIFF_RULES applied to generic arguments), keyed by op like every facet.

import { DIFF_RULES } from "../diff/differential.js";
import { Builder } from "../ir/builder.js";
import { rebuildWith } from "../ir/construct.js";
import type { Node } from "../ir/node.js";
import type { Op } from "../ir/ops.js";
import { toText } from "../print/text.js";
import { isScalarShape } from "../shape/shape.js";
import { differentialLast } from "./notation.js";

/** Sources, cited short (the full references are in docs/LANGUAGE.md). */
export const MAGNUS_NEUDECKER = "Magnus & Neudecker 2019";
export const HIGHAM = "Higham 2008";

export interface StepRule {
  /** The rule's name, shown with each step that applies it. */
  readonly name: string;
  /**
   * Linear in the argument that depends on the variable (linear ops; products with one such factor):
   * these are written out together, in one "linearity" step.
   */
  readonly linear: boolean;
  /** Where the rule is stated, e.g. "Magnus & Neudecker 2019, ch. 8". */
  readonly source?: string;
  /** The rule as a formula, for linear ops (nonlinear ones get theirs from DIFF_RULES). */
  readonly formula?: string;
  /** For linear ops, the same map in index notation (every index not on the left summed), e.g. "(U')_ij = U_ji". */
  readonly index?: string;
}

/** The rule for the differential of n, given which of its arguments depend on the variable. */
type RuleOf = (n: Node, deps: readonly boolean[]) => StepRule;

const linear =
  (formula: string, index?: string): RuleOf =>
  () => ({ name: "linearity", linear: true, formula, ...(index ? { index } : {}) });

const count = (deps: readonly boolean[]) => deps.filter(Boolean).length;

/** Multilinear ops: the product rule when two or more factors depend on the variable, else linearity. */
const product =
  (formula: string, index?: string): RuleOf =>
  (_n, deps) =>
    count(deps) >= 2
      ? { name: "product rule", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }
      : { name: "linearity", linear: true, formula, ...(index ? { index } : {}) };

const leaf: RuleOf = () => ({ name: "constant", linear: true, formula: "dA = 0 for every A that does not depend on the variable" });

const frechet: RuleOf = (n, deps) =>
  deps.slice(0, -1).some(Boolean)
    ? { name: "second Fréchet derivative", linear: false, source: `${HIGHAM}, ch. 3` }
    : {
        name: "linearity",
        linear: true,
        formula: n.args.length === 3
          ? `d(${n.op}(X, p, U)) = ${n.op}(X, p, dU): the Fréchet derivative is linear in its direction`
          : `d(${n.op}(X, U)) = ${n.op}(X, dU): the Fréchet derivative is linear in its direction`,
      };

/** Second Fréchet derivatives L2_f(X, E, F): bilinear in the directions E and F (X held fixed). */
const frechet2: RuleOf = (n, deps) => {
  const k = n.args.length;
  if (deps.slice(0, k - 2).some(Boolean)) return { name: "third Fréchet derivative", linear: false };
  if (deps[k - 2] && deps[k - 1]) return { name: "product rule", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` };
  const args = k === 4 ? "X, p, " : "X, ";
  return {
    name: "linearity",
    linear: true,
    formula: `d(${n.op}(${args}U, B)) = ${n.op}(${args}dU, B): the second Fréchet derivative is linear in each direction`,
  };
};

const matrixFunction: RuleOf = () => ({ name: "Fréchet derivative", linear: false, source: `${HIGHAM}, ch. 3` });

export const STEP_RULES: Readonly<Record<Op, RuleOf>> = {
  const: leaf,
  var: leaf,
  dvar: leaf,
  eye: leaf,
  ones: leaf,
  zeros: leaf,
  add: linear("d(U + V) = dU + dV"),
  times: product("d(a*U) = a*dU"),
  mul: product("d(A*U*B) = A*dU*B", "(A*U*B)_ij = A_ik*U_kl*B_lj"),
  hadamard: product("d(A .* U) = A .* dU", "(A .* U)_ij = A_ij*U_ij"),
  transpose: linear("d(U') = dU'", "(U')_ij = U_ji"),
  tr: linear("d(tr(U)) = tr(dU)", "tr(U) = U_kk"),
  sum: linear("d(sum(U)) = sum(dU)", "sum(U) = U_kl"),
  diagm: linear("d(diag(u)) = diag(du)", "diag(u)_ij = u_i*delta(i,j)"),
  diagv: linear("d(diag(U)) = diag(dU)", "diag(U)_i = U_ii"),
  pow: (n) => ({
    name: isScalarShape(n.shape) ? "power rule" : "power rule, entry by entry",
    linear: false,
    source: `${MAGNUS_NEUDECKER}, ch. 8`,
  }),
  fn: (n) => ({ name: `chain rule through ${n.name}`, linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }),
  det: () => ({ name: "Jacobi's formula", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }),
  logdet: () => ({ name: "Jacobi's formula for logdet", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }),
  inv: () => ({ name: "differential of the inverse", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }),
  mpow: () => ({ name: "product rule for a matrix power", linear: false, source: `${MAGNUS_NEUDECKER}, ch. 8` }),
  norm1: () => ({ name: "differential of norm1 (almost everywhere)", linear: false }),
  norm2: () => ({ name: "differential of the norm", linear: false }),
  expm: matrixFunction,
  logm: matrixFunction,
  sqrtm: matrixFunction,
  powm: matrixFunction,
  dexpm: frechet,
  dlogm: frechet,
  dsqrtm: frechet,
  dpowm: frechet,
  d2expm: frechet2,
  d2logm: frechet2,
  d2sqrtm: frechet2,
  d2powm: frechet2,
  kron: product("d(kron(A, U)) = kron(A, dU)"),
};

// ---------------------------------------------------------------- formulas from the engine's own rules

const formulas = new Map<string, string | null>();
let generic: Builder | null = null;

/** Generic names for the arguments of a rule: U, V, W for those that depend on the variable, A, B, C for the others. */
function genericArgs(b: Builder, n: Node, deps: readonly boolean[]): { args: Node[]; dargs: (Node | null)[] } {
  const varying = ["U", "V", "W", "Y", "Z"];
  const fixed = ["A", "B", "C", "D", "E"];
  let iv = 0;
  let ic = 0;
  const args: Node[] = [];
  const dargs: (Node | null)[] = [];
  n.args.forEach((a, i) => {
    if (!deps[i] && a.op === "const") {
      args.push(b.num(a.num!));
      dargs.push(null);
      return;
    }
    const pool = deps[i] ? varying : fixed;
    const k = deps[i] ? iv++ : ic++;
    let name = pool[k % pool.length]! + (k >= pool.length ? String(Math.floor(k / pool.length) + 1) : "");
    if (a.shape[1] === 1 || a.shape[0] === 1) name = name.toLowerCase();
    args.push(b.variable(name, a.shape));
    dargs.push(deps[i] ? b.dvar(name, a.shape) : null);
  });
  return { args, dargs };
}

/**
 * The rule for n written with generic arguments, e.g. "d(inv(U)) = -inv(U)*dU*inv(U)", computed by the
 * engine's DIFF_RULES themselves, so that the formula a step cites is the one the engine applies.
 */
export function ruleFormula(n: Node, deps: readonly boolean[]): string | null {
  const key = `${n.op}|${n.name ?? ""}|${n.num ?? ""}|${n.args.map((a, i) => `${a.shape.join("x")}${deps[i] ? "d" : ""}${a.op === "const" ? `=${a.num}` : ""}`).join(",")}`;
  const hit = formulas.get(key);
  if (hit !== undefined) return hit;
  let out: string | null = null;
  try {
    generic ??= new Builder();
    const b = generic;
    const { args, dargs } = genericArgs(b, n, deps);
    const t = rebuildWith(b, n, args);
    if (t.op === n.op) {
      const d = DIFF_RULES[n.op]({ b, notes: new Set<string>() }, t, (i) => dargs[i] ?? null);
      const text = (x: Node) => toText(x, { shareMinLength: Number.POSITIVE_INFINITY });
      if (d) out = `d(${text(t)}) = ${text(differentialLast(b, d))}`;
    }
  } catch {
    out = null;
  }
  formulas.set(key, out);
  return out;
}
