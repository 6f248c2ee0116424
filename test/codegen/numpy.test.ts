// The NumPy code of every identity (and of the extra cases) runs in python3 and agrees with matcalc's evaluator.
// One python process runs all the cases (harness.ts); each case is one test, so a failure names its expression.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildCases } from "./cases.js";
import { type CaseResult, cleanup, findPython, runPython } from "./harness.js";

const { cases, skipped } = buildCases(["numpy"]);
let results = new Map<number, CaseResult>();

afterAll(cleanup);

describe("generated NumPy code", () => {
  beforeAll(() => {
    const python = findPython(["numpy", "scipy.linalg", "scipy.special"]);
    if (!python) throw new Error("no python3 with numpy and scipy: run 'sudo apt-get install -y python3-numpy python3-scipy'");
    results = runPython(python, cases, "numpy");
  }, 120_000);

  test("covers the identity table", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(skipped).toEqual([]);
  });

  test.each(cases.map((c) => [c.title, c.id] as const))("%s", (_title, id) => {
    const r = results.get(id)!;
    expect(r.ok, r.message).toBe(true);
  });
});
