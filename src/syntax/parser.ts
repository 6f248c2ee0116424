// Parser of the matcalc language: source text to the surface AST of ast.ts, or a MatcalcError.
// A hand-written Pratt parser that never recurses: open parentheses live on an explicit frame stack, so
// no input can overflow the JS stack, and a depth counter rejects nesting that later passes could not take.

import { fail, type Span } from "../diagnostics/errors.js";
import { lineCol } from "../diagnostics/format.js";
import type { BinaryOp, Expr, Program, Stmt, TypeWord } from "./ast.js";
import { Lexer, type Token, type TokenKind } from "./lexer.js";

/** The words that start a declaration's type: `f(x) : matrix` is a declaration gone wrong, not a Frobenius product. */
const TYPE_WORDS: ReadonlySet<string> = new Set(["scalar", "vector", "matrix", "symmetric", "spd", "diagonal", "orthogonal"]);

/** Longest accepted source, in UTF-16 units. */
export const MAX_SOURCE_LENGTH = 1_000_000;
/** Deepest accepted nesting of parentheses, calls, type arguments, unary signs and transposes. */
export const MAX_DEPTH = 2000;

export function parse(source: string): Program {
  if (typeof source !== "string") fail("usage", "parse() expects the program text as a string");
  if (source.length > MAX_SOURCE_LENGTH) {
    fail(
      "too-large",
      `program too large: ${source.length} characters (the limit is ${MAX_SOURCE_LENGTH})`,
      [MAX_SOURCE_LENGTH, source.length],
    );
  }
  return new Parser(source).program();
}

/** An expression with the extent of its source text, which includes any parentheses around it. */
interface Parsed {
  readonly expr: Expr;
  readonly start: number;
  readonly end: number;
}

/** Binding powers of the binary operators; `^` and `.^` live in the postfix loop, above unary minus. */
const ADD_BP = 10;
const MUL_BP = 20;
const BINARY_BP: Partial<Record<TokenKind, number>> = {
  "+": ADD_BP,
  "-": ADD_BP,
  "*": MUL_BP,
  "/": MUL_BP,
  ".*": MUL_BP,
  "./": MUL_BP,
};

const NO_SIGNS: readonly Token[] = [];

/** The binary node `left op right`, spanning both operands (their parentheses included). */
function binaryNode(op: Token, left: Parsed, right: Parsed): Parsed {
  const expr: Expr = {
    kind: "binary",
    op: op.kind as BinaryOp,
    left: left.expr,
    right: right.expr,
    opSpan: op.span,
    span: [left.start, right.end],
  };
  return { expr, start: left.start, end: right.end };
}

const isSeparator = (k: TokenKind): boolean => k === ";" || k === "newline";
const isStatementEnd = (k: TokenKind): boolean => isSeparator(k) || k === "eof";
const startsOperand = (k: TokenKind): boolean => k === "num" || k === "ident" || k === "(";

/** `number '2'`, `identifier 'x'`, `'+'`, `end of input`, ... */
function describe(tok: Token): string {
  switch (tok.kind) {
    case "num":
      return `number '${tok.text}'`;
    case "ident":
      return `identifier '${tok.text}'`;
    case "eof":
      return "end of input";
    case "newline":
      return "end of line";
    case "'":
      return `"'"`;
    default:
      return `'${tok.text}'`;
  }
}

class Parser {
  private readonly lexer: Lexer;
  private readonly ahead: Token[] = [];
  /** The last consumed token (null at the start). */
  private prev: Token | null = null;
  /** Current nesting: open groups, calls and type-argument lists, plus pending unary signs. */
  private depth = 0;
  private readonly frames: Frame[] = [];

  constructor(private readonly src: string) {
    this.lexer = new Lexer(src);
  }

  program(): Program {
    const stmts: Stmt[] = [];
    for (;;) {
      while (isSeparator(this.peek().kind)) this.advance();
      if (this.peek().kind === "eof") break;
      stmts.push(this.statement());
      const tok = this.peek();
      if (!isStatementEnd(tok.kind)) this.unexpectedAfterStatement(tok, stmts[stmts.length - 1]!);
    }
    if (stmts.length === 0) fail("syntax", "empty program", [0, 0]);
    return { stmts, source: this.src };
  }

  // ---- tokens -------------------------------------------------------------------------------------

  private peek(k = 0): Token {
    while (this.ahead.length <= k) this.ahead.push(this.lexer.next());
    return this.ahead[k]!;
  }

  private advance(): Token {
    const tok = this.peek();
    this.ahead.shift();
    this.prev = tok;
    return tok;
  }

