// What the generated code is made of: one line per fact about the planner's choices (solves, shared factors,
// chain order, traces and diagonals of products, broadcasting, eigh for symmetric arguments, shared subexpressions).
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { differentiate } from "../../src/api/differentiate.js";
import { type CodeTarget, generateCode } from "../../src/codegen/generate.js";
import { INDEX_ONLY } from "./cases.js";
import { findPython } from "./harness.js";

/** The body of evaluate() in the generated code. */
function body(expr: string, wrt: string, target: CodeTarget = "numpy", order = 1): string {
  const src = generateCode(differentiate(expr, { wrt, order }), target);
  const start = src.indexOf(target === "ts" ? "export function evaluate" : "def evaluate");
  return src.slice(start, src.indexOf(target === "ts" ? "\n}\n" : "\n\n\n", start));
}
const count = (s: string, what: string) => s.split(what).length - 1;

describe("linear algebra", () => {
  test.each([
    // [expression, wrt, must contain, must not contain]
    ["x'*inv(A)*y", "x", "np.linalg.solve(A, y)", "inv("],
    ["S: spd(n)\nx'*inv(S)*y", "x", 'scipy.linalg.solve(S, y, assume_a="pos")', "inv("],
    ["S: spd(n)\nlogdet(S) + x'*inv(S)*x", "x", "scipy.linalg.cho_solve(chol_S, x)", "slogdet"],
    ["u'*inv(X)*v", "X", "scipy.linalg.lu_solve(lu_X, u, trans=1)", "np.linalg.inv"],
    ["tr(A*B) + c", "c", "np.sum(A * B.T)", "np.trace"],
    ["tr(A*X*B)", "X", "np.sum(A * (X @ B).T)", "np.trace"],
    ["exp(A*x)", "x", "[:, None] * A", "np.diag("],
    ["x'*A*x", "x", "x @ t1", "np.outer"],
    ["sum(A*B*x)", "x", "A @ (B @ x)", "A @ B"],
    ["sum(x'*A*B)", "x", "x @ A @ B", "A @ B @"],
    ["norm2(A*x - b)^2", "x", "t1 @ t1", "norm"],
    ["x'*A^3*x", "x", "A.T @ (A.T @ (A.T @ x))", "matrix_power"],
    ["S: symmetric(n)\ntr(expm(S))", "S", "np.linalg.eigh(S)", "scipy.linalg.expm"],
    ["tr(expm(A))", "A", "scipy.linalg.expm(A)", "eigh"],
    ["S: spd(n)\ntr(logm(S)*A)", "S", "_sym_frechet(eig_S, _dd_log", "scipy.linalg.logm"],
  ] as const)("%s  d/d%s: %s", (expr, wrt, has, hasNot) => {
    const b = body(expr, wrt);
    expect(b).toContain(has);
    expect(b).not.toContain(hasNot);
  });

  test("one factorization serves every solve, inverse and determinant of the same matrix", () => {
    const b = body("S: spd(n)\n-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)", "S");
    expect(count(b, "cho_factor(")).toBe(1);
    expect(b).toContain("np.log(np.diag(chol_S[0]))");
    expect(b).toContain("np.outer(t3, t3)"); // inv(S)*(x-mu) computed once, used on both sides
    const lu = body("logdet(A) + det(A) + y'*inv(A)*x", "x");
    expect(count(lu, "lu_factor(")).toBe(1);
  });
});

describe("sharing between the value and the derivative", () => {
  test("each shared subexpression is computed once", () => {
    const b = body("sigmoid(w'*x)", "w");
    expect(count(b, "scipy.special.expit(")).toBe(1);
    expect(b).toContain("derivative = (1 - value) * value * x");
    const h = body("sum(log(1 + exp(-y.*(X*w))))", "w", "numpy", 2);
    expect(count(h, "X @ w")).toBe(1);
    // exp(x) and exp(x)' are one computation; the scalars go to the vectors, not the n x n matrices
    expect(body("log(sum(exp(x)))", "x", "numpy", 2)).toContain("derivative = np.diag(t1 / t2) - np.outer(t2 ** -2 * t1, t1)");
  });
  test("the presented or the raw derivative, whichever costs fewer flops", () => {
    // (A + A')*x would form A + A'; A*x + A'*x reuses A*x from the value
    expect(body("x'*A*x", "x")).toContain("derivative = t1 + A.T @ x");
  });
});

