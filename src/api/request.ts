// The JSON request contract shared by `matcalc json`, the library and the web page: one plain-data request in,
// one plain-data response out. Pure (no Node APIs) and total: every failure becomes an error response.

import { type ErrorCode, MatcalcError, toErrorInfo } from "../diagnostics/errors.js";
import type { DerivativeKind } from "../diff/derive.js";
import { type Env, type JsonValue, bindDims, evaluateNodes, fromJson, toJson } from "../numeric/evaluate.js";
import type { CheckReport } from "../numeric/check.js";
import { type NdJson, ndToJson } from "../numeric/ndarray.js";
import type { Mat } from "../numeric/matrix.js";
import type { ExternalVar } from "../shape/infer.js";
import { type Dim, describeShape } from "../shape/shape.js";
import { type Step, deriveSteps } from "../steps/derivation.js";
import type { Compiled } from "./compile.js";
import { type Differentiated, type ValueOptions, checkDerivative, derivativeArray, differentiate, renderIndex } from "./differentiate.js";
import { CODE_TARGETS, type CodeTarget, generateCode } from "../codegen/generate.js";
import { ClaimError, type ClaimReport, checkClaim } from "./claim.js";

/** Outputs a request can ask for besides the derivative itself. */
export const EMITS = ["check", "differential", "index", "steps", "numpy", "jax", "torch", "ts"] as const;
export type EmitName = (typeof EMITS)[number];
/** Emits that are planned but not implemented yet: asking for one is an "unsupported" error. */
const PLANNED: ReadonlySet<string> = new Set<EmitName>([]);

/** Highest derivative order a request may ask for (keeps one request from running for minutes). */
export const MAX_ORDER = 20;

export interface VarSpec {
  /** [] for a scalar, [d] for a column vector, [d1, d2] for a matrix; dims are names or positive integers. */
  readonly shape: readonly (string | number)[];
  /** symmetric, spd, diagonal, orthogonal. */
  readonly props?: readonly string[];
}

export interface Request {
  /** Any JSON value; echoed in the response (null when absent). */
  readonly id?: unknown;
  /** The program: declarations, definitions, and the function as its last expression. */
  readonly expr: string;
  readonly vars?: Readonly<Record<string, VarSpec>>;
  readonly wrt: string;
  readonly order?: number;
  readonly layout?: "numerator" | "denominator";
  /** Point to evaluate the function and the derivative at; a flat array is a column vector. */
  readonly values?: Readonly<Record<string, JsonValue>>;
  readonly emit?: readonly string[];
  /** Seed for the numeric check (emit "check") and for the comparison with a claim. */
  readonly seed?: number;
  /** A derivative someone wrote, in the input language (it may use the program's definitions): checked against it. */
  readonly claim?: string;
  /** Tensor-valued derivatives as the matricized matrix dvec(f)/dvec(X) (derivativeValue and code), not N-D arrays. */
  readonly matricize?: boolean;
}

export interface RenderedJson {
  readonly text: string;
  readonly latex: string;
  /** Dimensions, e.g. ["n", 1]; [1, 1] for a scalar. */
  readonly shape: Dim[];
}

/** The part of a success response that describes the derivative (also printed by `matcalc diff --format json`). */
export interface DerivativeJson {
  readonly function: RenderedJson;
  readonly derivative: RenderedJson;
  readonly kind: DerivativeKind;
  readonly convention: string;
  readonly assumptions: string[];
  readonly notes: string[];
  /** Legal but probably unintended readings (a kind guessed from a first letter, a scalar broadcast); [] when none. */
  readonly warnings: { code: string; message: string }[];
}

export interface SuccessResponse extends DerivativeJson {
  readonly id: unknown;
  readonly ok: true;
  /** The function at `values`. */
  readonly value?: JsonValue;
  /** The derivative at `values`: an N-D array for tensors (the function's axes, then the variable's). */
  readonly derivativeValue?: NdJson;
  readonly check?: CheckReport;
  /** df, linear in the differential of the variable; null for order > 1. */
  readonly differential?: { text: string; latex: string } | null;
  /** The derivative in index (Einstein) notation, e.g. `df_ij/dX_kl = A_ik*B_lj` (emit "index"). */
  readonly index?: { text: string; latex: string };
  /** The derivation, step by step (emit "steps"). */
  readonly steps?: Step[];
  /** Source of a module evaluating the function and the derivative, per target asked for (emit "numpy", ...). */
  readonly code?: Partial<Record<CodeTarget, string>>;
  /** The verdict on `claim`: whether it is the derivative, and if not, the difference and the convention it follows. */
  readonly claim?: ClaimReport;
}

