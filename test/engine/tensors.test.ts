import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { checkDerivative, derivativeValue, differentiate, renderIndex } from "../../src/api/differentiate.js";
import { handleRequest } from "../../src/api/request.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { evaluateNodes } from "../../src/numeric/evaluate.js";
import * as M from "../../src/numeric/matrix.js";
import { evaluateIndexForm } from "../../src/numeric/tensor-eval.js";
import { indexText, parseIndexText } from "../../src/print/index-notation.js";
import katex from "katex";
import { compileIn, expectTensorRow } from "./expect-identity.js";
import { IDENTITIES } from "./identities.js";
import { TENSORS } from "./tensor-table.js";

/** The declarations of every variable of d, to compile text with (answers parse back to the same nodes). */
describe("tensor derivatives: exact text, numeric check, round trip", () => {
  const rows = TENSORS.map(([expr, wrt, order, form, text, index]) => ({ expr, wrt, order, form, text, index: index ?? text }));
  test.each(rows)("$expr  d/d$wrt (order $order)", (row) => {
    expectTensorRow(row);
  });

  test("the table is large enough to mean something", () => {
    expect(TENSORS.length).toBeGreaterThanOrEqual(30);
    expect(TENSORS.filter((r) => r[3] === "kronecker").length).toBeGreaterThanOrEqual(10);
  });

  test("the Kronecker form and the index form have the same value", () => {
    for (const [expr, wrt, order, form] of TENSORS) {
      if (form !== "kronecker") continue;
      const d = differentiate(expr, { wrt, order });
      const c = d.compiled;
      const sizes: Record<string, number> = { n: 3, m: 4, k: 2, p: 5 };
      const values = new Map<string, M.Mat>();
      let seed = 1;
      for (const v of c.vars.values()) {
        const [r, k] = v.shape.map((x) => (typeof x === "number" ? x : sizes[x]!)) as [number, number];
        const m = M.zeros(r, k);
        for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sin(seed++ * 1.7) + (i % (k + 1) === 0 && r === k ? 3 : 0);
        values.set(v.name, v.props.includes("symmetric") ? M.symmetrize(m) : m);
      }
      const env = { values, dims: new Map(Object.entries(sizes)) };
      const kron = evaluateNodes([d.result.raw!], env)[0]!;
      const index = evaluateIndexForm(d.result.index(), env);
      expect(M.maxAbs(M.sub(kron, index)), expr).toBeLessThan(1e-9);
    }
  });
});

