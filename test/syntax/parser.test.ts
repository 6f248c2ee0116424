// Parser tests: every construct, MATLAB precedence and associativity, spans, statements and declarations.
// Trees are compared as S-expressions (helpers.ts); spans are checked on the nodes themselves.

import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parser.js";
import { onlyExpr, onlyStmt, px } from "./helpers.js";

describe("numbers and names", () => {
  it.each([
    ["2", 2],
    ["0.5", 0.5],
    [".5", 0.5],
    ["2.", 2],
    ["1e-3", 0.001],
    ["1.5E+2", 150],
    ["2.e3", 2000],
    ["007", 7],
  ] as const)("%s", (text, value) => {
    const e = onlyExpr(text);
    expect(e).toEqual({ kind: "num", value, text, span: [0, text.length] });
  });

  it("keeps the original text of a number", () => {
    expect(onlyExpr("1.50E+02")).toMatchObject({ value: 150, text: "1.50E+02" });
  });

  it.each(["theta1", "Sigma", "x_0", "_", "pi", "eye", "alpha"])("identifier %s", (name) => {
    expect(onlyExpr(name)).toEqual({ kind: "ident", name, span: [0, name.length] });
  });

  it("a dot before * / ^ ' belongs to the operator, not the number", () => {
    expect(px("2.*x")).toBe("(.* 2 x)");
    expect(px("2./x")).toBe("(./ 2 x)");
    expect(px("2.^x")).toBe("(.^ 2 x)");
    expect(px("2.'")).toBe("(' 2)");
    expect(px("2. * x")).toBe("(* 2. x)");
    expect(px("x.*.5")).toBe("(.* x .5)");
  });
});

describe("operators and precedence", () => {
  it.each([
    // binary + - left-associative, below * /
    ["a - b - c", "(- (- a b) c)"],
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a / b / c", "(/ (/ a b) c)"],
    ["a * b / c .* d ./ e", "(./ (.* (/ (* a b) c) d) e)"],
    ["a - b * c + d", "(+ (- a (* b c)) d)"],
    ["a .* b + c ./ d", "(+ (.* a b) (./ c d))"],
    // ^ .^ ' left-associative at the top level
    ["2^3^2", "(^ (^ 2 3) 2)"],
    ["x.^2.^3", "(.^ (.^ x 2) 3)"],
    ["A'^2", "(^ (' A) 2)"],
    ["A^2'", "(' (^ A 2))"],
    ["A''", "(' (' A))"],
    ["A.'", "(' A)"],
    ["A'*B", "(* (' A) B)"],
    ["a*b^2", "(* a (^ b 2))"],
    ["a^2*b", "(* (^ a 2) b)"],
    // unary minus below ^ and ', above * /
    ["-2^2", "(neg (^ 2 2))"],
    ["-A'", "(neg (' A))"],
    ["-a*b", "(* (neg a) b)"],
    ["-a + b", "(+ (neg a) b)"],
    ["a*-b", "(* a (neg b))"],
    ["a/-b", "(/ a (neg b))"],
    ["a - -b", "(- a (neg b))"],
    ["a + -b*c", "(+ a (* (neg b) c))"],
    ["--a", "(neg (neg a))"],
    ["-x.^2", "(neg (.^ x 2))"],
    // signed exponents
    ["A^-1", "(^ A (neg 1))"],
    ["x.^-2", "(.^ x (neg 2))"],
    ["A^+1", "(^ A 1)"],
    ["2^-3^2", "(^ (^ 2 (neg 3)) 2)"],
    ["A^-B'", "(' (^ A (neg B)))"],
    ["A^--1", "(^ A (neg (neg 1)))"],
    ["x^-(a+b)", "(^ x (neg (+ a b)))"],
    ["x^f(y)", "(^ x f(y))"],
    ["x^(1/2)", "(^ x (/ 1 2))"],
    // unary plus is dropped
    ["+a", "a"],
    ["a*+b", "(* a b)"],
    ["-+-a", "(neg (neg a))"],
    // parentheses
    ["(a + b) * c", "(* (+ a b) c)"],
    ["a - (b - c)", "(- a (- b c))"],
    ["((a))", "a"],
    ["(A*B)'", "(' (* A B))"],
    ["-(a)^2", "(neg (^ a 2))"],
    ["(-a)^2", "(^ (neg a) 2)"],
  ])("%s", (source, expected) => {
    expect(px(source)).toBe(expected);
  });
});

describe("calls", () => {
  it.each([
    ["f(x)", "f(x)"],
    ["f(a, b, c)", "f(a, b, c)"],
    ["eye()", "eye()"],
    ["f (x)", "f(x)"],
    ["tr(A*(X+B))", "tr((* A (+ X B)))"],
    ["f(g(x), h(y, z))", "f(g(x), h(y, z))"],
    ["f(x)'", "(' f(x))"],
    ["-f(x)^2", "(neg (^ f(x) 2))"],
    ["log(det(X)) + x'*A*x", "(+ log(det(X)) (* (* (' x) A) x))"],
    ["f(-x, -y)", "f((neg x), (neg y))"],
  ])("%s", (source, expected) => {
    expect(px(source)).toBe(expected);
  });

  it("records the callee span and the full span", () => {
    const e = onlyExpr("  norm2(x - y) ");
    expect(e).toMatchObject({ kind: "call", callee: "norm2", calleeSpan: [2, 7], span: [2, 14] });
  });
});

