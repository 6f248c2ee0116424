// Code generation's entry point: the function and its derivative as a self-contained module in NumPy, JAX,
// PyTorch or TypeScript. One shared planner and driver (emit.ts; index-form.ts for answers in index notation only);
// one rule table per target.

import type { Differentiated } from "../api/differentiate.js";
import { type EmitOptions, type TargetSpec, emitModule } from "./emit.js";
import { JAX } from "./jax.js";
import { NUMPY } from "./numpy.js";
import { TORCH } from "./torch.js";
import { TS } from "./ts.js";

export const CODE_TARGETS = ["numpy", "jax", "torch", "ts"] as const;
export type CodeTarget = (typeof CODE_TARGETS)[number];

const TARGETS: Readonly<Record<CodeTarget, TargetSpec>> = {
  numpy: NUMPY,
  jax: JAX,
  torch: TORCH,
  ts: TS,
};

const TITLE: Readonly<Record<CodeTarget, string>> = { numpy: "NumPy", jax: "JAX", torch: "PyTorch", ts: "TypeScript" };

/**
 * Source of a module whose `evaluate` returns the function and its derivative together; tensors come back as N-D
 * arrays of the JSON contract's axes (as `derivativeArray`), or matricized with `{ matricize: true }`.
 */
export function generateCode(d: Differentiated, target: CodeTarget, opts: EmitOptions = {}): string {
  return emitModule(d, TITLE[target], TARGETS[target], opts);
}