describe("layouts, shapes and conventions", () => {
  test("denominator layout transposes the matricized Jacobian: kron(B', A)' = kron(B, A')", () => {
    const d = differentiate("A*X*B", { wrt: "X", layout: "denominator" });
    expect(d.derivative.text).toBe("kron(B, A')");
    expect(d.convention).toMatch(/^denominator layout: the tensor df_ij\/dX_lq/);
    expect(checkDerivative(d, { seed: 3 }).status).toBe("PASS");
    const e = differentiate("X'*X", { wrt: "X", layout: "denominator" });
    expect(e.result.form).toBe("index");
    expect(checkDerivative(e, { seed: 3 }).status).toBe("PASS");
  });

  test("every tensor answer names its axes and its matricization", () => {
    const d = differentiate("A*X*B", { wrt: "X" });
    expect(d.result.axes).toEqual(["n", "p", "m", "k"]);
    expect(d.result.shape).toEqual(["n*p", "k*m"]);
    // X is m x k: its indices are l and q, no index letter is the name of a size
    expect(d.convention).toBe(
      "numerator layout: the tensor df_ij/dX_lq (output axes first, then the axes of the variable), " +
        "as the matrix with rows (i,j) and columns (l,q), first index fastest: dvec(f)/dvec(X)",
    );
    const h = differentiate("logdet(X)", { wrt: "X", order: 2 });
    expect(h.kind).toBe("hessian");
    expect(h.convention).toMatch(/^Hessian: the tensor d2f\/dX_ij dX_kl, as the matrix d2f\/dvec\(X\) dvec\(X\)'/);
    expect(h.convention).toMatch(/index notation, summing over every index not on the left$/);
    expect(h.derivative.shapeText).toBe("tensor(n, n, n, n)");
    // A Hessian in matrix notation names the variable, with the letters of its index form.
    const w = differentiate("w'*A*w", { wrt: "w", order: 2 });
    expect(w.convention).toBe("Hessian: H(i,j) = d2f / dw(i) dw(j)");
    expect(renderIndex(w).text).toBe("d2f/dw_i dw_j = A_ij + A_ji");
  });

  test("the Hessian by a matrix is symmetric as a matrix, also for symmetric variables", () => {
    for (const src of ["logdet(X)", "X: spd(n)\nlogdet(X)", "tr(A*X*B*X')", "X: symmetric(n)\ntr(X*A*X)"]) {
      const d = differentiate(src, { wrt: "X", order: 2 });
      const c = d.compiled;
      const values = new Map<string, M.Mat>();
      for (const v of c.vars.values()) {
        const m = M.zeros(3, 3);
        for (let i = 0; i < 9; i++) m.data[i] = Math.cos(i * 1.3 + v.name.length) + (i % 4 === 0 ? 4 : 0);
        values.set(v.name, v.name === "X" ? M.symmetrize(m) : m);
      }
      const H = derivativeValue(d, { values, dims: new Map([["n", 3]]) });
      expect(H.rows).toBe(9);
      expect(M.maxAbs(M.sub(H, M.transpose(H))), src).toBeLessThan(1e-12);
    }
  });
});

describe("index form of every derivative", () => {
  test("no index letter is the name of a size or a variable of the program, and the text parses back", () => {
    const programs: (readonly [string, string, number])[] = [
      ...TENSORS.map(([expr, wrt, order]) => [expr, wrt, order] as const),
      ...IDENTITIES.map(([expr, wrt, order]) => [expr, wrt, order] as const),
      ["X: matrix(m, k)\nA*X*B", "X", 1],
      ["X: matrix(i, j)\nA*X*B", "X", 1],
      ["p: scalar\nq: scalar\nX: matrix(l, n)\nsum(A*X*B)*p*q*C", "X", 1],
      ["X: spd(n)\np: scalar\ntr(A*X^p)", "X", 2],
      ["k: vector(m)\nx: vector(n)\nw'*x*sum(k) + x'*A*x", "x", 2],
    ];
    let checked = 0;
    for (const [expr, wrt, order] of programs) {
      const d = differentiate(expr, { wrt, order });
      const c = d.compiled;
      const text = renderIndex(d).text;
      const letters = new Set<string>();
      for (const m of text.matchAll(/_([a-z]+)\b/g)) for (const ch of m[1]!) letters.add(ch);
      for (const m of text.matchAll(/delta\(([a-z]),([a-z])\)/g)) letters.add(m[1]!).add(m[2]!);
      const clash = [...letters].filter((x) => c.dims.has(x) || c.vars.has(x));
      expect(clash, `${expr}: ${text}`).toEqual([]);
      expect(indexText(parseIndexText(c.b, text, compileIn(d), c.f.shape)), expr).toBe(text);
      checked += letters.size > 0 ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(100);
  });

  test.each([
    ["tr(A*X)", "X", 1, "df/dX_ij = A_ji"],
    ["x'*A*x", "x", 1, "df/dx_i = (A*x)_i + (A'*x)_i"],
    ["x'*A*x", "x", 2, "d2f/dx_i dx_j = A_ij + A_ji"],
    ["A*x", "x", 1, "df_i/dx_j = A_ij"],
    ["t: scalar\ninv(A + t*B)", "t", 1, "df_ij/dt = -(inv(A + t*B)*B*inv(A + t*B))_ij"],
    ["logdet(X)", "X", 1, "df/dX_ij = inv(X)_ji"],
    ["sum(X)", "X", 1, "df/dX_ij = 1"],
  ] as const)("%s d/d%s (order %i): %s", (expr, wrt, order, text) => {
    const d = differentiate(expr, { wrt, order });
    expect(renderIndex(d).text).toBe(text);
    const back = parseIndexText(d.compiled.b, text, compileIn(d));
    expect(indexText(back)).toBe(text);
  });

  test("LaTeX of the index form renders with KaTeX", () => {
    const cases = [
      ["A*X*B", "X", 1, "\\frac{\\partial f_{ij}}{\\partial X_{lq}} = A_{il} B_{qj}"],
      ["logdet(X)", "X", 2, "\\frac{\\partial^{2} f}{\\partial X_{ij}\\,\\partial X_{kl}} = -\\left(X^{-1}\\right)_{li} \\left(X^{-1}\\right)_{jk}"],
      ["X'", "X", 1, "\\frac{\\partial f_{ij}}{\\partial X_{kl}} = \\delta_{il} \\delta_{jk}"],
      ["X: symmetric(n)\nlogdet(X)", "X", 2, null],
      ["b: vector(n)\ninv(A + x*x')*b", "x", 1, null],
      // a variable whose name already has a subscript is parenthesized before the index subscript
      ["X_2 .* A*X_2", "X_2", 1, "\\frac{\\partial f_{ij}}{\\partial \\left(X_{2}\\right)_{kl}} = A_{il} \\delta_{ik} \\left(X_{2}\\right)_{lj} + \\left(A \\odot X_{2}\\right)_{ik} \\delta_{jl}"],
    ] as const;
    for (const [expr, wrt, order, want] of cases) {
      const d = differentiate(expr, { wrt, order });
      const latex = renderIndex(d).latex;
      if (want) expect(latex).toBe(want);
      expect(() => katex.renderToString(latex, { throwOnError: true })).not.toThrow();
      expect(() => katex.renderToString(d.derivative.latex, { throwOnError: true })).not.toThrow();
    }
    expect(differentiate("A*X*B", { wrt: "X" }).derivative.latex).toBe("B^\\top \\otimes A");
    expect(differentiate("inv(X)", { wrt: "X" }).derivative.latex).toBe("-\\left(\\left(X^{-1}\\right)^\\top \\otimes X^{-1}\\right)");
  });

  test("index text that does not parse is a coded syntax error", () => {
    const d = differentiate("A*X*B", { wrt: "X" });
    for (const bad of ["A_ik*B_lj", "df_ij/dX_kl = A_ikq", "df_ij/dX_kl = (A*X_ik", "df_ij/dX_kl = delta(i,q)"]) {
      expect(() => parseIndexText(d.compiled.b, bad, compileIn(d)), bad).toThrow(MatcalcError);
    }
  });
});

describe("kron in the language", () => {
  test("kron(A, B) has product dimensions, evaluates, and differentiates by a scalar", () => {
    const c = compile("A: matrix(n, m)\nB: matrix(p, q)\nkron(A, B)");
    expect(c.f.shape).toEqual(["n*p", "m*q"]);
    const d = differentiate("t: scalar\nA, B: matrix(n)\nkron(A, t*B + A)", { wrt: "t" });
    expect(d.derivative.text).toBe("kron(A, B)");
    expect(checkDerivative(d, { seed: 2 }).status).toBe("PASS");
  });

  test("kron needs the sizes of its arguments where it is used; gradients through kron are refused", () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return "ok";
      } catch (e) {
        return e instanceof MatcalcError ? e.code : "crash";
      }
    };
    expect(code(() => compile("kron(A, B)"))).toBe("unsupported");
    expect(code(() => differentiate("A, X: matrix(n)\ntr(kron(A, X))", { wrt: "X" }))).toBe("unsupported");
  });
});

