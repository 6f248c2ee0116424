// Everything the page asks of the engine, as pure functions from a job to plain-data answers (run in a Web Worker).
// Only handleRequest and compile() are used, one request per optional output, so an unsupported one fails alone.

import { type Compiled, type Response, compile, formatError, handleRequest, toLatex } from "../../src/index.js";
import {
  type CodeTarget,
  type Kind,
  type Layout,
  type Notation,
  type PropName,
  type VarOverride,
  PROP_NAMES,
  toVarSpec,
} from "./state.js";

export interface Job {
  readonly seq: number;
  readonly expr: string;
  readonly vars: Readonly<Record<string, VarOverride>>;
  readonly wrt: string;
  readonly order: number;
  readonly layout: Layout;
  readonly notation: Notation;
  readonly seed: number;
  /** The code tab on show (null: none wanted), and whether the steps panel is open. */
  readonly code: CodeTarget | null;
  readonly steps: boolean;
}

export interface VarRow {
  readonly name: string;
  readonly kind: Kind;
  readonly dims: readonly string[];
  readonly props: readonly PropName[];
  readonly origin: "declared" | "inferred" | "edited";
  readonly latex: string;
  /** Offset of the name in its declaration (declared variables), else null. */
  readonly at: number | null;
}

/** What the expression declares or implies, for the variables table; ok is false when it does not compile. */
export interface Analysis {
  readonly ok: boolean;
  readonly vars: readonly VarRow[];
  /** The variable actually differentiated by (the chosen one when present, else the first). */
  readonly wrt: string;
  readonly wrtLatex: string;
}

/** An optional output: its content, or the engine's message when it cannot give it. */
export type Part<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string; readonly message: string };

export interface Rendered {
  readonly text: string;
  readonly latex: string;
}

export interface Step {
  readonly rule: string;
  readonly text: string;
  readonly latex: string;
  readonly note: string;
}

export interface MainAnswer {
  readonly seq: number;
  readonly analysis: Analysis;
  readonly response: Response;
  /** The chosen notation other than "matrix" (null for "matrix"). */
  readonly notation: Part<Rendered> | null;
  /** Compiler-style rendering of a failure with a span (caret under the culprit), else null. */
  readonly diagnostic: string | null;
  /** Engine time for this answer, in milliseconds. */
  readonly ms: number;
}

export interface Extras {
  readonly seq: number;
  readonly code: { readonly target: CodeTarget; readonly part: Part<string> } | null;
  readonly steps: Part<Step[]> | null;
}

/** The engine's verdict on a derivative typed by the user (the request field `claim`). */
export interface ClaimVerdict {
  readonly agrees: boolean;
  readonly relativeError: number;
  readonly tolerance: number;
  readonly correct: Rendered;
  readonly difference: Rendered | null;
  readonly diagnosis: string | null;
  readonly message: string;
}

/** A claim's answer: the verdict, or the error (with its span into the claim when the claim is at fault). */
export type ClaimPart =
  | { readonly ok: true; readonly value: ClaimVerdict }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly inClaim: boolean; readonly span: readonly [number, number] | null };

export interface ClaimAnswer {
  readonly seq: number;
  readonly claim: string;
  readonly part: ClaimPart;
}

/** What the page sends to a worker: one task, answered by one TaskResult with the same seq. */
export type Task =
  | { readonly kind: "main"; readonly seq: number; readonly job: Job }
  | { readonly kind: "extras"; readonly seq: number; readonly job: Job }
  | { readonly kind: "claim"; readonly seq: number; readonly job: Job; readonly claim: string };

export type TaskResult =
  | { readonly kind: "main"; readonly seq: number; readonly answer: MainAnswer }
  | { readonly kind: "extras"; readonly seq: number; readonly extras: Extras }
  | { readonly kind: "claim"; readonly seq: number; readonly claim: ClaimAnswer };

function kindOf(shape: readonly (string | number)[]): { kind: Kind; dims: string[] } {
  const [r, c] = shape;
  if (r === 1 && c === 1) return { kind: "scalar", dims: [] };
  if (c === 1) return { kind: "vector", dims: [String(r)] };
  return { kind: "matrix", dims: [String(r), String(c)] };
}

