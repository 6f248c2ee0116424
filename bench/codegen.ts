// `npm run bench:codegen`: generated NumPy value+derivative against the value alone, hand-written formulas and, for
// Hessians, torch.autograd.functional.hessian; 27 problems at n up to 2000, one thread, figures only (docs/BENCHMARKS.md).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { differentiate } from "../src/api/differentiate.js";
import { generateCode } from "../src/codegen/generate.js";

interface Problem {
  readonly name: string;
  readonly expr: string;
  readonly wrt: string;
  readonly order?: number;
  /** Hand-written `def value(...)` and `def both(...)` (value and derivative), keyword arguments by variable name. */
  readonly value: string;
  readonly both: string;
  /** `def f(...)` in torch, for torch.autograd.functional.hessian (Hessians only). */
  readonly torch?: string;
  /** Sizes per N; default every dimension N. */
  readonly dims?: (n: number) => Record<string, number>;
  readonly sizes?: readonly number[];
}

const SIZES = [100, 500, 2000];
const CUBIC = [100, 500, 1000];
const tall = (n: number) => ({ n: 2 * n, m: n });

const py = (lines: string): string => lines.replace(/^\n/, "");

const GRADIENTS: readonly Problem[] = [
  {
    name: "quadratic form x'*A*x",
    expr: "x'*A*x",
    wrt: "x",
    value: py(`def value(x, A):\n    return x @ (A @ x)`),
    both: py(`def both(x, A):\n    ax = A @ x\n    return x @ ax, ax + A.T @ x`),
  },
  {
    name: "symmetric quadratic form",
    expr: "A: symmetric(n)\nx'*A*x",
    wrt: "x",
    value: py(`def value(A, x):\n    return x @ (A @ x)`),
    both: py(`def both(A, x):\n    ax = A @ x\n    return x @ ax, 2 * ax`),
  },
  {
    name: "least squares norm2(A*x - b)^2",
    expr: "norm2(A*x - b)^2",
    wrt: "x",
    dims: tall,
    value: py(`def value(A, x, b):\n    r = A @ x - b\n    return r @ r`),
    both: py(`def both(A, x, b):\n    r = A @ x - b\n    return r @ r, 2 * (A.T @ r)`),
  },
  {
    name: "ridge regression",
    expr: "norm2(X*w - y)^2 + c*norm2(w)^2",
    wrt: "w",
    dims: tall,
    value: py(`def value(X, w, y, c):\n    r = X @ w - y\n    return r @ r + c * (w @ w)`),
    both: py(`def both(X, w, y, c):\n    r = X @ w - y\n    return r @ r + c * (w @ w), 2 * (X.T @ r + c * w)`),
  },
  {
    name: "logistic loss",
    expr: "sum(log(1 + exp(-y.*(X*w))))",
    wrt: "w",
    dims: tall,
    value: py(`def value(y, X, w):\n    return np.sum(np.log1p(np.exp(-y * (X @ w))))`),
    both: py(`def both(y, X, w):
    z = -y * (X @ w)
    return np.sum(np.log1p(np.exp(z))), -(X.T @ (y * scipy.special.expit(z)))`),
  },
  {
    name: "trace tr(A*X*B)",
    expr: "tr(A*X*B)",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(A, X, B):\n    return np.sum((A @ X) * B.T)`),
    both: py(`def both(A, X, B):\n    return np.sum((A @ X) * B.T), A.T @ B.T`),
  },
  {
    name: "log-determinant",
    expr: "logdet(X)",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(X):\n    return np.linalg.slogdet(X)[1]`),
    both: py(`def both(X):\n    return np.linalg.slogdet(X)[1], np.linalg.inv(X).T`),
  },
  {
    name: "Gaussian log-density, by S",
    expr: "S: spd(n)\n-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)",
    wrt: "S",
    sizes: CUBIC,
    value: py(`def value(S, x, mu):
    c = scipy.linalg.cho_factor(S)
    r = x - mu
    return -np.sum(np.log(np.diag(c[0]))) - r @ scipy.linalg.cho_solve(c, r) / 2`),
    both: py(`def both(S, x, mu):
    c = scipy.linalg.cho_factor(S)
    r = x - mu
    si = scipy.linalg.cho_solve(c, np.eye(S.shape[0]))
    a = si @ r
    return -np.sum(np.log(np.diag(c[0]))) - r @ a / 2, (np.outer(a, a) - si) / 2`),
  },
  {
    name: "Gaussian log-density, by mu",
    expr: "S: spd(n)\n-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)",
    wrt: "mu",
    sizes: CUBIC,
    value: py(`def value(S, x, mu):
    c = scipy.linalg.cho_factor(S)
    r = x - mu
    return -np.sum(np.log(np.diag(c[0]))) - r @ scipy.linalg.cho_solve(c, r) / 2`),
    both: py(`def both(S, x, mu):
    c = scipy.linalg.cho_factor(S)
    r = x - mu
    a = scipy.linalg.cho_solve(c, r)
    return -np.sum(np.log(np.diag(c[0]))) - r @ a / 2, a`),
  },
  {
    name: "tr(X'*A*X)",
    expr: "tr(X'*A*X)",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(X, A):\n    return np.sum(X * (A @ X))`),
    both: py(`def both(X, A):\n    ax = A @ X\n    return np.sum(X * ax), ax + A.T @ X`),
  },
  {
    name: "x'*inv(A)*x",
    expr: "x'*inv(A)*x",
    wrt: "x",
    sizes: CUBIC,
    value: py(`def value(x, A):\n    return x @ np.linalg.solve(A, x)`),
    both: py(`def both(x, A):
    f = scipy.linalg.lu_factor(A)
    u = scipy.linalg.lu_solve(f, x)
    return x @ u, u + scipy.linalg.lu_solve(f, x, trans=1)`),
  },
  {
    name: "tr(inv(X)*A)",
    expr: "tr(inv(X)*A)",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(X, A):\n    return np.trace(np.linalg.solve(X, A))`),
    both: py(`def both(X, A):\n    xi = np.linalg.inv(X)\n    return np.sum(xi * A.T), -(xi @ A @ xi).T`),
  },
  {
    name: "determinant",
    expr: "det(X)",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(X):\n    return np.linalg.det(X)`),
    both: py(`def both(X):\n    d = np.linalg.det(X)\n    return d, d * np.linalg.inv(X).T`),
  },
  {
    name: "tanh layer sum(tanh(W*x)), by W",
    expr: "sum(tanh(W*x))",
    wrt: "W",
    value: py(`def value(W, x):\n    return np.sum(np.tanh(W @ x))`),
    both: py(`def both(W, x):\n    t = np.tanh(W @ x)\n    return np.sum(t), np.outer(1 - t**2, x)`),
  },
  {
    name: "log-sum-exp",
    expr: "log(sum(exp(x)))",
    wrt: "x",
    value: py(`def value(x):\n    return np.log(np.sum(np.exp(x)))`),
    both: py(`def both(x):\n    e = np.exp(x)\n    s = np.sum(e)\n    return np.log(s), e / s`),
  },
  {
    name: "distance norm2(x - y)",
    expr: "norm2(x - y)",
    wrt: "x",
    value: py(`def value(x, y):\n    return np.linalg.norm(x - y)`),
    both: py(`def both(x, y):\n    r = x - y\n    d = np.linalg.norm(r)\n    return d, r / d`),
  },
  {
    name: "Rayleigh quotient",
    expr: "x'*A*x/(x'*x)",
    wrt: "x",
    value: py(`def value(x, A):\n    return x @ (A @ x) / (x @ x)`),
    both: py(`def both(x, A):
    ax = A @ x
    xx = x @ x
    q = x @ ax / xx
    return q, (ax + A.T @ x - 2 * q * x) / xx`),
  },
  {
    name: "sum(relu(X*w))",
    expr: "sum(relu(X*w))",
    wrt: "w",
    dims: tall,
    value: py(`def value(X, w):\n    return np.sum(np.maximum(X @ w, 0))`),
    both: py(`def both(X, w):\n    z = X @ w\n    return np.sum(np.maximum(z, 0)), X.T @ (z > 0).astype(float)`),
  },
  {
    name: "tr(A*X*B*X')",
    expr: "tr(A*X*B*X')",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(A, X, B):\n    return np.sum((A @ X @ B) * X)`),
    both: py(`def both(A, X, B):\n    axb = A @ X @ B\n    return np.sum(axb * X), axb + A.T @ X @ B.T`),
  },
  {
    name: "tr(expm(S)), S symmetric",
    expr: "S: symmetric(n)\ntr(expm(S))",
    wrt: "S",
    sizes: [100, 500],
    value: py(`def value(S):\n    return np.sum(np.exp(np.linalg.eigvalsh(S)))`),
    both: py(`def both(S):\n    w, v = np.linalg.eigh(S)\n    return np.sum(np.exp(w)), (v * np.exp(w)) @ v.T`),
  },
  {
    name: "logdet(S) + tr(A*inv(S)), S spd",
    expr: "S: spd(n)\nlogdet(S) + tr(A*inv(S))",
    wrt: "S",
    sizes: CUBIC,
    value: py(`def value(S, A):
    c = scipy.linalg.cho_factor(S)
    return 2 * np.sum(np.log(np.diag(c[0]))) + np.trace(scipy.linalg.cho_solve(c, A))`),
    both: py(`def both(S, A):
    c = scipy.linalg.cho_factor(S)
    si = scipy.linalg.cho_solve(c, np.eye(S.shape[0]))
    return 2 * np.sum(np.log(np.diag(c[0]))) + np.sum(A * si), si - si @ (A + A.T) @ si / 2`),
  },
  {
    name: "u'*inv(X)*v",
    expr: "u'*inv(X)*v",
    wrt: "X",
    sizes: CUBIC,
    value: py(`def value(u, X, v):\n    return u @ np.linalg.solve(X, v)`),
    both: py(`def both(u, X, v):
    f = scipy.linalg.lu_factor(X)
    a = scipy.linalg.lu_solve(f, v)
    return u @ a, -np.outer(scipy.linalg.lu_solve(f, u, trans=1), a)`),
  },
];

