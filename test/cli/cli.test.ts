// The `matcalc` executable end to end: real processes, real stdin/stdout/stderr and exit codes.
// Each spawn costs about half a second, so this file keeps to one process per behaviour; the details are
// tested in-process in run.test.ts.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function matcalc(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", MATCALC_DEBUG: "" },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .*:\d+:\d+/);

describe("matcalc", () => {
  it("diff prints the text report", () => {
    const r = matcalc(["diff", "x'*A*x", "--wrt", "x"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^f\(x\) = x'\*A\*x\ndf\/dx = \(A \+ A'\)\*x\n {2}gradient: same shape as x, df = tr\(G' dx\)\n/);
    expect(r.out).toContain("  assuming x: vector(n) (inferred), A: matrix(n, n) (inferred)\n");
    expect(r.out).toMatch(/ {2}check: PASS: agrees with finite differences/);
    expect(r.out).not.toContain("\x1b["); // not a terminal: no colors
    expect(r.err).toBe("");
  });

  it("diff --format latex with --var", () => {
    const r = matcalc(["diff", "x'*A*x", "--wrt", "x", "--var", "A: symmetric(n)", "--format", "latex"]);
    expect(r).toMatchObject({ code: 0, out: "\\frac{\\partial f}{\\partial x} = 2 A x\n", err: "" });
  });

  it("diff --format json, expression from stdin", () => {
    const r = matcalc(["diff", "-", "--wrt", "X", "--format", "json"], "tr(A*X*B)\n");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, kind: "gradient", derivative: { text: "A'*B'", shape: ["m", "k"] }, check: { status: "PASS" } });
  });

  it("a syntax error: caret-underlined line on stderr, exit 1, no stack trace", () => {
    const r = matcalc(["diff", "tr(A*(X+B)", "--wrt", "X"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      ["error[syntax]: expected ')' to close '(' at 1:3", " --> 1:11", "  |", "1 | tr(A*(X+B)", "  |           ^", ""].join("\n"),
    );
    noStack(r.err);
  });

  it("an unknown flag: one line and a pointer to --help, exit 2", () => {
    const r = matcalc(["diff", "x'*x", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe("matcalc: unknown option '--frobnicate' for 'matcalc diff'\ntry 'matcalc diff --help'\n");
  });

  it("--help teaches the commands and the language; --version matches package.json", () => {
    const h = matcalc(["--help"]);
    expect(h.code).toBe(0);
    for (const word of ["diff", "json", "demo", "vector(n)", "symmetric(n)", "logdet", "Examples"]) expect(h.out).toContain(word);
    const v = matcalc(["--version"]);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(v).toMatchObject({ code: 0, out: `${pkg.version}\n` });
    expect(VERSION).toBe(pkg.version);
  });

  it("demo runs every example and checks it", () => {
    const r = matcalc(["demo"]);
    expect(r.code).toBe(0);
    expect(r.out.match(/check: PASS/g)).toHaveLength(10);
    expect(r.out).toContain("df/dX = dexpm(X, A)");
    expect(r.out).toContain("df/dX = kron(B', A)");
    expect(r.out).toContain("$ matcalc diff \"-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)\" --var \"S: spd(n)\" --wrt S");
    expect(r.out).toContain("d^2f/dx^2 = A + A'");
    expect(r.err).toBe("");
  });

  it("json answers three lines in order", () => {
    const input = [
      JSON.stringify({ id: 1, expr: "x'*A*x", wrt: "x", values: { x: [1, 2], A: [[1, 2], [3, 4]] } }),
      "{oops",
      JSON.stringify({ id: 3, expr: "foo(x)", wrt: "x" }),
    ].join("\n");
    const r = matcalc(["json"], `${input}\n`);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ id: 1, ok: true, value: 27, derivativeValue: [12, 21] });
    expect(lines[1]).toMatchObject({ id: null, ok: false, error: { code: "usage" } });
    expect(lines[2]).toMatchObject({ id: 3, ok: false, error: { code: "unknown-function", span: [0, 3] } });
  });
});
