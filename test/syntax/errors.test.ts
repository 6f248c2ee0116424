// Parser error tests: exact code, message and span for every kind of mistake, and the two input limits.
// Spans are half-open [start, end) offsets; "expected ..." errors at the end of input have an empty span.

import { describe, expect, it } from "vitest";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { MAX_DEPTH, MAX_SOURCE_LENGTH, parse } from "../../src/syntax/parser.js";
import { errorOf, parseError } from "./helpers.js";

const syntax = (message: string, span: [number, number]) => ({ code: "syntax", message, span });

describe("syntax errors", () => {
  it.each([
    // juxtaposition
    ["2x", "unexpected identifier 'x' after number '2' (missing operator?)", [1, 2]],
    ["x y", "unexpected identifier 'y' after identifier 'x' (missing operator?)", [2, 3]],
    ["2 3", "unexpected number '3' after number '2' (missing operator?)", [2, 3]],
    ["1.2.3", "unexpected number '.3' after number '1.2' (missing operator?)", [3, 5]],
    ["(a)(b)", "unexpected '(' after ')' (missing operator?)", [3, 4]],
    ["f(a b)", "unexpected identifier 'b' after identifier 'a' (missing operator?)", [4, 5]],
    ["x\n  2y", "unexpected identifier 'y' after number '2' (missing operator?)", [5, 6]],
    // bad characters
    ["x @ y", "unexpected character '@'", [2, 3]],
    ["a ! b", "unexpected character '!'", [2, 3]],
    ["x = [1 2]", "unexpected character '['", [4, 5]],
    ["x.y", "unexpected character '.'", [1, 2]],
    ["é", "unexpected character 'é' (U+00E9)", [0, 1]],
    ["x = \u{1F600}", "unexpected character '\u{1F600}' (U+1F600)", [4, 6]],
    ["a\u0007", "unexpected character U+0007", [1, 2]],
    ["a\u00a0+ b", "unexpected character U+00A0", [1, 2]],
    ["a + \ud800", "unexpected character U+D800", [4, 5]],
    ["a\u0000", "unexpected character U+0000", [1, 2]],
    // missing operands
    ["x +", "expected an expression after '+'", [3, 3]],
    ["x + )", "expected an expression after '+'", [4, 5]],
    ["x = ", "expected an expression after '='", [4, 4]],
    ["x = 2 +\ny", "expected an expression after '+'", [7, 8]],
    ["f(a,)", "expected an expression after ','", [4, 5]],
    ["f(,)", "expected an expression after '('", [2, 3]],
    ["()", "expected an expression after '('", [1, 2]],
    ["x^", "expected an expression after '^'", [2, 2]],
    ["x^'", "expected an expression after '^'", [2, 3]],
    ["x.^-", "expected an expression after '-'", [4, 4]],
    ["-", "expected an expression after '-'", [1, 1]],
    ["2**3", "expected an expression after '*'", [2, 3]],
    ["*x", "unexpected '*'", [0, 1]],
    ["a;*x", "unexpected '*'", [2, 3]],
    ["'", "unexpected \"'\"", [0, 1]],
    // parentheses
    ["tr(A*(X+B)", "expected ')' to close '(' at 1:3", [10, 10]],
    ["(a + b", "expected ')' to close '(' at 1:1", [6, 6]],
    ["(a; b)", "expected ')' to close '(' at 1:1", [2, 3]],
    ["f(x\ny = 3", "expected ')' to close '(' at 1:2", [4, 5]],
    ["a = 1\nb = (c\n", "expected ')' to close '(' at 2:5", [13, 13]],
    ["x)", "unexpected ')'", [1, 2]],
    [")", "unexpected ')'", [0, 1]],
    ["f(x), y", "unexpected ','", [4, 5]],
    ["f(x) : matrix", "unexpected ':'", [5, 6]],
    // = and ==
    ["x == y", "unexpected token '=': '==' is not an operator", [2, 4]],
    ["2==3", "unexpected token '=': '==' is not an operator", [1, 3]],
    ["(a == b)", "unexpected token '=': '==' is not an operator", [3, 5]],
    ["==", "unexpected token '=': '==' is not an operator", [0, 2]],
    ["f(x) = 3", "unexpected '=': only a plain name can be defined", [5, 6]],
    ["2 = 3", "unexpected '=': only a plain name can be defined", [2, 3]],
    ["x = y = 3", "unexpected '='", [6, 7]],
    ["= 3", "unexpected '='", [0, 1]],
    // numbers
    ["1e999", "number '1e999' is too large", [0, 5]],
    // empty programs
    ["", "empty program", [0, 0]],
    ["  # only a comment\n;;\n % another", "empty program", [0, 0]],
  ] as const)("%j", (source, message, span) => {
    expect(parseError(source)).toEqual(syntax(message, [...span]));
  });
});

