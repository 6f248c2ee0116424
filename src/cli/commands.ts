// The commands behind `matcalc diff`, `matcalc json` and `matcalc demo`. They talk to the world only
// through an Io, return the exit code, and leave usage and internal errors to the caller (run.ts).

import { ClaimError, checkClaim } from "../api/claim.js";
import { compile, type Compiled } from "../api/compile.js";
import { type Differentiated, checkDerivative, differentiateCompiled, renderIndex } from "../api/differentiate.js";
import { runJsonLines } from "../api/jsonl.js";
import { CODE_TARGETS, type CodeTarget, generateCode } from "../codegen/generate.js";
import { derivativeJson } from "../api/request.js";
import { MatcalcError, toErrorInfo } from "../diagnostics/errors.js";
import { formatError } from "../diagnostics/format.js";
import type { CheckReport } from "../numeric/check.js";
import { type ClaimCheckOptions, type DiffOptions, UsageError } from "./args.js";
import { type Painter, claimReport, latexLine, prettyJson, textReport } from "./render.js";
import { type CliSource, assemble, checkVars, formatCliError, localError } from "./source.js";
import { type Step, deriveSteps } from "../steps/derivation.js";
import { stepsLatex, stepsText } from "../steps/format.js";

export interface Io {
  /** Writes one line (a newline is added) to stdout / stderr. */
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  stdinLines(): AsyncIterable<string>;
  readonly outColors: Painter;
  readonly errColors: Painter;
}

/** The variable to differentiate by when --wrt is not given: the only one there is. */
function onlyVariable(c: Compiled): string {
  const names = [...c.vars.values()].sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1)).map((v) => v.name);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) {
    throw new MatcalcError("wrt", "the expression has no variables to differentiate with respect to");
  }
  const list = names.join(", ");
  throw new UsageError(`the expression has several variables (${list}): choose one with --wrt, e.g. --wrt ${names[0]}`, "diff");
}

interface Answer {
  readonly d: Differentiated;
  readonly check: CheckReport | null;
}

/** Compile, differentiate and (optionally) check; MatcalcErrors carry spans into src.source. */
type AnswerOptions = Pick<DiffOptions, "order" | "layout" | "check" | "seed">;

function answer(src: CliSource, wrt: string | null, opts: AnswerOptions): Answer {
  checkVars(src);
  const compiled = compile(src.source);
  const x = wrt ?? onlyVariable(compiled);
  const d = differentiateCompiled(compiled, { wrt: x, order: opts.order, layout: opts.layout });
  const check = opts.check ? checkDerivative(d, opts.seed !== undefined ? { seed: opts.seed } : {}) : null;
  return { d, check };
}

/** The error report on stderr, header in red on a terminal. */
function reportError(io: Io, src: CliSource, e: unknown): void {
  const info = toErrorInfo(e);
  const shown = formatCliError(src, info);
  io.err(shown.replace(/^error\[[^\]]*\]/, (h) => io.errColors.paint(["red", "bold"], h)));
}

/** True for errors that are the user's (exit 1); usage and internal errors propagate. */
function isUserError(e: unknown): boolean {
  if (!(e instanceof MatcalcError) && !(e instanceof RangeError)) return false;
  const code = toErrorInfo(e).code;
  return code !== "internal" && code !== "usage";
}

export async function diffCommand(opts: DiffOptions, io: Io): Promise<number> {
  const text = opts.expr === "-" ? await io.readStdin() : opts.expr;
  const src = assemble(text, opts.vars);
  let result: Answer;
  let steps: Step[] | null = null;
  let index: { text: string; latex: string } | null = null;
  let code: Partial<Record<CodeTarget, string>> | null = null;
  try {
    result = answer(src, opts.wrt, opts);
    if (opts.steps) steps = deriveSteps(result.d);
    if (opts.emit?.includes("index")) index = renderIndex(result.d);
    const codeOpts = opts.matricize ? { matricize: true } : {};
    for (const t of CODE_TARGETS) if (opts.emit?.includes(t)) code = { ...(code ?? {}), [t]: generateCode(result.d, t, codeOpts) };
  } catch (e) {
    if (e instanceof MatcalcError && e.code === "usage") throw new UsageError(e.message, "diff");
    if (!isUserError(e)) throw e;
    if (opts.format === "json") io.out(prettyJson({ id: null, ok: false, error: localError(src, toErrorInfo(e)) }));
    reportError(io, src, e);
    return 1;
  }
  const { d, check } = result;
  if (opts.format === "json") {
    io.out(prettyJson({ id: null, ok: true, ...derivativeJson(d), ...(check ? { check } : {}), ...(steps ? { steps } : {}), ...(index ? { index } : {}), ...(code ? { code } : {}) }));
  } else if (code) {
    // --emit numpy|jax|torch|ts: the module alone, ready to be redirected into a file
    for (const source of Object.values(code)) io.out(source.trimEnd());
  } else if (opts.format === "latex") {
    io.out(latexLine(d));
    if (index) io.out(index.latex);
    if (steps) io.out(stepsLatex(steps));
  } else {
    io.out(textReport(d, check, io.outColors));
    if (index) io.out(`  index form: ${index.text}`);
    if (steps) io.out(stepsText(steps, (s) => io.outColors.paint("dim", s)));
  }
  if (check?.status === "FAIL") {
    io.err(`matcalc: check ${io.errColors.paint(["red", "bold"], "FAILED")}: ${check.message}`);
    return 1;
  }
  return 0;
}

