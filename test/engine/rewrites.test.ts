// Rewrite rules of sums and products (src/ir/builder.ts: addList, sumOrTransposed, mulList, cancelChain, powerOf,
// inv, timesList, hadamardList), each checked numerically: the program is built through the rule, the left side is
// computed directly from the unrewritten formula, and both must agree at random values.

import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { render } from "../../src/api/differentiate.js";
import { evaluateNodes } from "../../src/numeric/evaluate.js";
import * as L from "../../src/numeric/linalg.js";
import * as M from "../../src/numeric/matrix.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { factorSums } from "../../src/simplify/factor.js";
import { type RewriteRule, type Values, testRewriteRules, v, valuesFor } from "./rewrite-rules.js";

const mm = (...xs: Mat[]) => xs.reduce((a, b) => M.matmul(a, b));
const pow = (x: Mat, k: number) => mm(...Array.from({ length: k }, () => x));
const T = M.transpose;

// [rule, program (built through the rule), the unrewritten left side computed directly, expected canonical text]
const RULES: readonly RewriteRule[] = [
  ["x' + y' = (x + y)'", "x' + y'", (e) => M.add(T(v(e, "x")), T(v(e, "y"))), "(x + y)'"],
  ["(x + y)' - x' = y'", "(x + y)' - x'", (e) => M.sub(T(M.add(v(e, "x"), v(e, "y"))), T(v(e, "x"))), "y'"],
  ["(A + B)' + C' = (A + B + C)'", "(A + B)' + C'", (e) => M.add(T(M.add(v(e, "A"), v(e, "B"))), T(v(e, "C"))), "(A + B + C)'"],
  ["A' + B keeps its one mark", "A' + B", (e) => M.add(T(v(e, "A")), v(e, "B")), "B + A'"],
  [
    "(A*X)' + (X*A)' = (A*X + X*A)'",
    "X'*A' + A'*X'",
    (e) => M.add(mm(T(v(e, "X")), T(v(e, "A"))), mm(T(v(e, "A")), T(v(e, "X")))),
    "(A*X + X*A)'",
  ],
  ["inv(X^k) = inv(X)^k", "inv(X^3)", (e) => L.inv(pow(v(e, "X"), 3)), "inv(X)^3"],
  ["X^-k = inv(X)^k", "X^-2", (e) => L.inv(pow(v(e, "X"), 2)), "inv(X)^2"],
  ["X*inv(X^2) = inv(X)", "X*inv(X^2)", (e) => mm(v(e, "X"), L.inv(pow(v(e, "X"), 2))), "inv(X)"],
  ["inv(X^2)*X^3 = X", "inv(X^2)*X^3", (e) => mm(L.inv(pow(v(e, "X"), 2)), pow(v(e, "X"), 3)), "X"],
  ["X^2*inv(X^2) = I", "A*X^2*inv(X^2)", (e) => mm(v(e, "A"), pow(v(e, "X"), 2), L.inv(pow(v(e, "X"), 2))), "A"],
  [
    "X'*inv(X^2)' = inv(X)' (powers of transposes merge)",
    "X'*inv(X^2)'*A",
    (e) => mm(T(v(e, "X")), T(L.inv(pow(v(e, "X"), 2))), v(e, "A")),
    "inv(X)'*A",
  ],
  ["inv(X)*X = I", "B*inv(X)*X", (e) => mm(v(e, "B"), L.inv(v(e, "X")), v(e, "X")), "B"],
  ["X*X = X^2", "A*X*X", (e) => mm(v(e, "A"), v(e, "X"), v(e, "X")), "A*X^2"],
  [
    "tr(inv(X^2)*A*X) + tr(inv(X^2)*X*A): the differential of logdet(X^2)",
    "tr(inv(X^2)*A*X) + tr(inv(X^2)*X*A)",
    (e) => {
      const x = v(e, "X");
      const a = v(e, "A");
      return M.scalar(M.trace(mm(L.inv(pow(x, 2)), a, x)) + M.trace(mm(L.inv(pow(x, 2)), x, a)));
    },
    "2*tr(A*inv(X))",
  ],
];

