// Shared helpers of the syntax tests: a compact S-expression view of the AST and error capture.
// S-expressions make precedence tests one readable line each, with spans checked separately.

import { MatcalcError } from "../../src/diagnostics/errors.js";
import type { Expr, Stmt } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parser.js";

/** `(+ a (* b c))`, `(neg x)`, `(' A)`, `f(x, y)`, numbers by their text. Recursive: small trees only. */
export function sexpr(e: Expr): string {
  switch (e.kind) {
    case "num":
      return e.text;
    case "ident":
      return e.name;
    case "neg":
      return `(neg ${sexpr(e.arg)})`;
    case "transpose":
      return `(' ${sexpr(e.arg)})`;
    case "binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "call":
      return `${e.callee}(${e.args.map(sexpr).join(", ")})`;
  }
}

/** The S-expression of a one-statement program that is a bare expression. */
export function px(source: string): string {
  return sexpr(onlyExpr(source));
}

export function onlyExpr(source: string): Expr {
  const stmt = onlyStmt(source);
  if (stmt.kind !== "expr") throw new Error(`not an expression statement: ${source}`);
  return stmt.expr;
}

export function onlyStmt(source: string): Stmt {
  const { stmts } = parse(source);
  if (stmts.length !== 1) throw new Error(`expected one statement in ${JSON.stringify(source)}`);
  return stmts[0]!;
}

/** The MatcalcError thrown by `run`; fails the test if it returns or throws something else. */
export function errorOf(run: () => unknown): MatcalcError {
  try {
    run();
  } catch (e) {
    if (e instanceof MatcalcError) return e;
    throw e;
  }
  throw new Error("expected a MatcalcError, but nothing was thrown");
}

export function parseError(source: string): { code: string; message: string; span: readonly [number, number] | null } {
  const e = errorOf(() => parse(source));
  return { code: e.code, message: e.message, span: e.span };
}