export interface ErrorJson {
  readonly code: ErrorCode;
  readonly message: string;
  readonly span: [number, number] | null;
  /** "claim" when the error is in the claim (the span then indexes into the claim); absent for the expression. */
  readonly field?: "claim";
}

export interface FailureResponse {
  readonly id: unknown;
  readonly ok: false;
  readonly error: ErrorJson;
}

export type Response = SuccessResponse | FailureResponse;

const FIELDS: ReadonlySet<string> = new Set(["id", "expr", "vars", "wrt", "order", "layout", "values", "emit", "seed", "claim", "matricize"]);

function usage(message: string): never {
  throw new MatcalcError("usage", message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Checks the form of a request (not its meaning) and returns it typed; a "usage" error otherwise. */
export function validateRequest(req: unknown): Request {
  if (!isObject(req)) usage(`a request must be a JSON object, got ${show(req)}`);
  for (const k of Object.keys(req)) {
    if (!FIELDS.has(k)) usage(`unknown request field '${k}' (expected ${[...FIELDS].join(", ")})`);
  }
  if (req.expr === undefined) usage("missing field 'expr' (the expression to differentiate)");
  if (typeof req.expr !== "string") usage(`'expr' must be a string, got ${show(req.expr)}`);
  if (req.wrt === undefined) usage("missing field 'wrt' (the variable to differentiate with respect to)");
  if (typeof req.wrt !== "string") usage(`'wrt' must be a string, got ${show(req.wrt)}`);
  if (req.order !== undefined) {
    if (typeof req.order !== "number" || !Number.isInteger(req.order) || req.order < 1) {
      usage(`'order' must be a positive integer, got ${show(req.order)}`);
    }
    if (req.order > MAX_ORDER) usage(`'order' must be at most ${MAX_ORDER}, got ${req.order}`);
  }
  if (req.layout !== undefined && req.layout !== "numerator" && req.layout !== "denominator") {
    usage(`'layout' must be "numerator" or "denominator", got ${show(req.layout)}`);
  }
  if (req.seed !== undefined && (typeof req.seed !== "number" || !Number.isSafeInteger(req.seed))) {
    usage(`'seed' must be an integer, got ${show(req.seed)}`);
  }
  if (req.matricize !== undefined && typeof req.matricize !== "boolean") {
    usage(`'matricize' must be true or false, got ${show(req.matricize)}`);
  }
  if (req.claim !== undefined && typeof req.claim !== "string") usage(`'claim' must be a string, got ${show(req.claim)}`);
  if (req.emit !== undefined) {
    if (!Array.isArray(req.emit)) usage(`'emit' must be an array of names, got ${show(req.emit)}`);
    for (const e of req.emit) {
      if (typeof e !== "string") usage(`'emit' must be an array of names, got ${show(e)} in it`);
      if (!(EMITS as readonly string[]).includes(e)) usage(`unknown emit '${e}' (expected ${EMITS.join(", ")})`);
    }
  }
  if (req.vars !== undefined) validateVars(req.vars);
  if (req.values !== undefined && !isObject(req.values)) {
    usage(`'values' must be an object mapping variable names to numbers or arrays, got ${show(req.values)}`);
  }
  return req as unknown as Request;
}

function validateVars(vars: unknown): asserts vars is Record<string, VarSpec> {
  if (!isObject(vars)) usage(`'vars' must be an object like {"x": {"shape": ["n"]}}, got ${show(vars)}`);
  for (const [name, spec] of Object.entries(vars)) {
    if (!isObject(spec)) usage(`vars.${name} must be an object like {"shape": ["n", "n"], "props": ["symmetric"]}`);
    for (const k of Object.keys(spec)) {
      if (k !== "shape" && k !== "props") usage(`vars.${name}: unknown field '${k}' (expected shape, props)`);
    }
    const { shape, props } = spec;
    if (!Array.isArray(shape)) {
      usage(`vars.${name}.shape must be an array: [] (scalar), ["n"] (vector) or ["n", "m"] (matrix)`);
    }
    if (shape.length > 2) usage(`vars.${name}.shape has ${shape.length} axes; at most 2 are supported`);
    for (const d of shape) {
      if (typeof d !== "string" && typeof d !== "number") {
        usage(`vars.${name}.shape: a dimension must be a name or a positive integer, got ${show(d)}`);
      }
    }
    if (props !== undefined && (!Array.isArray(props) || props.some((p) => typeof p !== "string"))) {
      usage(`vars.${name}.props must be an array of names (symmetric, spd, diagonal, orthogonal)`);
    }
  }
}

/** The JSON description of a derivative: everything but the id, the values and the emits. */
export function derivativeJson(d: Differentiated): DerivativeJson {
  return {
    function: { text: d.function.text, latex: d.function.latex, shape: [...d.function.shape] },
    derivative: { text: d.derivative.text, latex: d.derivative.latex, shape: [...d.derivative.shape] },
    kind: d.kind,
    convention: d.convention,
    assumptions: [...d.assumptions],
    notes: [...d.notes],
    warnings: d.warnings.map((w) => ({ code: w.code, message: w.message })),
  };
}

/** The function and the derivative evaluated at user values; "value" errors for missing or ill-fitting values. */
export function evaluateAt(
  d: Differentiated,
  values: Readonly<Record<string, unknown>>,
  opts: ValueOptions = {},
): { value: JsonValue; derivativeValue: NdJson } {
  const c = d.compiled;
  const env = valuesEnv(c, values);
  const [fv] = evaluateNodes([c.f], env) as [Mat];
  return { value: toJson(fv, c.f.shape), derivativeValue: ndToJson(derivativeArray(d, env, opts)) };
}

/** The evaluation environment for user values (plain numbers and arrays): one for every variable, each fitting. */
export function valuesEnv(c: Compiled, values: Readonly<Record<string, unknown>>): Env {
  const names = [...c.vars.keys()];
  for (const name of Object.keys(values)) {
    if (!c.vars.has(name)) {
      const known = names.length > 0 ? ` (its variables: ${names.join(", ")})` : "";
      throw new MatcalcError("value", `values: '${name}' is not a variable of the expression${known}`);
    }
  }
  const mats = new Map<string, Mat>();
  for (const v of c.vars.values()) {
    if (!Object.hasOwn(values, v.name)) {
      throw new MatcalcError("value", `values: no value given for '${v.name}', a ${describeShape(v.shape)}`);
    }
    mats.set(v.name, fromJson(v.name, values[v.name], v.shape));
  }
  return { values: mats, dims: bindDims(c.vars.values(), mats) };
}

/** Answers one request. Never throws: every problem becomes {ok: false, error}. */
export function handleRequest(req: unknown): Response {
  const id = isObject(req) && req.id !== undefined ? req.id : null;
  try {
    const r = validateRequest(req);
    const emit = new Set(r.emit ?? []);
    for (const e of emit) {
      if (PLANNED.has(e)) throw new MatcalcError("unsupported", `emit '${e}' is not supported yet (it is planned)`);
    }
    const d = differentiate(r.expr, {
      wrt: r.wrt,
      ...(r.vars ? { vars: r.vars as Readonly<Record<string, ExternalVar>> } : {}),
      ...(r.order !== undefined ? { order: r.order } : {}),
      ...(r.layout ? { layout: r.layout } : {}),
    });
    const out: Record<string, unknown> = { id, ok: true, ...derivativeJson(d) };
    if (r.values !== undefined) Object.assign(out, evaluateAt(d, r.values, r.matricize ? { matricize: true } : {}));
    if (r.claim !== undefined) out.claim = checkClaim(d, r.claim, r.seed !== undefined ? { seed: r.seed } : {});
    if (emit.has("check")) {
      // at the request's values when it gives them (the directions stay random)
      out.check = checkDerivative(d, {
        ...(r.seed !== undefined ? { seed: r.seed } : {}),
        ...(r.values !== undefined ? { values: valuesEnv(d.compiled, r.values).values } : {}),
      });
    }
    if (emit.has("differential")) {
      out.differential = d.differential ? { text: d.differential.text, latex: d.differential.latex } : null;
    }
    if (emit.has("index")) out.index = renderIndex(d);
    if (emit.has("steps")) out.steps = deriveSteps(d);
    const targets = CODE_TARGETS.filter((t) => emit.has(t));
    if (targets.length > 0) out.code = Object.fromEntries(targets.map((t) => [t, generateCode(d, t, r.matricize ? { matricize: true } : {})]));
    return out as unknown as SuccessResponse;
  } catch (e) {
    return failure(id, e);
  }
}

/** The failure response for any thrown value. */
export function failure(id: unknown, e: unknown): FailureResponse {
  return { id, ok: false, error: e instanceof ClaimError ? { ...toErrorInfo(e), field: e.field } : toErrorInfo(e) };
}