describe("derivatives in index notation only", () => {
  const src = (expr: string, wrt: string, target: CodeTarget, layout: "numerator" | "denominator" = "numerator", order = 1) =>
    generateCode(differentiate(expr, { wrt, order, layout }), target);
  test("every INDEX_ONLY case has no matrix form", () => {
    for (const [expr, wrt, order] of INDEX_ONLY) expect(differentiate(expr, { wrt, order }).result.form).toBe("index");
  });
  test("one einsum per term, each side's indices last-first then reshaped (first index fastest); deltas are eye", () => {
    const b = body("X*X'", "X");
    expect(b).toContain('np.einsum("il,jk->jilk", X, t1, optimize=True).reshape(n * n, m * n)');
    expect(b).toContain('np.einsum("ik,jl->jilk", t1, X, optimize=True).reshape(n * n, m * n)');
    expect(b).toContain("t1 = np.eye(n)");
    // two indices need no reshape; a free index no factor carries is a vector of ones
    expect(body("sum(X)*A", "X")).toContain('np.einsum("ij,l,q->jiql", A, np.ones(n), np.ones(m), optimize=True)');
  });
  test("the factors share subexpressions with the value", () => {
    const b = body("X .* (A*X)", "X");
    expect(count(b, "A @ X")).toBe(1);
    expect(b).toContain("value = X * t1");
  });
  test("scalar factors and coefficients scale their term", () => {
    const b = body("tr(X)*X", "X");
    expect(b).toContain("t1 = np.trace(X)"); // shared with the value
    expect(b).toContain("+ t1 * np.einsum(");
    const h = body("S: spd(n)\nlogdet(S)", "S", "numpy", 2);
    expect(h).toMatch(/derivative = -\(np\.einsum\(.*\) \/ 2\) - np\.einsum\(.*\) \/ 2$/m);
    expect(count(h, "cho_factor(")).toBe(1); // inv(S) from the Cholesky factor of the value's logdet
  });
  test("denominator layout transposes Jacobians, not Hessians", () => {
    expect(src("X*X'", "X", "numpy", "denominator")).toMatch(/^ {4}derivative = t2\.T$/m);
    expect(src("logdet(X)", "X", "numpy", "denominator", 2)).not.toMatch(/\.T$/m);
  });
  test("Fréchet tensors: the target's own Fréchet derivative along every unit direction", () => {
    expect(src("expm(X)", "X", "numpy")).toContain(
      "_frechet_tensor(lambda _x, _e: scipy.linalg.expm_frechet(_x, _e, compute_expm=False), X)",
    );
    expect(src("expm(X)", "X", "torch")).toContain("_frechet_tensor(lambda _x, _e: _frechet_block(torch.linalg.matrix_exp, _x, _e), X)");
    expect(src("expm(X)", "X", "jax")).toContain("jax.scipy.linalg.expm_frechet(_x, _e, compute_expm=False)");
    expect(src("expm(X)", "X", "ts")).toContain("frechetTensor((_x, _e) => frechetBlock(expm, _x, _e), X)");
    // at a symmetric point: Daleckii-Krein with the function's own eigendecomposition
    const ts = src("S: spd(n); p: scalar\nS^p", "S", "ts");
    expect(ts).toContain("frechetTensor((_x, _e) => symFrechet(eig_S, (x, y) => ddPow(x, y, p), _e), S)");
    expect(count(ts, "frechetTensor((_x")).toBe(1); // Dpowm(S, p)_ijkl and _ijlk: one tensor
    const np = src("S: spd(n)\nsqrtm(S) + logm(S)", "S", "numpy");
    expect(count(np, "np.linalg.eigh(")).toBe(1);
    expect(np).toContain("_frechet_tensor(lambda _x, _e: _sym_frechet(eig_S, _dd_log, _e), S)");
    expect(src("expm(X)", "X", "numpy")).toContain("a Fréchet tensor D(X)_ijkl is built from n^2 Fréchet derivatives");
  });
  test("the lambda's parameters never capture a variable", () => {
    expect(body("_x: scalar\n_x*expm(X)", "X")).toContain("_x_ * ");
  });
});

describe("large programs", () => {
  test("deep DAGs and long chains generate without deep recursion, in about linear time", () => {
    const steps = 400;
    const layers = `y1 = tanh(A*x)\n${Array.from({ length: steps }, (_, i) => `y${i + 2} = tanh(B*y${i + 1}) + y${i + 1}`).join("\n")}\nsum(y${steps + 1})`;
    const b = body(layers, "x");
    expect(count(b, "np.tanh(")).toBe(steps + 1);
    const chain = `x'*${"A*B*".repeat(200)}x`;
    expect(count(body(chain, "x"), " @ ")).toBeGreaterThanOrEqual(400);
  });
});

describe("modules", () => {
  test("header: the function, the derivative, the conventions and the assumptions", () => {
    const src = generateCode(differentiate("x'*A*x", { wrt: "x" }), "numpy");
    for (const line of ["#   f(x) = x'*A*x", "#   df/dx = (A + A')*x", "#   gradient: same shape as x", "#   assuming x: vector(n)"]) {
      expect(src).toContain(line);
    }
    expect(src).toMatch(/^import numpy as np$/m);
  });
  test("names that are keywords of the target are renamed; the values keep their names", () => {
    const b = body("lambda'*x + in'*x", "x");
    expect(b).toContain('[lambda_, x, in_] = _inputs(values, {"lambda": 1, "x": 1, "in": 1})');
    expect(body("lambda'*x", "x", "ts")).toContain('const lambda = vectorIn("lambda", values.lambda, false);');
    expect(body("function*x", "x", "ts")).toContain('const function_ = scalarIn("function", values.function);');
  });

  test("inputs are checked: missing, unknown and ill-shaped values are errors that name the variable", () => {
    const python = findPython(["numpy", "scipy"]);
    if (!python) throw new Error("no python3 with numpy and scipy: run 'sudo apt-get install -y python3-numpy python3-scipy'");
    const src = generateCode(differentiate("x'*A*x", { wrt: "x" }), "numpy");
    // imported as a module (run as a script, it would run its own demo first)
    const script = `g = {"__name__": "derivative"}
exec(${JSON.stringify(src)}, g)
evaluate = g["evaluate"]
import numpy as np
for values in [dict(x=np.ones(2)), dict(x=np.ones(2), A=np.eye(2), B=1.0), dict(x=np.ones(3), A=np.eye(2)), dict(x=np.eye(2), A=np.eye(2))]:
    try:
        evaluate(**values)
        print("no error")
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
v, d = evaluate(x=[1.0, 2.0], A=[[1.0, 2.0], [3.0, 4.0]])
print(float(v), [float(t) for t in d])
`;
    const r = spawnSync(python, ["-c", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual([
      "TypeError evaluate() needs a value for 'A'",
      "TypeError evaluate() got values for unknown variables ['B']",
      "ValueError A has shape (2, 2), expected (3, 3)",
      "ValueError x must have 1 dimension(s), got shape (2, 2)",
      "27.0 [12.0, 21.0]",
    ]);
  });
});