describe("spans", () => {
  it("binary: from the left start to the right end, opSpan on the operator", () => {
    const e = onlyExpr("a + b .* c");
    expect(e).toMatchObject({ kind: "binary", op: "+", span: [0, 10], opSpan: [2, 3] });
    if (e.kind !== "binary") throw new Error();
    expect(e.right).toMatchObject({ op: ".*", span: [4, 10], opSpan: [6, 8] });
  });

  it("a parenthesised node keeps its inner span; enclosing nodes cover the parentheses", () => {
    const e = onlyExpr("(a + b)*c");
    expect(e).toMatchObject({ kind: "binary", op: "*", span: [0, 9] });
    if (e.kind !== "binary") throw new Error();
    expect(e.left).toMatchObject({ op: "+", span: [1, 6] });
    expect(onlyStmt("((a))").span).toEqual([0, 5]);
    expect(onlyExpr("((a))").span).toEqual([2, 3]);
  });

  it("neg, transpose and unary plus", () => {
    expect(onlyExpr("-x").span).toEqual([0, 2]);
    expect(onlyExpr("x'").span).toEqual([0, 2]);
    expect(onlyExpr("x.'").span).toEqual([0, 3]);
    expect(onlyExpr("(x)'").span).toEqual([0, 4]);
    const plus = onlyStmt("+x");
    expect(plus).toEqual({ kind: "expr", expr: { kind: "ident", name: "x", span: [1, 2] }, span: [0, 2] });
    expect(onlyExpr("+x * y").span).toEqual([0, 6]);
  });

  it("power with a signed exponent", () => {
    const e = onlyExpr("A^-1");
    expect(e).toEqual({
      kind: "binary",
      op: "^",
      left: { kind: "ident", name: "A", span: [0, 1] },
      right: { kind: "neg", arg: { kind: "num", value: 1, text: "1", span: [3, 4] }, span: [2, 4] },
      opSpan: [1, 2],
      span: [0, 4],
    });
    expect(onlyExpr("x^-(y)").span).toEqual([0, 6]);
  });

  it("every node's span is the exact source text of that node", () => {
    const source = "y = -(a + b')*f(c, d.^-2)' ./ (e)";
    const stmt = onlyStmt(source);
    if (stmt.kind !== "def") throw new Error();
    const texts: string[] = [];
    const walk = (e: Expr): void => {
      texts.push(source.slice(e.span[0], e.span[1]));
      if (e.kind === "neg" || e.kind === "transpose") walk(e.arg);
      if (e.kind === "binary") [e.left, e.right].forEach(walk);
      if (e.kind === "call") e.args.forEach(walk);
    };
    walk(stmt.value);
    expect(texts).toEqual([
      "-(a + b')*f(c, d.^-2)' ./ (e)",
      "-(a + b')*f(c, d.^-2)'",
      "-(a + b')",
      "a + b'",
      "a",
      "b'",
      "b",
      "f(c, d.^-2)'",
      "f(c, d.^-2)",
      "c",
      "d.^-2",
      "d",
      "-2",
      "2",
      "e",
    ]);
  });
});

describe("statements", () => {
  it("definition, declaration and expression", () => {
    const { stmts, source } = parse("X: matrix(n, n)\nf = tr(X)\nf + 1");
    expect(source).toBe("X: matrix(n, n)\nf = tr(X)\nf + 1");
    expect(stmts.map((s) => s.kind)).toEqual(["decl", "def", "expr"]);
    expect(stmts[1]).toEqual({
      kind: "def",
      name: "f",
      nameSpan: [16, 17],
      value: {
        kind: "call",
        callee: "tr",
        calleeSpan: [20, 22],
        args: [{ kind: "ident", name: "X", span: [23, 24] }],
        span: [20, 25],
      },
      span: [16, 25],
    });
    expect(stmts[2]).toMatchObject({ kind: "expr", span: [26, 31] });
  });

  it("separators: ; and newlines, repeated, leading and trailing", () => {
    const { stmts } = parse("\n\n;a = 1;; b = 2\n\n;\nc\n;\n");
    expect(stmts.map((s) => (s.kind === "def" ? s.name : s.kind))).toEqual(["a", "b", "expr"]);
  });

  it("comments with # and %", () => {
    const source = "# objective\nf = x'*x  # squared norm\n% matlab style\ng = 2 % trailing";
    const { stmts } = parse(source);
    expect(stmts.map((s) => s.kind)).toEqual(["def", "def"]);
    expect(stmts[0]!.span).toEqual([12, 20]);
    const g = source.indexOf("g");
    expect(stmts[1]!.span).toEqual([g, g + 5]);
  });

  it("newlines inside parentheses are whitespace", () => {
    expect(px("f(a,\n  b\n)")).toBe("f(a, b)");
    expect(px("(a\n + b\n) * c")).toBe("(* (+ a b) c)");
    expect(parse("x: matrix(n,\n m)").stmts[0]).toMatchObject({
      type: [{ name: "matrix", args: [{ value: "n" }, { value: "m" }] }],
    });
  });

  it("CRLF line endings and tabs", () => {
    const { stmts } = parse("a = 1\r\n\tb = a\t*\t2\r\n");
    expect(stmts).toHaveLength(2);
    expect(stmts[1]).toMatchObject({ kind: "def", name: "b", span: [8, 17] });
  });

  it("a name followed by = is a definition even without spaces", () => {
    expect(onlyStmt("x=y")).toMatchObject({ kind: "def", name: "x", value: { kind: "ident", name: "y" } });
  });
});