function sourceOrder(c: Compiled): string[] {
  return [...c.vars.values()].sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1)).map((v) => v.name);
}

function tryCompile(expr: string, vars?: Record<string, ReturnType<typeof toVarSpec>>): Compiled | null {
  try {
    return compile(expr, vars ? { vars } : {});
  } catch {
    return null; // the request below reports the same error with its span
  }
}

/** The variables of the expression and the request fields for the edited ones still present in it. */
export interface Prepared {
  readonly analysis: Analysis;
  /** The request's `vars`: the edited variables still present in the expression. */
  readonly specs: Record<string, ReturnType<typeof toVarSpec>>;
}

export function analyse(job: Pick<Job, "expr" | "vars" | "wrt">): Prepared {
  const bare = tryCompile(job.expr);
  const names = bare ? sourceOrder(bare) : [];
  const specs: Record<string, ReturnType<typeof toVarSpec>> = {};
  for (const name of names) {
    const o = job.vars[name];
    if (o) specs[name] = toVarSpec(o);
  }
  const full = Object.keys(specs).length > 0 ? tryCompile(job.expr, specs) : bare;
  const rows: VarRow[] = [];
  for (const name of names) {
    const info = full?.vars.get(name) ?? bare!.vars.get(name)!;
    const edited = job.vars[name];
    const latex = toLatex(info.node);
    const at = bare!.vars.get(name)!.origin === "declared" ? (bare!.vars.get(name)!.span?.[0] ?? null) : null;
    if (edited) rows.push({ name, kind: edited.kind, dims: edited.dims, props: edited.props, origin: "edited", latex, at });
    else {
      const props = info.props.filter((p): p is PropName => (PROP_NAMES as readonly string[]).includes(p));
      rows.push({ name, ...kindOf(info.shape), props, origin: info.origin, latex, at });
    }
  }
  const wrt = names.includes(job.wrt) ? job.wrt : (names[0] ?? job.wrt);
  const wrtLatex = rows.find((r) => r.name === wrt)?.latex ?? wrt;
  return { analysis: { ok: full !== null, vars: rows, wrt, wrtLatex }, specs };
}

function request(job: Job, wrt: string, specs: Record<string, unknown>, emit: string[], claim?: string): Response {
  return handleRequest({
    ...(claim !== undefined ? { claim } : {}),
    expr: job.expr,
    wrt,
    order: job.order,
    layout: job.layout,
    seed: job.seed,
    emit,
    ...(Object.keys(specs).length > 0 ? { vars: specs } : {}),
  });
}

function failed(r: Response): { ok: false; code: string; message: string } {
  if (r.ok) return { ok: false, code: "internal", message: "no answer" };
  return { ok: false, code: r.error.code, message: r.error.message };
}

/** A rendered formula from an emitted field: {text, latex}, or a bare string (text only). */
function asRendered(v: unknown): Rendered | null {
  if (typeof v === "string") return { text: v, latex: "" };
  if (typeof v !== "object" || v === null) return null;
  const { text, latex } = v as Record<string, unknown>;
  if (typeof text !== "string" && typeof latex !== "string") return null;
  return { text: typeof text === "string" ? text : "", latex: typeof latex === "string" ? latex : "" };
}

/** The source of one code target from `code.<target>`: a string, or an object holding it. */
function asSource(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v !== "object" || v === null) return null;
  for (const key of ["source", "code", "text"]) {
    const s = (v as Record<string, unknown>)[key];
    if (typeof s === "string") return s;
  }
  return null;
}

function asSteps(v: unknown): Step[] | null {
  if (!Array.isArray(v)) return null;
  const str = (x: unknown): string => (typeof x === "string" ? x : "");
  return v
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
    .map((s) => ({ rule: str(s.rule), text: str(s.text), latex: str(s.latex), note: str(s.note) }));
}

