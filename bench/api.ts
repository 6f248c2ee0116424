// The whole JSON API path on SymPy's own derivative tests: each request as `matcalc json` answers it (JSON parse,
// validation, parse of the program, shape inference, differentiation, text and LaTeX of the function and the
// derivative, the response as a JSON line), against SymPy building and differentiating the same expressions
// (bench/sympy_peer.py, spawned once, in the same run). Figures only, no assertions.
//
// Run with `npx tsx bench/api.ts`. Environment: BENCH_NO_SYMPY=1 skips SymPy; PYTHON picks the interpreter.
// "Cold" is the first pass over the batch in this fresh process (the engine's modules loaded, nothing else run);
// "warm" the median pass once the JIT has settled (after 3 s of untimed passes).

import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runJsonLines } from "../src/api/jsonl.js";
import { SYMPY_DERIVATIVE_TESTS, SYMPY_TESTS_HEADER } from "./sympy-derivatives.js";

const NO_SYMPY = process.env["BENCH_NO_SYMPY"] === "1";
const PYTHON = process.env["PYTHON"] ?? "python3";
const WARMUP_MS = 3000; // untimed passes after the cold one, so that "warm" is the JIT's settled code
const WARM_BUDGET_MS = 2000;

const lines = SYMPY_DERIVATIVE_TESTS.map((c, i) => JSON.stringify({ id: i, expr: SYMPY_TESTS_HEADER + c.expr, wrt: c.wrt }));
const N = lines.length;

async function* feed(): AsyncIterable<string> {
  for (const l of lines) yield l;
}

/**
 * One pass over the batch through the `matcalc json` driver: the responses, the wall time of the whole pass and the
 * process's CPU time over it (all threads: the JIT's and the garbage collector's included), which other work on a
 * shared machine disturbs less than the wall time.
 */
async function pass(): Promise<{ ms: number; cpuMs: number; out: string[] }> {
  const out: string[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await runJsonLines(feed(), (l) => out.push(l));
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, out };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
const geomean = (xs: readonly number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const f2 = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

console.log(
  `matcalc JSON API benchmark — Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}), ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
console.log(`${N} requests: the derivatives of SymPy's sympy/matrices/expressions/tests/test_derivatives.py.\n`);

const cold = await pass();
const failures = cold.out.filter((l) => !(JSON.parse(l) as { ok: boolean }).ok).length;
let warmups = 0;
for (const t = performance.now(); warmups < 10 || performance.now() - t < WARMUP_MS; warmups++) await pass();
const warm: number[] = [];
const warmCpu: number[] = [];
const t0 = performance.now();
while (warm.length < 5 || (performance.now() - t0 < WARM_BUDGET_MS && warm.length < 200)) {
  const p = await pass();
  warm.push(p.ms);
  warmCpu.push(p.cpuMs);
}
const coldPer = cold.ms / N;
const warmPer = median(warm) / N;
const coldCpuPer = cold.cpuMs / N;
const warmCpuPer = median(warmCpu) / N;
console.log(`matcalc, cold (first pass in this process): ${f2(cold.ms)} ms for the batch, ${(coldPer * 1000).toFixed(0)} µs per request`);
console.log(
  `matcalc, warm (median of ${warm.length} passes after ${warmups} untimed): ${f2(median(warm))} ms for the batch, ${(warmPer * 1000).toFixed(0)} µs per request ` +
    `(best pass ${((Math.min(...warm) / N) * 1000).toFixed(0)} µs)`,
);
console.log(
  `matcalc CPU time per request (all threads): cold ${(coldCpuPer * 1000).toFixed(0)} µs, warm ${(warmCpuPer * 1000).toFixed(0)} µs`,
);
console.log(`${N - failures} of ${N} requests answered ok; ${cold.out.reduce((s, l) => s + l.length, 0)} bytes of responses.`);

// per request, warm: each line alone, best of a few
const perCase: number[] = [];
for (const l of lines) {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const a = performance.now();
    await runJsonLines([l] as unknown as AsyncIterable<string>, () => {});
    best = Math.min(best, performance.now() - a);
  }
  perCase.push(best);
}

if (NO_SYMPY) {
  console.log("\nSymPy skipped (BENCH_NO_SYMPY=1).");
} else {
  const input = SYMPY_DERIVATIVE_TESTS.map((c, i) => ({ name: String(i), sympy_code: c.sympy }));
  const script = fileURLToPath(new URL("./sympy_peer.py", import.meta.url));
  const proc = spawnSync(PYTHON, [script], {
    input: JSON.stringify(input),
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, SYMPY_PEER_NAMESPACE: "derivative-tests", SYMPY_PEER_BUDGET_MS: process.env["SYMPY_PEER_BUDGET_MS"] ?? "100" },
  });
  if (proc.error || proc.status !== 0) {
    console.log(`\nSymPy skipped: ${proc.error ? String(proc.error) : `exit ${proc.status}`} ${(proc.stderr ?? "").slice(0, 300)}`);
  } else {
    const peer = JSON.parse(proc.stdout) as {
      sympy: string;
      python: string;
      results: { ok: boolean; us: number | null; first_us?: number; cpu_us?: number; error: string | null }[];
    };
    const both = peer.results.flatMap((p, i) =>
      p.ok && p.us !== null ? [{ i, us: p.us, first: p.first_us ?? p.us, cpu: p.cpu_us ?? p.us }] : [],
    );
    const sympyCpu = both.reduce((s, p) => s + p.cpu, 0) / both.length / 1000;
    const sympyCold = both.reduce((s, p) => s + p.us, 0) / both.length / 1000;
    const sympyFirst = both.reduce((s, p) => s + p.first, 0) / both.length / 1000;
    const ours = both.reduce((s, p) => s + perCase[p.i]!, 0) / both.length;
    const ratios = both.map((p) => p.us / 1000 / perCase[p.i]!);
    console.log(
      `\nSymPy ${peer.sympy} (Python ${peer.python}): ${both.length} of ${N} ran (${N - both.length} failed: ` +
        `${[...new Set(peer.results.filter((p) => !p.ok).map((p) => (p.error ?? "").split(":")[0]))].join(", ")}).`,
    );
    console.log(`SymPy, cache cleared before each (median per expression): mean ${f2(sympyCold)} ms per derivative`);
    console.log(`SymPy, first evaluation in its process:                    mean ${f2(sympyFirst)} ms per derivative`);
    console.log(`\nSame ${both.length} expressions, whole request against SymPy's build + .diff (no printing):`);
    console.log(`  SymPy (cache cleared) / matcalc cold batch:  ${f2(sympyCold / coldPer)}x`);
    console.log(`  SymPy (cache cleared) / matcalc warm batch:  ${f2(sympyCold / warmPer)}x`);
    console.log(`  SymPy first evaluation / matcalc cold batch: ${f2(sympyFirst / coldPer)}x`);
    console.log(
      `  CPU time, SymPy (cache cleared, ${f2(sympyCpu)} ms) / matcalc: cold ${f2(sympyCpu / coldCpuPer)}x, warm ${f2(sympyCpu / warmCpuPer)}x`,
    );
    console.log(
      `  per expression, SymPy / matcalc request alone (warm, best of 5): geometric mean ${f2(geomean(ratios))}x, ` +
        `median ${f2(median(ratios))}x, min ${f2(Math.min(...ratios))}x (matcalc mean ${(ours * 1000).toFixed(0)} µs)`,
    );
  }
}
console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
