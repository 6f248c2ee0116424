// `matcalc check EXPR --claim G`: parsing, the report, the JSON object and the exit codes (0 the claim is the
// derivative, 1 it is not, 2 bad command line or an error in the expression or the claim), through a fake Io.

import { describe, expect, it } from "vitest";
import { UsageError, parseCommand } from "../../src/cli/args.js";
import { HELP } from "../../src/cli/help.js";
import { cli } from "./fake-io.js";


describe("parseCommand: check", () => {
  it("reads the options of diff that shape the derivative, and the claim", () => {
    const argv = ["check", "x'*A*x", "--wrt", "x", "--claim", "2*A*x", "--var", "A: spd(n)", "--order", "1", "--layout", "denominator", "--seed", "3", "--format", "json"];
    expect(parseCommand(argv)).toEqual({
      kind: "check",
      opts: { expr: "x'*A*x", wrt: "x", vars: ["A: spd(n)"], order: 1, layout: "denominator", format: "json", seed: 3, claim: "2*A*x" },
    });
  });

  it("takes claims and expressions that start with '-'", () => {
    expect(parseCommand(["check", "-x'*A*x", "--claim", "-(A + A')*x"])).toMatchObject({
      kind: "check",
      opts: { expr: "-x'*A*x", claim: "-(A + A')*x" },
    });
  });

  it.each([
    [["check"], /missing EXPR/],
    [["check", "x'*x"], /missing --claim/],
    [["check", "x'*x", "y", "--claim", "2*x"], /expected one EXPR/],
    [["check", "x'*x", "--claim", "2*x", "--format", "latex"], /--format must be text or json/],
    [["check", "x'*x", "--claim", "2*x", "--layout", "rows"], /--layout/],
    [["check", "x'*x", "--claim", "2*x", "--steps"], /unknown option '--steps' for 'matcalc check'/],
    [["check", "x'*x", "--claim"], /--claim/],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it("has help of its own, listed in the main help", () => {
    expect(parseCommand(["check", "--help"])).toEqual({ kind: "help", topic: "check" });
    expect(parseCommand(["help", "check"])).toEqual({ kind: "help", topic: "check" });
    expect(HELP.main).toContain("matcalc check EXPR --claim G");
    expect(HELP.check).toContain("Exit codes: 0 the claim is the derivative, 1 it is not, 2 bad command line or an error in EXPR or in G.");
  });
});

describe("run: check", () => {
  it("a wrong claim: exit 1, the derivative, the verdict, the difference and where they differ most", async () => {
    const r = await cli(["check", "x'*A*x", "--wrt", "x", "--claim", "2*A*x"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const lines = r.out.split("\n");
    expect(lines.slice(0, 7)).toEqual([
      "f(x) = x'*A*x",
      "df/dx = (A + A')*x",
      "  gradient: same shape as x, df = tr(G' dx)",
      "  assuming x: vector(n) (inferred), A: matrix(n, n) (inferred)",
      "claim: 2*A*x",
      expect.stringMatching(/^ {2}WRONG: the claim is not the derivative \(relative error \d\.\de-\d at the worst of 3 random points, seed 1; tolerance 1e-8\)$/),
      "  claim - df/dx = (A - A')*x",
    ]);
    expect(lines[7]).toBe("  where they differ most:");
    expect(lines[8]).toMatch(/^ {4}x = \[-?\d/);
    expect(lines[9]).toMatch(/^ {4}A = \[\[-?\d.*\],$/);
    expect(lines[10]).toMatch(/^ {9}\[-?\d.*\],$/);
  });

  it("a right claim: exit 0", async () => {
    const r = await cli(["check", "x'*A*x", "--wrt", "x", "--var", "A: symmetric(n)", "--claim", "2*A*x"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(4)).toEqual([
      "claim: 2*A*x",
      expect.stringMatching(/^ {2}AGREES: the claim is the derivative \(worst relative error .* over 3 random points, seed 1; tolerance 1e-8\)$/),
    ]);
  });

  it("names the Cookbook's form on a line of its own", async () => {
    const r = await cli(["check", "logdet(X)", "--var", "X: symmetric(n)", "--claim", "2*inv(X) - diag(diag(inv(X)))"]);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    // the answer's notes (logdet's meaning, symmetric variables) come before the verdict, as in `matcalc diff`
    expect(lines[5]).toMatch(/^ {2}note: X is symmetric: the gradient is the symmetric G/);
    expect(lines[6]).toBe("claim: 2*inv(X) - diag(diag(inv(X)))");
    expect(lines[7]).toMatch(/^ {2}WRONG: .*tolerance 1e-8\)$/);
    expect(lines[8]).toMatch(/^ {2}this is the Matrix Cookbook's 2\*G - diag\(diag\(G\)\) of the gradient G, which is not a gradient/);
    expect(lines[9]).toBe("  claim - df/dX = inv(X) - diag(diag(inv(X)))");
  });

  it("reads the program from stdin, and the claim may use its definitions", async () => {
    const r = await cli(["check", "-", "--wrt", "x", "--claim", "2*A'*r"], "r = A*x - b\nr'*r\n");
    expect(r.code).toBe(0);
    expect(r.out).toContain("AGREES");
  });

  it("--format json prints the JSON API's object with the verdict under 'claim'", async () => {
    const r = await cli(["check", "x'*A*x", "--wrt", "x", "--claim", "2*A*x", "--format", "json", "--seed", "5"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ id: null, ok: true, derivative: { text: "(A + A')*x" } });
    expect(j.claim).toMatchObject({ agrees: false, difference: { text: "(A - A')*x" }, diagnosis: null, tolerance: 1e-8 });
    expect(j.claim.message).toContain("seed 5");
    const ok = await cli(["check", "x'*A*x", "--wrt", "x", "--claim", "A*x + A'*x", "--format", "json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).claim.agrees).toBe(true);
  });

  it("an error in the claim: exit 2, underlined in the claim's own text", async () => {
    const r = await cli(["check", "x'*A*x", "--wrt", "x", "--claim", "2*B*x"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      ["error[undefined]: 'B' is not a variable of the function (its variables: x, A)", " --> 1:3", "  |", "1 | 2*B*x", "  |   ^", "  = in --claim"].join(
        "\n",
      ),
    );
    const j = await cli(["check", "x'*A*x", "--wrt", "x", "--claim", "2*A*x +", "--format", "json"]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toEqual({
      id: null,
      ok: false,
      error: { code: "syntax", message: "expected an expression after '+'", span: [7, 7], field: "claim" },
    });
  });

  it("an error in the expression: exit 2, underlined in the expression, no field", async () => {
    const r = await cli(["check", "x'*A*x +", "--wrt", "x", "--claim", "2*A*x"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[syntax\]/);
    expect(r.err).not.toContain("--claim");
    const j = await cli(["check", "x'*A*x +", "--wrt", "x", "--claim", "2*A*x", "--format", "json"]);
    expect(JSON.parse(j.out).error).not.toHaveProperty("field");
  });

  it("a claim of the transposed shape: exit 2, named", async () => {
    const r = await cli(["check", "A*x", "--wrt", "x", "--claim", "A'"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("it is the denominator-layout derivative");
    expect((await cli(["check", "A*x", "--wrt", "x", "--claim", "A'", "--layout", "denominator"])).code).toBe(0);
  });

  it("usage errors exit 2 and point to check's help", async () => {
    const r = await cli(["check", "x'*A*x", "--claim", "2*A*x"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("matcalc: the expression has several variables (x, A): choose one with --wrt, e.g. --wrt x\ntry 'matcalc check --help'");
  });
});
