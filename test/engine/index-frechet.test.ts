import { describe, expect, test } from "vitest";
import { compile } from "../../src/api/compile.js";
import { checkDerivative, differentiate, renderIndex } from "../../src/api/differentiate.js";
import { handleRequest } from "../../src/api/request.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { evaluateNodes } from "../../src/numeric/evaluate.js";
import * as M from "../../src/numeric/matrix.js";
import { evaluateIndexForm } from "../../src/numeric/tensor-eval.js";
import { indexFormMeanings, parseIndexText } from "../../src/print/index-notation.js";
import { compileIn, expectTensorRow } from "./expect-identity.js";

// Derivatives through expm, logm, sqrtm and X^p in index notation: L_f(X, E)_ij = D_f(X)_ijkl E_kl, with the
// tensor D_f(X) printed as Dexpm(X)_ijkl (text) and [L_exp(X)]_{ijkl} (LaTeX); second derivatives through
// L2_f(X, E, F)_ij = D2_f(X)_ijklmn E_kl F_mn, printed as D2expm(X)_ijklmn and [L^(2)_exp(X)]_{ijklmn}.

// [expression, wrt, order, form, derivative text, index text (when it differs from the derivative text)]
type Row = readonly [string, string, number, "matrix" | "index", string, string?];

const ROWS: readonly Row[] = [
  ["expm(X)", "X", 1, "index", "df_ij/dX_kl = Dexpm(X)_ijkl"],
  ["logm(X)", "X", 1, "index", "df_ij/dX_kl = Dlogm(X)_ijkl"],
  ["X: spd(n)\nlogm(X)", "X", 1, "index", "df_ij/dX_kl = 1/2*Dlogm(X)_ijkl + 1/2*Dlogm(X)_ijlk"],
  ["X: spd(n)\nsqrtm(X)", "X", 1, "index", "df_ij/dX_kl = 1/2*Dsqrtm(X)_ijkl + 1/2*Dsqrtm(X)_ijlk"],
  ["sqrtm(X)", "X", 1, "index", "df_ij/dX_kl = Dsqrtm(X)_ijkl"],
  ["X^0.5", "X", 1, "index", "df_ij/dX_kl = Dsqrtm(X)_ijkl"],
  ["X^0.3", "X", 1, "index", "df_ij/dX_kl = Dpowm(X, 0.3)_ijkl"],
  ["p: scalar\nX: spd(n)\nX^p", "X", 1, "index", "df_ij/dX_kl = 1/2*Dpowm(X, p)_ijkl + 1/2*Dpowm(X, p)_ijlk"],
  ["X: symmetric(n)\nexpm(X)", "X", 1, "index", "df_ij/dX_kl = 1/2*Dexpm(X)_ijkl + 1/2*Dexpm(X)_ijlk"],
  // compositions: the direction's own index form is read recursively
  ["A*expm(X)*B", "X", 1, "index", "df_ij/dX_lp = A_iq*B_rj*Dexpm(X)_qrlp"],
  ["expm(X).*Y", "X", 1, "index", "df_ij/dX_kl = Dexpm(X)_ijkl*Y_ij"],
  ["expm(A*X*B)", "X", 1, "index", "df_ij/dX_lp = Dexpm(A*X*B)_ijqr*A_ql*B_pr"],
  ["expm(X)*X", "X", 1, "index", "df_ij/dX_kl = Dexpm(X)_ipkl*X_pj + expm(X)_ik*delta(j,l)"],
  ["logm(X)*X", "X", 1, "index", "df_ij/dX_kl = Dlogm(X)_ipkl*X_pj + logm(X)_ik*delta(j,l)"],
  [
    "X: spd(n)\nsqrtm(X)*A*sqrtm(X)",
    "X",
    1,
    "index",
    "df_ij/dX_kl = 1/2*Dsqrtm(X)_ipkl*(A*sqrtm(X))_pj + 1/2*Dsqrtm(X)_iplk*(A*sqrtm(X))_pj + " +
      "1/2*(sqrtm(X)*A)_ip*Dsqrtm(X)_jpkl + 1/2*(sqrtm(X)*A)_ip*Dsqrtm(X)_jplk",
  ],
  ["expm(A*logm(X))", "X", 1, "index", "df_ij/dX_kl = Dexpm(A*logm(X))_ijpq*Dlogm(X)_rqkl*A_pr"],
  // L_f(X, E)' = L_f(X', E'): the tensor at X rather than X'
  ["expm(X')", "X", 1, "index", "df_ij/dX_kl = Dexpm(X)_jikl"],
  ["diag(expm(X))", "X", 1, "index", "df_i/dX_jk = Dexpm(X)_iijk"],
  ["sum(expm(X))*B", "X", 1, "index", "df_ij/dX_lp = B_ij*Dexpm(X)_qrlp"],
  // the variable inside the direction only
  ["dexpm(A, X*B)", "X", 1, "index", "df_ij/dX_kl = Dexpm(A)_ijkp*B_lp"],
  // vector variables
  ["expm(x*x')", "x", 1, "index", "df_ij/dx_k = Dexpm(x*x')_ijkp*x_p + Dexpm(x*x')_ijpk*x_p"],
  ["b: vector(n)\nexpm(x*x')*b", "x", 1, "index", "df_i/dx_j = Dexpm(x*x')_ipjq*b_p*x_q + Dexpm(x*x')_ipqj*b_p*x_q"],
  // a Hessian whose gradient (expm(X)') needs only the first Fréchet derivative
  ["tr(expm(X))", "X", 2, "index", "d2f/dX_ij dX_kl = Dexpm(X)_jikl"],
  // gradients and scalar parameters stay in matrix notation; their index form has the tensor
  ["tr(A*expm(X))", "X", 1, "matrix", "dexpm(X', A')", "df/dX_ij = Dexpm(X)_pqij*A_qp"],
  ["t: scalar\nexpm(t*A)", "t", 1, "matrix", "expm(t*A)*A", "df_ij/dt = (expm(t*A)*A)_ij"],
  ["t: scalar\nexpm(t*A + B)", "t", 1, "matrix", "dexpm(B + t*A, A)", "df_ij/dt = dexpm(B + t*A, A)_ij"],
  // second Fréchet derivatives: Hessians by matrices (D2_f(X)_jiklpq*A_pq = L2_f(X, e_k e_l', A)_ji)
  ["tr(A*expm(X))", "X", 2, "index", "d2f/dX_ij dX_kl = D2expm(X)_jiklpq*A_pq"],
  ["tr(A*logm(X))", "X", 2, "index", "d2f/dX_ij dX_kl = D2logm(X)_jiklpq*A_pq"],
  ["tr(A*sqrtm(X))", "X", 2, "index", "d2f/dX_ij dX_kl = D2sqrtm(X)_jiklpq*A_pq"],
  ["tr(A*X^0.3)", "X", 2, "index", "d2f/dX_ij dX_kl = D2powm(X, 0.3)_jiklpq*A_pq"],
  ["tr(C*expm(A*X*B))", "X", 2, "index", "d2f/dX_ij dX_lp = A_qi*B_jr*A_sl*B_pt*C_uv*D2expm(A*X*B)_rqstuv"],
  [
    "tr(expm(X)*A*expm(X))",
    "X",
    2,
    "index",
    "d2f/dX_ij dX_kl = Dexpm(X)_jipq*Dexpm(X)_prkl*A_rq + Dexpm(X)_jipq*Dexpm(X)_rqkl*A_pr + " +
      "D2expm(X)_jiklpq*(A*expm(X) + expm(X)*A)_pq",
  ],
  // by spd and symmetric X: along symmetric directions, both orders of k and l
  [
    "X: spd(n)\ntr(A*logm(X))",
    "X",
    2,
    "index",
    "d2f/dX_ij dX_kl = 1/4*D2logm(X)_ijklpq*(A + A')_pq + 1/4*D2logm(X)_ijlkpq*(A + A')_pq",
  ],
  [
    "X: spd(n)\ntr(A*sqrtm(X))",
    "X",
    2,
    "index",
    "d2f/dX_ij dX_kl = 1/4*D2sqrtm(X)_ijklpq*(A + A')_pq + 1/4*D2sqrtm(X)_ijlkpq*(A + A')_pq",
  ],
  [
    "X: spd(n)\np: scalar\ntr(A*X^p)",
    "X",
    2,
    "index",
    "d2f/dX_ij dX_kl = 1/4*D2powm(X, p)_ijklqr*(A + A')_qr + 1/4*D2powm(X, p)_ijlkqr*(A + A')_qr",
  ],
  [
    "X: symmetric(n)\ntr(A*expm(X))",
    "X",
    2,
    "index",
    "d2f/dX_ij dX_kl = 1/4*D2expm(X)_ijklpq*(A + A')_pq + 1/4*D2expm(X)_ijlkpq*(A + A')_pq",
  ],
  // Hessians by vectors
  ["x: vector(n)\ntr(B*expm(diag(x) + A))", "x", 2, "index", "d2f/dx_i dx_j = D2expm(A + diag(x))_iijjpq*B_pq"],
  [
    "x'*sqrtm(A + x*x')*x",
    "x",
    2,
    "index",
    "d2f/dx_i dx_j = 2*Dsqrtm(A + x*x')_ipjq*x_p*x_q + 2*Dsqrtm(A + x*x')_ipqj*x_p*x_q + " +
      "2*Dsqrtm(A + x*x')_pijq*x_p*x_q + 2*Dsqrtm(A + x*x')_piqj*x_p*x_q + " +
      "D2sqrtm(A + x*x')_ipjqrs*x_p*x_q*x_r*x_s + D2sqrtm(A + x*x')_ipqjrs*x_p*x_q*x_r*x_s + " +
      "D2sqrtm(A + x*x')_pijqrs*x_p*x_q*x_r*x_s + D2sqrtm(A + x*x')_piqjrs*x_p*x_q*x_r*x_s + " +
      "sqrtm(A + x*x')_ij + sqrtm(A + x*x')_ji + dsqrtm(A + x*x', x*x')_ij + dsqrtm(A + x*x', x*x')_ji",
  ],
  [
    "A: spd(n)\nx'*sqrtm(A + x*x')*x",
    "x",
    2,
    "index",
    "d2f/dx_i dx_j = 4*Dsqrtm(A + x*x')_ipjq*x_p*x_q + 4*Dsqrtm(A + x*x')_ipqj*x_p*x_q + " +
      "2*D2sqrtm(A + x*x')_ipjqrs*x_p*x_q*x_r*x_s + 2*D2sqrtm(A + x*x')_ipqjrs*x_p*x_q*x_r*x_s + " +
      "2*sqrtm(A + x*x')_ij + 2*dsqrtm(A + x*x', x*x')_ij",
  ],
  // Jacobians of first Fréchet derivatives by their matrix argument
  ["dexpm(X, B)", "X", 1, "index", "df_ij/dX_kl = D2expm(X)_ijklpq*B_pq"],
  ["dlogm(X, B)", "X", 1, "index", "df_ij/dX_kl = D2logm(X)_ijklpq*B_pq"],
  ["dpowm(X, 0.3, B)", "X", 1, "index", "df_ij/dX_kl = D2powm(X, 0.3)_ijklpq*B_pq"],
  ["X: spd(n)\ndsqrtm(X, B)", "X", 1, "index", "df_ij/dX_kl = 1/2*D2sqrtm(X)_ijklpq*B_pq + 1/2*D2sqrtm(X)_ijlkpq*B_pq"],
  ["dexpm(X, B*X)", "X", 1, "index", "df_ij/dX_kl = Dexpm(X)_ijpl*B_pk + D2expm(X)_ijklpq*(B*X)_pq"],
];