const expv = (a: Mat) => M.map(a, Math.exp);
const logv = (a: Mat) => M.map(a, Math.log);
const sc = (a: Mat) => a.data[0]!;

// Logarithms of positive products and sums of entries, and powers with expression exponents.
const MORE_RULES: readonly RewriteRule[] = [
  [
    "log(exp(u)/sum(exp(u))) = u - log(sum(exp(u)))*ones (log of a positive scalar times a positive vector)",
    "log(exp(A*x)/sum(exp(A*x)))",
    (e) => {
      const z = expv(mm(v(e, "A"), v(e, "x")));
      return logv(M.scale(z, 1 / M.sum(z)));
    },
    "A*x - log(sum(exp(A*x)))*ones(n, 1)",
  ],
  ["log(2*exp(a)) = a + log(2)", "log(2*exp(a))", (e) => M.scalar(Math.log(2 * Math.exp(sc(v(e, "a"))))), "a + log(2)"],
  ["ones(1, n)*y = sum(y)", "ones(1, n)*y", (e) => M.scalar(M.sum(v(e, "y"))), "sum(y)"],
  ["y'*A*ones(n, 1) = sum(y'*A)", "y'*A*ones(n, 1)", (e) => M.scalar(M.sum(mm(T(v(e, "y")), v(e, "A")))), "sum(y'*A)"],
  [
    "det(X)^(b - 1)*det(X) = det(X)^b",
    "X: spd(n)\ndet(X)^(b - 1)*det(X)",
    (e) => {
      const d = L.det(v(e, "X"));
      return M.scalar(d ** (sc(v(e, "b")) - 1) * d);
    },
    "det(X)^b",
  ],
  [
    "exp(x).^a .* exp(x) = exp(x).^(a + 1)",
    "exp(x).^a .* exp(x)",
    (e) => M.hadamard(M.map(expv(v(e, "x")), (t) => t ** sc(v(e, "a"))), expv(v(e, "x"))),
    "exp(x).^(a + 1)",
  ],
  // Constants that are small fractions fold exactly (src/ir/fraction.ts), so exponents stay the fractions they mean.
  ["a^(1/3 - 1)*a = a^(1/3)", "a^(1/3 - 1)*a", (e) => M.scalar(sc(v(e, "a")) ** (1 / 3 - 1) * sc(v(e, "a"))), "a^(1/3)"],
  ["x.^(1/3 - 1) = x.^(-2/3)", "x.^(1/3 - 1)", (e) => M.map(v(e, "x"), (t) => t ** (1 / 3 - 1)), "x.^(-2/3)"],
  ["(2/3)*(3/4)*a = a/2", "(2/3)*(3/4)*a", (e) => M.scalar((2 / 3) * (3 / 4) * sc(v(e, "a"))), "a/2"],
  [
    "a^(1/6)*a^(1/6)*a^(1/2) = a^(5/6)",
    "a^(1/6)*a^(1/6)*a^(1/2)",
    (e) => M.scalar(sc(v(e, "a")) ** (1 / 6) * sc(v(e, "a")) ** (1 / 6) * sc(v(e, "a")) ** (1 / 2)),
    "a^(5/6)",
  ],
];

describe("sum and product rewrite rules hold numerically", () => {
  testRewriteRules([...RULES, ...MORE_RULES], 1e-8);
});

