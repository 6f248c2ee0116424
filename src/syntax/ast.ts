// Surface AST of the matcalc language: exactly what the user wrote, with spans, and nothing about shapes.
// A discriminated union on `kind`; nodes are plain immutable data.

import type { Span } from "../diagnostics/errors.js";

export type BinaryOp = "+" | "-" | "*" | "/" | "^" | ".*" | "./" | ".^";

export type Expr =
  | { readonly kind: "num"; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: "ident"; readonly name: string; readonly span: Span }
  | {
      readonly kind: "call";
      readonly callee: string;
      readonly calleeSpan: Span;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | { readonly kind: "neg"; readonly arg: Expr; readonly span: Span }
  | {
      readonly kind: "binary";
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly opSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: "transpose"; readonly arg: Expr; readonly span: Span };

/** One word of a declaration's type, e.g. `matrix(n, m)`, `symmetric(n)`, `spd`, `scalar`. */
export interface TypeWord {
  readonly name: string;
  readonly args: readonly { readonly value: string | number; readonly span: Span }[];
  readonly span: Span;
}

export type Stmt =
  | {
      /** `A, B: matrix(n, m) symmetric` */
      readonly kind: "decl";
      readonly names: readonly { readonly name: string; readonly span: Span }[];
      readonly type: readonly TypeWord[];
      readonly span: Span;
    }
  | { readonly kind: "def"; readonly name: string; readonly nameSpan: Span; readonly value: Expr; readonly span: Span }
  | { readonly kind: "expr"; readonly expr: Expr; readonly span: Span };

export interface Program {
  readonly stmts: readonly Stmt[];
  readonly source: string;
}