  /** Throws a syntax error at `tok`, unless it is the first `=` of `==`, which gets its own message. */
  private failAt(tok: Token, message: string): never {
    if (tok.kind === "=" && this.src.charCodeAt(tok.span[1]) === 61) {
      fail("syntax", "unexpected token '=': '==' is not an operator", [tok.span[0], tok.span[1] + 1]);
    }
    fail("syntax", message, tok.span);
  }

  private where(offset: number): string {
    const { line, col } = lineCol(this.src, offset);
    return `${line}:${col}`;
  }

  private enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) this.tooDeep(tok);
  }

  private tooDeep(tok: Token): never {
    fail("too-deep", `nesting too deep: more than ${MAX_DEPTH} levels`, tok.span);
  }

  // ---- statements ---------------------------------------------------------------------------------

  /** A declaration if `IDENT :` or `IDENT ,`; a definition if `IDENT =`; else an expression. */
  private statement(): Stmt {
    const first = this.peek();
    if (first.kind === "ident") {
      const second = this.peek(1).kind;
      if (second === ":" || second === ",") return this.declaration();
      if (second === "=" && this.src.charCodeAt(this.peek(1).span[1]) !== 61) return this.definition();
    }
    const p = this.expression();
    return { kind: "expr", expr: p.expr, span: [p.start, p.end] };
  }

  private definition(): Stmt {
    const name = this.advance();
    this.advance(); // "="
    const value = this.expression();
    return { kind: "def", name: name.text, nameSpan: name.span, value: value.expr, span: [name.span[0], value.end] };
  }

  private declaration(): Stmt {
    const names = [this.nameOf(this.advance())];
    while (this.peek().kind === ",") {
      this.advance();
      names.push(this.nameOf(this.expectIdent("expected a name after ','")));
    }
    const colon = this.peek();
    if (colon.kind !== ":") {
      this.failAt(colon, `expected ':' after the declared names, found ${describe(colon)}`);
    }
    this.advance();
    const type: TypeWord[] = [this.typeWord(this.expectIdent("expected a type (such as 'matrix(n, m)') after ':'"))];
    for (;;) {
      const tok = this.peek();
      if (isStatementEnd(tok.kind)) break;
      if (tok.kind === ",") {
        this.advance();
        type.push(this.typeWord(this.expectIdent("expected a type word after ','")));
      } else if (tok.kind === "ident") {
        type.push(this.typeWord(this.advance()));
      } else {
        // `A:X'` and `A:X*B` read as declarations; some texts write the Frobenius product so
        const n = names.length === 1 && type.length === 1 && type[0]!.args.length === 0;
        const hint = n ? " (for the Frobenius product A:B, write sum(A.*B) or tr(A'*B))" : "";
        this.failAt(tok, `unexpected ${describe(tok)} in declaration${hint}`);
      }
    }
    return { kind: "decl", names, type, span: [names[0]!.span[0], type[type.length - 1]!.span[1]] };
  }

  private nameOf(tok: Token): { name: string; span: Span } {
    return { name: tok.text, span: tok.span };
  }

  private expectIdent(message: string): Token {
    const tok = this.peek();
    if (tok.kind !== "ident") this.failAt(tok, `${message}, found ${describe(tok)}`);
    return this.advance();
  }

  /** `name` or `name(arg, ...)`, the name already consumed; arguments are names or non-negative integers. */
  private typeWord(name: Token): TypeWord {
    if (this.peek().kind !== "(") return { name: name.text, args: [], span: name.span };
    const open = this.advance();
    this.enter(open);
    if (this.peek().kind === ")") this.failAt(this.peek(), `empty argument list in '${name.text}()'`);
    const args: { value: string | number; span: Span }[] = [];
    for (;;) {
      args.push(this.typeArgument());
      const tok = this.peek();
      if (tok.kind === ")") break;
      if (tok.kind !== ",") this.failAt(tok, `expected ')' to close '(' at ${this.where(open.span[0])}`);
      this.advance();
    }
    const close = this.advance();
    this.depth--;
    return { name: name.text, args, span: [name.span[0], close.span[1]] };
  }

  private typeArgument(): { value: string | number; span: Span } {
    const { expr } = this.expression();
    if (expr.kind === "ident") return { value: expr.name, span: expr.span };
    if (expr.kind === "num" && /^[0-9]+$/.test(expr.text) && Number.isSafeInteger(expr.value)) {
      return { value: expr.value, span: expr.span };
    }
    fail("syntax", "a type argument must be a name or a non-negative integer", expr.span);
  }

  /** Reports what follows a complete statement when it is not `;`, a newline or the end of input. */
  private unexpectedAfterStatement(tok: Token, stmt: Stmt): never {
    if (tok.kind === ":" && !TYPE_WORDS.has(this.peek(1).text)) this.frobenius(tok);
    if (tok.kind === "=" && stmt.kind === "expr") {
      this.failAt(tok, "unexpected '=': only a plain name can be defined");
    }
    this.failAt(tok, `unexpected ${describe(tok)}`);
  }

  /** `A:X` inside an expression: the Frobenius product of some texts, which is written sum(A.*X) or tr(A'*X). */
  private frobenius(colon: Token): never {
    const next = this.peek(1);
    const l = this.prev?.kind === "ident" ? this.prev.text : null;
    const r = next.kind === "ident" && this.peek(2).kind !== "(" ? next.text : null;
    const what = l && r ? `${l}:${r}, the Frobenius product,` : "the Frobenius product A:B";
    const [a, b] = l && r ? [l, r] : ["A", "B"];
    fail("syntax", `':' is not an operator: ${what} is written sum(${a}.*${b}) or tr(${a}'*${b})`, colon.span);
  }

  // ---- expressions --------------------------------------------------------------------------------
  //
  // One loop drives everything. `frames` holds one Frame per open construct (the expression itself, each
  // unclosed group and call); `p` is a finished primary whose postfix chain is still being read.

  private expression(): Parsed {
    const base = this.frames.length;
    this.frames.push(newFrame("top", null, null));
    let p: Parsed | null = null;
    for (;;) {
      const top = this.frames[this.frames.length - 1]!;
      if (p === null) {
        p = this.startOperand(top);
        if (p === null) continue; // a group or call was opened
      }
      p = this.postfix(top, p);
      if (p === null) continue; // an exponent opened a group or call
      const done = this.afterOperand(top, p);
      p = null;
      if (done === null) continue; // a binary operator was read; its right operand comes next
      if (this.frames.length - 1 === base) {
        this.frames.pop();
        return done;
      }
      p = this.closeFrame(top, done);
    }
  }

  /** Reads the unary signs of an operand and its primary; null when the primary opened a new frame. */
  private startOperand(frame: Frame): Parsed | null {
    frame.signs = this.signs();
    frame.transposes = 0;
    return this.primaryOrOpen();
  }

  private signs(): readonly Token[] {
    let k = this.peek().kind;
    if (k !== "-" && k !== "+") return NO_SIGNS;
    const signs: Token[] = [];
    for (; k === "-" || k === "+"; k = this.peek().kind) {
      const sign = this.advance();
      this.enter(sign);
      signs.push(sign);
    }
    return signs;
  }

  /** Wraps `p` in the signs, innermost last; unary plus is dropped but its text stays in the extent. */
  private applySigns(signs: readonly Token[], p: Parsed): Parsed {
    let out = p;
    for (let k = signs.length - 1; k >= 0; k--) {
      const start = signs[k]!.span[0];
      const expr: Expr = signs[k]!.kind === "-" ? { kind: "neg", arg: out.expr, span: [start, out.end] } : out.expr;
      out = { expr, start, end: out.end };
    }
    this.depth -= signs.length;
    return out;
  }

  /**
   * The postfix chain `'`, `.'`, `^ e`, `.^ e`, all left-associative at one level (`A^2'` is `(A^2)'`),
   * then the operand's signs (`-A'` is `-(A')`). Null when an exponent opened a new frame.
   */
  private postfix(frame: Frame, first: Parsed): Parsed | null {
    let p = first;
    for (;;) {
      const tok = this.peek();
      if (tok.kind === "'" || tok.kind === ".'") {
        this.advance();
        if (this.depth + ++frame.transposes > MAX_DEPTH) this.tooDeep(tok);
        const end = tok.span[1];
        p = { expr: { kind: "transpose", arg: p.expr, span: [p.start, end] }, start: p.start, end };
      } else if (tok.kind === "^" || tok.kind === ".^") {
        this.advance();
        const pending = { base: p, op: tok, signs: this.signs() }; // `A^-1` is `A^(-1)`
        const exponent = this.primaryOrOpen();
        if (exponent === null) {
          frame.pendingPow = pending;
          return null;
        }
        p = this.power(pending, exponent);
      } else {
        const out = this.applySigns(frame.signs, p);
        frame.signs = NO_SIGNS;
        return out;
      }
    }
  }

  private power(pending: PendingPower, primary: Parsed): Parsed {
    const exponent = this.applySigns(pending.signs, primary);
    return binaryNode(pending.op, pending.base, exponent);
  }

  /**
   * The Pratt step after an operand: a binary operator (`+ - * / .* ./`, left-associative) first folds the
   * operators of at least its binding power and returns null; anything else completes the expression.
   */
  private afterOperand(frame: Frame, p: Parsed): Parsed | null {
    frame.items.push(p);
    const tok = this.peek();
    const bp = BINARY_BP[tok.kind];
    if (bp === undefined) {
      if (startsOperand(tok.kind) && !tok.afterNewline) {
        this.failAt(tok, `unexpected ${describe(tok)} after ${describe(this.prev!)} (missing operator?)`);
      }
      while (frame.ops.length > 0) this.fold(frame);
      return frame.items.pop()!;
    }
    while (frame.ops.length > 0 && BINARY_BP[frame.ops[frame.ops.length - 1]!.kind]! >= bp) this.fold(frame);
    frame.ops.push(this.advance());
    return null;
  }

  private fold(frame: Frame): void {
    const op = frame.ops.pop()!;
    const right = frame.items.pop()!;
    const left = frame.items.pop()!;
    frame.items.push(binaryNode(op, left, right));
  }

  /** A number, a name, or the opening of a group or call (pushes a frame, returns null). `f()` is complete. */
  private primaryOrOpen(): Parsed | null {
    const tok = this.peek();
    if (tok.kind === "num") return this.number(this.advance());
    if (tok.kind !== "ident" && tok.kind !== "(") this.missingOperand(tok);
    this.advance();
    if (tok.kind === "ident" && this.peek().kind !== "(") {
      return { expr: { kind: "ident", name: tok.text, span: tok.span }, start: tok.span[0], end: tok.span[1] };
    }
    const callee = tok.kind === "ident" ? tok : null;
    const open = callee === null ? tok : this.advance();
    this.enter(open);
    if (callee !== null && this.peek().kind === ")") {
      const close = this.advance();
      this.depth--;
      return callNode(callee, [], close);
    }
    this.frames.push(newFrame(callee === null ? "group" : "call", open, callee));
    return null;
  }

  private number(tok: Token): Parsed {
    const value = Number(tok.text);
    if (!Number.isFinite(value)) this.failAt(tok, `number '${tok.text}' is too large`);
    return { expr: { kind: "num", value, text: tok.text, span: tok.span }, start: tok.span[0], end: tok.span[1] };
  }

  private missingOperand(tok: Token): never {
    const prev = this.prev;
    if (prev === null || isSeparator(prev.kind)) this.failAt(tok, `unexpected ${describe(tok)}`);
    this.failAt(tok, `expected an expression after ${describe(prev)}`);
  }

  /**
   * The expression `e` of a group or call frame is complete: after `,` (calls only) the next argument
   * follows (null); after `)` the frame closes and its result is the primary that the parent was waiting for.
   */
  private closeFrame(frame: Frame, e: Parsed): Parsed | null {
    const tok = this.peek();
    const open = frame.open!;
    if (frame.kind === "call" && tok.kind === ",") {
      this.advance();
      frame.args.push(e.expr);
      return null;
    }
    if (tok.kind === ":" && !TYPE_WORDS.has(this.peek(1).text)) this.frobenius(tok);
    if (tok.kind !== ")") this.failAt(tok, `expected ')' to close '(' at ${this.where(open.span[0])}`);
    const close = this.advance();
    this.frames.pop();
    this.depth--;
    let p: Parsed;
    if (frame.kind === "call") {
      frame.args.push(e.expr);
      p = callNode(frame.callee!, frame.args, close);
    } else {
      p = { expr: e.expr, start: open.span[0], end: close.span[1] }; // the inner node keeps its own span
    }
    const parent = this.frames[this.frames.length - 1]!;
    const pending = parent.pendingPow;
    if (pending === null) return p;
    parent.pendingPow = null;
    return this.power(pending, p);
  }
}

