// The property suite over random well-shaped programs: derivatives pass the numeric check (which catches
// wrong ones), printing then compiling gives the same node, the canonical IR keeps values. Seeded, counted.

import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { programs } from "./generator.js";
import { CHECK_OK, type CheckOutcome, checkProperty, mutationProperty, roundTripProperty, seedOf, valueProperty } from "./harness.js";

/** Total number of random programs over the three properties: 3 000 by default, `npm run test:long` 10 000. */
const TOTAL = Math.max(3, Number(process.env.MATCALC_PROPERTY_RUNS ?? 3000));
/** Nesting depth (MATCALC_PROPERTY_DEPTH: 4, 5 in the long run); MATCALC_PROPERTY_MATFUN=1 adds expm, logm, sqrtm. */
const GEN = {
  maxDepth: Math.max(1, Number(process.env.MATCALC_PROPERTY_DEPTH ?? 4)),
  matrixFunctions: process.env.MATCALC_PROPERTY_MATFUN === "1",
};
const RUNS = {
  check: Math.ceil(TOTAL / 2),
  roundTrip: Math.ceil(TOTAL / 5),
  values: Math.ceil(TOTAL / 5),
  mutation: Math.ceil(TOTAL / 10),
};
// Generous: a default run takes a few seconds; the long run scales with its size.
const TIMEOUT = Math.max(120_000, TOTAL * 100);

const counts = {
  check: { 1: new Map<CheckOutcome, number>(), 2: new Map<CheckOutcome, number>() } as Record<1 | 2, Map<string, number>>,
  roundTrip: new Map<string, number>(),
  values: new Map<string, number>(),
  mutation: new Map<string, number>(),
  programs: 0,
};
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const show = (m: Map<string, number>) => [...m.entries()].map(([k, v]) => `${k} ${v}`).join(", ");

describe("property-based tests over random well-shaped programs", () => {
  test(
    "derivatives of order 1 and 2 pass the numeric check (or are a coded unsupported)",
    () => {
      fc.assert(
        fc.property(programs(GEN), (c) => {
          counts.programs++;
          for (const order of [1, 2] as const) {
            const r = checkProperty(c.source, c.wrt, order);
            bump(counts.check[order], r.outcome);
            expect(CHECK_OK, r.detail).toContain(r.outcome);
          }
        }),
        { numRuns: RUNS.check, seed: 4001 },
      );
      // The generator must reach real answers of both orders, not only skips and refusals.
      expect(counts.check[1].get("PASS") ?? 0).toBeGreaterThan(RUNS.check / 2);
      expect(counts.check[2].get("PASS") ?? 0).toBeGreaterThan(RUNS.check / 4);
    },
    TIMEOUT,
  );

  test(
    "parse(print(e)) = e for the function and its derivatives of order 1 and 2",
    () => {
      fc.assert(
        fc.property(programs(GEN), (c) => {
          counts.programs++;
          const r = roundTripProperty(c.source, c.wrt, [1, 2]);
          for (const p of r.parts) bump(counts.roundTrip, p);
          expect(r.outcome, r.detail).toBe("same");
        }),
        { numRuns: RUNS.roundTrip, seed: 4002 },
      );
      expect(counts.roundTrip.get("order 1 same") ?? 0).toBeGreaterThan(RUNS.roundTrip / 2);
    },
    TIMEOUT,
  );

  test(
    "simplification preserves values: the canonical IR equals a naive evaluation of the surface program",
    () => {
      fc.assert(
        fc.property(programs(GEN), fc.nat(), (c, salt) => {
          counts.programs++;
          const r = valueProperty(c.source, seedOf(c.source) + salt);
          bump(counts.values, r.outcome);
          expect(["agree", "out-of-domain"], r.detail).toContain(r.outcome);
        }),
        { numRuns: RUNS.values, seed: 4003 },
      );
      expect(counts.values.get("agree") ?? 0).toBeGreaterThan(RUNS.values * 0.9);
    },
    TIMEOUT,
  );

  test(
    "the check is not vacuous: a derivative of order 1 or 2 off by 1% or by 0.01 fails where the true one passes",
    () => {
      fc.assert(
        fc.property(programs(GEN), (c) => {
          counts.programs++;
          for (const order of [1, 2] as const) {
            const r = mutationProperty(c.source, c.wrt, order);
            bump(counts.mutation, `order ${order} ${r.outcome}`);
            expect(["caught", "not-checked"], r.detail).toContain(r.outcome);
          }
        }),
        { numRuns: RUNS.mutation, seed: 4004 },
      );
      expect(counts.mutation.get("order 1 caught") ?? 0).toBeGreaterThan(RUNS.mutation / 2);
      expect(counts.mutation.get("order 2 caught") ?? 0).toBeGreaterThan(RUNS.mutation / 4);
    },
    TIMEOUT,
  );

  afterAll(() => {
    console.log(
      `property suite: ${counts.programs} random programs tested (depth ${GEN.maxDepth}${GEN.matrixFunctions ? ", with expm/logm/sqrtm" : ""})` +
        ` | check order 1: ${show(counts.check[1])} | check order 2: ${show(counts.check[2])}` +
        ` | parse(print(e)): ${show(counts.roundTrip)} | values: ${show(counts.values)}` +
        ` | wrong derivatives: ${show(counts.mutation)}`,
    );
  });
});
