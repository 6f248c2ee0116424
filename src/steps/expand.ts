// Writing out a differential top-down, one rule at a time: the outermost d(u) not yet written out is
// replaced by DIFF_RULES[u.op] applied to placeholders d(a) of u's arguments (the engine's own rules).

import { MatcalcError } from "../diagnostics/errors.js";
import { DIFF_RULES } from "../diff/differential.js";
import type { Builder } from "../ir/builder.js";
import { substitute } from "../ir/construct.js";
import { type Node, topoOrder } from "../ir/node.js";
import type { Notation } from "./notation.js";
import { type StepRule, STEP_RULES, ruleFormula } from "./rules.js";

/** One step of writing out: the rule applied and the whole differential after it. */
export interface Expansion {
  readonly rule: string;
  readonly expr: Node;
  readonly note: string;
}

/**
 * Longest derivation shown; past it the expression is too large for steps to help anyone. Steps grow with the
 * nesting depth of nonlinear rules only (a sum of any length is written out one rule at a time, all its terms
 * together), and each step repeats the whole differential, so a derivation of 400 steps is typically millions of characters.
 * Checked as the steps are made, before any is printed, so that a very deep composition is refused at once.
 */
export const MAX_STEPS = 400;

const constantsNote = (names: readonly string[]): string =>
  `${names.join(", ")} ${names.length === 1 ? "is" : "are"} constant`;

export class Expander {
  private readonly depMemo = new Map<number, boolean>();
  private readonly linMemo = new Map<number, boolean>();
  /** Placeholder id -> what it was written out as. */
  private readonly known = new Map<number, Node>();
  /** Notes the engine's rules raise (a.e. derivatives, branches); the answer states them already. */
  private readonly engineNotes = new Set<string>();

  constructor(
    private readonly b: Builder,
    private readonly wrt: Node,
    readonly dX: Node,
    private readonly nota: Notation,
  ) {}

  /** Does n depend on the variable? */
  depends(n: Node): boolean {
    const hit = this.depMemo.get(n.id);
    if (hit !== undefined) return hit;
    for (const m of topoOrder([n])) {
      if (this.depMemo.has(m.id)) continue;
      this.depMemo.set(m.id, m === this.wrt || m.args.some((a) => this.depMemo.get(a.id)!));
    }
    return this.depMemo.get(n.id)!;
  }

  /** d(u): dX for the variable, null (zero) for a constant, else a placeholder. */
  d(u: Node): Node | null {
    if (u === this.wrt) return this.dX;
    if (!this.depends(u)) return null;
    return this.nota.placeholder(u);
  }

  rule(u: Node): StepRule {
    return STEP_RULES[u.op](
      u,
      u.args.map((a) => this.depends(a)),
    );
  }

  /** Is u linear in the variable (d(u) is u with the variable replaced by its differential)? */
  private linearIn(u: Node): boolean {
    const hit = this.linMemo.get(u.id);
    if (hit !== undefined) return hit;
    for (const m of topoOrder([u])) {
      if (this.linMemo.has(m.id)) continue;
      this.linMemo.set(m.id, m === this.wrt || !this.depends(m) || (this.rule(m).linear && m.args.every((a) => this.linMemo.get(a.id))));
    }
    return this.linMemo.get(u.id)!;
  }

  /** d(u) by u's rule, in terms of the placeholders of its arguments. */
  private apply(u: Node): Node {
    const r = DIFF_RULES[u.op]({ b: this.b, notes: this.engineNotes }, u, (i) => this.d(u.args[i]!));
    return r ?? this.b.zeros(u.shape);
  }

  /** The expressions whose placeholders occur in e, outermost (tallest) first, then in order of appearance. */
  live(e: Node): Node[] {
    const out: Node[] = [];
    for (const n of topoOrder([e])) {
      const u = this.nota.expressionOf(n);
      if (u) out.push(u);
    }
    return out.sort((p, q) => q.height - p.height);
  }

