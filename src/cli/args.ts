// Command-line parsing: argv to a typed command, or a UsageError (exit code 2). No I/O here.

import { parseArgs } from "node:util";
import { MAX_ORDER } from "../api/request.js";
import { CODE_TARGETS } from "../codegen/generate.js";

export type Format = "text" | "latex" | "json";

export interface DiffOptions {
  /** The expression text, or "-" to read it from stdin. */
  readonly expr: string;
  readonly wrt: string | null;
  /** Declarations given with --var, e.g. "X: symmetric(n)". */
  readonly vars: readonly string[];
  readonly order: number;
  readonly layout: "numerator" | "denominator";
  readonly format: Format;
  readonly check: boolean;
  readonly seed: number | undefined;
  /** Print the derivation step by step. */
  readonly steps: boolean;
  /** Extra outputs asked for with --emit (absent when none): "index" prints the index (Einstein) form. */
  readonly emit?: readonly string[];
  /** --matricize: code returns tensors as the matricized matrix dvec(f)/dvec(X), not as N-D arrays. */
  readonly matricize?: boolean;
}

/** `matcalc check`: the options of `diff` that shape the derivative, and the claimed derivative. */
export interface ClaimCheckOptions {
  /** The expression text, or "-" to read it from stdin. */
  readonly expr: string;
  readonly wrt: string | null;
  readonly vars: readonly string[];
  readonly order: number;
  readonly layout: "numerator" | "denominator";
  readonly format: "text" | "json";
  readonly seed: number | undefined;
  /** The derivative to check, in the input language. */
  readonly claim: string;
}

export type HelpTopic = "main" | "diff" | "check" | "json" | "demo";

export type Command =
  | { readonly kind: "help"; readonly topic: HelpTopic }
  | { readonly kind: "version" }
  | { readonly kind: "diff"; readonly opts: DiffOptions }
  | { readonly kind: "check"; readonly opts: ClaimCheckOptions }
  | { readonly kind: "json" }
  | { readonly kind: "demo" };

/** A mistake in the command line itself: printed as one line plus a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpTopic: HelpTopic = "main",
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const COMMANDS = ["diff", "check", "json", "demo", "help"] as const;

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") return { kind: "help", topic: "main" };
  if (first === "--version" || first === "-V") return { kind: "version" };
  switch (first) {
    case "help": {
      const topic = rest[0];
      if (topic === undefined) return { kind: "help", topic: "main" };
      if (topic === "diff" || topic === "check" || topic === "json" || topic === "demo") return { kind: "help", topic };
      throw new UsageError(`no help on '${topic}' (commands: diff, check, json, demo)`);
    }
    case "diff":
      return parseDiff(rest);
    case "check":
      return parseCheck(rest);
    case "json":
    case "demo":
      return parseNoArgs(first, rest);
    default:
      if (first.startsWith("-")) {
        throw new UsageError(`unknown option '${first}' (options come after the command, e.g. matcalc diff EXPR --wrt x)`);
      }
      throw new UsageError(`unknown command '${first}' (commands: ${COMMANDS.join(", ")})`);
  }
}

function parseNoArgs(cmd: "json" | "demo", args: readonly string[]): Command {
  const { values, positionals } = parse(cmd, args, { help: { type: "boolean", short: "h" } });
  if (values.help) return { kind: "help", topic: cmd };
  if (positionals.length > 0) throw new UsageError(`'matcalc ${cmd}' takes no arguments, got '${positionals[0]}'`, cmd);
  return { kind: cmd };
}

const DIFF_OPTIONS = {
  wrt: { type: "string" },
  var: { type: "string", multiple: true },
  order: { type: "string" },
  layout: { type: "string" },
  format: { type: "string" },
  "no-check": { type: "boolean" },
  seed: { type: "string" },
  steps: { type: "boolean" },
  emit: { type: "string", multiple: true },
  matricize: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Options that take a value: the argument after them is that value, never an expression. */
const TAKES_VALUE = new Set(["--wrt", "--var", "--order", "--layout", "--format", "--seed", "--emit", "--claim"]);
/** Names --emit accepts. */
export const CLI_EMITS: readonly string[] = ["index", ...CODE_TARGETS];
/** What an option looks like; anything else starting with '-' (like "-1/2*x'*x" or "-(a+b)") is an expression. */
const OPTION_LIKE = /^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/s;

/**
 * Moves expression-looking arguments that start with '-' behind a "--", so that
 * `matcalc diff "-1/2*x'*x" --wrt x` works without the user having to write the "--".
 */
function protectExpressions(args: readonly string[]): string[] {
  const opts: string[] = [];
  const exprs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...opts, "--", ...exprs, ...args.slice(i + 1)];
    if (a === "--claim" && i + 1 < args.length) {
      // a claim often starts with '-' (-inv(X)'): given as --claim=VALUE, it cannot be taken for an option
      opts.push(`--claim=${args[++i]!}`);
    } else if (TAKES_VALUE.has(a) && i + 1 < args.length) {
      opts.push(a, args[++i]!);
    } else if (a.length > 1 && a.startsWith("-") && !OPTION_LIKE.test(a)) {
      exprs.push(a);
    } else opts.push(a);
  }
  return exprs.length > 0 ? [...opts, "--", ...exprs] : opts;
}

