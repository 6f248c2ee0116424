import { describe, expect, test } from "vitest";
import { expectIdentity } from "./expect-identity.js";
import { IDENTITIES } from "./identities.js";

describe("identity table: exact text, numeric check, round trip", () => {
  const rows = IDENTITIES.map(([expr, wrt, order, expected]) => [expr, wrt, order, expected] as const);
  test.each(rows)("%s  d/d%s (order %i)", expectIdentity);

  test("the table is large enough to mean something, and at least 100 entries cite their source", () => {
    expect(IDENTITIES.length).toBeGreaterThanOrEqual(100);
    const cited = IDENTITIES.filter((e) => /Matrix Cookbook|sympy#\d+|seed \d{3}/.test(e[4] ?? ""));
    expect(cited.length).toBeGreaterThanOrEqual(100);
  });
});
