// JSON Lines driver: one response per non-blank line, in order, whatever the lines hold.

import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES, runJsonLines } from "../../src/api/jsonl.js";

async function* lines(xs: readonly string[]): AsyncGenerator<string> {
  for (const x of xs) yield x;
}

async function run(xs: readonly string[]): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  await runJsonLines(lines(xs), (l) => out.push(l));
  for (const l of out) expect(l).not.toContain("\n");
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("runJsonLines", () => {
  it("answers a mixed batch in order, echoing ids and losing nothing", async () => {
    const input = [
      JSON.stringify({ id: 1, expr: "x'*A*x", wrt: "x" }),
      "",
      "{not json",
      "   ",
      JSON.stringify({ id: "two", expr: "tr(A*(X+B)", wrt: "X" }),
      JSON.stringify({ id: 3, expr: "logdet(X)", wrt: "X", emit: ["check"] }),
      JSON.stringify({ id: [4], expr: "x'*x", wrt: "x", emit: ["nope"] }),
      "42",
      JSON.stringify({ id: { five: 5 }, expr: "sum(exp(x))", wrt: "x", values: { x: [0, 0] } }) + "\r",
    ];
    const out = await run(input);
    expect(out.map((r) => [r.id, r.ok])).toEqual([
      [1, true],
      [null, false],
      ["two", false],
      [3, true],
      [[4], false],
      [null, false],
      [{ five: 5 }, true],
    ]);
    expect(out[0]).toMatchObject({ derivative: { text: "(A + A')*x" } });
    expect(out[1]).toEqual({ id: null, ok: false, error: { code: "usage", message: expect.stringMatching(/^line 3: invalid JSON: /), span: null } });
    expect(out[2]).toMatchObject({ error: { code: "syntax", span: [10, 10] } });
    expect(out[3]).toMatchObject({ check: { status: "PASS" } });
    expect(out[4]).toMatchObject({ error: { code: "usage" } });
    expect(out[5]).toMatchObject({ error: { code: "usage" } });
    expect(out[6]).toMatchObject({ value: 2, derivativeValue: [1, 1] });
  });

  it("rejects a line over the size limit and carries on", async () => {
    const big = JSON.stringify({ id: 1, expr: "x".repeat(MAX_LINE_BYTES), wrt: "x" });
    const out = await run([big, JSON.stringify({ id: 2, expr: "x'*x", wrt: "x" })]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ id: null, ok: false, error: { code: "too-large", span: null } });
    expect((out[0]!.error as { message: string }).message).toMatch(/^line 1: /);
    expect(out[1]).toMatchObject({ id: 2, ok: true });
  });

  it("counts multi-byte characters in UTF-8 bytes", async () => {
    const out = await run(["é".repeat(MAX_LINE_BYTES / 2 + 1)]);
    expect(out[0]).toMatchObject({ error: { code: "too-large" } });
  });

  it("writes nothing for empty input or blank lines only", async () => {
    expect(await run([])).toEqual([]);
    expect(await run(["", " ", "\t"])).toEqual([]);
  });
});
