// Timing of the symbolic engine: (a) a suite of expressions, each differentiated in-process many times; (b) chains
// of definitions of growing length, to see that time and output size grow linearly; (c) the same suite
// differentiated by SymPy (bench/sympy_peer.py, spawned once) for comparison.
//
// Run with `npx tsx bench/engine.ts` (or `npm run bench`, which also runs bench/numeric.ts). Figures only, no
// assertions. Every timing covers the whole public call, differentiate(source, {wrt, order}): parse, shape
// inference, differentiation, simplification and printing of the derivative as text and LaTeX.
//
// Environment: BENCH_NO_SYMPY=1 skips part (c); PYTHON picks the interpreter (default python3); BENCH_ONLY=repeated
// runs only the chains with a repeated variable.

import { spawnSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { compile } from "../src/api/compile.js";
import { differentiate, differentiateCompiled } from "../src/api/differentiate.js";
import { IDENTITIES } from "../test/engine/identities.js";

const NO_SYMPY = process.env["BENCH_NO_SYMPY"] === "1";
const PYTHON = process.env["PYTHON"] ?? "python3";
/** BENCH_ONLY=repeated: only the chains with a repeated variable of part (b). */
const ONLY = process.env["BENCH_ONLY"];

const SUITE_BUDGET_MS = 50; // timed repetitions per suite expression, after the warm-up
const WARMUP_MS = 15;

// ---------------------------------------------------------------------------------------------------------------
// The suite: every identity of test/engine/identities.ts, plus larger expressions of the kind seen in practice.
// `sympy` is the same function written for SymPy's matrix expressions (one Python expression that builds and
// differentiates it; see bench/sympy_peer.py for the symbols in scope). Absent where SymPy has nothing to say
// (declared structure such as diagonal or orthogonal matrices).

interface Case {
  readonly src: string;
  readonly wrt: string;
  readonly order: number;
  readonly sympy?: string;
}

const GAUSS = "S: spd(n)\n-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)";
const GAUSS_PY = "(-log(Determinant(S))/2 - Trace((x - mu).T*Inverse(S)*(x - mu))/2)";
const RIDGE_PY = "((X*w - y).T*(X*w - y) + c*w.T*w)";

const SYMPY: Record<string, string> = {
  "x'*A*x|x|1": "(x.T*A*x).diff(x)",
  "x'*A*x|x|2": "(x.T*A*x).diff(x).diff(x)",
  "w'*x|x|1": "(w.T*x).diff(x)",
  "x'*w|x|1": "(x.T*w).diff(x)",
  "x'*x|x|1": "(x.T*x).diff(x)",
  "x'*A*y|x|1": "(x.T*A*y).diff(x)",
  "x'*A*y|y|1": "(x.T*A*y).diff(y)",
  "x'*A*y|A|1": "(x.T*A*y).diff(A)",
  "A*x|x|1": "(A*x).diff(x)",
  "A*x + b|x|1": "(A*x + b).diff(x)",
  "x'*A'*B*x|x|1": "(x.T*A.T*B*x).diff(x)",
  "norm2(x)|x|1": "sqrt((x.T*x)[0, 0]).diff(x)",
  "norm2(A*x - b)^2|x|1": "((A*x - b).T*(A*x - b)).diff(x)",
  "norm2(A*x - b)^2|x|2": "((A*x - b).T*(A*x - b)).diff(x).diff(x)",
  "sum(x)|x|1": "(OneMatrix(1, n)*x).diff(x)",
  "sum(x.*x)|x|1": "(OneMatrix(1, n)*hadamard_product(x, x)).diff(x)",
  "sum(exp(x))|x|1": "(OneMatrix(1, n)*x.applyfunc(exp)).diff(x)",
  "exp(x)|x|1": "x.applyfunc(exp).diff(x)",
  "x.*y|x|1": "hadamard_product(x, y).diff(x)",
  "tr(X)|X|1": "Trace(X).diff(X)",
  "tr(A*X)|X|1": "Trace(A*X).diff(X)",
  "tr(X*A)|X|1": "Trace(X*A).diff(X)",
  "tr(A*X')|X|1": "Trace(A*X.T).diff(X)",
  "tr(A*X*B)|X|1": "Trace(A*X*B).diff(X)",
  "tr(A*X'*B)|X|1": "Trace(A*X.T*B).diff(X)",
  "tr(X'*X)|X|1": "Trace(X.T*X).diff(X)",
  "tr(X*X')|X|1": "Trace(X*X.T).diff(X)",
  "tr(X^2)|X|1": "Trace(X**2).diff(X)",
  "tr(X^3)|X|1": "Trace(X**3).diff(X)",
  "tr(A*X^2)|X|1": "Trace(A*X**2).diff(X)",
  "tr(X'*A*X)|X|1": "Trace(X.T*A*X).diff(X)",
  "tr(A*X*B*X')|X|1": "Trace(A*X*B*X.T).diff(X)",
  "tr(A*X*A'*C)|A|1": "Trace(A*X*A.T*C).diff(A)",
  "tr(E) + 1|E|1": "(Trace(E) + 1).diff(E)",
  "tr(X) + tr(X'*X)|X|1": "(Trace(X) + Trace(X.T*X)).diff(X)",
  "tr(X)^2|X|1": "(Trace(X)**2).diff(X)",
  "sum(X)|X|1": "(OneMatrix(1, n)*X*OneMatrix(n, 1)).diff(X)",
  "tr(A*X*B*X'*C)|X|1": "Trace(A*X*B*X.T*C).diff(X)",
  "det(X)|X|1": "Determinant(X).diff(X)",
  "logdet(X)|X|1": "log(Determinant(X)).diff(X)",
  "log(det(X))|X|1": "log(Determinant(X)).diff(X)",
  "A, B: matrix(n)\ndet(A*X*B)|X|1": "Determinant(A*X*B).diff(X)",
  "logdet(X'*X)|X|1": "log(Determinant(X.T*X)).diff(X)",
  "det(inv(X))|X|1": "Determinant(Inverse(X)).diff(X)",
  "tr(inv(X))|X|1": "Trace(Inverse(X)).diff(X)",
  "tr(A*inv(X)*B)|X|1": "Trace(A*Inverse(X)*B).diff(X)",
  "u'*inv(X)*v|X|1": "(u.T*Inverse(X)*v).diff(X)",
  "x'*inv(A)*x|x|1": "(x.T*Inverse(A)*x).diff(x)",
  "det(X)^2|X|1": "(Determinant(X)**2).diff(X)",
  "logdet(A + X)|X|1": "log(Determinant(A + X)).diff(X)",
  "tr(inv(X)^2)|X|1": "Trace(Inverse(X)**2).diff(X)",
  "a*x'*x + sin(a)|a|1": "(a*x.T*x + sin(a)).diff(a)",
  "exp(a*b)|a|1": "exp(a*Symbol('b')).diff(a)",
  "a^3|a|2": "(a**3).diff(a, 2)",
  "sin(a)*exp(a)|a|3": "(sin(a)*exp(a)).diff(a, 3)",
  "t: scalar\ninv(A + t*B)|t|1": "Inverse(A + t*B).diff(t)",
  "t: scalar\ntr(inv(A + t*B))|t|1": "Trace(Inverse(A + t*B)).diff(t)",
  "t: scalar\ndet(A + t*B)|t|1": "Determinant(A + t*B).diff(t)",
  "sin(x)|x|1": "x.applyfunc(sin).diff(x)",
  "log(x)|x|1": "x.applyfunc(log).diff(x)",
  "tanh(W*x)|x|1": "(W*x).applyfunc(tanh).diff(x)",
  "relu(A*x)|x|1": "(A*x).applyfunc(lambda z: Max(z, 0)).diff(x)",
  "sigmoid(x)|x|1": "x.applyfunc(lambda z: 1/(1 + exp(-z))).diff(x)",
  "abs(x)|x|1": "x.applyfunc(Abs).diff(x)",
  "x/tr(x'*x)|x|1": "(x/Trace(x.T*x)).diff(x)",
  "x*(x'*x)|x|1": "(x*(x.T*x)).diff(x)",
  "(x'*x)*A*x|x|1": "((x.T*x)*A*x).diff(x)",
  "diag(x)*y|x|1": "(DiagMatrix(x)*y).diff(x)",
  [`${GAUSS}|S|1`]: `${GAUSS_PY}.diff(S)`,
  [`${GAUSS}|mu|1`]: `${GAUSS_PY}.diff(mu)`,
  [`${GAUSS}|x|1`]: `${GAUSS_PY}.diff(x)`,
  "sum(log(1 + exp(-y.*(X*w))))|w|1":
    "(OneMatrix(1, n)*hadamard_product(y, X*w).applyfunc(lambda z: log(1 + exp(-z)))).diff(w)",
  "norm2(X*w - y)^2 + c*norm2(w)^2|w|1": `${RIDGE_PY}.diff(w)`,
  "norm2(X*w - y)^2 + c*norm2(w)^2|w|2": `${RIDGE_PY}.diff(w).diff(w)`,
  "sigmoid(w'*x)|w|1": "(1/(1 + exp(-(w.T*x)[0, 0]))).diff(w)",
  // own additions
  "log(sum(exp(A*x)))|x|1": "log((OneMatrix(1, n)*(A*x).applyfunc(exp))[0, 0]).diff(x)",
  "tr(inv(X'*X)*A)|X|1": "Trace(Inverse(X.T*X)*A).diff(X)",
  "X: spd(n)\nlogdet(X) - tr(S*X)|X|1": "(log(Determinant(X)) - Trace(S*X)).diff(X)",
  "y = A*x; f = y'*y|x|1": "((A*x).T*(A*x)).diff(x)",
  "tr(X^4)|X|1": "Trace(X**4).diff(X)",
  "x'*A^3*x|x|1": "(x.T*A**3*x).diff(x)",
  "tr(X*inv(Y)*X')|Y|1": "Trace(X*Inverse(Y)*X.T).diff(Y)",
  "det(A + x*x')|x|1": "Determinant(A + x*x.T).diff(x)",
};

const EXTRA: readonly (readonly [string, string, number])[] = [
  ["sum(log(1 + exp(-y.*(X*w))))", "w", 2],
  ["sum(tanh(W*sigmoid(V*x)))", "x", 1],
  ["sum(tanh(W*sigmoid(V*x)))", "W", 1],
  ["log(sum(exp(A*x)))", "x", 1],
  ["log(sum(exp(A*x)))", "x", 2],
  ["norm2(A*x - b)^2 + c*norm1(x)", "x", 1],
  ["tr(inv(X'*X)*A)", "X", 1],
  ["x'*A*x/(x'*x)", "x", 1],
  ["x'*A*x/(x'*x)", "x", 2],
  ["X: spd(n)\nlogdet(X) - tr(S*X)", "X", 1],
  ["y = A*x; f = y'*y", "x", 1],
  ["h = tanh(W*x + u); sum(h .* h)", "W", 1],
  ["det(A + x*x')", "x", 1],
  ["tr(X^4)", "X", 1],
  ["sum(exp(X*w) - y .* (X*w))", "w", 2],
  ["x'*A^3*x", "x", 1],
  ["h = relu(W*x + u); z = V*h; log(sum(exp(z))) - q'*z", "W", 1],
  ["norm2(X*w - y)^2/(2*a) + c*norm1(w)", "w", 1],
  ["tr((X - A)'*(X - A)) + c*logdet(X'*X)", "X", 1],
  ["sum(sqrt(x.^2 + 1))", "x", 2],
  ["exp(-x'*x/2)", "x", 2],
  ["tr(X*inv(Y)*X')", "Y", 1],
];

function keyOf(src: string, wrt: string, order: number): string {
  return `${src}|${wrt}|${order}`;
}

const CASES: Case[] = [];
{
  const seen = new Set<string>();
  for (const [src, wrt, order] of [...IDENTITIES.map(([s, w, o]) => [s, w, o] as const), ...EXTRA]) {
    const k = keyOf(src, wrt, order);
    if (seen.has(k)) continue;
    seen.add(k);
    const sympy = SYMPY[k];
    CASES.push(sympy === undefined ? { src, wrt, order } : { src, wrt, order, sympy });
  }
}

function label(c: Case): string {
  const d = c.order === 1 ? `d/d${c.wrt}` : `d${c.order}/d${c.wrt}${c.order}`;
  return `${c.src.replace(/\n/g, "; ")}  [${d}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Timing helpers

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** Median milliseconds per call: warm up, then time single calls until the budget is spent (at least 5). */
function timeCall(fn: () => unknown, budgetMs: number, warmupMs = WARMUP_MS): { ms: number; reps: number } {
  let t0 = performance.now();
  let w = 0;
  while (w < 3 || (performance.now() - t0 < warmupMs && w < 1000)) {
    fn();
    w++;
  }
  const samples: number[] = [];
  t0 = performance.now();
  while (samples.length < 5 || (performance.now() - t0 < budgetMs && samples.length < 100_000)) {
    const s = performance.now();
    fn();
    samples.push(performance.now() - s);
  }
  return { ms: median(samples), reps: samples.length };
}

const fx = (r: number) => (r < 10 ? r.toFixed(1) : r.toFixed(0));
const us = (ms: number) => (ms * 1000).toFixed(ms < 0.01 ? 1 : 0);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const cut = (s: string, n: number) => (s.length <= n ? s : s.slice(0, n - 1) + "…");

function heading(s: string): void {
  console.log(`\n${s}\n${"=".repeat(s.length)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// (a) the suite

interface SuiteRow {
  readonly c: Case;
  readonly ms: number | null;
  readonly reps: number;
  readonly chars: number;
  readonly text: string;
  readonly error?: string;
}

function runSuite(): SuiteRow[] {
  heading(`(a) Suite: ${CASES.length} expressions, median time per derivative (parse + differentiate + print)`);
  console.log(`${lpad("#", 3)} ${lpad("µs", 7)} ${lpad("reps", 6)} ${lpad("chars", 6)}  expression`);
  // one pass over the whole suite first, so that the first rows are not timed on a cold JIT
  for (let pass = 0; pass < 3; pass++) {
    for (const c of CASES) {
      try {
        differentiate(c.src, { wrt: c.wrt, order: c.order });
      } catch {
        // reported below
      }
    }
  }
  const rows: SuiteRow[] = [];
  CASES.forEach((c, i) => {
    const opts = { wrt: c.wrt, order: c.order };
    let row: SuiteRow;
    try {
      const d = differentiate(c.src, opts);
      const { ms, reps } = timeCall(() => differentiate(c.src, opts), SUITE_BUDGET_MS);
      row = { c, ms, reps, chars: d.derivative.text.length, text: d.derivative.text };
      console.log(`${lpad(String(i + 1), 3)} ${lpad(us(ms), 7)} ${lpad(String(reps), 6)} ${lpad(String(row.chars), 6)}  ${cut(label(c), 90)}`);
    } catch (e) {
      row = { c, ms: null, reps: 0, chars: 0, text: "", error: String(e) };
      console.log(`${lpad(String(i + 1), 3)} ${lpad("error", 7)} ${lpad("", 6)} ${lpad("", 6)}  ${cut(label(c), 60)}: ${cut(String(e), 80)}`);
    }
    rows.push(row);
  });
  const times = rows.flatMap((r) => (r.ms === null ? [] : [r.ms]));
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `\nSuite: ${times.length}/${rows.length} ran; median ${us(median(times))} µs per derivative ` +
      `(min ${us(sorted[0]!)}, 90th percentile ${us(sorted[Math.floor(0.9 * (sorted.length - 1))]!)}, ` +
      `max ${us(sorted[sorted.length - 1]!)} µs).`,
  );
  const g = rows.find((r) => r.c.src === GAUSS && r.c.wrt === "S");
  if (g && g.ms !== null) {
    console.log(
      `Gaussian log-likelihood w.r.t. S (-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu), S spd): ` +
        `${us(g.ms)} µs = ${g.ms.toFixed(3)} ms (target < 1 ms).`,
    );
    console.log(`  d/dS = ${g.text}`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// (b) chains of definitions

/** K definitions y1..yK mixing products, elementwise functions and sums, each built from y(k-1) and y(k-2). */
function mixedChain(K: number): string {
  const lines: string[] = ["y1 = sin(A*x)"];
  for (let k = 2; k <= K; k++) {
    const p = `y${k - 1}`;
    const q = k > 2 ? `y${k - 2}` : "x";
    let e: string;
    switch (k % 6) {
      case 0: e = `A*${p} + sin(${p}) .* x`; break;
      case 1: e = `tanh(B*${p}) + ${q}`; break;
      case 2: e = `${p} .* ${q} + exp(-${p})`; break;
      case 3: e = `sigmoid(${p}) - B'*${q}`; break;
      case 4: e = `cos(${p}) .* ${p} + 2*${q}`; break;
      default: e = `A*(${p} + ${q}) + log(1 + exp(${p}))`; break;
    }
    lines.push(`y${k} = ${e}`);
  }
  lines.push(`f = sum(y${K})`);
  return lines.join("\n");
}

/** y(k) = sin(y(k-1)): the derivative is a Hadamard product of K cosines. */
function sinChain(K: number): string {
  const lines = ["y1 = sin(x)"];
  for (let k = 2; k <= K; k++) lines.push(`y${k} = sin(y${k - 1})`);
  lines.push(`f = sum(y${K})`);
  return lines.join("\n");
}

/** One flat sum of K terms: sum(sin(1*x)) + sum(sin(2*x)) + ... */
function flatSum(K: number): string {
  return Array.from({ length: K }, (_, i) => `sum(sin(${i + 1}*x))`).join(" + ");
}

/** y(k) = y(k-1) .* y(k-2) from sin(x), cos(x): exponents are Fibonacci numbers. */
function productRecurrence(K: number): string {
  const lines = ["y1 = sin(x)", "y2 = cos(x)"];
  for (let k = 3; k <= K; k++) lines.push(`y${k} = y${k - 1} .* y${k - 2}`);
  lines.push(`f = sum(y${K})`);
  return lines.join("\n");
}

/** tr(A*X*A*X*...*A*X*B), X repeated K times: the gradient needs the shared prefix and suffix products. */
function repeatedChain(K: number): string {
  return `tr(${Array.from({ length: K }, () => "A*X").join("*")}*B)`;
}

/** Y1 = A*X*B; Y(k) = A*X*Y(k-1)*X'*B; f = tr(YK): the variable repeated inside nested products. */
function nestedProducts(K: number): string {
  const lines = ["Y1 = A*X*B"];
  for (let k = 2; k <= K; k++) lines.push(`Y${k} = A*X*Y${k - 1}*X'*B`);
  lines.push(`f = tr(Y${K})`);
  return lines.join("\n");
}

/** tr((A*X)^K*B): a matrix power. */
function matrixPower(K: number): string {
  return `tr((A*X)^${K}*B)`;
}

/** tr(A*inv(X)*A*inv(X)*...*B): a long chain with K inverses. */
function inverseChain(K: number): string {
  return `tr(${Array.from({ length: K }, () => "A*inv(X)").join("*")}*B)`;
}

/** Operations in a source: binary operators, transposes and function applications. */
function countOps(src: string): number {
  return (src.match(/\.\*|\.\/|\.\^|[+\-*/^']|[a-z]\w*\(/g) ?? []).length;
}

interface ChainPoint {
  readonly K: number;
  readonly ops: number;
  readonly compileMs: number;
  readonly totalMs: number;
  readonly chars: number;
  readonly defs: number;
  readonly reps: number;
  readonly infinite: boolean;
  readonly error?: string;
}

function measureChain(src: string, K: number, budgetMs: number, minReps: number, maxReps: number, wrt = "x"): ChainPoint {
  const ops = countOps(src);
  const compiles: number[] = [];
  const totals: number[] = [];
  let chars = 0;
  let defs = 0;
  let infinite = false;
  try {
    const t0 = performance.now();
    while (totals.length < minReps || (totals.length < maxReps && performance.now() - t0 < budgetMs)) {
      const a = performance.now();
      const c = compile(src);
      const b = performance.now();
      const d = differentiateCompiled(c, { wrt });
      const e = performance.now();
      compiles.push(b - a);
      totals.push(e - a);
      chars = d.derivative.text.length;
      defs = (d.derivative.text.match(/\bt\d+ = /g) ?? []).length;
      infinite = /Infinity|NaN/.test(d.derivative.text);
    }
  } catch (e) {
    return { K, ops, compileMs: NaN, totalMs: NaN, chars: 0, defs: 0, reps: 0, infinite, error: String(e) };
  }
  // best of the repetitions: at these sizes the spread comes from garbage collection, not from the engine
  return { K, ops, compileMs: Math.min(...compiles), totalMs: Math.min(...totals), chars, defs, reps: totals.length, infinite };
}

function printChain(title: string, points: readonly ChainPoint[]): void {
  console.log(`\n${title}`);
  console.log(
    `${lpad("steps", 6)} ${lpad("ops", 6)} ${lpad("compile ms", 11)} ${lpad("total ms", 10)} ${lpad("µs/op", 7)} ` +
      `${lpad("out chars", 10)} ${lpad("t-defs", 7)} ${lpad("reps", 5)} ${lpad("time ×", 8)} ${lpad("size ×", 8)} ${lpad("exp t", 6)} ${lpad("exp s", 6)}`,
  );
  let prev: ChainPoint | null = null;
  for (const p of points) {
    if (p.error) {
      console.log(`${lpad(String(p.K), 6)} ${lpad(String(p.ops), 6)}  error: ${cut(p.error, 100)}`);
      prev = null;
      continue;
    }
    let tr = "", sr = "", et = "", es = "";
    if (prev) {
      const f = Math.log(p.K / prev.K);
      tr = `${(p.totalMs / prev.totalMs).toFixed(1)}`;
      sr = prev.chars > 0 ? `${(p.chars / prev.chars).toFixed(1)}` : "";
      et = (Math.log(p.totalMs / prev.totalMs) / f).toFixed(2);
      es = prev.chars > 0 ? (Math.log(p.chars / prev.chars) / f).toFixed(2) : "";
    }
    console.log(
      `${lpad(String(p.K), 6)} ${lpad(String(p.ops), 6)} ${lpad(p.compileMs.toFixed(2), 11)} ${lpad(p.totalMs.toFixed(1), 10)} ` +
        `${lpad(((p.totalMs * 1000) / p.ops).toFixed(1), 7)} ${lpad(String(p.chars), 10)} ${lpad(String(p.defs), 7)} ` +
        `${lpad(String(p.reps), 5)} ${lpad(tr, 8)} ${lpad(sr, 8)} ${lpad(et, 6)} ${lpad(es, 6)}` +
        (p.infinite ? "  output contains Infinity/NaN" : ""),
    );
    prev = p;
  }
}

function runChains(): void {
  heading("(b) Chains of definitions, differentiated w.r.t. x");
  console.log(
    "Times are the best of the repetitions (reps) of compile (parse + shape inference) and total (compile +\n" +
      "differentiate + print text and LaTeX). time × and size × are the growth from the previous row; exp t and\n" +
      "exp s are the exponents of that growth (1.00 = linear, 2.00 = quadratic). ops counts operators and function\n" +
      "applications in the source; out chars is the length of derivative.text, t-defs its shared subexpressions.",
  );
  // warm the JIT on the same kind of input
  for (let i = 0; i < 5; i++) differentiate(mixedChain(100), { wrt: "x" });
  const sizes = [10, 100, 1000, 2000, 4000, 10_000];
  const stress = (make: (K: number) => string, wrt = "x") =>
    sizes.map((K) => measureChain(make(K), K, 200, 1, K >= 1000 ? 1 : 50, wrt));
  if (ONLY !== "repeated") runMixedAndStress(stress);
  console.log("\nA variable repeated in long products, differentiated w.r.t. X (K is the number of times X occurs):");
  printChain("Repeated chain: tr(A*X*A*X*...*A*X*B).", stress(repeatedChain, "X"));
  printChain("Nested products: Y1 = A*X*B; Y(k) = A*X*Y(k-1)*X'*B; f = tr(YK).", stress(nestedProducts, "X"));
  printChain("Matrix power: tr((A*X)^K*B).", stress(matrixPower, "X"));
  printChain("Chain with inverses: tr(A*inv(X)*A*inv(X)*...*B).", stress(inverseChain, "X"));
}

function runMixedAndStress(stress: (make: (K: number) => string, wrt?: string) => ChainPoint[]): void {
  const mixed = [10, 100, 1000, 10_000].map((K) => measureChain(mixedChain(K), K, 300, K >= 1000 ? 2 : 5, 200));
  printChain(
    "Mixed chain: y1 = sin(A*x); y2 = y1 .* x + exp(-y1); ...; six step kinds cycling (matrix products, elementwise\n" +
      "functions, Hadamard products, sums, transposes), each y(k) from y(k-1) and y(k-2); f = sum(yK).",
    mixed,
  );
  console.log("\nStress shapes:");
  printChain("Elementwise chain: y(k) = sin(y(k-1)); f = sum(yK). The derivative is a product of K cosines.", stress(sinChain));
  printChain("Flat sum: sum(sin(1*x)) + sum(sin(2*x)) + ... + sum(sin(K*x)).", stress(flatSum));
  printChain(
    "Product recurrence: y1 = sin(x); y2 = cos(x); y(k) = y(k-1) .* y(k-2). Exponents grow like Fibonacci numbers.",
    stress(productRecurrence),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// (c) SymPy

interface PeerResult {
  readonly name: string;
  readonly ok: boolean;
  readonly us: number | null;
  readonly reps: number;
  readonly result: string | null;
  readonly zero: boolean;
  readonly unevaluated: boolean;
  readonly error: string | null;
}

function runSympy(rows: readonly SuiteRow[]): void {
  heading("(c) SymPy on the same expressions (MatrixSymbol, Trace, Determinant, Inverse, .diff)");
  if (NO_SYMPY) {
    console.log("Skipped (BENCH_NO_SYMPY=1).");
    return;
  }
  const withPeer = rows.filter((r) => r.c.sympy !== undefined);
  const input = withPeer.map((r, i) => ({ name: String(i), sympy_code: r.c.sympy! }));
  const script = fileURLToPath(new URL("./sympy_peer.py", import.meta.url));
  const t0 = performance.now();
  const proc = spawnSync(PYTHON, [script], { input: JSON.stringify(input), encoding: "utf8", timeout: 170_000, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (proc.error || proc.status !== 0) {
    console.log(`SymPy comparison skipped: ${proc.error ? String(proc.error) : `exit ${proc.status}`} ${cut(proc.stderr ?? "", 300)}`);
    return;
  }
  let parsed: { sympy: string; python: string; results: PeerResult[] };
  try {
    parsed = JSON.parse(proc.stdout) as typeof parsed;
  } catch (e) {
    console.log(`SymPy comparison skipped: unreadable output (${String(e)})`);
    return;
  }
  console.log(
    `SymPy ${parsed.sympy} on Python ${parsed.python}; ${withPeer.length} expressions, peer process ${wall.toFixed(1)} s.\n` +
      "Each SymPy time builds the expression and differentiates it, with SymPy's cache cleared before every\n" +
      "repetition (printing not included); each matcalc time is part (a)'s (parse + differentiate + print).\n" +
      "ratio = SymPy time / matcalc time. SymPy uses the denominator layout for Jacobians (d(A*x)/dx = A.T).",
  );
  console.log(`\n${lpad("matcalc µs", 10)} ${lpad("SymPy µs", 10)} ${lpad("ratio", 7)}  ${pad("expression", 48)} SymPy's answer`);
  const ratios: number[] = [];
  const goodRatios: number[] = [];
  const wrong: string[] = [];
  let failed = 0;
  withPeer.forEach((r, i) => {
    const p = parsed.results[i];
    const name = cut(label(r.c), 48);
    if (!p || !p.ok || p.us === null) {
      failed++;
      console.log(`${lpad(r.ms === null ? "error" : us(r.ms), 10)} ${lpad("n/a", 10)} ${lpad("", 7)}  ${pad(name, 48)} ${cut(p?.error ?? "no result", 70)}`);
      return;
    }
    if (r.ms === null) {
      console.log(`${lpad("error", 10)} ${lpad(p.us.toFixed(0), 10)} ${lpad("", 7)}  ${pad(name, 48)} ${cut(p.result ?? "", 70)}`);
      return;
    }
    const ratio = p.us / (r.ms * 1000);
    ratios.push(ratio);
    const flag = p.zero && !/^0$/.test(r.text) ? "  <- 0 (wrong)" : p.unevaluated ? "  <- unevaluated Derivative" : "";
    if (flag) wrong.push(`${label(r.c)}: SymPy returns ${cut(p.result ?? "", 60)}; matcalc: ${cut(r.text, 60)}`);
    else goodRatios.push(ratio);
    console.log(
      `${lpad(us(r.ms), 10)} ${lpad(p.us.toFixed(0), 10)} ${lpad(fx(ratio), 7)}  ${pad(name, 48)} ${cut(p.result ?? "", 60)}${flag}`,
    );
  });
  if (ratios.length > 0) {
    console.log(
      `\nBoth ran on ${ratios.length} expressions (SymPy failed or could not express ${failed}). ` +
        `Geometric mean of SymPy/matcalc: ${fx(geomean(ratios))}x ` +
        `(min ${fx(Math.min(...ratios))}x, median ${fx(median(ratios))}x, max ${fx(Math.max(...ratios))}x); ` +
        `target >= 100x.`,
    );
    if (goodRatios.length > 0 && goodRatios.length < ratios.length) {
      console.log(
        `Leaving out the ${ratios.length - goodRatios.length} where SymPy returned 0 or an unevaluated Derivative: ` +
          `geometric mean ${fx(geomean(goodRatios))}x over ${goodRatios.length}.`,
      );
    }
  }
  if (wrong.length > 0) {
    console.log(`\nSymPy answers that are 0 or unevaluated (matcalc's derivative alongside):`);
    for (const w of wrong) console.log(`  ${w}`);
  }
  const known = ["log(det(X))|X|1", "tr(E) + 1|E|1", "tr(X) + tr(X'*X)|X|1", `${GAUSS}|S|1`, "sum(x)|x|1", "x/tr(x'*x)|x|1"];
  console.log("\nKnown SymPy problem cases, SymPy's answer as returned:");
  for (const k of known) {
    const i = withPeer.findIndex((r) => keyOf(r.c.src, r.c.wrt, r.c.order) === k);
    if (i < 0) continue;
    const p = parsed.results[i];
    const r = withPeer[i]!;
    console.log(`  ${label(r.c)}\n    SymPy:   ${p?.ok ? p.result : `error: ${p?.error}`}\n    matcalc: ${r.text}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const started = performance.now();
console.log(
  `matcalc engine benchmark — Node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "unknown"})`,
);
if (ONLY === "repeated") runChains();
else {
  const rows = runSuite();
  runChains();
  runSympy(rows);
}
console.log(`\nengine.ts finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
