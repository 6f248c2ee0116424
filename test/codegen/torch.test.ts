// The PyTorch code of every identity (and of the extra cases) runs with torch (Debian's python3-torch, installed by
// .ci/run) and agrees with matcalc's evaluator. Outside CI a machine without torch skips, saying so.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildCases } from "./cases.js";
import { type CaseResult, cleanup, findPython, runPython } from "./harness.js";

const python = findPython(["torch", "numpy"], ["/usr/bin/python3", "python3"]);
const required = !!process.env.CI;
if (!python && !required) console.warn("test/codegen/torch.test.ts: no python3 with torch here; skipped (CI installs python3-torch)");
const { cases } = buildCases(["torch"]);
let results = new Map<number, CaseResult>();

afterAll(cleanup);

describe.skipIf(!python && !required)("generated PyTorch code", () => {
  beforeAll(() => {
    if (!python) throw new Error("no python3 with torch (install python3-torch)");
    results = runPython(python, cases, "torch");
  }, 120_000);

  test.each(cases.map((c) => [c.title, c.id] as const))("%s", (_title, id) => {
    const r = results.get(id)!;
    expect(r.ok, r.message).toBe(true);
  });
});