const HESSIANS: readonly Problem[] = [
  {
    name: "Hessian of x'*A*x",
    expr: "x'*A*x",
    wrt: "x",
    order: 2,
    value: py(`def value(x, A):\n    return x @ (A @ x)`),
    both: py(`def both(x, A):\n    return x @ (A @ x), A + A.T`),
    torch: py(`def f(x, A):\n    return x @ (A @ x)`),
  },
  {
    name: "Hessian of the logistic loss",
    expr: "sum(log(1 + exp(-y.*(X*w))))",
    wrt: "w",
    order: 2,
    dims: tall,
    value: py(`def value(y, X, w):\n    return np.sum(np.log1p(np.exp(-y * (X @ w))))`),
    both: py(`def both(y, X, w):
    z = -y * (X @ w)
    s = scipy.special.expit(z)
    return np.sum(np.log1p(np.exp(z))), X.T @ ((s * (1 - s) * y**2)[:, None] * X)`),
    torch: py(`def f(y, X, w):\n    return torch.sum(torch.nn.functional.softplus(-y * (X @ w)))`),
  },
  {
    name: "Hessian of ridge regression",
    expr: "norm2(X*w - y)^2 + c*norm2(w)^2",
    wrt: "w",
    order: 2,
    dims: tall,
    value: py(`def value(X, w, y, c):\n    r = X @ w - y\n    return r @ r + c * (w @ w)`),
    both: py(`def both(X, w, y, c):
    r = X @ w - y
    return r @ r + c * (w @ w), 2 * (X.T @ X + c * np.eye(w.shape[0]))`),
    torch: py(`def f(X, w, y, c):\n    r = X @ w - y\n    return r @ r + c * (w @ w)`),
  },
  {
    name: "Hessian of log-sum-exp",
    expr: "log(sum(exp(x)))",
    wrt: "x",
    order: 2,
    value: py(`def value(x):\n    return np.log(np.sum(np.exp(x)))`),
    both: py(`def both(x):
    e = np.exp(x)
    s = np.sum(e)
    p = e / s
    return np.log(s), np.diag(p) - np.outer(p, p)`),
    torch: py(`def f(x):\n    return torch.log(torch.sum(torch.exp(x)))`),
  },
  {
    name: "Hessian of sum(exp(X*w)) + norm2(w)^2",
    expr: "sum(exp(X*w)) + norm2(w)^2",
    wrt: "w",
    order: 2,
    dims: tall,
    value: py(`def value(X, w):\n    return np.sum(np.exp(X @ w)) + w @ w`),
    both: py(`def both(X, w):
    e = np.exp(X @ w)
    return np.sum(e) + w @ w, X.T @ (e[:, None] * X) + 2 * np.eye(w.shape[0])`),
    torch: py(`def f(X, w):\n    return torch.sum(torch.exp(X @ w)) + w @ w`),
  },
];

