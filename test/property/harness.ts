// The three properties as plain functions over a program text, shared by the random suite and the fixed
// regression table: each returns an outcome (acceptable ones are counted, anything else is a failure).

import { compile, describeVar, type Compiled } from "../../src/api/compile.js";
import { checkDerivative, differentiateCompiled, type Differentiated, render as renderNode } from "../../src/api/differentiate.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { bindDims, evaluateNodes } from "../../src/numeric/evaluate.js";
import * as M from "../../src/numeric/matrix.js";
import { rng } from "../../src/numeric/random.js";
import { parse } from "../../src/syntax/parser.js";
import { ReferenceDomainError, randomValues, referenceEvaluate } from "./reference.js";

/** Acceptable outcomes of the derivative check, and the failures. */
export type CheckOutcome = "PASS" | "SKIPPED" | "unsupported" | "non-smooth" | "FAIL" | "error";
export const CHECK_OK: readonly CheckOutcome[] = ["PASS", "SKIPPED", "unsupported", "non-smooth"];

export interface Result<T extends string> {
  readonly outcome: T;
  /** What happened, with everything needed to reproduce it. */
  readonly detail: string;
}

/** Functions that are not differentiable everywhere: finite differences may straddle their kinks. */
const NON_SMOOTH = /\b(abs|sign|relu|norm1)\(/;

/** A small stable hash of the program text, so that each program gets its own reproducible check seed. */
export function seedOf(source: string): number {
  let h = 2166136261;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 16777619);
  return 1 + ((h >>> 0) % 100_000);
}

const describe = (source: string, wrt: string, order: number) => `${JSON.stringify(source)} d/d${wrt} order ${order}`;

/** Differentiate, or return the coded reason why not. Errors other than MatcalcError propagate. */
function tryDifferentiate(c: Compiled, wrt: string, order: number): Differentiated | MatcalcError {
  try {
    return differentiateCompiled(c, { wrt, order });
  } catch (e) {
    if (e instanceof MatcalcError) return e;
    throw e;
  }
}

/** Property 1: the derivative of the given order passes the numeric check. */
export function checkProperty(source: string, wrt: string, order: number): Result<CheckOutcome> {
  const what = describe(source, wrt, order);
  let d: Differentiated | MatcalcError;
  try {
    d = tryDifferentiate(compile(source), wrt, order);
  } catch (e) {
    return { outcome: "error", detail: `${what}: ${String(e)}` };
  }
  if (d instanceof MatcalcError) {
    return d.code === "unsupported"
      ? { outcome: "unsupported", detail: `${what}: ${d.message}` }
      : { outcome: "error", detail: `${what}: ${d.code}: ${d.message}` };
  }
  const seed = seedOf(source);
  let report;
  try {
    report = checkDerivative(d, { seed });
  } catch (e) {
    return { outcome: "error", detail: `${what} => ${d.derivative.text}: check threw ${String(e)}` };
  }
  const detail = `${what} => ${d.derivative.text}: ${report.message}`;
  if (report.status !== "FAIL") return { outcome: report.status, detail };
  if (NON_SMOOTH.test(source)) {
    // Finite differences across a kink are not a derivative: a real error fails at other points too.
    const again = [seed + 1, seed + 2].map((s) => checkDerivative(d, { seed: s }).status);
    if (again.every((s) => s === "PASS")) return { outcome: "non-smooth", detail };
  }
  return { outcome: "FAIL", detail };
}

export type MutationOutcome = "caught" | "not-checked" | "missed";

/**
 * The check is not vacuous: wherever the derivative PASSes, a wrong one FAILs. Two wrong ones are tried,
 * off by 1% and off by 0.01 in every entry; a relative check cannot see the first on a derivative near 0,
 * nor the second on a large one, so one of the two must FAIL ("not-checked": the derivative itself did
 * not PASS, or has no matrix form to perturb).
 */
export function mutationProperty(source: string, wrt: string, order: 1 | 2 = 1): Result<MutationOutcome> {
  const what = describe(source, wrt, order);
  const d = tryDifferentiate(compile(source), wrt, order);
  if (d instanceof MatcalcError || d.result.raw === null) return { outcome: "not-checked", detail: what };
  const raw = d.result.raw;
  const seed = seedOf(source);
  if (checkDerivative(d, { seed }).status !== "PASS") return { outcome: "not-checked", detail: what };
  const b = d.compiled.b;
  const wrongs = [b.times(b.num(1.01), raw), b.add(raw, b.times(b.num(0.01), b.ones(raw.shape)))];
  const reports = wrongs.map((w) => checkDerivative({ ...d, result: { ...d.result, raw: w } }, { seed }));
  return reports.some((r) => r.status === "FAIL")
    ? { outcome: "caught", detail: what }
    : { outcome: "missed", detail: `${what} => ${d.derivative.text}, off by 1% or by 0.01: ${reports.map((r) => r.message).join("; ")}` };
}

export type RoundTripOutcome = "same" | "mismatch" | "error";

/**
 * How each part fared: "function same", "order 1 same", "order 2 unsupported", "order 1 index-form" (an
 * answer in index notation is not a program of the input language), "order 1 kronecker-form" (one that
 * does not compile yet; once it does, it must read back as the same node).
 */
