// Evaluation from plain data: a program and values as numbers and nested arrays in, plain numbers and arrays out.
// Values go through the JSON request contract's conversion (valuesEnv, evaluateAt), so the library and `matcalc json` agree.

import { MatcalcError } from "../diagnostics/errors.js";
import { type JsonValue, evaluateNodes, toJson } from "../numeric/evaluate.js";
import type { Mat } from "../numeric/matrix.js";
import type { NdJson } from "../numeric/ndarray.js";
import type { ExternalVar } from "../shape/infer.js";
import type { Shape } from "../shape/shape.js";
import { compile } from "./compile.js";
import { type DifferentiateOptions, type Differentiated, differentiate } from "./differentiate.js";
import { evaluateAt, valuesEnv } from "./request.js";

/** Values by variable name: a number (scalar), a flat array (vector) or an array of rows (matrix). */
export type Values = Readonly<Record<string, JsonValue>>;

export interface EvaluateOptions {
  /** Declarations, as in the JSON API: {"S": {"shape": ["n", "n"], "props": ["spd"]}}. */
  readonly vars?: Readonly<Record<string, ExternalVar>>;
}

/** The function and its derivative at the same values. */
export interface DerivativeAt {
  readonly value: JsonValue;
  /** As `derivativeValue` in the JSON API: gradients have the variable's shape, Jacobians rows follow f, tensors N-D. */
  readonly derivative: NdJson;
}

/**
 * The value of the program's function at plain values: `evaluate("x'*A*x", {x: [1, 2], A: [[1, 2], [3, 4]]})` is 27.
 * A variable the program does not declare takes its kind from its value (number: scalar, flat array: vector, array
 * of rows: matrix), so `evaluate("x^2", {x: 3})` is 9 although x alone would be a vector.
 */
export function evaluate(expr: string, values: Values, opts: EvaluateOptions = {}): JsonValue {
  const c = compile(expr, { vars: declarations(expr, checkValues(values), opts.vars ?? {}) });
  const [v] = evaluateNodes([c.f], valuesEnv(c, values)) as [Mat];
  return toJson(v, c.f.shape);
}

/**
 * The function and its derivative at plain values. Either differentiate here (`wrt` and the other options of
 * `differentiate`; undeclared variables take their kind from their values, as in `evaluate`) or pass the result of
 * `differentiate`, whose shapes are already fixed.
 */
export function evaluateDerivative(d: Differentiated, values: Values): DerivativeAt;
export function evaluateDerivative(expr: string, values: Values, opts: DifferentiateOptions): DerivativeAt;
export function evaluateDerivative(d: Differentiated | string, values: Values, opts?: DifferentiateOptions): DerivativeAt {
  checkValues(values);
  if (typeof d === "string") {
    if (opts === undefined) throw new MatcalcError("wrt", "no variable to differentiate with respect to (wrt)");
    d = differentiate(d, { ...opts, vars: declarations(d, values, opts.vars ?? {}) });
  }
  const r = evaluateAt(d, values);
  return { value: r.value, derivative: r.derivativeValue };
}

function checkValues(values: unknown): Values {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new MatcalcError("usage", "values must be an object mapping variable names to numbers or arrays");
  }
  return values as Values;
}

/** The sizes of a plain value's axes: [] for a number, [n] for a flat array, [rows, columns] for rows; null otherwise. */
function sizes(v: unknown): number[] | null {
  if (typeof v === "number") return [];
  if (!Array.isArray(v) || v.length === 0) return null;
  if (v.every((x) => typeof x === "number")) return [v.length];
  const first: unknown = v[0];
  return v.every((x) => Array.isArray(x)) && Array.isArray(first) && first.length > 0 ? [v.length, first.length] : null;
}

function rankOf(s: Shape): number {
  return s[0] === 1 && s[1] === 1 ? 0 : s[1] === 1 ? 1 : 2;
}

/**
 * The declarations to compile with: `vars`, plus each variable the program does not declare whose value is of
 * another kind than its inferred one, declared with the value's sizes. Declaring one can change what is inferred for
 * another (x*y makes y a scalar, but a vector once x is one), so this repeats until nothing changes: each round
 * declares at least one more variable. A value that is none of the three kinds is left to the value check.
 */
function declarations(
  expr: string,
  values: Values,
  vars: Readonly<Record<string, ExternalVar>>,
): Readonly<Record<string, ExternalVar>> {
  let decls: Record<string, ExternalVar> = { ...vars };
  for (;;) {
    const c = compile(expr, { vars: decls });
    const byValue: Record<string, ExternalVar> = {};
    for (const v of c.vars.values()) {
      const s = sizes(values[v.name]);
      if (v.origin !== "inferred" || s === null || s.length === rankOf(v.shape)) continue;
      // A row vector (matrix(1, n)) accepts a flat array too.
      if (s.length === 1 && v.shape[0] === 1 && v.shape[1] !== 1) continue;
      byValue[v.name] = { shape: s };
    }
    if (Object.keys(byValue).length === 0) return decls;
    decls = { ...decls, ...byValue };
  }
}
