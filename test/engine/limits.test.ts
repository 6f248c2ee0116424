import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";
import { toText } from "../../src/print/text.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { topoOrder } from "../../src/ir/node.js";

/** Run the whole pipeline; return the error code, or "ok". Anything but a MatcalcError fails the test. */
function outcome(src: string, wrt: string): string {
  try {
    differentiate(src, { wrt });
    return "ok";
  } catch (e) {
    if (e instanceof MatcalcError) return e.code;
    throw e;
  }
}

describe("large and deep input through the whole pipeline", () => {
  test("a 1 MB sum differentiates (linear-time lowering of long chains)", () => {
    const src = `${"x+".repeat(499_999)}x`;
    expect(src.length).toBe(999_999);
    expect(differentiate(src, { wrt: "x" }).derivative.text).toBe("500000*eye(n)");
  });

  test("60 000 distinct summands and a 50 000-factor product", () => {
    const sum = Array.from({ length: 60_000 }, (_, i) => `a${i}`).join("+");
    expect(differentiate(sum, { wrt: "a7" }).derivative.text).toBe("1");
    const prod = Array.from({ length: 50_000 }, (_, i) => `a${i}`).join("*");
    expect(differentiate(prod, { wrt: "a1" }).derivative.text.length).toBeGreaterThan(100_000);
  });

  test("nesting 10 000 deep is a clean too-deep error, 1 500 deep differentiates", () => {
    expect(outcome(`${"(".repeat(10_000)}x${")".repeat(10_000)}`, "x")).toBe("too-deep");
    expect(outcome(`${"sin(".repeat(10_000)}x${")".repeat(10_000)}`, "x")).toBe("too-deep");
    const d = differentiate(`${"sin(".repeat(1500)}x${")".repeat(1500)}`, { wrt: "x" });
    // Shared subexpressions are named, so the answer grows linearly with the depth.
    expect(d.derivative.text.length).toBeLessThan(200_000);
  });

  test("a chain y(k) = sin(y(k-1)) keeps its products short and its derivative right", () => {
    // The derivative is a product of K cosines; the builder flattens nested products only up to a bound, so
    // every step of the forward differential touches a short list (linear, not quadratic, in K).
    for (const decl of ["x: scalar", "x: vector"]) {
      const K = 200;
      const lines = [decl, "y1 = sin(x)"];
      for (let k = 2; k <= K; k++) lines.push(`y${k} = sin(y${k - 1})`);
      lines.push(decl === "x: scalar" ? `f = y${K}` : `f = sum(y${K})`);
      const d = differentiate(lines.join("\n"), { wrt: "x" });
      const widest = Math.max(
        ...topoOrder([d.result.raw!]).filter((n) => n.op === "times" || n.op === "hadamard").map((n) => n.args.length),
      );
      expect(widest).toBeLessThan(40); // 200 if products were flattened without bound
      const report = checkDerivative(d, { seed: 3 });
      expect(report.status).toBe("PASS");
    }
  });

  test("input over 1 MB is refused with too-large", () => {
    expect(outcome(`${"x+".repeat(500_001)}x`, "x")).toBe("too-large");
  });
});

test("constants that overflow are a coded error, never Infinity in an answer", () => {
  // x.^1e308 .* x.^1e308 keeps its two powers apart (2e308 is not a double) ...
  const c = compile("sum(x.^1e308 .* x.^1e308)");
  expect(toText(c.f)).toBe("sum(x.^1e308 .* x.^1e308)");
  // ... and its derivative's coefficient 2e308 is refused with a reason.
  expect(outcome("sum(x.^1e308 .* x.^1e308)", "x")).toBe("unsupported");
});

describe("fuzz: random programs give an answer or a coded error, never a crash", () => {
  const atoms = ["x", "y", "A", "B", "X", "a", "b", "2", "0.5", "pi", "eye(n)", "ones(n)"];
  const fns = ["sin", "exp", "log", "tr", "det", "logdet", "inv", "sum", "norm2", "norm1", "diag", "sqrt", "abs", "relu", "sigmoid", "tanh"];
  const bin = ["+", "-", "*", "/", ".*", "./", "^", ".^"];
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...atoms),
      fc.tuple(tie("e"), fc.constantFrom(...bin), tie("e")).map(([l, o, r]) => `(${l})${o}(${r})`),
      fc.tuple(fc.constantFrom(...fns), tie("e")).map(([f, a]) => `${f}(${a})`),
      tie("e").map((a) => `(${a})'`),
      tie("e").map((a) => `-(${a})`),
    ),
  })).e;

  test("well-formed random expressions", () => {
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(expr, fc.constantFrom("x", "A", "a", "X"), (src, wrt) => {
        const c = outcome(src, wrt);
        codes.set(c, (codes.get(c) ?? 0) + 1);
      }),
      { numRuns: 600, seed: 42 },
    );
    // The generator must reach real answers, not only errors.
    expect(codes.get("ok") ?? 0).toBeGreaterThan(15);
  });

  test("random token soup and random characters", () => {
    const tokens = [...atoms, ...fns, ...bin, "(", ")", "'", ",", ";", "\n", ":", "=", "vector(n)", "#", "matrix", "1e400", "é", "\u0000"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }), (ts) => {
        outcome(ts.join(" "), "x");
      }),
      { numRuns: 1500, seed: 7 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: "binary" }), (s) => {
        outcome(s, "x");
      }),
      { numRuns: 1500, seed: 9 },
    );
  });

  test("first derivatives of random scalar expressions pass the numeric check", () => {
    let checked = 0;
    fc.assert(
      fc.property(expr, (inner) => {
        const src = `x: vector(n)\nA: matrix(n)\nsum(${inner}) + x'*A*x`;
        let d: ReturnType<typeof differentiate>;
        try {
          d = differentiate(src, { wrt: "x" });
        } catch (e) {
          if (e instanceof MatcalcError) return;
          throw e;
        }
        const r = checkDerivative(d, { seed: 3 });
        if (r.status === "SKIPPED") return;
        checked++;
        expect(r.status, `${src}\n=> ${d.derivative.text}\n${r.message}`).toBe("PASS");
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(checked).toBeGreaterThan(50);
  });
});