function parseDiff(args: readonly string[]): Command {
  const { values, positionals } = parse("diff", protectExpressions(args), DIFF_OPTIONS);
  if (values.help) return { kind: "help", topic: "diff" };
  if (positionals.length === 0) {
    throw new UsageError("missing EXPR: the expression to differentiate (or '-' to read it from stdin)", "diff");
  }
  if (positionals.length > 1) {
    const hint = `quote the expression, e.g. matcalc diff "x'*A*x" --wrt x`;
    throw new UsageError(`expected one EXPR, got ${positionals.length}: ${hint}`, "diff");
  }
  const layout = values.layout ?? "numerator";
  if (layout !== "numerator" && layout !== "denominator") {
    throw new UsageError(`--layout must be numerator or denominator, got '${layout}'`, "diff");
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "latex" && format !== "json") {
    throw new UsageError(`--format must be text, latex or json, got '${format}'`, "diff");
  }
  if (values.wrt !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.wrt)) {
    throw new UsageError(`--wrt must be a variable name, got '${values.wrt}'`, "diff");
  }
  return {
    kind: "diff",
    opts: {
      expr: positionals[0]!,
      wrt: values.wrt ?? null,
      vars: values.var ?? [],
      order: values.order === undefined ? 1 : intOption("--order", values.order, 1, MAX_ORDER),
      layout,
      format,
      check: !values["no-check"],
      seed: values.seed === undefined ? undefined : intOption("--seed", values.seed, 0, 2 ** 32 - 1),
      steps: !!values.steps,
      ...(values.emit ? { emit: emitOption(values.emit) } : {}),
      ...(values.matricize ? { matricize: true } : {}),
    },
  };
}

const CHECK_OPTIONS = {
  wrt: { type: "string" },
  var: { type: "string", multiple: true },
  order: { type: "string" },
  layout: { type: "string" },
  format: { type: "string" },
  seed: { type: "string" },
  claim: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parseCheck(args: readonly string[]): Command {
  const { values, positionals } = parse("check", protectExpressions(args), CHECK_OPTIONS);
  if (values.help) return { kind: "help", topic: "check" };
  if (positionals.length === 0) {
    throw new UsageError("missing EXPR: the expression whose derivative is claimed (or '-' to read it from stdin)", "check");
  }
  if (positionals.length > 1) {
    const hint = `quote the expression, e.g. matcalc check "x'*A*x" --wrt x --claim "2*A*x"`;
    throw new UsageError(`expected one EXPR, got ${positionals.length}: ${hint}`, "check");
  }
  if (values.claim === undefined) throw new UsageError(`missing --claim: the derivative to check, e.g. --claim "2*A*x"`, "check");
  const layout = values.layout ?? "numerator";
  if (layout !== "numerator" && layout !== "denominator") throw new UsageError(`--layout must be numerator or denominator, got '${layout}'`, "check");
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, got '${format}'`, "check");
  if (values.wrt !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.wrt)) {
    throw new UsageError(`--wrt must be a variable name, got '${values.wrt}'`, "check");
  }
  return {
    kind: "check",
    opts: {
      expr: positionals[0]!,
      wrt: values.wrt ?? null,
      vars: values.var ?? [],
      order: values.order === undefined ? 1 : intOption("--order", values.order, 1, MAX_ORDER, "check"),
      layout,
      format,
      seed: values.seed === undefined ? undefined : intOption("--seed", values.seed, 0, 2 ** 32 - 1, "check"),
      claim: values.claim,
    },
  };
}

/** --emit NAME (repeatable; NAME may also be a comma-separated list). */
function emitOption(values: readonly string[]): string[] {
  const names = values.flatMap((v) => v.split(",")).map((v) => v.trim());
  for (const n of names) {
    if (!CLI_EMITS.includes(n)) throw new UsageError(`--emit must be one of ${CLI_EMITS.join(", ")}, got '${n}'`, "diff");
  }
  const code = names.filter((n) => (CODE_TARGETS as readonly string[]).includes(n));
  if (code.length > 1) throw new UsageError(`--emit: one code target at a time, got ${code.join(" and ")}`, "diff");
  return names;
}

function intOption(name: string, text: string, min: number, max: number, topic: HelpTopic = "diff"): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${text}'`, topic);
  }
  return n;
}

type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

function parse<T extends OptionSpec>(cmd: "diff" | "check" | "json" | "demo", args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const opt = /'([^']*)'/.exec(msg)?.[1] ?? msg;
      throw new UsageError(`unknown option '${opt}' for 'matcalc ${cmd}'`, cmd);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const first = msg.split("\n")[0]!;
      throw new UsageError(first.replace(/^Option '(\S+)[^']*' argument missing.*/i, "option '$1' needs a value"), cmd);
    }
    throw new UsageError(msg.split("\n")[0]!, cmd);
  }
}
