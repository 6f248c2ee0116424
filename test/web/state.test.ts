// The page's state and its hash form: round trips, defaults for anything missing or invalid.
// A link is untrusted input, so decoding is tested with hostile values too.

import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, type PageState, decodeState, describeOverride, encodeState, toVarSpec } from "../../web/src/state.js";

describe("page state in the address", () => {
  it("round-trips every field", () => {
    const s: PageState = {
      expr: "Sigma: spd(n)\n-1/2*logdet(Sigma) # & = ? # %",
      wrt: "Sigma",
      order: 2,
      layout: "denominator",
      notation: "differential",
      seed: 7,
      vars: { x: { kind: "vector", dims: ["3"], props: [] }, A: { kind: "matrix", dims: ["n", "n"], props: ["symmetric"] } },
      code: "torch",
      steps: true,
    };
    const hash = `#${encodeState(s)}`;
    expect(decodeState(hash)).toEqual(s);
    expect(encodeState(decodeState(hash))).toBe(hash.slice(1));
  });

  it("gives the defaults for an empty hash", () => {
    expect(decodeState("")).toEqual(DEFAULT_STATE);
    expect(decodeState("#")).toEqual(DEFAULT_STATE);
  });

  it("replaces invalid fields by their defaults and drops invalid variables", () => {
    const vars = JSON.stringify({
      x: { kind: "vector", dims: ["3"], props: [] },
      bad1: { kind: "tensor", dims: [], props: [] },
      bad2: { kind: "matrix", dims: ["n"], props: [] },
      bad3: { kind: "matrix", dims: ["n", "0"], props: [] },
      bad4: { kind: "matrix", dims: ["n", "n"], props: ["hermitian"] },
      "no name": { kind: "scalar", dims: [], props: [] },
    });
    const p = new URLSearchParams({ expr: "x'*x", wrt: "x;alert(1)", order: "99", layout: "sideways", notation: "x", seed: "-1", code: "cobol", vars });
    const s = decodeState(p.toString());
    expect(s).toEqual({ ...DEFAULT_STATE, expr: "x'*x", wrt: "", vars: { x: { kind: "vector", dims: ["3"], props: [] } } });
    expect(decodeState("vars=%7Bnot%20json").vars).toEqual({});
  });

  it("turns a table edit into the request's vars entry and a declaration", () => {
    const v = { kind: "matrix", dims: ["n", "3"], props: ["spd"] } as const;
    expect(toVarSpec(v)).toEqual({ shape: ["n", 3], props: ["spd"] });
    expect(describeOverride("S", v)).toBe("S: matrix(n, 3) spd");
    expect(toVarSpec({ kind: "scalar", dims: [], props: [] })).toEqual({ shape: [], props: [] });
  });
});
