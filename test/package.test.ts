// The npm package as a user gets it: built, packed with `npm pack`, installed from the tarball into a fresh
// `npm init -y` project, then loaded with require() (CommonJS) and import (ESM), and its README example run there.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;

let tmp = "";
let consumer = "";
let packed: string[] = [];

function sh(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "matcalc-package-"));
  ok(sh("npm", ["run", "build"], ROOT), "npm run build");
  const pack = JSON.parse(ok(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], ROOT), "npm pack"));
  const { filename, files } = pack[0] as { filename: string; files: { path: string }[] };
  packed = files.map((f) => f.path);
  consumer = join(tmp, "consumer");
  mkdirSync(consumer);
  ok(sh("npm", ["init", "-y"], consumer), "npm init -y");
  ok(sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(tmp, filename)], consumer), "npm install <tarball>");
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The README's library example (the ```js block starting with `// example.mjs`) and the output it shows. */
function readmeExample(): { code: string; output: string } {
  const m = readme.match(/```js\n(\/\/ example\.mjs\n[\s\S]*?)```\s*```\n\$ node example\.mjs\n([\s\S]*?)```/);
  if (!m) throw new Error("README has no // example.mjs block followed by its `$ node example.mjs` output");
  return { code: m[1]!, output: m[2]! };
}

describe("the packed package", () => {
  test("ships the library, its types, the CLI, the license, the README and every file the README links", () => {
    const links = [...readme.matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const f of ["package.json", "LICENSE", "README.md", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js", ...links]) {
      expect(packed, f).toContain(f);
    }
    expect(packed.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
  });

  test("package.json carries what a registry page shows", () => {
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the matcalc authors\n/);
    expect(Array.isArray(manifest.keywords) && manifest.keywords.length > 0).toBe(true);
    expect(typeof manifest.description).toBe("string");
  });

  test("require('matcalc') works in a default npm init project", () => {
    const script = 'const m = require("matcalc"); console.log(typeof m.differentiate, typeof m.evaluate, m.VERSION);';
    const out = ok(sh("node", ["-e", script], consumer), "node -e require");
    expect(out).toBe(`function function ${manifest.version}\n`);
  });

  test("the README's library example prints what the README shows, imported as ESM and required as CommonJS", () => {
    const { code, output } = readmeExample();
    writeFileSync(join(consumer, "example.mjs"), code);
    expect(ok(sh("node", ["example.mjs"], consumer), "node example.mjs")).toBe(output);
    const cjs = code.replace(/^import \{([^}]*)\} from "matcalc";$/m, 'const {$1} = require("matcalc");');
    expect(cjs).not.toBe(code);
    writeFileSync(join(consumer, "example.cjs"), cjs);
    expect(ok(sh("node", ["example.cjs"], consumer), "node example.cjs")).toBe(output);
  });

  test("its types serve TypeScript users of both module systems", () => {
    const body = 'const d = differentiate("x\'*A*x", { wrt: "x" });\nconst v: number = evaluate("x^2", { x: 3 }) as number;\nconsole.log(d.derivative.text, v);\n';
    writeFileSync(join(consumer, "use.mts"), `import { differentiate, evaluate } from "matcalc";\n${body}`);
    writeFileSync(join(consumer, "use.cts"), `import matcalc = require("matcalc");\nconst { differentiate, evaluate } = matcalc;\n${body}`);
    // a type error, to show the types are live
    writeFileSync(join(consumer, "bad.mts"), 'import { differentiate } from "matcalc";\ndifferentiate(1, { wrt: "x" });\n');
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext"];
    const types = ["--types", "node", "--typeRoots", join(ROOT, "node_modules", "@types")];
    const r = sh("node", [tsc, ...flags, ...types, "use.mts", "use.cts", "bad.mts"], consumer);
    const errors = r.stdout.split("\n").filter((l) => / error TS\d+/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.mts\(2,15\): error TS2345: /);
  }, 120_000);

  test("the matcalc command runs from the installed package", () => {
    const out = ok(sh(join(consumer, "node_modules", ".bin", "matcalc"), ["diff", "x'*A*x", "--wrt", "x"], consumer), "matcalc diff");
    expect(out).toContain("df/dx = (A + A')*x\n");
    expect(out).toContain("check: PASS");
  });
});
