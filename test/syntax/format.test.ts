// Tests of the compiler-style error rendering and of lineCol.
// Checked on whole rendered strings, plus caret alignment for the cases that sanitise or cut the line.

import { describe, expect, it } from "vitest";
import { formatError, lineCol } from "../../src/diagnostics/format.js";
import { parse } from "../../src/syntax/parser.js";
import { errorOf } from "./helpers.js";

const syntaxAt = (span: [number, number] | null, message = "boom") => ({ code: "syntax", message, span });

/** The rendered source line and caret line, without the gutter. */
function shown(text: string): { line: string; carets: string } {
  const lines = text.split("\n");
  const strip = (l: string) => l.replace(/^\s*\d* \| ?/, "");
  return { line: strip(lines[3]!), carets: strip(lines[4]!) };
}

describe("formatError", () => {
  it("renders the example of the language docs", () => {
    const err = syntaxAt([8, 9], "expected ')' to close '(' at 1:4");
    expect(formatError("tr(A*(X+B)", err)).toBe(
      [
        "error[syntax]: expected ')' to close '(' at 1:4",
        " --> 1:9",
        "  |",
        "1 | tr(A*(X+B)",
        "  |         ^",
      ].join("\n"),
    );
  });

  it("renders a real parse error at the end of input", () => {
    const source = "tr(A*(X+B)";
    expect(formatError(source, errorOf(() => parse(source)))).toBe(
      [
        "error[syntax]: expected ')' to close '(' at 1:3",
        " --> 1:11",
        "  |",
        "1 | tr(A*(X+B)",
        "  |           ^",
      ].join("\n"),
    );
  });

  it("shows the line containing the span start of a multi-line program", () => {
    const source = "a = 1\nb = 2 @ 3\nc = 4";
    expect(formatError(source, errorOf(() => parse(source)))).toBe(
      ["error[syntax]: unexpected character '@'", " --> 2:7", "  |", "2 | b = 2 @ 3", "  |       ^"].join("\n"),
    );
  });

  it("widens the gutter for line numbers of several digits", () => {
    const source = "x\n".repeat(11) + "y = (";
    expect(formatError(source, syntaxAt([27, 27]))).toBe(
      ["error[syntax]: boom", "  --> 12:6", "   |", "12 | y = (", "   |      ^"].join("\n"),
    );
  });

  it("underlines the whole span", () => {
    expect(shown(formatError("x == y", syntaxAt([2, 4])))).toEqual({ line: "x == y", carets: "  ^^" });
    const arg = formatError("S: matrix(n+1)", syntaxAt([10, 13]));
    expect(shown(arg)).toEqual({ line: "S: matrix(n+1)", carets: "          ^^^" });
  });

  it("an empty span gets one caret", () => {
    expect(shown(formatError("abc", syntaxAt([1, 1])))).toEqual({ line: "abc", carets: " ^" });
  });

  it("a span at the end of the input or at a newline points just past the line", () => {
    expect(shown(formatError("x +", syntaxAt([3, 3])))).toEqual({ line: "x +", carets: "   ^" });
    expect(shown(formatError("x = 2 +\ny", syntaxAt([7, 8])))).toEqual({ line: "x = 2 +", carets: "       ^" });
    expect(shown(formatError("", syntaxAt([0, 0])))).toEqual({ line: "", carets: "^" });
  });

  it("a span running past the line end is underlined to the line end, plus one", () => {
    expect(shown(formatError("f(x\ny", syntaxAt([1, 5])))).toEqual({ line: "f(x", carets: " ^^^" });
  });

  it("expands tabs to 4-column stops in both lines", () => {
    expect(shown(formatError("\tx\t@", syntaxAt([3, 4])))).toEqual({ line: "    x   @", carets: "        ^" });
    expect(shown(formatError("a\tb", syntaxAt([1, 2])))).toEqual({ line: "a   b", carets: " ^^^" });
  });

  it("replaces control characters so the terminal shows them as one column", () => {
    expect(shown(formatError("a\u001b[2Jb", syntaxAt([1, 2])))).toEqual({ line: "a?[2Jb", carets: " ^" });
  });

  it("handles CRLF line endings", () => {
    const text = formatError("a\r\nb @", syntaxAt([5, 6]));
    expect(text.split("\n")[1]).toBe(" --> 2:3");
    expect(shown(text)).toEqual({ line: "b @", carets: "  ^" });
  });

  it("clamps spans outside the source", () => {
    expect(shown(formatError("ab", syntaxAt([5, 9])))).toEqual({ line: "ab", carets: "  ^" });
    expect(shown(formatError("ab", syntaxAt([-3, 1])))).toEqual({ line: "ab", carets: "^" });
  });

  it("with no span, just the header", () => {
    const err = { code: "usage", message: "bad request", span: null };
    expect(formatError("anything", err)).toBe("error[usage]: bad request");
  });

  it("cuts very long lines to a window around the span, carets still aligned", () => {
    const source = "x+".repeat(5000) + "@" + "+x".repeat(5000);
    const text = formatError(source, errorOf(() => parse(source)));
    expect(text.split("\n")[1]).toBe(" --> 1:10001");
    const { line, carets } = shown(text);
    expect(line.length).toBeLessThan(140);
    expect(line.startsWith("...")).toBe(true);
    expect(line.endsWith("...")).toBe(true);
    expect(line[carets.indexOf("^")]).toBe("@");
  });

  it("renders the too-large error compactly", () => {
    const source = "x".repeat(1_000_001);
    const text = formatError(source, errorOf(() => parse(source)));
    expect(text.length).toBeLessThan(400);
    expect(text.split("\n")[1]).toBe(" --> 1:1000001");
  });
});

describe("lineCol", () => {
  it.each([
    ["abc", 0, 1, 1],
    ["abc", 2, 1, 3],
    ["abc", 3, 1, 4],
    ["a\nbc", 1, 1, 2],
    ["a\nbc", 2, 2, 1],
    ["a\nbc", 3, 2, 2],
    ["a\n\n\nb", 4, 4, 1],
    ["a\r\nb", 3, 2, 1],
    ["ab", 99, 1, 3],
    ["ab", -1, 1, 1],
  ] as const)("%j at %i", (source, offset, line, col) => {
    expect(lineCol(source, offset)).toEqual({ line, col });
  });
});