describe("JSON API", () => {
  test("emit index, tensor values (N-D: J[i][j][k][l] = df_ij/dX_kl) and checks", () => {
    const A = [[1, 2, 3], [4, 5, 6]];
    const B = [[1, -1], [2, 0], [0, 3], [1, 1]];
    const X = [[1, 0, 2, 0], [0, 1, 0, 1], [3, 0, 1, 0]];
    const r = handleRequest({ expr: "A*X*B", wrt: "X", emit: ["index", "check"], values: { A, X, B } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.derivative.text).toBe("kron(B', A)");
    expect(r.derivative.shape).toEqual(["n*p", "k*m"]);
    expect(r.index).toEqual({ text: "df_ij/dX_lq = A_il*B_qj", latex: "\\frac{\\partial f_{ij}}{\\partial X_{lq}} = A_{il} B_{qj}" });
    expect(r.check?.status).toBe("PASS");
    // d(A*X*B)_ij/dX_kl = A_ik*B_lj: a 2 x 2 x 3 x 4 array, as jax.jacobian returns
    const want = [0, 1].map((i) => [0, 1].map((j) => [0, 1, 2].map((k) => [0, 1, 2, 3].map((l) => A[i]![k]! * B[l]![j]!))));
    expect(r.derivativeValue).toEqual(want);
  });

  test("matricize: the matrix kron(B', A) the text describes (column-major vec)", () => {
    const r = handleRequest({
      expr: "A*X*B",
      wrt: "X",
      matricize: true,
      values: { A: [[1, 2], [3, 4]], X: [[1, 0], [0, 1]], B: [[0, 1], [1, 0]] },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // kron(B', A) with B' = [[0, 1], [1, 0]]
    expect(r.derivativeValue).toEqual([
      [0, 0, 1, 2],
      [0, 0, 3, 4],
      [1, 2, 0, 0],
      [3, 4, 0, 0],
    ]);
  });

  test("an answer in index notation still has values and passes its check", () => {
    const r = handleRequest({ expr: "X'", wrt: "X", emit: ["check"], values: { X: [[1, 2], [3, 4]] } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.derivative.text).toBe("df_ij/dX_kl = delta(i,l)*delta(j,k)");
    expect(r.check?.status).toBe("PASS");
    // df_ij/dX_kl = delta(i,l)*delta(j,k)
    const want = [0, 1].map((i) => [0, 1].map((j) => [0, 1].map((k) => [0, 1].map((l) => (i === l && j === k ? 1 : 0)))));
    expect(r.derivativeValue).toEqual(want);
    // matricized: the commutation matrix K(2, 2)
    const m = handleRequest({ expr: "X'", wrt: "X", matricize: true, values: { X: [[1, 2], [3, 4]] } });
    expect(m.ok && m.derivativeValue).toEqual([
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  test("emit index for a gradient", () => {
    const r = handleRequest({ expr: "tr(A*X)", wrt: "X", emit: ["index"] });
    expect(r.ok && r.index?.text).toBe("df/dX_ij = A_ji");
  });
});
