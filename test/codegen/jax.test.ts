// The JAX code of every case compiles (python3 -m py_compile), imports only jax and has no Python branching on values;
// where jax is importable it also runs (float64 through JAX_ENABLE_X64) and agrees with matcalc's evaluator.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, test } from "vitest";
import { buildCases } from "./cases.js";
import { cleanup, findPython, runPython, writeModules } from "./harness.js";

const { cases } = buildCases(["jax"]);

afterAll(cleanup);

describe("generated JAX code", () => {
  test("compiles", () => {
    const { files } = writeModules(cases, "jax", "py");
    const r = spawnSync("python3", ["-m", "py_compile", ...files.values()], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("imports jax only and never branches on values", () => {
    for (const c of cases) {
      const src = c.code.jax!;
      const imports = src.split("\n").filter((l) => /^(import|from) /.test(l));
      for (const l of imports) expect(l).toMatch(/^import jax(\.numpy as jnp|\.scipy\.linalg)?$/);
      const body = src.slice(src.indexOf("def evaluate"), src.indexOf("\n\n\ndef _"));
      expect(body).not.toMatch(/\bif\b|\bfloat\(/);
    }
  });

  // JAX has no Debian package, so npm test's set-up cannot install it: where no python3 imports jax this test is
  // skipped with that reason, which the test run's summary (.ci/run) lists by name.
  const jax = findPython(["jax"]);
  test("runs and agrees with matcalc's evaluator where jax is installed", (ctx) => {
    if (!jax) return ctx.skip("no python3 here imports jax, and JAX has no Debian package: pip install jax to run it");
    // the NumPy driver runs JAX modules too: inputs are numpy arrays, outputs convert with np.asarray
    const jaxCases = cases.map((c) => ({ ...c, code: { numpy: c.code.jax! } }));
    const results = runPython(jax, jaxCases, "numpy", { JAX_ENABLE_X64: "1", JAX_PLATFORMS: "cpu" });
    for (const c of cases) expect(results.get(c.id)!.ok, `${c.title}: ${results.get(c.id)!.message}`).toBe(true);
  });
});
