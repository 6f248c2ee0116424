// The front half of the pipeline as one call: text -> AST -> shapes -> IR, with the assumptions made.
// Everything a caller (CLI, JSON API, page) needs to differentiate or evaluate a program.

import { MatcalcError, type Span } from "../diagnostics/errors.js";
import { Builder } from "../ir/builder.js";
import { lower } from "../ir/lower.js";
import type { Node } from "../ir/node.js";
import { type ExternalVar, inferProgram } from "../shape/infer.js";
import { type Prop, type Shape, describeShape } from "../shape/shape.js";
import { type Warning, shapeWarnings } from "../shape/warnings.js";
import { parse } from "../syntax/parser.js";

export interface VarInfo {
  readonly name: string;
  readonly node: Node;
  readonly shape: Shape;
  readonly props: readonly Prop[];
  readonly origin: "declared" | "inferred";
  readonly span: Span | null;
}

export interface Compiled {
  readonly source: string;
  readonly b: Builder;
  /** The function (the program's last expression), as an IR node. */
  readonly f: Node;
  readonly vars: ReadonlyMap<string, VarInfo>;
  readonly defs: readonly { name: string; node: Node }[];
  /** Declared dimension names (n in vector(n)) and names chosen for inferred dimensions. */
  readonly dims: ReadonlySet<string>;
  /** One line per variable: "x: vector(n) (inferred)". */
  readonly assumptions: readonly string[];
  /** Kinds guessed from first letters or scalar broadcasts that decide the kind of f (shape/warnings.ts). */
  readonly warnings: readonly Warning[];
}

export interface CompileOptions {
  readonly vars?: Readonly<Record<string, ExternalVar>>;
  readonly builder?: Builder;
}

export function describeVar(v: { name: string; shape: Shape; props: readonly Prop[] }): string {
  // A declaration of the language, so that assumptions can be pasted back: a row vector is matrix(1, n).
  const row = v.shape[0] === 1 && v.shape[1] !== 1;
  const base = row ? `matrix(1, ${v.shape[1]})` : describeShape(v.shape);
  if (v.props.length === 0) return `${v.name}: ${base}`;
  return `${v.name}: ${v.props.map((p) => `${p}(${v.shape[0]})`).join(" ")}`;
}

export function compile(source: string, opts: CompileOptions = {}): Compiled {
  const program = parse(source);
  const { typed, inf } = inferProgram(program, opts.vars ?? {});
  const resolve = inf.resolve();
  const b = opts.builder ?? new Builder();
  const low = lower(b, typed, resolve);
  const vars = new Map<string, VarInfo>();
  const dims = new Set<string>(typed.dimNames);
  for (const [name, v] of low.vars) {
    const span = typed.vars.get(name)?.span ?? null;
    vars.set(name, { name, node: v.node, shape: v.shape, props: v.props, origin: v.origin, span });
    for (const d of v.shape) if (typeof d === "string") dims.add(d);
  }
  const assumptions = [...vars.values()]
    .sort((a, c) => (a.span?.[0] ?? -1) - (c.span?.[0] ?? -1))
    .map((v) => `${describeVar(v)}${v.origin === "inferred" ? " (inferred)" : ""}`);
  const warnings = shapeWarnings(program, typed, resolve, opts.vars ?? {});
  return { source, b, f: low.f, vars, defs: low.defs, dims, assumptions, warnings };
}

/** The variable node to differentiate by, or a coded error naming the problem. */
export function wrtVariable(c: Compiled, wrt: string, defsNames: readonly string[] = c.defs.map((d) => d.name)): VarInfo {
  if (typeof wrt !== "string" || wrt.length === 0) throw new MatcalcError("wrt", "no variable to differentiate with respect to (wrt)");
  const v = c.vars.get(wrt);
  if (v) return v;
  if (defsNames.includes(wrt)) {
    throw new MatcalcError("wrt", `'${wrt}' is defined as an expression, not a variable: differentiate with respect to one of its variables`);
  }
  if (c.dims.has(wrt)) throw new MatcalcError("wrt", `'${wrt}' is a dimension, not a variable`);
  const names = [...c.vars.keys()];
  throw new MatcalcError(
    "wrt",
    `'${wrt}' does not occur in the expression${names.length > 0 ? ` (its variables: ${names.join(", ")})` : ""}`,
  );
}