describe("long products stay nested past the flattening bound, with the same value", () => {
  // 40 distinct factors written as a nested product: the builder keeps the inner 20-factor product as one
  // factor (it is longer than the bound) instead of re-sorting all 40, and the value is unchanged.
  const names = Array.from({ length: 40 }, (_, i) => `a${i}`);
  const inner = names.slice(20).join(" .* ");
  const outer = names.slice(0, 20).join(" .* ");
  test.each([
    ["Hadamard", `a0: vector(n)\n${outer} .* (${inner})`, (e: Values) => names.map((x) => v(e, x)).reduce(M.hadamard)],
    [
      "scalar",
      `${names.map((x) => `${x}: scalar`).join("\n")}\n${outer.replaceAll(".*", "*")} * (${inner.replaceAll(".*", "*")})`,
      (e: Values) => M.scalar(names.reduce((p, x) => p * v(e, x).data[0]!, 1)),
    ],
  ])("%s", (_kind, program, lhs) => {
    const c = compile(program);
    expect(c.f.args.length).toBeLessThan(40);
    for (const seed of [1, 2]) {
      const env = valuesFor(c, seed, 3);
      const want = lhs(env.values);
      const got = evaluateNodes([c.f], env)[0]!;
      expect(M.maxAbs(M.sub(got, want)) / Math.max(1, M.maxAbs(want))).toBeLessThan(1e-10);
    }
  });
});

// Presentation factoring of final answers (src/simplify/factor.ts): the factored form must print as expected and
// keep the value of the unfactored formula, computed directly.
const FACTORINGS: readonly RewriteRule[] = [
  ["2*A - 2*B = 2*(A - B)", "2*A - 2*B", (e) => M.sub(M.scale(v(e, "A"), 2), M.scale(v(e, "B"), 2)), "2*(A - B)"],
  ["-A - B = -(A + B)", "-A - B", (e) => M.scale(M.add(v(e, "A"), v(e, "B")), -1), "-(A + B)"],
  ["(2*A - 2*B)/2 = A - B", "(2*A - 2*B)/2", (e) => M.scale(M.sub(M.scale(v(e, "A"), 2), M.scale(v(e, "B"), 2)), 0.5), "A - B"],
  [
    "(2*A + 4*C - 2*B)/2 = A + 2*C - B (greatest common divisor)",
    "(2*A + 4*C - 2*B)/2",
    (e) => M.scale(M.add(M.scale(v(e, "A"), 2), M.sub(M.scale(v(e, "C"), 4), M.scale(v(e, "B"), 2))), 0.5),
    "A + 2*C - B",
  ],
  [
    "(2*A*x + 4*B*x)/2 = (A + 2*B)*x (the divisor cancels inside a product)",
    "(2*A*x + 4*B*x)/2",
    (e) => M.scale(M.add(M.scale(mm(v(e, "A"), v(e, "x")), 2), M.scale(mm(v(e, "B"), v(e, "x")), 4)), 0.5),
    "(A + 2*B)*x",
  ],
  [
    "x'*(2*A + 6*B)*x/4 = x'*(A + 3*B)*x/2",
    "x'*(2*A + 6*B)*x/4",
    (e) => M.scale(mm(T(v(e, "x")), M.add(M.scale(v(e, "A"), 2), M.scale(v(e, "B"), 6)), v(e, "x")), 0.25),
    "x'*(A + 3*B)*x/2",
  ],
  ["a/3 - b/3 = (a - b)/3", "a/3 - b/3", (e) => M.scalar((sc(v(e, "a")) - sc(v(e, "b"))) / 3), "(a - b)/3"],
  ["a/2 + b stays", "a/2 + b", (e) => M.scalar(sc(v(e, "a")) / 2 + sc(v(e, "b"))), "b + a/2"],
  ["A*x + A'*x = (A + A')*x", "A*x + A'*x", (e) => M.add(mm(v(e, "A"), v(e, "x")), mm(T(v(e, "A")), v(e, "x"))), "(A + A')*x"],
];

describe("factoring of final answers keeps the value", () => {
  test.each(FACTORINGS)("%s", (_name, program, lhs, factored) => {
    const c = compile(program);
    const f = factorSums(c.b, c.f);
    expect(render(c, f).text).toBe(factored);
    for (const seed of [1, 2, 3]) {
      const env = valuesFor(c, seed);
      const want = lhs(env.values);
      const got = evaluateNodes([f], env)[0]!;
      expect(M.maxAbs(M.sub(got, want)) / Math.max(1, M.maxAbs(want)), `seed ${seed}`).toBeLessThan(1e-10);
    }
  });
});
