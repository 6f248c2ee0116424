// The language reference and the editor's completion read the engine's function table: every function is listed,
// with a call signature, and offered by completion with its doc.

import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../src/shape/functions.js";
import { signature } from "../../web/src/reference.js";

describe("the function reference", () => {
  it("gives every function of the language a call signature", () => {
    expect(signature("dexpm", FUNCTIONS.dexpm!)).toBe("dexpm(X, E)");
    expect(signature("exp", FUNCTIONS.exp!)).toBe("exp(x)");
    expect(signature("tr", FUNCTIONS.tr!)).toBe("tr(X)");
    expect(signature("kron", FUNCTIONS.kron!)).toBe("kron(X, Y)");
    for (const [name, f] of Object.entries(FUNCTIONS)) expect(signature(name, f), name).toMatch(new RegExp(`^${name}\\(.*\\)$`));
  });
});
