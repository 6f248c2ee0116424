// Notation of derivations: a differential not yet written out, d(u), is a placeholder leaf (a dvar named
// after u) that the smart constructors treat like any matrix; printing shows it as d(u), or d(r) for a definition r.

import type { Builder } from "../ir/builder.js";
import { type Node, rebuild } from "../ir/node.js";
import { LATEX, latexName } from "../print/latex.js";
import { DagPrinter, type Syntax } from "../print/printer.js";
import { TEXT } from "../print/text.js";

interface Placeholder {
  readonly u: Node;
  readonly node: Node;
  readonly text: string;
  readonly latex: string;
  /** The name of the user definition u is, if any. */
  readonly def: string | null;
}

export interface Shown {
  readonly text: string;
  readonly latex: string;
}

export class Notation {
  private readonly byName = new Map<string, Placeholder>();
  private readonly byNode = new Map<number, Placeholder>();
  private readonly textSyntax: Syntax;
  private readonly latexSyntax: Syntax;

  /**
   * @param names user definitions to print by name (node id -> name); a step is shorter with `r` than with
   *   the expression r stands for.
   */
  constructor(
    private readonly b: Builder,
    private readonly names: ReadonlyMap<number, string>,
  ) {
    // Definitions print by name and are not repeated as bindings in every step; shared subexpressions are
    // not named either (a step is one equality).
    this.textSyntax = {
      ...TEXT,
      dname: (n) => {
        const p = this.byName.get(n);
        return p ? `d(${p.text})` : TEXT.dname(n);
      },
      bindings: (_defs, body) => body,
    };
    this.latexSyntax = {
      ...LATEX,
      dname: (n) => {
        const p = this.byName.get(n);
        if (!p) return LATEX.dname(n);
        return p.def ? `\\mathrm{d}${p.latex}` : `\\mathrm{d}\\left(${p.latex}\\right)`;
      },
      bindings: (_defs, body) => body,
    };
  }

  /** The placeholder d(u), created on first use. */
  placeholder(u: Node): Node {
    const hit = this.byNode.get(u.id);
    if (hit) return hit.node;
    const def = this.names.get(u.id) ?? null;
    const text = def ?? this.text(u);
    const latex = def ? latexName(def) : this.latex(u);
    // Named after u's text (a structural name: output never depends on node ids); distinct nodes that
    // print alike get distinct names.
    let name = `(${text})`;
    for (let k = 2; this.byName.has(name); k++) name = `(${text})#${k}`;
    const p: Placeholder = { u, node: this.b.dvar(name, u.shape), text, latex, def };
    this.byName.set(name, p);
    this.byNode.set(u.id, p);
    return p.node;
  }

  /** The expression a placeholder stands for (undefined for any other node). */
  expressionOf(n: Node): Node | undefined {
    if (n.op !== "dvar") return undefined;
    const p = this.byName.get(n.name!);
    return p && p.node === n ? p.u : undefined;
  }

  /** Placeholder name -> the expression whose differential it is. */
  placeholders(): Map<string, Node> {
    return new Map([...this.byName].map(([k, p]) => [k, p.u]));
  }

  isDefinition(u: Node): boolean {
    return this.names.has(u.id);
  }

  /** The label of u inside d(...): its definition name or its text. */
  label(u: Node): string {
    return this.names.get(u.id) ?? this.text(u);
  }

  text(n: Node): string {
    return new DagPrinter(this.textSyntax, { shareMinLength: Number.POSITIVE_INFINITY, names: this.names }).print(n);
  }

  latex(n: Node): string {
    return new DagPrinter(this.latexSyntax, { shareMinLength: Number.POSITIVE_INFINITY, names: this.names }).print(n);
  }

  show(n: Node): Shown {
    return { text: this.text(n), latex: this.latex(n) };
  }
}

/**
 * For display: tr(dU*A*B) as tr(A*B*dU), the differential last, as textbooks write it (the canonical
 * rotation may put it first). Everything else is kept exactly; the result is evaluated like any node.
 */
export function differentialLast(b: Builder, root: Node): Node {
  return rebuild(root, (n, args) => {
    let as = args;
    if (n.op === "tr" && as[0]!.op === "mul" && as[0]!.args[0]!.op === "dvar" && as[0]!.args.some((f) => f.op !== "dvar")) {
      const fs = [...as[0]!.args];
      while (fs[0]!.op === "dvar") fs.push(fs.shift()!);
      const m = as[0]!;
      as = [b.store.intern("mul", fs, m.shape)];
    }
    if (as.every((a, i) => a === n.args[i])) return n;
    const attrs = {
      ...(n.num !== undefined ? { num: n.num } : {}),
      ...(n.name !== undefined ? { name: n.name } : {}),
      ...(n.props !== undefined ? { props: n.props } : {}),
    };
    return b.store.intern(n.op, as, n.shape, attrs);
  });
}