const NOTATION_NOTE: Readonly<Record<Exclude<Notation, "matrix">, string>> = {
  differential: "the differential is shown for first derivatives (order 1)",
  index: "the engine gave no index-notation form for this derivative",
};

/** The derivative with its check, the variables table, and the chosen notation. */
export function computeMain(job: Job): { answer: MainAnswer; prepared: Prepared } {
  const t0 = performance.now();
  const prepared = analyse(job);
  const { analysis, specs } = prepared;
  const response = request(job, analysis.wrt, specs, ["check"]);
  let notation: Part<Rendered> | null = null;
  if (job.notation !== "matrix" && response.ok) {
    const r = request(job, analysis.wrt, specs, [job.notation]);
    if (!r.ok) notation = failed(r);
    else {
      const value = asRendered((r as unknown as Record<string, unknown>)[job.notation]);
      notation = value ? { ok: true, value } : { ok: false, code: "unsupported", message: NOTATION_NOTE[job.notation] };
    }
  }
  const diagnostic = !response.ok && response.error.span ? formatError(job.expr, response.error) : null;
  const answer = { seq: job.seq, analysis, response, notation, diagnostic, ms: performance.now() - t0 };
  return { answer, prepared };
}

/** The code for the tab on show and the derivation steps, each its own request. */
export function computeExtras(job: Job, prepared: Prepared = analyse(job)): Extras {
  const { specs, analysis } = prepared;
  const wrt = analysis.wrt;
  let code: Extras["code"] = null;
  if (job.code) {
    const r = request(job, wrt, specs, [job.code]);
    const field = r.ok ? (r as unknown as { code?: Record<string, unknown> }).code?.[job.code] : undefined;
    const source = asSource(field);
    const part: Part<string> = !r.ok
      ? failed(r)
      : source !== null
        ? { ok: true, value: source }
        : { ok: false, code: "unsupported", message: `no ${job.code} code in the answer` };
    code = { target: job.code, part };
  }
  let steps: Part<Step[]> | null = null;
  if (job.steps) {
    const r = request(job, wrt, specs, ["steps"]);
    const list = r.ok ? asSteps((r as unknown as Record<string, unknown>).steps) : null;
    steps = !r.ok ? failed(r) : list ? { ok: true, value: list } : { ok: false, code: "unsupported", message: "no steps in the answer" };
  }
  return { seq: job.seq, code, steps };
}

/** Checks a derivative typed by the user against the engine's, as its own request (a bad claim hides nothing else). */
export function computeClaim(job: Job, claim: string): ClaimAnswer {
  const { specs, analysis } = analyse(job);
  const r = request(job, analysis.wrt, specs, [], claim);
  if (!r.ok) {
    const inClaim = (r.error as { field?: string }).field === "claim";
    return { seq: job.seq, claim, part: { ok: false, code: r.error.code, message: r.error.message, inClaim, span: inClaim ? r.error.span : null } };
  }
  const v = (r as unknown as { claim?: Record<string, unknown> }).claim;
  if (!v || typeof v.agrees !== "boolean") {
    return { seq: job.seq, claim, part: { ok: false, code: "unsupported", message: "the engine gave no verdict on the claim", inClaim: false, span: null } };
  }
  const value: ClaimVerdict = {
    agrees: v.agrees,
    relativeError: Number(v.relativeError),
    tolerance: Number(v.tolerance),
    correct: asRendered(v.correct) ?? { text: "", latex: "" },
    difference: asRendered(v.difference),
    diagnosis: typeof v.diagnosis === "string" ? v.diagnosis : null,
    message: typeof v.message === "string" ? v.message : "",
  };
  return { seq: job.seq, claim, part: { ok: true, value } };
}

/** Runs one task (what the worker does with each message). */
export function runTask(task: Task): TaskResult {
  const job = { ...task.job, seq: task.seq };
  if (task.kind === "main") return { kind: "main", seq: task.seq, answer: computeMain(job).answer };
  if (task.kind === "extras") return { kind: "extras", seq: task.seq, extras: computeExtras(job) };
  return { kind: "claim", seq: task.seq, claim: computeClaim(job, task.claim) };
}
