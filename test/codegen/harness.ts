// Running generated code in the tests: the cases go to a temporary folder, one driver process runs them all
// (python3 for NumPy and PyTorch, tsx for TypeScript) and reports, per case, how far it is from matcalc's evaluator.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CodeTarget } from "../../src/codegen/generate.js";
import type { CodegenCase } from "./cases.js";

export interface CaseResult {
  readonly id: number;
  readonly ok: boolean;
  readonly message: string;
}

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DRIVER = fileURLToPath(new URL("./run_cases.py", import.meta.url));

/** The first Python that imports all the modules, or null. */
export function findPython(modules: readonly string[], candidates: readonly string[] = ["python3", "/usr/bin/python3"]): string | null {
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

const made: string[] = [];

/** Removes the folders this process wrote (call from afterAll). */
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes each case's module for the target into a fresh folder; returns the folder and the file of each case. */
export function writeModules(cases: readonly CodegenCase[], target: CodeTarget, ext: string): { dir: string; files: Map<number, string> } {
  const dir = mkdtempSync(join(tmpdir(), `matcalc-codegen-${target}-`));
  made.push(dir);
  const files = new Map<number, string>();
  for (const c of cases) {
    const file = join(dir, `case_${c.id}.${ext}`);
    writeFileSync(file, c.code[target]!);
    files.set(c.id, file);
  }
  return { dir, files };
}

/** Runs the Python modules of the target on their cases in one process. */
export function runPython(
  python: string,
  cases: readonly CodegenCase[],
  target: "numpy" | "torch",
  env: Record<string, string> = {},
): Map<number, CaseResult> {
  const { dir, files } = writeModules(cases, target, "py");
  const list = cases.map((c) => ({ id: c.id, module: files.get(c.id), values: c.values, value: c.value, derivative: c.derivative, fd: c.fd }));
  writeFileSync(join(dir, "cases.json"), JSON.stringify(list));
  const args = [DRIVER, join(dir, "cases.json"), ...(target === "torch" ? ["--torch"] : [])];
  const r = spawnSync(python, args, { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: "1", ...env } });
  if (r.status !== 0) throw new Error(`${python} run_cases.py failed: ${r.stderr}`);
  return new Map((JSON.parse(r.stdout) as CaseResult[]).map((x) => [x.id, x]));
}