describe("declaration errors", () => {
  it.each([
    ["x: ", "expected a type (such as 'matrix(n, m)') after ':', found end of input", [3, 3]],
    ["S: 3", "expected a type (such as 'matrix(n, m)') after ':', found number '3'", [3, 4]],
    ["x, : matrix", "expected a name after ',', found ':'", [3, 4]],
    ["a, b", "expected ':' after the declared names, found end of input", [4, 4]],
    ["A, B matrix(n)", "expected ':' after the declared names, found identifier 'matrix'", [5, 11]],
    ["a, b = 2", "expected ':' after the declared names, found '='", [5, 6]],
    ["S: matrix(2.5)", "a type argument must be a name or a non-negative integer", [10, 13]],
    ["S: matrix(n+1)", "a type argument must be a name or a non-negative integer", [10, 13]],
    ["S: matrix(-1)", "a type argument must be a name or a non-negative integer", [10, 12]],
    ["S: matrix(1e3)", "a type argument must be a name or a non-negative integer", [10, 13]],
    ["S: matrix(f(n))", "a type argument must be a name or a non-negative integer", [10, 14]],
    ["S: matrix(99999999999999999999)", "a type argument must be a name or a non-negative integer", [10, 30]],
    ["S: matrix()", "empty argument list in 'matrix()'", [10, 11]],
    ["S: matrix(n", "expected ')' to close '(' at 1:10", [11, 11]],
    ["S: matrix(n; m)", "expected ')' to close '(' at 1:10", [11, 12]],
    ["S: matrix(n m)", "unexpected identifier 'm' after identifier 'n' (missing operator?)", [12, 13]],
    ["S: matrix(n,)", "expected an expression after ','", [12, 13]],
    ["S: matrix(n) + 1", "unexpected '+' in declaration", [13, 14]],
    ["S: matrix(n) = 1", "unexpected '=' in declaration", [13, 14]],
    ["S: matrix(n),", "expected a type word after ',', found end of input", [13, 13]],
    ["S: matrix(n), 2", "expected a type word after ',', found number '2'", [14, 15]],
  ] as const)("%j", (source, message, span) => {
    expect(parseError(source)).toEqual(syntax(message, [...span]));
  });
});

describe("too-large", () => {
  it("rejects sources over 1,000,000 characters before reading them", () => {
    const source = "x".repeat(MAX_SOURCE_LENGTH + 1);
    expect(parseError(source)).toEqual({
      code: "too-large",
      message: "program too large: 1000001 characters (the limit is 1000000)",
      span: [1_000_000, 1_000_001],
    });
    expect(parseError("@".repeat(2_000_000))).toMatchObject({ code: "too-large", span: [1_000_000, 2_000_000] });
  });
});

describe("too-deep", () => {
  const deep = (source: string, span: [number, number]) => {
    expect(parseError(source)).toEqual({
      code: "too-deep",
      message: `nesting too deep: more than ${MAX_DEPTH} levels`,
      span,
    });
  };
  const n = MAX_DEPTH + 1;

  it("parentheses", () => deep("(".repeat(n) + "x" + ")".repeat(n), [2000, 2001]));
  it("unclosed parentheses", () => deep("(".repeat(100_000), [2000, 2001]));
  it("calls", () => deep("f(".repeat(n) + "x" + ")".repeat(n), [4001, 4002]));
  it("unary minus chains", () => deep("-".repeat(n) + "x", [2000, 2001]));
  it("unary plus chains", () => deep("x*" + "+".repeat(n) + "x", [2002, 2003]));
  it("transpose chains", () => deep("x" + "'".repeat(n), [2001, 2002]));
  it("signs and parentheses together", () => deep("-(".repeat(1000) + "-x" + ")".repeat(1000), [2000, 2001]));
  it("exponents", () => deep("x^(".repeat(n) + "y" + ")".repeat(n), [6002, 6003]));
  it("signed exponents", () => deep("x^" + "-".repeat(n) + "y", [2002, 2003]));
  it("call arguments", () => deep("f(a, ".repeat(n) + "x" + ")".repeat(n), [10001, 10002]));

  it("a long flat chain of signed exponents is not nesting", () => {
    expect(parse("x^-".repeat(50_000) + "y").stmts).toHaveLength(1);
  });
  it("declaration type arguments", () => deep("A: matrix(" + "(".repeat(2000) + "n" + ")".repeat(2001), [2009, 2010]));
  it("inside a later statement", () => deep("a = 1\nb = " + "(".repeat(n) + "x" + ")".repeat(n), [2010, 2011]));

  it("is a MatcalcError, however deep, never a RangeError", () => {
    for (const source of ["(".repeat(900_000), "f(".repeat(450_000), "-".repeat(900_000), "x^-(".repeat(200_000)]) {
      const e = errorOf(() => parse(source));
      expect(e).toBeInstanceOf(MatcalcError);
      expect(e.code).toBe("too-deep");
    }
  });
});

describe("non-string input", () => {
  it("is a usage error, not a TypeError", () => {
    expect(errorOf(() => parse(42 as unknown as string)).code).toBe("usage");
  });
});