interface PendingPower {
  readonly base: Parsed;
  readonly op: Token;
  readonly signs: readonly Token[];
}

/** Parser state of one open construct: the expression itself, a `( ... )` group or an `f( ... )` call. */
interface Frame {
  readonly kind: "top" | "group" | "call";
  readonly open: Token | null;
  readonly callee: Token | null;
  /** Finished arguments of a call. */
  readonly args: Expr[];
  /** Operand and operator stacks of the Pratt loop. */
  readonly items: Parsed[];
  readonly ops: Token[];
  /** Unary signs of the operand being read, and how many transposes its postfix chain has so far. */
  signs: readonly Token[];
  transposes: number;
  /** A `^` whose exponent is the group or call open above this frame. */
  pendingPow: PendingPower | null;
}

function newFrame(kind: Frame["kind"], open: Token | null, callee: Token | null): Frame {
  return { kind, open, callee, args: [], items: [], ops: [], signs: NO_SIGNS, transposes: 0, pendingPow: null };
}

function callNode(callee: Token, args: readonly Expr[], close: Token): Parsed {
  const span: Span = [callee.span[0], close.span[1]];
  const expr: Expr = { kind: "call", callee: callee.text, calleeSpan: callee.span, args, span };
  return { expr, start: span[0], end: span[1] };
}