describe("declarations", () => {
  const decl = (source: string) => {
    const s = onlyStmt(source);
    if (s.kind !== "decl") throw new Error(`not a declaration: ${source}`);
    return {
      names: s.names.map((n) => n.name),
      type: s.type.map((w) => (w.args.length ? `${w.name}(${w.args.map((a) => a.value).join(",")})` : w.name)),
    };
  };

  it.each([
    ["X: symmetric(n)", ["X"], ["symmetric(n)"]],
    ["A: matrix(n, m)", ["A"], ["matrix(n,m)"]],
    ["A, B: matrix(n)", ["A", "B"], ["matrix(n)"]],
    ["x: vector(n)", ["x"], ["vector(n)"]],
    ["beta: scalar", ["beta"], ["scalar"]],
    ["S: matrix(n,n) spd", ["S"], ["matrix(n,n)", "spd"]],
    ["X: matrix(n, n), symmetric", ["X"], ["matrix(n,n)", "symmetric"]],
    ["a,b , c : vector(3) nonneg, unit", ["a", "b", "c"], ["vector(3)", "nonneg", "unit"]],
    ["W: matrix(0, 10)", ["W"], ["matrix(0,10)"]],
    ["Q: whatever(foo, 1, bar) ok", ["Q"], ["whatever(foo,1,bar)", "ok"]],
  ])("%s", (source, names, type) => {
    expect(decl(source)).toEqual({ names, type });
  });

  it("integer arguments become numbers, names strings, with spans", () => {
    expect(onlyStmt("A, B: matrix(3, n) spd")).toEqual({
      kind: "decl",
      names: [
        { name: "A", span: [0, 1] },
        { name: "B", span: [3, 4] },
      ],
      type: [
        {
          name: "matrix",
          args: [
            { value: 3, span: [13, 14] },
            { value: "n", span: [16, 17] },
          ],
          span: [6, 18],
        },
        { name: "spd", args: [], span: [19, 22] },
      ],
      span: [0, 22],
    });
  });

  it("declarations mix with other statements", () => {
    const { stmts } = parse("n: scalar; x: vector(n); f = x'*x");
    expect(stmts.map((s) => s.kind)).toEqual(["decl", "decl", "def"]);
  });
});

describe("limits that must parse", () => {
  it("nesting of exactly 2000 levels", () => {
    expect(() => parse("(".repeat(2000) + "x" + ")".repeat(2000))).not.toThrow();
    expect(() => parse("f(".repeat(2000) + "x" + ")".repeat(2000))).not.toThrow();
    expect(() => parse("-".repeat(2000) + "x")).not.toThrow();
    expect(() => parse("x" + "'".repeat(2000))).not.toThrow();
    expect(() => parse("-(".repeat(1000) + "x" + ")".repeat(1000))).not.toThrow();
  });

  it("a flat chain of 200,000 operands (iterative, no recursion over the tree)", () => {
    const n = 200_000;
    let e = onlyExpr(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "x" : "y'")).join("+"));
    let count = 1;
    while (e.kind === "binary" && e.op === "+") {
      e = e.left;
      count++;
    }
    expect(count).toBe(n);
    expect(e).toMatchObject({ kind: "ident", name: "x", span: [0, 1] });
  });

  it("mixed chains: long sums of products of powers", () => {
    const source = "a*b^2 - c./d'".concat(" + a*b^2 - c./d'".repeat(50_000));
    expect(parse(source).stmts).toHaveLength(1);
  });

  it("a 1 MB input of 'x+' repeated", () => {
    const source = "x+".repeat(499_999) + "x";
    expect(source.length).toBe(999_999);
    const e = onlyExpr(source);
    expect(e.span).toEqual([0, 999_999]);
  });

  it("exactly 1,000,000 characters is allowed", () => {
    const source = "x" + " ".repeat(999_999);
    expect(source.length).toBe(1_000_000);
    expect(parse(source).stmts).toHaveLength(1);
  });

  it("1,000,000 statements-worth of separators and comments", () => {
    expect(parse(";\n".repeat(250_000) + "x" + "# c\n".repeat(100_000)).stmts).toHaveLength(1);
  });
});