interface Row {
  name: string;
  kind: string;
  n: number;
  value?: number;
  generated?: number;
  hand?: number;
  torch?: number;
  torch_vectorized?: number;
  check?: number;
  check_torch?: number;
  error?: string;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "matcalc-bench-codegen-"));

function spec(problems: readonly Problem[], kind: "gradient" | "hessian"): string {
  const list = problems.map((p, i) => {
    const d = differentiate(p.expr, { wrt: p.wrt, order: p.order ?? 1 });
    const module = join(dir, `${kind}_${i}.py`);
    writeFileSync(module, generateCode(d, "numpy"));
    const vars = Object.fromEntries([...d.compiled.vars.values()].map((v) => [v.name, { shape: v.shape.filter((x) => x !== 1), props: v.props }]));
    const names = new Set([...d.compiled.vars.values()].flatMap((v) => v.shape.filter((x): x is string => typeof x === "string")));
    const sizes = (p.sizes ?? SIZES).map((n) => ({ N: n, dims: { ...Object.fromEntries([...names].map((x) => [x, n])), ...p.dims?.(n) } }));
    return { name: p.name, kind, module, vars, sizes, value: p.value, both: p.both, torch: p.torch ?? null, wrt: p.wrt };
  });
  const file = join(dir, `${kind}.json`);
  writeFileSync(file, JSON.stringify({ problems: list }));
  return file;
}

