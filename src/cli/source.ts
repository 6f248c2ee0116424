// The program the CLI compiles: each --var declaration on a line of its own, then the expression. Errors are
// shown against the piece of text they point into (the expression or that --var), so the carets line up.

import { type ErrorJson } from "../api/request.js";
import { MatcalcError } from "../diagnostics/errors.js";
import { formatError } from "../diagnostics/format.js";
import { parse } from "../syntax/parser.js";

interface Part {
  readonly text: string;
  /** Where the text starts in the combined source. */
  readonly offset: number;
  /** null for the expression; the --var text for a declaration. */
  readonly varText: string | null;
}

export interface CliSource {
  /** What is compiled: the --var lines, then the expression. */
  readonly source: string;
  readonly parts: readonly Part[];
}

/** Assembles the program (see checkVars for the --var texts). */
export function assemble(expr: string, vars: readonly string[]): CliSource {
  const parts: Part[] = [];
  let offset = 0;
  for (const v of vars) {
    parts.push({ text: v, offset, varText: v });
    offset += v.length + 1;
  }
  parts.push({ text: expr, offset, varText: null });
  return { source: parts.map((p) => p.text).join("\n"), parts };
}

/** A --var that is not exactly one declaration is a coded error, with its span in `src.source`. */
export function checkVars(src: CliSource): void {
  for (const p of src.parts) if (p.varText !== null) checkDeclaration(p);
}

function checkDeclaration(p: Part): void {
  const shift = (s: readonly [number, number]): [number, number] => [s[0] + p.offset, s[1] + p.offset];
  let stmts;
  try {
    stmts = parse(p.text).stmts;
  } catch (e) {
    if (e instanceof MatcalcError) throw new MatcalcError(e.code, e.message, e.span ? shift(e.span) : null);
    throw e;
  }
  const bad = stmts.find((s) => s.kind !== "decl");
  if (bad || stmts.length !== 1) {
    const span: readonly [number, number] = bad ? bad.span : stmts.length > 1 ? stmts[1]!.span : [0, p.text.length];
    throw new MatcalcError(
      "declaration",
      `--var takes one declaration, like "X: symmetric(n)" or "x: vector(n)"`,
      shift(span),
    );
  }
}

/** The part of the program a span points into, and the span relative to that part's text. */
function locate(src: CliSource, span: readonly [number, number]): { part: Part; span: [number, number] } {
  const [start, end] = span;
  let part = src.parts[src.parts.length - 1]!;
  for (const p of src.parts) {
    if (start >= p.offset && start <= p.offset + p.text.length) {
      part = p;
      break;
    }
  }
  const rel = Math.max(0, start - part.offset);
  return { part, span: [rel, Math.max(rel, Math.min(end, part.offset + part.text.length + 1) - part.offset)] };
}

/** formatError against the part of the program the error points into. */
export function formatCliError(src: CliSource, err: ErrorJson): string {
  if (err.span === null) return formatError(src.source, err);
  const { part, span } = locate(src, err.span);
  const shown = formatError(part.text, { ...err, span });
  return part.varText === null ? shown : `${shown}\n  = in --var ${JSON.stringify(part.varText)}`;
}

/** The error with its span relative to the expression as the user gave it (null when it points into a --var). */
export function localError(src: CliSource, err: ErrorJson): ErrorJson {
  if (err.span === null) return err;
  const { part, span } = locate(src, err.span);
  if (part.varText === null) return { ...err, span };
  return { ...err, message: `${err.message} (in --var ${JSON.stringify(part.varText)})`, span: null };
}
