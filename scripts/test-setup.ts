// What `npm test` needs besides Node (its pretest step): Debian's chromium for the web page's end-to-end tests and a
// python3 with numpy, scipy and torch for the generated code's tests. Installs them with apt-get where it runs as root
// and apt-get exists; otherwise stops at once, naming the command to run. Never lets a test skip for want of them.

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

/** Where the end-to-end tests look for the browser (test/e2e/harness.ts); MATCALC_CHROMIUM overrides it for both. */
export const CHROMIUM = process.env.MATCALC_CHROMIUM || "/usr/bin/chromium";
/** The Pythons the code generation tests try (test/codegen/harness.ts findPython). */
export const PYTHONS = ["python3", "/usr/bin/python3"];

export interface Probe {
  executable(path: string): boolean;
  imports(python: string, modules: readonly string[]): boolean;
}

/** A prerequisite: what it is, which tests need it, the Debian packages that provide it, and how to tell it is there. */
export interface Requirement {
  readonly name: string;
  readonly usedBy: string;
  readonly packages: readonly string[];
  present(probe: Probe): boolean;
}

export type Plan =
  | { readonly action: "none" }
  | { readonly action: "install"; readonly commands: readonly (readonly string[])[] }
  | { readonly action: "fail"; readonly message: string };

export const REQUIREMENTS: readonly Requirement[] = [
  {
    name: `chromium at ${CHROMIUM}`,
    usedBy: "the web page's end-to-end tests (test/e2e)",
    packages: ["chromium"],
    present: (probe) => probe.executable(CHROMIUM),
  },
  {
    name: "a python3 with numpy and scipy",
    usedBy: "the generated NumPy code's tests (test/codegen)",
    packages: ["python3-numpy", "python3-scipy"],
    present: (probe) => PYTHONS.some((py) => probe.imports(py, ["numpy", "scipy.linalg", "scipy.special"])),
  },
  {
    name: "a python3 with torch",
    usedBy: "the generated PyTorch code's tests (test/codegen)",
    packages: ["python3-torch", "python3-numpy"],
    present: (probe) => PYTHONS.some((py) => probe.imports(py, ["torch", "numpy"])),
  },
];

/** Probes of this machine. */
export const machine = {
  executable(path: string): boolean {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  imports(python: string, modules: readonly string[]): boolean {
    const r = spawnSync(python, ["-c", modules.map((m) => `import ${m}`).join("; ")], { stdio: "ignore" });
    return r.status === 0;
  },
  onPath(command: string): boolean {
    return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && machine.executable(join(dir, command)));
  },
  root: typeof process.getuid === "function" && process.getuid() === 0,
};

/** The requirements that are not met. */
export function missing(probe: Probe): Requirement[] {
  return REQUIREMENTS.filter((r) => !r.present(probe));
}

/** The Debian packages that provide the missing requirements, each once. */
export function packagesFor(reqs: readonly Requirement[]): string[] {
  return [...new Set(reqs.flatMap((r) => r.packages))];
}

/**
 * What to do about the missing requirements: nothing, install (the apt-get commands to run, as root), or fail with a
 * message that names each missing requirement, the tests that need it and the exact command to run.
 */
export function plan(reqs: readonly Requirement[], { root, aptGet }: { root: boolean; aptGet: boolean }): Plan {
  if (reqs.length === 0) return { action: "none" };
  const pkgs = packagesFor(reqs);
  if (root && aptGet) {
    return { action: "install", commands: [["apt-get", "update"], ["apt-get", "install", "-y", ...pkgs]] };
  }
  const command = `sudo apt-get update && sudo apt-get install -y ${pkgs.join(" ")}`;
  const how = aptGet
    ? `Run:\n  ${command}\nthen npm test again.`
    : `This machine has no apt-get. On Debian the command is:\n  ${command}\nElsewhere install numpy, scipy and torch for python3, and chromium at ${CHROMIUM} or set MATCALC_CHROMIUM to the browser's path.`;
  return { action: "fail", message: `${needs(reqs)}\n${how}` };
}

function needs(reqs: readonly Requirement[]): string {
  return reqs.map((r) => `npm test needs ${r.name} for ${r.usedBy}; it is missing.`).join("\n");
}

function main(): number {
  const before = missing(machine);
  const p = plan(before, { root: machine.root, aptGet: machine.onPath("apt-get") });
  if (p.action === "none") return 0;
  if (p.action === "fail") {
    console.error(p.message);
    return 1;
  }
  console.log(`${needs(before)}\nInstalling ${packagesFor(before).join(", ")} with apt-get:`);
  for (const cmd of p.commands) {
    console.log(`$ ${cmd.join(" ")}`);
    const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) {
      console.error(`'${cmd.join(" ")}' failed (exit ${r.status ?? r.signal}): the tests that need ${packagesFor(before).join(", ")} cannot run.`);
      return 1;
    }
  }
  const after = missing(machine);
  if (after.length > 0) {
    console.error(`Still missing after apt-get install:\n${needs(after)}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = main();
