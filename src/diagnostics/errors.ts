// Error classes: user mistakes carry a stable code, a message and a source span; internal bugs are a
// separate class (code "internal") raised through invariant(), so the two can never be confused.

/** Half-open character range [start, end) into the program text. */
export type Span = readonly [start: number, end: number];

/** Stable error codes. Tests and API clients match on these; never rename one. */
export type ErrorCode =
  | "syntax" // unexpected character or token, unclosed parenthesis, ...
  | "too-large" // input over the size limit
  | "too-deep" // nesting over the depth limit
  | "unknown-function" // f(x) where f is not a function of the language
  | "arity" // wrong number of arguments
  | "dimension" // shape mismatch (A*x with incompatible inner dimensions, ...)
  | "not-square" // tr/det/inv/expm/... of a non-square matrix
  | "not-scalar" // a scalar was required (exponent, declaration argument, ...)
  | "wrt" // the variable to differentiate with respect to is missing or not a variable
  | "declaration" // malformed or conflicting declaration
  | "redefinition" // a name defined twice, or a definition that shadows a declared variable
  | "undefined" // a name used in a definition before it is defined, with no way to infer it
  | "unsupported" // something the engine cannot do (yet); never a guess
  | "usage" // bad CLI / API request (unknown emit name, bad JSON, missing field)
  | "value" // a supplied numeric value has the wrong shape, is non-finite, or breaks a declared property
  | "domain" // evaluation outside the domain: singular matrix, log of a non-positive number, ...
  | "internal"; // a bug in matcalc

export class MatcalcError extends Error {
  readonly code: ErrorCode;
  readonly span: Span | null;
  constructor(code: ErrorCode, message: string, span: Span | null = null) {
    super(message);
    this.name = "MatcalcError";
    this.code = code;
    this.span = span;
  }
}

/** A bug in matcalc, not the user's fault. */
export class InternalError extends Error {
  readonly code = "internal" as const;
  readonly span = null;
  constructor(message: string) {
    super(`internal error: ${message}`);
    this.name = "InternalError";
  }
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InternalError(message);
}

export function assertNever(x: never, what = "value"): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

export function fail(code: ErrorCode, message: string, span: Span | null = null): never {
  throw new MatcalcError(code, message, span);
}

/** Plain-data view of any thrown value, as used by the JSON API. */
export function toErrorInfo(e: unknown): { code: ErrorCode; message: string; span: [number, number] | null } {
  if (e instanceof MatcalcError) return { code: e.code, message: e.message, span: e.span ? [e.span[0], e.span[1]] : null };
  if (e instanceof InternalError) return { code: "internal", message: e.message, span: null };
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { code: "too-deep", message: "expression too deeply nested to process", span: null };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { code: "internal", message: `internal error: ${msg}`, span: null };
}