export interface RoundTripResult extends Result<RoundTripOutcome> {
  readonly parts: readonly string[];
}

/** Property 2: printing the function and its derivatives as text and compiling again gives the same node. */
export function roundTripProperty(source: string, wrt: string, orders: readonly number[] = [1, 2]): RoundTripResult {
  let c: Compiled;
  try {
    c = compile(source);
  } catch (e) {
    return { outcome: "error", detail: `${JSON.stringify(source)}: ${String(e)}`, parts: [] };
  }
  const decls = [...c.vars.values()].map((v) => describeVar(v)).join("\n");
  const back = (text: string) => compile(`${decls}\n${text}`, { builder: c.b }).f;
  const parts: string[] = [];
  const fail = (outcome: RoundTripOutcome, detail: string): RoundTripResult => ({ outcome, detail, parts });
  const compare = (label: string, text: string, node: unknown, lenient: boolean): RoundTripResult | null => {
    let got: unknown;
    try {
      got = back(text);
    } catch (e) {
      if (lenient && e instanceof MatcalcError) {
        parts.push(`${label} kronecker-form`);
        return null;
      }
      return fail("error", `${JSON.stringify(source)} d/d${wrt}: the ${label} ${JSON.stringify(text)} does not compile: ${String(e)}`);
    }
    if (got !== node) {
      return fail("mismatch", `${JSON.stringify(source)} d/d${wrt}: the ${label} printed as ${JSON.stringify(text)} compiles to a different node`);
    }
    parts.push(`${label} same`);
    return null;
  };
  const fText = renderNode(c, c.f).text;
  const bad = compare("function", fText, c.f, false);
  if (bad) return bad;
  for (const order of orders) {
    const label = `order ${order}`;
    let d: Differentiated | MatcalcError;
    try {
      d = tryDifferentiate(c, wrt, order);
    } catch (e) {
      return fail("error", `${describe(source, wrt, order)}: ${String(e)}`);
    }
    if (d instanceof MatcalcError) {
      if (d.code !== "unsupported") return fail("error", `${describe(source, wrt, order)}: ${d.code}: ${d.message}`);
      parts.push(`${label} unsupported`);
      continue;
    }
    // Answers in index notation are not programs; Kronecker forms are compared once they compile.
    const form = (d.result as { form?: string }).form ?? "matrix";
    if (form === "index" || d.result.expr === null) {
      parts.push(`${label} index-form`);
      continue;
    }
    const bad = compare(label, d.derivative.text, d.result.expr, form === "kronecker");
    if (bad) return bad;
  }
  return { outcome: "same", detail: JSON.stringify(source), parts };
}

export type ValueOutcome = "agree" | "out-of-domain" | "differ" | "error";

/** Property 3: the canonical IR evaluates to the value of the surface program under the reference evaluator. */
export function valueProperty(source: string, seed: number): Result<ValueOutcome> {
  const what = `${JSON.stringify(source)} (value seed ${seed})`;
  let c: Compiled;
  try {
    c = compile(source);
  } catch (e) {
    return { outcome: "error", detail: `${what}: ${String(e)}` };
  }
  const r = rng(seed);
  const sizes: Record<string, number> = {};
  for (const v of c.vars.values()) {
    for (const d of v.shape) if (typeof d === "string" && sizes[d] === undefined) sizes[d] = 2 + Math.floor(r() * 3);
  }
  for (const d of c.dims) if (sizes[d] === undefined) sizes[d] = 2 + Math.floor(r() * 3);
  const values = randomValues([...c.vars.values()], sizes, r);
  let ref;
  try {
    ref = referenceEvaluate(parse(source), values, new Map(Object.entries(sizes)));
  } catch (e) {
    if (e instanceof ReferenceDomainError) return { outcome: "out-of-domain", detail: `${what}: ${e.message}` };
    return { outcome: "error", detail: `${what}: the reference evaluator failed: ${String(e)}` };
  }
  let got;
  try {
    const dims = bindDims(c.vars.values(), values);
    for (const [k, v] of Object.entries(sizes)) if (!dims.has(k)) dims.set(k, v);
    [got] = evaluateNodes([c.f], { values, dims });
  } catch (e) {
    return { outcome: "error", detail: `${what}: the IR ${JSON.stringify(render(c))} fails where the program does not: ${String(e)}` };
  }
  const sameShape = got!.rows === ref.value.rows && got!.cols === ref.value.cols;
  const err = sameShape ? M.maxAbs(M.sub(got!, ref.value)) : Number.POSITIVE_INFINITY;
  const tol = 1e-9 * Math.max(1, ref.scale);
  if (err <= tol) return { outcome: "agree", detail: what };
  return {
    outcome: "differ",
    detail: `${what}: the IR ${JSON.stringify(render(c))} gives ${fmt(got!)}, the program ${fmt(ref.value)} (difference ${err.toExponential(2)}, tolerance ${tol.toExponential(2)})`,
  };
}

const render = (c: Compiled): string => renderNode(c, c.f).text;

function fmt(m: M.Mat): string {
  const xs = Array.from(m.data.slice(0, 4), (x) => x.toPrecision(6));
  return `${m.rows}x${m.cols} [${xs.join(", ")}${m.data.length > 4 ? ", ..." : ""}]`;
}
