// Generated modules run on their own: `python3 derivative.py` and `npx tsx derivative.ts` evaluate at random values
// of the declared shapes and structure, print the value and the derivative's shape, and check the derivative by
// central differences along a random structured direction (the layout of tensors, N-D or matricized, included).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { differentiate } from "../../src/api/differentiate.js";
import { generateCode } from "../../src/codegen/generate.js";
import { buildCases } from "./cases.js";
import { type CaseResult, ROOT, cleanup, findPython, writeModules } from "./harness.js";

afterAll(cleanup);

const DRIVER = join(ROOT, "test/codegen/run_demos.py");

function runDemos(python: string, target: "numpy" | "torch"): { titles: Map<number, string>; results: Map<number, CaseResult> } {
  const { cases } = buildCases([target]);
  const { dir, files } = writeModules(cases, target, "py");
  writeFileSync(join(dir, "modules.json"), JSON.stringify(cases.map((c) => ({ id: c.id, module: files.get(c.id) }))));
  const r = spawnSync(python, [DRIVER, join(dir, "modules.json")], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, OMP_NUM_THREADS: "1" },
  });
  if (r.status !== 0) throw new Error(`${python} run_demos.py failed: ${r.stderr}`);
  return {
    titles: new Map(cases.map((c) => [c.id, c.title])),
    results: new Map((JSON.parse(r.stdout) as CaseResult[]).map((x) => [x.id, x])),
  };
}

/** Writes one module as derivative.EXT in a fresh folder and runs it as a script: its exit status and output. */
function runScript(cmd: string, args: readonly string[], source: string, ext: "py" | "ts"): { status: number | null; out: string } {
  const { dir } = writeModules([], ext === "py" ? "numpy" : "ts", ext);
  const file = join(dir, `derivative.${ext}`);
  writeFileSync(file, source);
  const r = spawnSync(cmd, [...args, file], { encoding: "utf8", cwd: dir });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("generated NumPy modules run as scripts", () => {
  const python = findPython(["numpy", "scipy.linalg", "scipy.special"]);
  test("every case: the demo's check passes", () => {
    if (!python) throw new Error("no python3 with numpy and scipy (install python3-numpy python3-scipy)");
    const { titles, results } = runDemos(python, "numpy");
    expect(results.size).toBeGreaterThanOrEqual(100);
    const failed = [...results.values()].filter((r) => !r.ok).map((r) => `${titles.get(r.id)}: ${r.message}`);
    expect(failed).toEqual([]);
  }, 300_000);

  test("python3 derivative.py prints the value, the derivative's shape and PASS; a wrong derivative FAILs", () => {
    if (!python) throw new Error("no python3 with numpy and scipy");
    const source = generateCode(differentiate("A*X*B", { wrt: "X" }), "numpy");
    const ok = runScript(python, [], source, "py");
    expect(ok.status).toBe(0);
    expect(ok.out).toContain("at random values (sizes n=6, m=5, k=4, p=3, seed 0):");
    expect(ok.out).toContain("derivative: shape (6, 3, 5, 4)");
    expect(ok.out).toMatch(/check: PASS: central differences along a random direction \(relative error \d\.\de-\d+\)/);
    // the same module with the derivative off by 1%
    const wrong = source.replace("derivative = np.kron(B.T, A)", "derivative = 1.01 * np.kron(B.T, A)");
    expect(wrong).not.toBe(source);
    const bad = runScript(python, [], wrong, "py");
    expect(bad.status).toBe(1);
    expect(bad.out).toContain("check: FAIL");
    // the layout checked too: a denominator-layout module whose array is left in numerator order fails
    const den = generateCode(differentiate("A*X*B", { wrt: "X", layout: "denominator" }), "numpy");
    const swapped = den.replace(/, \(1, 0, 3, 2\)\)/, ", (3, 2, 1, 0)).reshape(m, k, n, p)");
    expect(swapped).not.toBe(den);
    expect(runScript(python, [], swapped, "py").out).toContain("check: FAIL");
  }, 60_000);
});

describe("generated PyTorch modules run as scripts", () => {
  const python = findPython(["torch", "numpy"], ["/usr/bin/python3", "python3"]);
  test("every case: the demo's check passes", () => {
    if (!python) throw new Error("no python3 with torch: run 'sudo apt-get install -y python3-torch' (npm test does this as root)");
    const { titles, results } = runDemos(python, "torch");
    const failed = [...results.values()].filter((r) => !r.ok).map((r) => `${titles.get(r.id)}: ${r.message}`);
    expect(failed).toEqual([]);
  }, 300_000);
});

describe("generated TypeScript modules run as scripts", () => {
  const TSX = join(ROOT, "node_modules/.bin/tsx");

  test("every case: demo() passes its check", () => {
    const { cases } = buildCases(["ts"]);
    const { dir, files } = writeModules(cases, "ts", "ts");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const driver = [
      'import { readFileSync } from "node:fs";',
      'const list = JSON.parse(readFileSync(process.argv[2], "utf8"));',
      "const out = [];",
      "for (const c of list) {",
      "  const lines = [];",
      "  const log = console.log;",
      "  console.log = (...a) => lines.push(a.join(' '));",
      "  let ok = false;",
      "  try { ok = (await import(c.module)).demo(); } catch (e) { lines.push(String(e && e.stack || e)); }",
      "  console.log = log;",
      "  out.push({ id: c.id, ok, message: lines.join('\\n').slice(-2000) });",
      "}",
      "console.log(JSON.stringify(out));",
    ].join("\n");
    writeFileSync(join(dir, "driver.mjs"), driver);
    writeFileSync(join(dir, "modules.json"), JSON.stringify(cases.map((c) => ({ id: c.id, module: files.get(c.id) }))));
    const r = spawnSync(TSX, [join(dir, "driver.mjs"), join(dir, "modules.json")], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`tsx driver failed: ${r.stderr}`);
    const results = JSON.parse(r.stdout.trim().split("\n").pop()!) as CaseResult[];
    expect(results.length).toBeGreaterThanOrEqual(100);
    const titles = new Map(cases.map((c) => [c.id, c.title]));
    expect(results.filter((x) => !x.ok).map((x) => `${titles.get(x.id)}: ${x.message}`)).toEqual([]);
  }, 300_000);

  test("npx tsx derivative.ts prints the value, the derivative's shape and PASS; a wrong derivative exits 1", () => {
    const source = generateCode(differentiate("X: spd(n)\nlogdet(X)", { wrt: "X", order: 2 }), "ts");
    const ok = runScript(TSX, [], source, "ts");
    expect(ok.out).toContain("derivative: shape (3, 3, 3, 3)");
    expect(ok.out).toMatch(/check: PASS: central differences along a random direction \(relative error \d\.\de-\d+\)/);
    expect(ok.status).toBe(0);
    const scaled = source.replace("const derivative = ", "const derivative = scaleBy1p01(").replace(/(const derivative = scaleBy1p01\([^;]*);/, "$1);");
    expect(scaled).not.toBe(source);
    const bad = runScript(TSX, [], `${scaled}\nfunction scaleBy1p01(m: Mat): Mat {\n  return { ...m, data: m.data.map((x) => 1.01 * x) };\n}\n`, "ts");
    expect(bad.out).toContain("check: FAIL");
    expect(bad.status).toBe(1);
  }, 60_000);
});
