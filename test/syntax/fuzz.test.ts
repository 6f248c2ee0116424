// Property tests of the parser: on any input it returns a well-formed Program or throws a MatcalcError with a
// span inside the source, never another exception; and printing a random AST then parsing it gives it back.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { formatError } from "../../src/diagnostics/format.js";
import type { Expr, Program } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parser.js";
import { sexpr } from "./helpers.js";

/** Parses and checks the contract: a Program with sane spans, or a MatcalcError with a sane span. */
function checkContract(source: string): void {
  let program: Program;
  try {
    program = parse(source);
  } catch (e) {
    if (!(e instanceof MatcalcError)) throw e;
    expect(["syntax", "too-deep"]).toContain(e.code);
    expect(e.span).not.toBeNull();
    const [start, end] = e.span!;
    expect(0 <= start && start <= end && end <= source.length).toBe(true);
    expect(typeof formatError(source, e)).toBe("string");
    return;
  }
  expect(program.source).toBe(source);
  expect(program.stmts.length).toBeGreaterThan(0);
  for (const stmt of program.stmts) {
    expectInside(stmt.span, [0, source.length]);
    if (stmt.kind === "expr") checkSpans(stmt.expr, stmt.span);
    if (stmt.kind === "def") checkSpans(stmt.value, stmt.span);
  }
}

function expectInside(inner: readonly [number, number], outer: readonly [number, number]): void {
  expect(outer[0] <= inner[0] && inner[0] < inner[1] && inner[1] <= outer[1]).toBe(true);
}

/** Every node is non-empty and inside its parent (iterative, like any pass over an AST must be). */
function checkSpans(root: Expr, outer: readonly [number, number]): void {
  const todo: [Expr, readonly [number, number]][] = [[root, outer]];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [e, parent] = item;
    expectInside(e.span, parent);
    if (e.kind === "neg" || e.kind === "transpose") todo.push([e.arg, e.span]);
    if (e.kind === "binary") {
      expectInside(e.opSpan, e.span);
      expect(e.left.span[1] <= e.opSpan[0] && e.opSpan[1] <= e.right.span[0]).toBe(true);
      todo.push([e.left, e.span], [e.right, e.span]);
    }
    if (e.kind === "call") for (const a of e.args) todo.push([a, e.span]);
  }
}

const TOKENS = [
  "x", "A", "theta1", "f", "tr", "2", "0.5", ".5", "1e-3", "2.", "+", "-", "*", "/", "^", ".*", "./", ".^",
  "'", ".'", "(", ")", ",", ":", ";", "=", "==", "\n", "#c\n", "%c\n", "matrix", "(n)", "(2, n)", " ", "\t", "@",
];

/** Any code point (fast-check's "binary" unit is much slower to generate). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
/** Any UTF-16 unit, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nearLanguage = fc.constantFrom(..."xyAB0123456789.eE+-*/^'(),:;=# %\n\t\r_é@[]!");

describe("parse never throws anything but MatcalcError", () => {
  it("random strings of any code points", () => {
    fc.assert(fc.property(fc.string({ unit: anyCodePoint, maxLength: 40 }), checkContract), { numRuns: 400 });
  });

  it("random strings of UTF-16 units, lone surrogates included", () => {
    fc.assert(fc.property(fc.string({ unit: anyUnit, maxLength: 40 }), checkContract), { numRuns: 400 });
  });

  it("random strings over the language's characters", () => {
    fc.assert(fc.property(fc.string({ unit: nearLanguage, maxLength: 60 }), checkContract), { numRuns: 1500 });
  });

  it("random sequences of valid tokens", () => {
    const tokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 });
    fc.assert(fc.property(tokens, (ts) => checkContract(ts.join(""))), { numRuns: 1500 });
    fc.assert(fc.property(tokens, (ts) => checkContract(ts.join(" "))), { numRuns: 1500 });
  });

  it("a few deep random inputs", () => {
    const pieces = fc.constantFrom("(", "f(", "-", "'", "x", ")", "^", "+");
    const deepish = fc.array(pieces, { minLength: 1000, maxLength: 5000 });
    fc.assert(fc.property(deepish, (ts) => checkContract(ts.join(""))), { numRuns: 20 });
  });
});

// ---- round trip -------------------------------------------------------------------------------------

const NUMBERS = ["2", "0.5", ".5", "1e-3", "1.5E+2", "3.", "10"];
const NAMES = ["x", "A", "theta1", "x_0", "pi"];
const OPS = ["+", "-", "*", "/", "^", ".*", "./", ".^"] as const;

/** Random surface expressions, as source text with every compound parenthesised, and their S-expression. */
interface Sample {
  readonly text: string;
  readonly tree: string;
}

const { expr } = fc.letrec<{ expr: Sample }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...NUMBERS).map((n) => ({ text: n, tree: n })),
    fc.constantFrom(...NAMES).map((n) => ({ text: n, tree: n })),
    tie("expr").map((a) => ({ text: `(-${a.text})`, tree: `(neg ${a.tree})` })),
    tie("expr").map((a) => ({ text: `((${a.text})')`, tree: `(' ${a.tree})` })),
    fc.tuple(fc.constantFrom(...OPS), tie("expr"), tie("expr")).map(([op, l, r]) => ({
      text: `(${l.text} ${op} ${r.text})`,
      tree: `(${op} ${l.tree} ${r.tree})`,
    })),
    fc.tuple(fc.constantFrom("f", "tr", "eye"), fc.array(tie("expr"), { maxLength: 3 })).map(([f, args]) => ({
      text: `${f}(${args.map((a) => a.text).join(",\n ")})`,
      tree: `${f}(${args.map((a) => a.tree).join(", ")})`,
    })),
  ),
}));

describe("round trip", () => {
  it("parse(print(tree)) is the tree", () => {
    fc.assert(
      fc.property(expr, (s) => {
        const { stmts } = parse(`y = ${s.text}`);
        expect(stmts).toHaveLength(1);
        const stmt = stmts[0]!;
        if (stmt.kind !== "def") throw new Error("expected a definition");
        expect(sexpr(stmt.value)).toBe(s.tree);
        checkSpans(stmt.value, stmt.span);
      }),
      { numRuns: 500 },
    );
  });
});
