// The PyTorch code of every identity (and of the extra cases) runs with torch (Debian's python3-torch, which npm test's
// set-up installs) and agrees with matcalc's evaluator. Without torch these tests fail, naming the command to run.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildCases } from "./cases.js";
import { type CaseResult, cleanup, findPython, runPython } from "./harness.js";

const python = findPython(["torch", "numpy"], ["/usr/bin/python3", "python3"]);
const { cases } = buildCases(["torch"]);
let results = new Map<number, CaseResult>();

afterAll(cleanup);

describe("generated PyTorch code", () => {
  beforeAll(() => {
    if (!python) throw new Error("no python3 with torch: run 'sudo apt-get install -y python3-torch' (npm test does this as root)");
    results = runPython(python, cases, "torch");
  }, 120_000);

  test.each(cases.map((c) => [c.title, c.id] as const))("%s", (_title, id) => {
    const r = results.get(id)!;
    expect(r.ok, r.message).toBe(true);
  });
});
