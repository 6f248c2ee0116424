// npm test's set-up (scripts/test-setup.ts, the pretest script): what it decides for each machine, and what it does
// when run by npm on a machine without chromium (MATCALC_CHROMIUM pointing nowhere, apt-get a stub that logs).
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { CHROMIUM, type Probe, missing, plan } from "../../scripts/test-setup.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A machine with the given files and Python modules (every Python alike). */
function probe(files: readonly string[], modules: readonly string[]): Probe {
  return {
    executable: (path) => files.includes(path),
    imports: (_py, mods) => mods.every((m) => modules.includes(m)),
  };
}

const ALL_MODULES = ["numpy", "scipy.linalg", "scipy.special", "torch"];

describe("what the set-up decides", () => {
  test("nothing to do where chromium, numpy, scipy and torch are there", () => {
    expect(missing(probe([CHROMIUM], ALL_MODULES))).toEqual([]);
    expect(plan([], { root: false, aptGet: false })).toEqual({ action: "none" });
  });

  test("as root with apt-get it installs exactly the missing packages", () => {
    const noBrowser = missing(probe([], ALL_MODULES));
    expect(plan(noBrowser, { root: true, aptGet: true })).toEqual({
      action: "install",
      commands: [["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]],
    });
    const noPython = missing(probe([CHROMIUM], []));
    expect(plan(noPython, { root: true, aptGet: true })).toEqual({
      action: "install",
      commands: [["apt-get", "update"], ["apt-get", "install", "-y", "python3-numpy", "python3-scipy", "python3-torch"]],
    });
    const noTorch = missing(probe([CHROMIUM], ["numpy", "scipy.linalg", "scipy.special"]));
    expect(plan(noTorch, { root: true, aptGet: true })).toEqual({
      action: "install",
      commands: [["apt-get", "update"], ["apt-get", "install", "-y", "python3-torch", "python3-numpy"]],
    });
  });

  test("not root, it fails at once naming what is missing, the tests that need it and the exact command", () => {
    const p = plan(missing(probe([], ["numpy", "scipy.linalg", "scipy.special"])), { root: false, aptGet: true });
    expect(p).toEqual({
      action: "fail",
      message:
        `npm test needs chromium at ${CHROMIUM} for the web page's end-to-end tests (test/e2e); it is missing.\n` +
        "npm test needs a python3 with torch for the generated PyTorch code's tests (test/codegen); it is missing.\n" +
        "Run:\n  sudo apt-get update && sudo apt-get install -y chromium python3-torch python3-numpy\nthen npm test again.",
    });
  });

  test("without apt-get it fails naming the Debian command and what to install otherwise", () => {
    const p = plan(missing(probe([CHROMIUM], [])), { root: true, aptGet: false });
    expect(p.action).toBe("fail");
    if (p.action !== "fail") return;
    expect(p.message).toBe(
      "npm test needs a python3 with numpy and scipy for the generated NumPy code's tests (test/codegen); it is missing.\n" +
        "npm test needs a python3 with torch for the generated PyTorch code's tests (test/codegen); it is missing.\n" +
        "This machine has no apt-get. On Debian the command is:\n" +
        "  sudo apt-get update && sudo apt-get install -y python3-numpy python3-scipy python3-torch\n" +
        `Elsewhere install numpy, scipy and torch for python3, and chromium at ${CHROMIUM} or set MATCALC_CHROMIUM to the browser's path.`,
    );
  });
});

describe("npm run pretest on a machine without chromium", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const root = typeof process.getuid === "function" && process.getuid() === 0;

  /**
   * A folder with an apt-get stub (logs its arguments, then runs `then`, given the browser's path) and a python3 that
   * imports anything; npm runs the set-up with it first on PATH and MATCALC_CHROMIUM naming a browser not there yet.
   */
  function machine(then: (browser: string) => string): { browser: string; log: string; run: () => SpawnSyncReturns<string> } {
    const dir = mkdtempSync(join(tmpdir(), "matcalc-setup-"));
    dirs.push(dir);
    const browser = join(dir, "chromium");
    const log = join(dir, "apt-get.log");
    writeFileSync(join(dir, "apt-get"), `#!/bin/sh\necho "$*" >> '${log}'\n${then(browser)}\n`);
    writeFileSync(join(dir, "python3"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, "apt-get"), 0o755);
    chmodSync(join(dir, "python3"), 0o755);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, MATCALC_CHROMIUM: browser };
    const run = () => spawnSync("npm", ["run", "--silent", "pretest"], { cwd: ROOT, env, encoding: "utf8" });
    return { browser, log, run };
  }

  test("apt-get installs chromium (as root), and then the set-up passes; otherwise it stops naming the command", () => {
    // the stub "installs" chromium where the tests look for it
    const m = machine((browser) => `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > '${browser}'; chmod +x '${browser}'; fi`);
    const r = m.run();
    if (root) {
      expect(readFileSync(m.log, "utf8")).toBe("update\ninstall -y chromium\n");
      expect(r.stdout).toContain(`npm test needs chromium at ${m.browser} for the web page's end-to-end tests (test/e2e); it is missing.\nInstalling chromium with apt-get:\n$ apt-get update\n$ apt-get install -y chromium\n`);
      expect(r.status).toBe(0);
    } else {
      expect(existsSync(m.log)).toBe(false);
      expect(r.stderr).toContain("sudo apt-get update && sudo apt-get install -y chromium\n");
      expect(r.status).not.toBe(0);
    }
  });

  test("an install that leaves chromium missing fails the set-up, saying so", () => {
    const m = machine(() => "exit 0");
    const r = m.run();
    expect(r.status).not.toBe(0);
    if (root) {
      expect(readFileSync(m.log, "utf8")).toBe("update\ninstall -y chromium\n");
      expect(r.stderr).toContain(`Still missing after apt-get install:\nnpm test needs chromium at ${m.browser} for the web page's end-to-end tests (test/e2e); it is missing.`);
    } else {
      expect(existsSync(m.log)).toBe(false);
      expect(r.stderr).toContain("sudo apt-get install -y chromium");
    }
  });

  test("a failing apt-get fails the set-up at once", () => {
    const m = machine(() => "exit 100");
    const r = m.run();
    expect(r.status).not.toBe(0);
    if (root) {
      expect(readFileSync(m.log, "utf8")).toBe("update\n");
      expect(r.stderr).toContain("'apt-get update' failed (exit 100): the tests that need chromium cannot run.");
    } else {
      expect(r.stderr).toContain("sudo apt-get install -y chromium");
    }
  });
});

describe("the README's test command", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## The language"));
  const command = quickStart.match(/^(npm install && npm test)$/m)?.[1];

  test("is in the Quick start, and .ci/run runs exactly it, adding only the JSON report", () => {
    expect(command).toBe("npm install && npm test");
    const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");
    expect(ci).toContain(`\n${command} -- --reporter=default --reporter=json --outputFile=test-results/vitest.json\n`);
    // the set-up is npm test's own (pretest), not CI's
    expect(ci.split("\n").filter((l) => !l.startsWith("#") && /apt-get|chromium|python/.test(l))).toEqual([]);
  });
});
