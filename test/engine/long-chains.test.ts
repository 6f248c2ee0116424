import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { checkDerivative, differentiate } from "../../src/api/differentiate.js";
import { toText } from "../../src/print/text.js";

// A variable repeated K times in a long product: the derivative shares the prefix and suffix products of the
// chain (as reverse mode does), so its size grows linearly in K. Structural tests only: sizes, never times.

const SHAPES: Record<string, (K: number) => string> = {
  chain: (K) => `tr(${Array.from({ length: K }, () => "A*X").join("*")}*B)`,
  nested: (K) => {
    const lines = ["Y1 = A*X*B"];
    for (let k = 2; k <= K; k++) lines.push(`Y${k} = A*X*Y${k - 1}*X'*B`);
    lines.push(`tr(Y${K})`);
    return lines.join("\n");
  },
  power: (K) => `tr((A*X)^${K}*B)`,
  inverse: (K) => `tr(${Array.from({ length: K }, () => "A*inv(X)").join("*")}*B)`,
  quadratic: (K) => `u'*${Array.from({ length: K }, () => "X*A").join("*")}*v`,
};

describe("a variable repeated in a long product", () => {
  for (const [name, make] of Object.entries(SHAPES)) {
    test(`${name}: the derivative passes the check and grows linearly`, () => {
      for (const K of [3, 12, 30]) {
        const d = differentiate(make(K), { wrt: "X" });
        expect(checkDerivative(d, { seed: 5 }).status, `${name} K=${K}`).toBe("PASS");
      }
      const small = differentiate(make(50), { wrt: "X" }).derivative.text.length;
      const large = differentiate(make(200), { wrt: "X" }).derivative.text.length;
      expect(large / small).toBeLessThan(6); // 4 when linear, 16 when quadratic
    });
  }

  test("the printed derivative of a long chain compiles back to the same text", () => {
    // the prefix products print as `(A*X*...)*X`; a parenthesized long product reads back as one factor
    for (const name of ["chain", "inverse", "quadratic"]) {
      const d = differentiate(SHAPES[name]!(25), { wrt: "X" });
      const decl = d.compiled.assumptions.map((a) => a.replace(/ \(inferred\)$/, "")).join("\n");
      expect(toText(compile(`${decl}\n${d.derivative.text}`).f), name).toBe(d.derivative.text);
    }
  });

  test("a long trace has one canonical rotation", () => {
    const letters = ["A", "X", "B", "X", "C", "X'", "A", "B'"];
    const chain = Array.from({ length: 48 }, (_, i) => letters[(i * 5 + (i >> 3)) % letters.length]!);
    const decl = "A: matrix(n)\nB: matrix(n)\nC: matrix(n)\nX: matrix(n)\n";
    const texts = new Set<string>();
    for (let r = 0; r < chain.length; r += 7) {
      const rot = [...chain.slice(r), ...chain.slice(0, r)];
      texts.add(toText(compile(`${decl}tr(${rot.join("*")})`).f));
      // the same trace as tr(P') = tr(P), with every factor transposed in reverse order
      const rev = rot.map((f) => (f.endsWith("'") ? f.slice(0, -1) : `${f}'`)).reverse();
      texts.add(toText(compile(`${decl}tr(${rev.join("*")})`).f));
    }
    expect(texts.size).toBe(1);
  });
});
