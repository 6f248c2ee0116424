// The TypeScript code of every case type-checks on its own (strict, no unchecked index access, no unused locals)
// and, run with tsx, agrees with matcalc's evaluator.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildCases } from "./cases.js";
import { type CaseResult, cleanup, ROOT, writeModules } from "./harness.js";

const { cases } = buildCases(["ts"]);
const { dir, files } = writeModules(cases, "ts", "ts");
writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');

const DRIVER = `
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const flat = (v) => (typeof v === "number" ? [v] : v.flatMap(flat));
const shapeOf = (v) => (typeof v === "number" ? "scalar" : Array.isArray(v[0]) ? v.length + "x" + shapeOf(v[0]) : String(v.length));
const out = [];
for (const c of cases) {
  try {
    const { evaluate } = await import(c.module);
    const r = evaluate(c.values);
    let err = 0, message = "";
    const checks = [["value", r.value, c.value, 1e-7], ["derivative", r.derivative, c.derivative, 1e-7]];
    // a tensor by an unstructured variable: also against finite differences, in the contract's layout
    if (c.fd !== undefined) checks.push(["finite differences", r.derivative, c.fd, 1e-5]);
    for (const [what, got, want, tol] of checks) {
      if (shapeOf(got) !== shapeOf(want)) { message += what + " has shape " + shapeOf(got) + ", expected " + shapeOf(want) + "; "; err = Infinity; continue; }
      const g = flat(got), w = flat(want);
      const scale = Math.max(1e-6, ...g.map(Math.abs), ...w.map(Math.abs));
      const e = Math.max(0, ...g.map((x, i) => Math.abs(x - w[i]) / scale));
      message += what + " error " + e.toExponential(1) + "; ";
      err = Math.max(err, Number.isNaN(e) ? Infinity : e * (1e-7 / tol));
    }
    out.push({ id: c.id, ok: err <= 1e-7, message });
  } catch (e) {
    out.push({ id: c.id, ok: false, message: String(e && e.stack || e) });
  }
}
console.log(JSON.stringify(out));
`;

let results = new Map<number, CaseResult>();

afterAll(cleanup);

describe("generated TypeScript code", () => {
  test("type-checks standalone (strict, noUncheckedIndexedAccess, noUnusedLocals)", () => {
    const flags = ["--noEmit", "--strict", "--noUncheckedIndexedAccess", "--noUnusedLocals", "--noUnusedParameters"];
    const opts = ["--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--skipLibCheck"];
    const r = spawnSync(join(ROOT, "node_modules/.bin/tsc"), [...flags, ...opts, ...files.values()], { cwd: dir, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  beforeAll(() => {
    writeFileSync(join(dir, "driver.mjs"), DRIVER);
    const list = cases.map((c) => ({ id: c.id, module: files.get(c.id), values: c.values, value: c.value, derivative: c.derivative, fd: c.fd }));
    writeFileSync(join(dir, "cases.json"), JSON.stringify(list));
    const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(dir, "driver.mjs"), join(dir, "cases.json")], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`tsx driver failed: ${r.stderr}`);
    results = new Map((JSON.parse(r.stdout.trim().split("\n").pop()!) as CaseResult[]).map((x) => [x.id, x]));
  }, 120_000);

  test.each(cases.map((c) => [c.title, c.id] as const))("%s", (_title, id) => {
    const r = results.get(id)!;
    expect(r.ok, r.message).toBe(true);
  });
});