/** Runs the driver, printing each row as it arrives. */
function run(python: string, file: string, print: (r: Row) => void): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const child = spawn(python, [join(root, "bench/codegen_driver.py"), file], { env, stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        const r = JSON.parse(line) as Row;
        rows.push(r);
        print(r);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(rows) : reject(new Error(`${python} exited with ${code}`))));
  });
}

const ms = (s?: number) => (s === undefined ? "-" : (s * 1000).toFixed(s < 0.01 ? 3 : 1));
const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? "-" : (a / b).toFixed(2));
const pad = (s: string, w: number) => (s.length >= w ? s : s + " ".repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : " ".repeat(w - s.length) + s);

function hasModules(python: string, mods: string): boolean {
  return spawnSync(python, ["-c", `import ${mods}`]).status === 0;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

async function main(): Promise<void> {
  const python = process.env.PYTHON ?? "python3";
  const torchPython = process.env.TORCH_PYTHON ?? ["/usr/bin/python3", "python3"].find((p) => hasModules(p, "torch, numpy, scipy")) ?? null;
  console.log(`generated NumPy code, one thread (OMP/OpenBLAS/MKL_NUM_THREADS=1); best of >= 3 runs; times in ms`);
  console.log(`gradients with ${python}; Hessians with ${torchPython ?? `${python} (no torch found: no autograd column)`}\n`);

  console.log("(a) value and gradient");
  const w = 36;
  console.log(`${pad("problem", w)} ${lpad("n", 5)} ${lpad("value", 9)} ${lpad("generated", 10)} ${lpad("hand", 9)} ${lpad("gen/value", 9)} ${lpad("gen/hand", 8)} ${lpad("check", 8)}`);
  const grad = await run(python, spec(GRADIENTS, "gradient"), (r) => {
    if (r.error) return console.log(`${pad(r.name, w)} ${lpad(String(r.n), 5)}  ${r.error}`);
    console.log(
      `${pad(r.name, w)} ${lpad(String(r.n), 5)} ${lpad(ms(r.value), 9)} ${lpad(ms(r.generated), 10)} ${lpad(ms(r.hand), 9)} ` +
        `${lpad(ratio(r.generated, r.value), 9)} ${lpad(ratio(r.generated, r.hand), 8)} ${lpad(r.check!.toExponential(0), 8)}`,
    );
  });

  console.log("\n(b) value and Hessian");
  console.log(
    `${pad("problem", w)} ${lpad("n", 5)} ${lpad("generated", 10)} ${lpad("hand", 9)} ${lpad("autograd", 10)} ${lpad("vectorized", 10)} ` +
      `${lpad("gen/hand", 8)} ${lpad("ag/gen", 8)} ${lpad("agv/gen", 8)} ${lpad("check", 8)}`,
  );
  const hess = await run(torchPython ?? python, spec(HESSIANS, "hessian"), (r) => {
    if (r.error) return console.log(`${pad(r.name, w)} ${lpad(String(r.n), 5)}  ${r.error}`);
    console.log(
      `${pad(r.name, w)} ${lpad(String(r.n), 5)} ${lpad(ms(r.generated), 10)} ${lpad(ms(r.hand), 9)} ${lpad(ms(r.torch), 10)} ` +
        `${lpad(ms(r.torch_vectorized), 10)} ${lpad(ratio(r.generated, r.hand), 8)} ${lpad(ratio(r.torch, r.generated), 8)} ` +
        `${lpad(ratio(r.torch_vectorized, r.generated), 8)} ${lpad(r.check!.toExponential(0), 8)}`,
    );
  });

  const ok = (rs: Row[]) => rs.filter((r) => !r.error && r.generated !== undefined);
  const g = ok(grad);
  const h = ok(hess);
  const gv = g.map((r) => r.generated! / r.value!);
  const gh = g.map((r) => r.generated! / r.hand!);
  const hh = h.map((r) => r.generated! / r.hand!);
  console.log("\nsummary");
  console.log(`  gradients: ${g.length} rows; generated/value: median ${median(gv).toFixed(2)}, max ${Math.max(...gv).toFixed(2)} (target <= 3); ` +
    `rows above 3: ${g.filter((r) => r.generated! / r.value! > 3).map((r) => `${r.name} n=${r.n}`).join("; ") || "none"}`);
  console.log(`  gradients: generated/hand-written: geometric mean ${geomean(gh).toFixed(2)}, max ${Math.max(...gh).toFixed(2)}`);
  console.log(`  Hessians: generated/hand-written: geometric mean ${geomean(hh).toFixed(2)}, max ${Math.max(...hh).toFixed(2)} (target <= 1.3)`);
  const ag = h.filter((r) => r.torch !== undefined).map((r) => r.torch! / r.generated!);
  const agv = h.filter((r) => r.torch_vectorized !== undefined).map((r) => r.torch_vectorized! / r.generated!);
  if (ag.length > 0) console.log(`  Hessians: torch.autograd.functional.hessian / generated: ${ag.map((x) => x.toFixed(0)).join(", ")}`);
  if (agv.length > 0) console.log(`  Hessians: the same with vectorize=True / generated: ${agv.map((x) => x.toFixed(0)).join(", ")}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