describe("index notation through Fréchet derivatives", () => {
  const rows = ROWS.map(([expr, wrt, order, form, text, index]) => ({ expr, wrt, order, form, text, index: index ?? text }));
  test.each(rows)("$expr  d/d$wrt (order $order)", (row) => {
    expectTensorRow(row);
  });

  test("LaTeX: the tensor is [L_f(X)]_{ijkl}, after L_f(X, E)", () => {
    const lhs = "\\frac{\\partial f_{ij}}{\\partial X_{kl}} = ";
    const latex = (src: string) => renderIndex(differentiate(src, { wrt: "X" })).latex;
    expect(latex("expm(X)")).toBe(`${lhs}\\left[L_{\\exp}\\left(X\\right)\\right]_{ijkl}`);
    // A: m x n and B: n x k, so X's indices are l and p (no index letter names a size)
    expect(latex("A*logm(X)*B")).toBe(
      "\\frac{\\partial f_{ij}}{\\partial X_{lp}} = A_{iq} B_{rj} \\left[L_{\\log}\\left(X\\right)\\right]_{qrlp}",
    );
    expect(latex("sqrtm(X)")).toBe(`${lhs}\\left[L_{\\sqrt{\\cdot}}\\left(X\\right)\\right]_{ijkl}`);
    expect(latex("X^0.3")).toBe(`${lhs}\\left[L_{(\\cdot)^{0.3}}\\left(X\\right)\\right]_{ijkl}`);
    expect(latex("expm(A*X)")).toBe(`${lhs}\\left[L_{\\exp}\\left(A X\\right)\\right]_{ijpl} A_{pk}`);
    // the second Fréchet derivative: [L^{(2)}_f(X)]_{ijklmn}, after L^{(2)}_f(X, E, F)
    expect(latex("dexpm(X, B)")).toBe(`${lhs}\\left[L^{(2)}_{\\exp}\\left(X\\right)\\right]_{ijklpq} B_{pq}`);
    expect(latex("dsqrtm(X, B)")).toBe(`${lhs}\\left[L^{(2)}_{\\sqrt{\\cdot}}\\left(X\\right)\\right]_{ijklpq} B_{pq}`);
    // no summation index is named p when p is the exponent
    expect(latex("p: scalar\ndpowm(X, p, B)")).toBe(`${lhs}\\left[L^{(2)}_{(\\cdot)^{p}}\\left(X\\right)\\right]_{ijklqr} B_{qr}`);
    const hessian = renderIndex(differentiate("tr(A*logm(X))", { wrt: "X", order: 2 })).latex;
    expect(hessian).toBe(
      "\\frac{\\partial^{2} f}{\\partial X_{ij}\\,\\partial X_{kl}} = \\left[L^{(2)}_{\\log}\\left(X\\right)\\right]_{jiklpq} A_{pq}",
    );
  });

  test("the tensor's value: its contraction with E is the Fréchet derivative in the direction E", () => {
    for (const [src, frechet] of [
      ["expm(X)", "dexpm(X, E)"],
      ["X: spd(n)\nlogm(X)", "dlogm(X, (E + E')/2)"],
      ["sqrtm(X)", "dsqrtm(X, E)"],
      ["p: scalar\nX^p", "dpowm(X, p, E)"],
    ] as const) {
      const d = differentiate(src, { wrt: "X" });
      const n = 3;
      const mat = (f: (i: number, j: number) => number) => {
        const m = M.zeros(n, n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.data[i * n + j] = f(i, j);
        return m;
      };
      const X = mat((i, j) => (i === j ? 2 + i : 0.3 * Math.sin(i + 2 * j)) + (src.includes("spd") ? 0.3 * Math.sin(i + 2 * j) : 0));
      const values = new Map<string, M.Mat>([
        ["X", src.includes("spd") ? M.symmetrize(X) : X],
        ["E", mat((i, j) => Math.cos(3 * i + j))],
        ["p", M.fromRows([[0.7]])],
      ]);
      const env = { values, dims: new Map([["n", n]]) };
      const J = evaluateIndexForm(d.result.index(), env);
      const L = evaluateNodes([compileIn(d)(`E: matrix(n)\n${frechet}`)], env)[0]!;
      const vec = (m: M.Mat) => {
        const v = M.zeros(n * n, 1);
        for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v.data[i + n * j] = m.data[i * n + j]!;
        return v;
      };
      expect(M.maxAbs(M.sub(M.matmul(J, vec(values.get("E")!)), vec(L))), src).toBeLessThan(1e-10);
    }
  });

  test("the second tensor's value: its contraction with E and F is the second Fréchet derivative", () => {
    const n = 3;
    const mat = (f: (i: number, j: number) => number) => {
      const m = M.zeros(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.data[i * n + j] = f(i, j);
      return m;
    };
    const vec = (m: M.Mat) => {
      const v = M.zeros(n * n, 1);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v.data[i + n * j] = m.data[i * n + j]!;
      return v;
    };
    // X general with a positive spectrum (the block formula) or symmetric positive definite (Daleckii-Krein)
    const general = mat((i, j) => (i === j ? 2 + i : 0.3 * Math.sin(i + 2 * j)));
    const values = new Map<string, M.Mat>([
      ["E", mat((i, j) => Math.cos(3 * i + j))],
      ["F", mat((i, j) => Math.sin(i - 2 * j) + 0.5)],
      ["G", mat((i, j) => 1 + i * j - 0.4 * j)],
      ["p", M.fromRows([[0.7]])],
    ]);
    const env = (X: M.Mat) => ({ values: new Map([...values, ["X", X]]), dims: new Map([["n", n]]) });
    const direct = (src: string, X: M.Mat) => evaluateNodes([compile(`E, F, G: matrix(n)\np: scalar\n${src}`).f], env(X))[0]!;
    for (const [fn, args] of [
      ["expm", "X"],
      ["logm", "X"],
      ["sqrtm", "X"],
      ["powm", "X, p"],
    ] as const) {
      for (const X of [general, M.symmetrize(general)]) {
        const at = `${fn} at ${X === general ? "a general" : "a symmetric"} X`;
        const L2 = direct(`d2${fn}(${args}, E, F)`, X);
        // the Jacobian of L_f(X, F) by X, df_ij/dX_kl = D2_f(X)_ijklpq*F_pq, times vec(E) (summing over q and r
        // where p is the exponent)
        const d = differentiate(`F: matrix(n)\np: scalar\nd${fn}(${args}, F)`, { wrt: "X" });
        expect(d.derivative.text).toMatch(/^df_ij\/dX_kl = D2\w+(\(X\)_ijklpq\*F_pq|\(X, p\)_ijklqr\*F_qr)$/);
        const J = evaluateIndexForm(d.result.index(), env(X));
        expect(M.maxAbs(M.sub(M.matmul(J, vec(values.get("E")!)), vec(L2))), at).toBeLessThan(1e-10);
        // the Hessian of tr(G*f(X)): vec(E)'*H*vec(F) = tr(G*L2_f(X, E, F))
        const h = differentiate(`G: matrix(n)\np: scalar\ntr(G*${fn === "powm" ? "X^p" : `${fn}(X)`})`, { wrt: "X", order: 2 });
        const H = evaluateIndexForm(h.result.index(), env(X));
        const quad = M.matmul(M.transpose(vec(values.get("E")!)), M.matmul(H, vec(values.get("F")!))).data[0]!;
        expect(quad, at).toBeCloseTo(direct(`tr(G*d2${fn}(${args}, E, F))`, X).data[0]!, 10);
      }
    }
  });

  test("the answer's notes say what the tensor and the operator mean", () => {
    const notes = indexFormMeanings(differentiate("A*expm(X)*B", { wrt: "X" }).result.index());
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^dexpm\(X, E\) is the Fréchet derivative of expm at X in the direction E/);
    expect(notes[1]).toBe(
      "Dexpm(X)_ijkl is the Fréchet derivative of expm at X as a tensor: dexpm(X, E)_ij = Dexpm(X)_ijkl*E_kl, summing over k and l",
    );
    const pow = indexFormMeanings(differentiate("p: scalar\nX^p*logm(X)", { wrt: "X" }).result.index());
    expect(pow.map((s) => s.slice(0, 6))).toEqual(["dlogm(", "dpowm(", "Dlogm(", "Dpowm("]);
    expect(pow[3]).toBe(
      "Dpowm(X, p)_ijkl is the Fréchet derivative of X^p at X as a tensor: dpowm(X, p, E)_ij = Dpowm(X, p)_ijkl*E_kl, summing over k and l",
    );
    expect(indexFormMeanings(differentiate("A*X*B", { wrt: "X" }).result.index())).toEqual([]);
    const second = indexFormMeanings(differentiate("tr(A*X^0.3)", { wrt: "X", order: 2 }).result.index());
    expect(second).toHaveLength(2);
    expect(second[0]).toMatch(/^d2powm\(X, p, E, F\) is the second Fréchet derivative of X\^p \(principal power\) at X/);
    expect(second[1]).toBe(
      "D2powm(X, p)_ijklmn is the second Fréchet derivative of X^p at X as a tensor: d2powm(X, p, E, F)_ij = " +
        "D2powm(X, p)_ijklmn*E_kl*F_mn, summing over k, l, m and n; it is symmetric in the pairs (k,l) and (m,n)",
    );
  });

  test("the second tensor is symmetric in its directions: the pair with free indices comes first", () => {
    // D2_f(X)_ijklpq*B_pq whichever direction of d2expm holds dX
    const text = (src: string) => differentiate(src, { wrt: "X" }).derivative.text;
    expect(text("d2expm(X0, B, X)")).toBe("df_ij/dX_kl = D2expm(X0)_ijklpq*B_pq");
    expect(text("d2expm(X0, X, B)")).toBe("df_ij/dX_kl = D2expm(X0)_ijklpq*B_pq");
    expect(text("d2expm(X0, B, X')")).toBe("df_ij/dX_kl = D2expm(X0)_ijlkpq*B_pq");
  });

  test("a Hessian whose terms have many summation indices is checked in time", () => {
    // terms of up to 13 indices (two or three Fréchet tensors): summed one index at a time, not over all at once
    const d = differentiate("b: scalar\nu: vector(m)\nC: matrix(n, m)\ntr(expm(expm(C'*C/4)/4)/(eye(m) + tanh(expm(C'*C/4)*(u*u'*b))/8))", {
      wrt: "C",
      order: 2,
    });
    expect(d.result.form).toBe("index");
    expect(d.derivative.text).toMatch(/D2expm\(C'\*C\/4\)_jplqrs/);
    const report = checkDerivative(d, { seed: 7 });
    expect(report.status, report.message).toBe("PASS");
  });

  test("third derivatives through a matrix function stay a coded unsupported error", () => {
    for (const [src, wrt, order] of [
      ["d2expm(X, B, C)", "X", 1],
      ["X: spd(n)\nd2logm(X, B, C)", "X", 1],
      ["t: scalar\ntr(A*expm(t*B + C))", "t", 3],
      ["tr(A*expm(X))", "X", 3],
      ["x'*sqrtm(A + x*x')*x", "x", 3],
    ] as const) {
      let err: unknown = null;
      try {
        differentiate(src, { wrt, order });
      } catch (e) {
        err = e;
      }
      expect(err, src).toBeInstanceOf(MatcalcError);
      expect((err as MatcalcError).code, src).toBe("unsupported");
    }
  });

  test("tensor text that does not parse is a coded syntax error", () => {
    const d = differentiate("expm(X)", { wrt: "X" });
    for (const bad of [
      "df_ij/dX_kl = Dexpm(X)_ijk",
      "df_ij/dX_kl = Dexpm(X)",
      "df_ij/dX_kl = Dexpm(X, 2)_ijkl",
      "df_ij/dX_kl = Dpowm(X)_ijkl",
      "df_ij/dX_kl = Dexpm(X*ones(n, 2))_ijkl",
      "df_ij/dX_kl = D2expm(X)_ijkl",
      "df_ij/dX_kl = Dexpm(X)_ijklpq*B_pq",
      "df_ij/dX_kl = D2powm(X)_ijklpq*B_pq",
      "df_ij/dX_kl = D2expm(X, 2)_ijklpq*B_pq",
    ]) {
      expect(() => parseIndexText(d.compiled.b, bad, compileIn(d), d.compiled.f.shape), bad).toThrow(MatcalcError);
    }
  });

  test("JSON API: the answer, its values and its check", () => {
    const r = handleRequest({ expr: "expm(X)", wrt: "X", emit: ["index", "check"], values: { X: [[1, 2], [0, 1]] } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.derivative.text).toBe("df_ij/dX_kl = Dexpm(X)_ijkl");
    expect(r.check?.status).toBe("PASS");
    // X = I + N with N^2 = 0: L(X, E) = e*(E + (N*E + E*N)/2 + N*E*N/6); the slice (k, l) = (1, 0) of
    // J[i][j][k][l] is L(X, E) for E = e_1 e_0', for which L/e = [1, 2/3; 1, 1]
    const J = r.derivativeValue as number[][][][];
    const slice = [0, 1].map((i) => [0, 1].map((j) => Math.round((J[i]![j]![1]![0]! / Math.E) * 1e9) / 1e9));
    expect(slice).toEqual([
      [1, Math.round((2 / 3) * 1e9) / 1e9],
      [1, 1],
    ]);
  });
});