/**
 * `matcalc check`: is the claim the derivative? Exit 0 when it is, 1 when it is not; an error in the expression or
 * in the claim is no verdict, and exits 2 like a usage error (shown against the text it points into).
 */
export async function checkCommand(opts: ClaimCheckOptions, io: Io): Promise<number> {
  const text = opts.expr === "-" ? await io.readStdin() : opts.expr;
  const src = assemble(text, opts.vars);
  const seed = opts.seed !== undefined ? { seed: opts.seed } : {};
  let d: Differentiated;
  try {
    d = answer(src, opts.wrt, { order: opts.order, layout: opts.layout, check: false, seed: opts.seed }).d;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message, "check");
    if (e instanceof MatcalcError && e.code === "usage") throw new UsageError(e.message, "check");
    if (!isUserError(e)) throw e;
    if (opts.format === "json") io.out(prettyJson({ id: null, ok: false, error: localError(src, toErrorInfo(e)) }));
    reportError(io, src, e);
    return 2;
  }
  let report;
  try {
    report = checkClaim(d, opts.claim, seed);
  } catch (e) {
    if (!(e instanceof ClaimError)) {
      if (!isUserError(e)) throw e;
      if (opts.format === "json") io.out(prettyJson({ id: null, ok: false, error: toErrorInfo(e) }));
      reportError(io, src, e);
      return 2;
    }
    const info = { ...toErrorInfo(e), field: e.field };
    if (opts.format === "json") io.out(prettyJson({ id: null, ok: false, error: info }));
    const shown = `${formatError(opts.claim, info)}\n  = in --claim`;
    io.err(shown.replace(/^error\[[^\]]*\]/, (h) => io.errColors.paint(["red", "bold"], h)));
    return 2;
  }
  if (opts.format === "json") io.out(prettyJson({ id: null, ok: true, ...derivativeJson(d), claim: report }));
  else io.out(claimReport(d, opts.claim, report, io.outColors));
  return report.agrees ? 0 : 1;
}

export async function jsonCommand(io: Io): Promise<number> {
  await runJsonLines(io.stdinLines(), (line) => io.out(line));
  return 0;
}

interface DemoExample {
  readonly title: string;
  readonly expr: string;
  readonly wrt: string;
  readonly vars?: readonly string[];
  readonly order?: number;
}

export const DEMO: readonly DemoExample[] = [
  { title: "quadratic form", expr: "x'*A*x", wrt: "x" },
  { title: "trace of a product", expr: "tr(A*X*B)", wrt: "X" },
  { title: "log-determinant", expr: "logdet(X)", wrt: "X" },
  {
    title: "Gaussian log-density, by the covariance",
    expr: "-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)",
    vars: ["S: spd(n)"],
    wrt: "S",
  },
  {
    title: "Gaussian log-density, by the mean",
    expr: "-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)",
    vars: ["S: spd(n)"],
    wrt: "mu",
  },
  { title: "least squares", expr: "norm2(A*x - b)^2", wrt: "x" },
  { title: "logistic loss", expr: "sum(log(1 + exp(-y.*(X*w))))", wrt: "w" },
  { title: "Hessian of the quadratic form", expr: "x'*A*x", wrt: "x", order: 2 },
  { title: "matrix exponential (Fréchet derivative)", expr: "tr(A*expm(X))", vars: ["X: symmetric(n)", "A: spd(n)"], wrt: "X" },
  { title: "Jacobian of a matrix by a matrix (Kronecker form)", expr: "A*X*B", wrt: "X" },
];

/** An argument as a POSIX shell would need it quoted. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_.,:/=+-]+$/.test(s)) return s;
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function demoCommand(io: Io): number {
  let failed = 0;
  for (const [i, ex] of DEMO.entries()) {
    if (i > 0) io.out("");
    const argv = ["matcalc", "diff", shellQuote(ex.expr)];
    for (const v of ex.vars ?? []) argv.push("--var", shellQuote(v));
    argv.push("--wrt", ex.wrt);
    if (ex.order) argv.push("--order", String(ex.order));
    io.out(io.outColors.paint("dim", `# ${ex.title}`));
    io.out(io.outColors.paint("cyan", `$ ${argv.join(" ")}`));
    const src = assemble(ex.expr, ex.vars ?? []);
    try {
      const opts: AnswerOptions = { order: ex.order ?? 1, layout: "numerator", check: true, seed: undefined };
      const { d, check } = answer(src, ex.wrt, opts);
      io.out(textReport(d, check, io.outColors));
      if (check?.status === "FAIL") failed++;
    } catch (e) {
      if (!isUserError(e)) throw e;
      reportError(io, src, e);
      failed++;
    }
  }
  if (failed > 0) io.err(`matcalc: ${failed} of ${DEMO.length} demo examples failed`);
  return failed > 0 ? 1 : 0;
}
