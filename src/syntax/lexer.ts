// Tokenizer of the matcalc language: source text to tokens with half-open [start, end) spans.
// Lazy (one token per next() call) so the parser meets problems in source order; it tracks parentheses
// itself, so a newline inside them is plain whitespace and the parser never sees it.

import { fail, type Span } from "../diagnostics/errors.js";

export type TokenKind =
  | "num"
  | "ident"
  | "+"
  | "-"
  | "*"
  | "/"
  | "^"
  | ".*"
  | "./"
  | ".^"
  | "'"
  | ".'"
  | "("
  | ")"
  | ","
  | ":"
  | ";"
  | "="
  | "newline"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text ("" for eof). */
  readonly text: string;
  readonly span: Span;
  /** A newline was skipped as whitespace (inside parentheses) right before this token. */
  readonly afterNewline: boolean;
}

const SINGLE: Readonly<Record<string, TokenKind>> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "^": "^",
  "'": "'",
  "(": "(",
  ")": ")",
  ",": ",",
  ":": ":",
  ";": ";",
  "=": "=",
};

/** After a `.`, these characters make it part of an operator (`.*` `./` `.^` `.'`), never of a number. */
const DOT_OPERATOR: Readonly<Record<string, TokenKind>> = { "*": ".*", "/": "./", "^": ".^", "'": ".'" };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

/** `'@'`, `'é' (U+00E9)`, or just `U+0007` for invisible characters (controls, spaces, lone surrogates). */
export function describeChar(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  const ch = String.fromCodePoint(codePoint);
  if (/[\p{C}\p{Z}]/u.test(ch)) return hex;
  return codePoint < 0x80 ? `'${ch}'` : `'${ch}' (${hex})`;
}

export class Lexer {
  private pos = 0;
  private parenDepth = 0;

  constructor(private readonly src: string) {}

  next(): Token {
    const afterNewline = this.skipTrivia();
    const src = this.src;
    const start = this.pos;
    if (start >= src.length) return this.make("eof", start, start, afterNewline);
    const c = src.charCodeAt(start);
    if (c === 10) return this.make("newline", start, start + 1, false);
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(start + 1)))) return this.number(start, afterNewline);
    if (isIdentStart(c)) {
      let i = start + 1;
      while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
      return this.make("ident", start, i, afterNewline);
    }
    if (c === 46) {
      const op = DOT_OPERATOR[src.charAt(start + 1)];
      if (op !== undefined) return this.make(op, start, start + 2, afterNewline);
    }
    const single = SINGLE[src.charAt(start)];
    if (single === undefined) this.unexpectedCharacter(start);
    if (single === "(") this.parenDepth++;
    else if (single === ")" && this.parenDepth > 0) this.parenDepth--;
    return this.make(single, start, start + 1, afterNewline);
  }

  /** Skips blanks and comments (and newlines inside parentheses); says whether a newline was skipped. */
  private skipTrivia(): boolean {
    const src = this.src;
    let sawNewline = false;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) this.pos++;
      else if (c === 10 && this.parenDepth > 0) {
        sawNewline = true;
        this.pos++;
      } else if (c === 35 || c === 37) {
        const eol = src.indexOf("\n", this.pos);
        this.pos = eol < 0 ? src.length : eol;
      } else break;
    }
    return sawNewline;
  }

  /** `2`, `0.5`, `.5`, `2.`, `1e-3`, `1.5E+2`; a `.` followed by `* / ^ '` is left to the operator. */
  private number(start: number, afterNewline: boolean): Token {
    const src = this.src;
    let i = start;
    while (isDigit(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) === 46 && DOT_OPERATOR[src.charAt(i + 1)] === undefined) {
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
    }
    const e = src.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = src.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(src.charCodeAt(j))) {
        while (isDigit(src.charCodeAt(j))) j++;
        i = j;
      }
    }
    return this.make("num", start, i, afterNewline);
  }

  private unexpectedCharacter(at: number): never {
    const cp = this.src.codePointAt(at) ?? 0;
    const end = at + (cp > 0xffff ? 2 : 1);
    fail("syntax", `unexpected character ${describeChar(cp)}`, [at, end]);
  }

  private make(kind: TokenKind, start: number, end: number, afterNewline: boolean): Token {
    this.pos = end;
    return { kind, text: this.src.slice(start, end), span: [start, end], afterNewline };
  }
}

/** All tokens of `source`, ending with one "eof" token. Throws MatcalcError on a bad character. */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const out: Token[] = [];
  for (;;) {
    const tok = lexer.next();
    out.push(tok);
    if (tok.kind === "eof") return out;
  }
}
