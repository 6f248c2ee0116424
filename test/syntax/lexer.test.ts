// Lexer tests: token kinds, texts and spans, the MATLAB dot rule, comments, and newlines inside parentheses.
// Errors are checked here only for the lexer's own job (bad characters); the parser tests cover the rest.

import { describe, expect, it } from "vitest";
import { describeChar, tokenize } from "../../src/syntax/lexer.js";
import { errorOf } from "./helpers.js";

const kinds = (source: string): string[] =>
  tokenize(source).map((t) => (t.kind === "num" || t.kind === "ident" ? `${t.kind}:${t.text}` : t.kind));

describe("tokens", () => {
  it("all operators and punctuation", () => {
    expect(kinds("+ - * / ^ .* ./ .^ ' .' ( ) , : ; =")).toEqual([
      "+", "-", "*", "/", "^", ".*", "./", ".^", "'", ".'", "(", ")", ",", ":", ";", "=", "eof",
    ]);
  });

  it("spans are half-open offsets and text is the source slice", () => {
    const toks = tokenize("  x1 .* 2.5e3");
    expect(toks.map((t) => [t.kind, t.text, t.span])).toEqual([
      ["ident", "x1", [2, 4]],
      [".*", ".*", [5, 7]],
      ["num", "2.5e3", [8, 13]],
      ["eof", "", [13, 13]],
    ]);
  });

  it.each([
    ["2", ["num:2"]],
    ["0.5", ["num:0.5"]],
    [".5", ["num:.5"]],
    ["2.", ["num:2."]],
    ["1e-3", ["num:1e-3"]],
    ["1.5E+2", ["num:1.5E+2"]],
    ["2.*x", ["num:2", ".*", "ident:x"]],
    ["2./x", ["num:2", "./", "ident:x"]],
    ["2.^x", ["num:2", ".^", "ident:x"]],
    ["2.'", ["num:2", ".'"]],
    ["2..*x", ["num:2.", ".*", "ident:x"]],
    ["1.e5", ["num:1.e5"]],
    ["2e", ["num:2", "ident:e"]],
    ["2e+", ["num:2", "ident:e", "+"]],
    ["2E-x", ["num:2", "ident:E", "-", "ident:x"]],
    ["3x", ["num:3", "ident:x"]],
    ["1.2.3", ["num:1.2", "num:.3"]],
    ["x.5", ["ident:x", "num:.5"]],
    ["A.'", ["ident:A", ".'"]],
    ["A''", ["ident:A", "'", "'"]],
    ["theta_1 _x X0", ["ident:theta_1", "ident:_x", "ident:X0"]],
  ])("%s", (source, expected) => {
    expect(kinds(source)).toEqual([...expected, "eof"]);
  });
});

describe("trivia", () => {
  it("# and % comments run to the end of the line", () => {
    expect(kinds("a # b c\nd % e\n%f")).toEqual(["ident:a", "newline", "ident:d", "newline", "eof"]);
  });

  it("tabs and carriage returns are blanks; newlines are tokens at the top level", () => {
    const toks = tokenize("a\t=\r\n b");
    expect(toks.map((t) => t.kind)).toEqual(["ident", "=", "newline", "ident", "eof"]);
    expect(toks[2]!.span).toEqual([4, 5]);
  });

  it("newlines inside parentheses are whitespace, and are noted on the next token", () => {
    const toks = tokenize("f(a,\n b # c\n)\nd");
    expect(toks.map((t) => t.kind)).toEqual(["ident", "(", "ident", ",", "ident", ")", "newline", "ident", "eof"]);
    expect(toks.map((t) => t.afterNewline)).toEqual([false, false, false, false, true, true, false, false, false]);
  });

  it("unbalanced ')' does not make later newlines disappear", () => {
    expect(kinds(")\n(\n)\n")).toEqual([")", "newline", "(", ")", "newline", "eof"]);
  });
});

describe("bad characters", () => {
  it.each([
    ["@", "unexpected character '@'", [0, 1]],
    ["a $", "unexpected character '$'", [2, 3]],
    ["\\", "unexpected character '\\'", [0, 1]],
    ['"s"', "unexpected character '\"'", [0, 1]],
    ["α", "unexpected character 'α' (U+03B1)", [0, 1]],
    ["x\u{1D465}", "unexpected character '\u{1D465}' (U+1D465)", [1, 3]],
    ["\u200b", "unexpected character U+200B", [0, 1]],
    ["\udc00x", "unexpected character U+DC00", [0, 1]],
    ["\u001b[31m", "unexpected character U+001B", [0, 1]],
    ["\f", "unexpected character U+000C", [0, 1]],
  ] as const)("%j", (source, message, span) => {
    const e = errorOf(() => tokenize(source));
    expect({ code: e.code, message: e.message, span: e.span }).toEqual({ code: "syntax", message, span: [...span] });
  });

  it("describeChar", () => {
    expect(describeChar(0x40)).toBe("'@'");
    expect(describeChar(0xe9)).toBe("'é' (U+00E9)");
    expect(describeChar(0x7f)).toBe("U+007F");
    expect(describeChar(0xa0)).toBe("U+00A0");
  });
});
