// The CLI in-process: argument parsing, outputs and exit codes through a fake Io (no processes spawned).

import { describe, expect, it } from "vitest";
import { UsageError, parseCommand } from "../../src/cli/args.js";
import { type Io, shellQuote } from "../../src/cli/commands.js";
import { PLAIN, prettyJson } from "../../src/cli/render.js";
import { run } from "../../src/cli/run.js";
import { cli } from "./fake-io.js";



describe("parseCommand", () => {
  it("reads diff options", () => {
    expect(parseCommand(["diff", "x'*x", "--wrt", "x", "--var", "A: spd(n)", "--var", "b: vector(n)", "--order", "2", "--no-check", "--seed", "7"])).toEqual({
      kind: "diff",
      opts: {
        expr: "x'*x",
        wrt: "x",
        vars: ["A: spd(n)", "b: vector(n)"],
        order: 2,
        layout: "numerator",
        format: "text",
        check: false,
        seed: 7,
        steps: false,
      },
    });
  });

  it("takes an expression that starts with '-' as the expression", () => {
    const c = parseCommand(["diff", "-1/2*x'*x", "--wrt", "x"]);
    expect(c).toMatchObject({ kind: "diff", opts: { expr: "-1/2*x'*x", wrt: "x" } });
    expect(parseCommand(["diff", "--wrt", "x", "--", "-x"])).toMatchObject({ opts: { expr: "-x" } });
    expect(parseCommand(["diff", "-"])).toMatchObject({ opts: { expr: "-" } });
  });

  it.each([
    [["frob"], /unknown command 'frob'/],
    [["--frob"], /unknown option '--frob'/],
    [["diff"], /missing EXPR/],
    [["diff", "x", "y"], /expected one EXPR/],
    [["diff", "x", "--bogus"], /unknown option '--bogus'/],
    [["diff", "x", "--order", "0"], /--order/],
    [["diff", "x", "--order", "two"], /--order/],
    [["diff", "x", "--layout", "rows"], /--layout/],
    [["diff", "x", "--format", "html"], /--format/],
    [["diff", "x", "--seed", "-1"], /--seed/],
    [["diff", "x", "--wrt"], /--wrt/],
    [["json", "extra"], /takes no arguments/],
    [["help", "nope"], /no help on 'nope'/],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it("knows help and version in their usual spellings", () => {
    for (const a of [[], ["help"], ["--help"], ["-h"]]) expect(parseCommand(a)).toEqual({ kind: "help", topic: "main" });
    expect(parseCommand(["diff", "--help"])).toEqual({ kind: "help", topic: "diff" });
    expect(parseCommand(["help", "json"])).toEqual({ kind: "help", topic: "json" });
    expect(parseCommand(["demo", "-h"])).toEqual({ kind: "help", topic: "demo" });
    expect(parseCommand(["--version"])).toEqual({ kind: "version" });
  });
});

describe("run", () => {
  it("prints the text report", async () => {
    const r = await cli(["diff", "x'*A*x", "--wrt", "x"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "f(x) = x'*A*x",
      "df/dx = (A + A')*x",
      "  gradient: same shape as x, df = tr(G' dx)",
      "  assuming x: vector(n) (inferred), A: matrix(n, n) (inferred)",
      expect.stringMatching(/^ {2}check: PASS: agrees with finite differences \(worst relative error .* seed 1, sizes n=\d\)$/),
    ]);
    expect(r.err).toBe("");
  });

  it("prints notes, higher orders and skips the check on request", async () => {
    const r = await cli(["diff", "logdet(S)", "--var", "S: spd(n)", "--no-check"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("df/dS = inv(S)");
    expect(r.out).toMatch(/\n {2}note: S is symmetric/);
    expect(r.out).not.toContain("check:");
    const h = await cli(["diff", "sin(a)", "--order", "3"]);
    expect(h.out).toContain("d^3f/da^3 = -cos(a)");
  });

  it("prints a warning line for a kind guessed from a first letter that makes f a vector", async () => {
    const r = await cli(["diff", "x'*A*x + y", "--wrt", "x", "--no-check"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "f(x) = y + x'*A*x*ones(m, 1)",
      "df/dx = ones(m, 1)*x'*(A + A')",
      expect.stringMatching(/^ {2}numerator layout/),
      "  assuming x: vector(n) (inferred), A: matrix(n, n) (inferred), y: vector(m) (inferred)",
      "  warning: y was taken as a vector from its first letter, which makes f a vector; declare `y: scalar` if it is one",
    ]);
    const j = JSON.parse((await cli(["diff", "x'*A*x + y", "--wrt", "x", "--no-check", "--format", "json"])).out);
    expect(j.warnings).toEqual([{ code: "guessed-kind", message: expect.stringMatching(/^y was taken as a vector/) }]);
  });

  it("the check line: a Kronecker product checks; where it cannot run, SKIPPED says why", async () => {
    const k = await cli(["diff", "A: matrix(n,m); B: matrix(p,q); t: scalar; tr(kron(t*A, B)*C)", "--wrt", "t"]);
    expect(k.code).toBe(0);
    expect(k.out.split("\n").at(-1)).toMatch(/^ {2}check: PASS: agrees with finite differences \(.*sizes n=\d, m=\d, p=\d, q=\d\)$/);
    const s = await cli(["diff", "log(-x'*x)", "--wrt", "x"]);
    expect(s.code).toBe(0);
    expect(s.out.split("\n").at(-1)).toMatch(/^ {2}check: SKIPPED: random values leave the domain of log: argument -[\d.e-]+ is not positive$/);
  });

  it("prints LaTeX with --format latex", async () => {
    const r = await cli(["diff", "mu'*mu", "--format", "latex"]);
    expect(r).toEqual({ code: 0, out: "\\frac{\\partial f}{\\partial \\mu} = 2 \\mu", err: "" });
    const h = await cli(["diff", "x'*A*x", "--wrt", "x", "--order", "2", "--format", "latex"]);
    expect(h.out).toBe("\\frac{\\partial^{2} f}{\\partial x^{2}} = A + A^\\top");
  });

  it("prints the JSON API's object with --format json", async () => {
    const r = await cli(["diff", "A*x", "--wrt", "x", "--format", "json", "--seed", "5"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ id: null, ok: true, kind: "jacobian", derivative: { text: "A", shape: ["n", "m"] } });
    expect(j.check).toMatchObject({ status: "PASS", seed: 5 });
    const e = await cli(["diff", "x'*A*x + x'*x", "--var", "x: vector(3)", "--var", "A: matrix(4)", "--wrt", "x", "--format", "json"]);
    expect(e.code).toBe(1);
    // the span is relative to the expression as given, not to the program with the --var lines in front
    expect(JSON.parse(e.out)).toEqual({ id: null, ok: false, error: { code: "dimension", message: expect.any(String), span: [0, 4] } });
  });

  it("reads the expression from stdin with '-'", async () => {
    const r = await cli(["diff", "-", "--wrt", "w"], "# logistic loss\nsum(log(1 + exp(-y.*(X*w))))\n");
    expect(r.code).toBe(0);
    expect(r.out).toContain("f(w) = sum(log(1 + exp(-y .* (X*w))))");
  });

  it("underlines errors in the expression and in a --var against their own text", async () => {
    const e = await cli(["diff", "x'*A*x + x'*x", "--var", "x: vector(3)", "--var", "A: matrix(4)", "--wrt", "x"]);
    expect(e.code).toBe(1);
    expect(e.err).toBe(
      ["error[dimension]: x'*A: x' has 3 columns but A has 4 rows", " --> 1:1", "  |", "1 | x'*A*x + x'*x", "  | ^^^^"].join("\n"),
    );
    const v = await cli(["diff", "x'*A*x", "--var", "A: symetric(n)", "--wrt", "x"]);
    expect(v.code).toBe(1);
    expect(v.err).toContain("1 | A: symetric(n)\n  |    ^^^^^^^^^^^\n  = in --var \"A: symetric(n)\"");
    const d = await cli(["diff", "x'*A*x", "--var", "A = 3", "--wrt", "x"]);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/^error\[declaration\]: --var takes one declaration/);
  });

  it("exit codes: 1 for errors in the expression, 2 for the command line", async () => {
    expect((await cli(["diff", "x'*A*x", "--wrt", "z"])).code).toBe(1);
    expect((await cli(["diff", "tr(X^3)", "--wrt", "X", "--order", "3"])).code).toBe(1);
    const several = await cli(["diff", "x'*A*x"]);
    expect(several.code).toBe(2);
    expect(several.err).toBe("matcalc: the expression has several variables (x, A): choose one with --wrt, e.g. --wrt x\ntry 'matcalc diff --help'");
    const unknown = await cli(["diff", "x", "--frob"]);
    expect(unknown).toMatchObject({ code: 2, out: "" });
    expect(unknown.err.split("\n")).toHaveLength(2);
  });

  it("json answers each line", async () => {
    const r = await cli(["json"], '{"id":1,"expr":"x\'*x","wrt":"x"}\n\nnot json\n{"id":2,"expr":"x+","wrt":"x"}\n');
    expect(r.code).toBe(0);
    expect(r.out.split("\n").map((l) => JSON.parse(l)).map((x) => [x.id, x.ok])).toEqual([
      [1, true],
      [null, false],
      [2, false],
    ]);
  });

  it("help and version", async () => {
    const h = await cli(["help", "diff"]);
    expect(h.out).toMatch(/--wrt X/);
    expect(h.out).toMatch(/--no-check/);
    expect((await cli(["json", "--help"])).out).toMatch(/JSON/);
  });
});

describe("--matricize", () => {
  it("code returns a tensor as an N-D array, or matricized with --matricize", async () => {
    const nd = await cli(["diff", "A*X*B", "--wrt", "X", "--emit", "numpy"]);
    const mat = await cli(["diff", "A*X*B", "--wrt", "X", "--emit", "numpy", "--matricize"]);
    expect([nd.code, mat.code]).toEqual([0, 0]);
    expect(nd.out).toContain("#   the derivative is returned as an array of shape (n, p, m, k), axes [i, j, l, q]");
    expect(nd.out).toContain("derivative = np.transpose(np.reshape(derivative.T, (k, m, p, n)), (3, 2, 1, 0))");
    expect(mat.out).toContain("#   the derivative is returned matricized: the n*p x k*m matrix the convention describes");
    expect(mat.out).not.toContain("np.reshape");
    expect(parseCommand(["diff", "x", "--matricize"])).toMatchObject({ kind: "diff", opts: { matricize: true } });
  });
});

describe("internal errors", () => {
  it("print 'internal error: ...' and exit 70, with the stack only in debug mode", async () => {
    for (const debug of [false, true]) {
      const err: string[] = [];
      const io: Io = {
        out: () => {
          throw new TypeError("boom");
        },
        err: (t) => err.push(t),
        readStdin: async () => "",
        stdinLines: async function* () {},
        outColors: PLAIN,
        errColors: PLAIN,
      };
      expect(await run(["--version"], io, debug)).toBe(70);
      expect(err[0]).toBe("internal error: boom");
      expect(err.join("\n").includes("    at ")).toBe(debug);
    }
  });
});

describe("helpers", () => {
  it("shellQuote quotes what a shell would mangle", () => {
    expect(shellQuote("x")).toBe("x");
    expect(shellQuote("x'*A*x")).toBe(`"x'*A*x"`);
    expect(shellQuote(`a"b'`)).toBe(`'a"b'\\'''`);
  });

  it("prettyJson keeps arrays of scalars on one line", () => {
    expect(prettyJson({ a: ["n", 1], b: { c: [] }, d: [[1, 2]] })).toBe(
      '{\n  "a": ["n", 1],\n  "b": {\n    "c": []\n  },\n  "d": [\n    [1, 2]\n  ]\n}',
    );
    expect(prettyJson({ s: "[\n x ]" })).toBe('{\n  "s": "[\\n x ]"\n}');
  });
});
