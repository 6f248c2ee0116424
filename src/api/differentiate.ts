// The library's main entry: differentiate a program with respect to a variable and return the answer
// as text (input language), LaTeX and shapes, with the assumptions and conventions it rests on.

import { type DerivativeKind, type DerivativeResult, type Layout, derive } from "../diff/derive.js";
import type { Node } from "../ir/node.js";
import { toLatex } from "../print/latex.js";
import { toText } from "../print/text.js";
import { type CheckOptions, type CheckReport, check } from "../numeric/check.js";
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
  readonly layout: Layout;
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
    layout: opts.layout ?? "numerator",
    assumptions: compiled.assumptions,
    notes: result.notes,
    convention: result.convention,
  };
}

/** Verify a derivative numerically (see numeric/check.ts); on by default in the CLI. */
export function checkDerivative(d: Differentiated, opts: CheckOptions = {}): CheckReport {
  const c = d.compiled;
  const wrt = c.vars.get(d.wrt)!.node;
  let lower: Node | undefined;
  if (d.order >= 2 && d.kind !== "hessian") {
    lower = derive(c.b, c.f, wrt, { order: d.order - 1, layout: "numerator" }).raw;
  }
  return check(
    {
      f: c.f,
      wrt,
      vars: c.vars.values(),
      kind: d.kind,
      derivative: d.result.raw,
      layout: d.kind === "jacobian" || d.kind === "derivative" ? (d.layout ?? "numerator") : "numerator",
      ...(lower ? { lower } : {}),
    },
    opts,
  );
}
