// The README's examples are run as tests: every `$ matcalc ...` or `$ echo ... | npx matcalc json` block
// must print what the README says, and the library snippet's comments must hold.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { checkDerivative, differentiate } from "../src/api/differentiate.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Shell examples: a block whose first line is `$ command`, the rest its expected output. */
const examples = [...readme.matchAll(/```\n\$ (.+)\n([\s\S]*?)```/g)].map((m) => ({ cmd: m[1]!, out: m[2]! }));

/** The library example: the README's `// example.mjs` block, run by `$ node example.mjs` with matcalc from src/. */
const libraryExample = readme.match(/```js\n(\/\/ example\.mjs\n[\s\S]*?)```/)?.[1];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function exampleFile(): string {
  if (libraryExample === undefined) throw new Error("README has no ```js block starting with // example.mjs");
  const dir = mkdtempSync(join(tmpdir(), "matcalc-readme-"));
  dirs.push(dir);
  const src = pathToFileURL(fileURLToPath(new URL("../src/index.ts", import.meta.url))).href;
  const file = join(dir, "example.mjs");
  writeFileSync(file, libraryExample.replace(/from "matcalc"/g, `from "${src}"`));
  return file;
}

function run(cmd: string): { stdout: string; stderr: string; status: number | null } {
  const shell = cmd
    .replace(/^node example\.mjs$/, () => `node --import tsx ${exampleFile()}`)
    .replace(/\| npx matcalc /, "| node --import tsx src/cli/main.ts ")
    .replace(/^matcalc /, "node --import tsx src/cli/main.ts ")
    .replace(/^npx tsx /, "node --import tsx ");
  const r = spawnSync("bash", ["-c", shell], { encoding: "utf8", cwd: new URL("..", import.meta.url).pathname });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("README examples", () => {
  test("there are shell examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  test.each(examples)("$cmd", ({ cmd, out }) => {
    const r = run(cmd);
    // Error examples print on stderr.
    expect((r.stdout + r.stderr).trim()).toBe(out.trim());
  });
  test("library snippet", () => {
    const d = differentiate("tr(A*X*B)", { wrt: "X" });
    expect(d.derivative.text).toBe("A'*B'");
    expect(d.derivative.latex).toBe("A^\\top B^\\top");
    expect(checkDerivative(d).status).toBe("PASS");
  });
});
