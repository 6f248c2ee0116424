// The library's main entry: differentiate a program with respect to a variable and return the answer
// as text (input language), LaTeX and shapes, with the assumptions and conventions it rests on.

import { type DerivativeKind, type DerivativeResult, type Layout, derive } from "../diff/derive.js";
import type { Node } from "../ir/node.js";
import { toLatex } from "../print/latex.js";
import { toText } from "../print/text.js";
import type { ExternalVar } from "../shape/infer.js";
import { type Shape, describeShape } from "../shape/shape.js";
import { type Compiled, compile, wrtVariable } from "./compile.js";

export interface DifferentiateOptions {
  readonly wrt: string;
  readonly vars?: Readonly<Record<string, ExternalVar>>;
  readonly order?: number;
  readonly layout?: Layout;
}

export interface Rendered {
  readonly text: string;
  readonly latex: string;
  readonly shape: Shape;
  readonly shapeText: string;
}

export interface Differentiated {
  readonly compiled: Compiled;
  readonly result: DerivativeResult;
  readonly function: Rendered;
  readonly derivative: Rendered;
  /** df written out, for first-order derivatives. */
  readonly differential: Rendered | null;
  readonly kind: DerivativeKind;
  readonly wrt: string;
  readonly order: number;
  readonly assumptions: readonly string[];
  readonly notes: readonly string[];
  readonly convention: string;
}

export function render(c: Compiled, n: Node): Rendered {
  const reserved = new Set<string>([...c.vars.keys(), ...c.dims]);
  return {
    text: toText(n, { reserved }),
    latex: toLatex(n, { reserved }),
    shape: n.shape,
    shapeText: describeShape(n.shape),
  };
}

export function differentiate(source: string, opts: DifferentiateOptions): Differentiated {
  const compiled = compile(source, opts.vars ? { vars: opts.vars } : {});
  return differentiateCompiled(compiled, opts);
}

export function differentiateCompiled(compiled: Compiled, opts: DifferentiateOptions): Differentiated {
  const v = wrtVariable(compiled, opts.wrt);
  const order = opts.order ?? 1;
  const result = derive(compiled.b, compiled.f, v.node, { order, layout: opts.layout ?? "numerator" });
  return {
    compiled,
    result,
    function: render(compiled, compiled.f),
    derivative: render(compiled, result.expr),
    differential: result.differential ? render(compiled, result.differential) : null,
    kind: result.kind,
    wrt: opts.wrt,
    order,
    assumptions: compiled.assumptions,
    notes: result.notes,
    convention: result.convention,
  };
}