  /** Replaces every placeholder written out so far, until none is left (expansions refer to lower nodes only). */
  private resolve(e: Node): Node {
    for (;;) {
      const map = new Map<number, Node>();
      for (const n of topoOrder([e])) {
        const r = this.known.get(n.id);
        if (r) map.set(n.id, r);
      }
      if (map.size === 0) return e;
      e = substitute(this.b, e, map);
    }
  }

  private writeOut(e: Node, us: readonly Node[]): Node {
    for (const u of us) this.known.set(this.nota.placeholder(u).id, this.apply(u));
    return this.resolve(e);
  }

  /** d(u) = (what it became), for notes. */
  private equation(u: Node): string {
    const r = this.resolve(this.nota.placeholder(u));
    return `d(${this.nota.label(u)}) = ${this.nota.text(r)}`;
  }

  /** Variables other than the one differentiated by, in the arguments of us that do not depend on it. */
  private constants(us: readonly Node[]): string[] {
    const names = new Set<string>();
    for (const u of us) {
      for (const a of u.args) {
        if (this.depends(a)) continue;
        for (const m of topoOrder([a])) if (m.op === "var") names.add(m.name!);
      }
    }
    return [...names];
  }

  /**
   * Writes out e (an expression holding placeholders) completely. Linear rules go together in one
   * "linearity" step; every other step applies one rule (to every d(u) it fits), then writes out at once
   * the differentials of arguments that are linear in the variable (d(x') = dx', d(A*x - b) = A*dx).
   */
  run(e0: Node): { steps: Expansion[]; final: Node } {
    const steps: Expansion[] = [];
    let e = this.resolve(e0);
    for (;;) {
      if (steps.length > MAX_STEPS) {
        throw new MatcalcError("unsupported", `the derivation has more than ${MAX_STEPS} steps: too long to show`);
      }
      const us = this.live(e);
      if (us.length === 0) break;
      const lin = us.filter((u) => this.rule(u).linear);
      if (lin.length > 0) {
        const formulas = new Set<string>();
        const done: Node[] = [];
        let cur = lin;
        while (cur.length > 0) {
          for (const u of cur) {
            const f = this.rule(u).formula;
            if (f) formulas.add(f);
          }
          done.push(...cur);
          e = this.writeOut(e, cur);
          cur = this.live(e).filter((u) => this.rule(u).linear);
        }
        const consts = this.constants(done);
        const defs = done.filter((u) => this.nota.isDefinition(u)).map((u) => this.equation(u));
        const parts = [[...formulas].join(", ")];
        if (consts.length > 0) parts.push(constantsNote(consts));
        if (defs.length > 0) parts.push(defs.join(", "));
        steps.push({ rule: "linearity", expr: e, note: parts.join("; ") });
        continue;
      }
      const top = us[0]!;
      const rule = this.rule(top);
      const group = us.filter((u) => this.rule(u).name === rule.name);
      const formulas = new Set<string>();
      for (const u of group) {
        const f = ruleFormula(
          u,
          u.args.map((a) => this.depends(a)),
        );
        if (f) formulas.add(f);
      }
      const consts = rule.name === "product rule" ? this.constants(group) : [];
      e = this.writeOut(e, group);
      // Differentials of arguments linear in the variable are written out in the same step (the note
      // names the first level only: d(r) = A*dx, not the d(A*x) inside it).
      const trivial = this.live(e).filter((u) => this.linearIn(u));
      for (let cur = trivial; cur.length > 0; cur = this.live(e).filter((u) => this.linearIn(u))) e = this.writeOut(e, cur);
      const parts = [[...formulas].join(", ")];
      if (consts.length > 0) parts.push(constantsNote(consts));
      const also = [...group.filter((u) => this.nota.isDefinition(u)), ...trivial].map((u) => this.equation(u));
      if (also.length > 0) parts.push(`with ${also.join(", ")}`);
      const note = parts.filter((p) => p.length > 0).join("; ");
      steps.push({ rule: rule.name, expr: e, note: rule.source ? `${note} (${rule.source})` : note });
    }
    return { steps, final: e };
  }
}
