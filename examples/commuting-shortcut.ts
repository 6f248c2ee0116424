// How far off the commuting shortcut is: the quantum log-likelihood of examples/quantum-loglik.mc,
// differentiated by theta1 three ways at the same point: matcalc's derivative, central finite
// differences of f itself, and the formula obtained by treating rho and sigma as if they commuted
// (d logm(sigma) = inv(sigma)*d sigma, as in the derivation matcalc's docs discuss).
// Run: npx tsx examples/commuting-shortcut.ts

import { readFileSync } from "node:fs";
import { handleRequest } from "../src/index.js";

const program = readFileSync(new URL("./quantum-loglik.mc", import.meta.url), "utf8");

// A 3 x 3 example: three symmetric generators, a density matrix rho (spd, trace 1) that does not commute
// with sigma, beta = 1 and theta = (0.3, -0.2, 0.5).
const values = {
  L1: [[1, 0.5, 0], [0.5, -1, 0.2], [0, 0.2, 0.5]],
  L2: [[0, 1, 0.3], [1, 0, -0.4], [0.3, -0.4, 1]],
  L3: [[2, 0, 0.1], [0, 1, 0], [0.1, 0, -1]],
  rho: [[0.5, 0.1, 0.05], [0.1, 0.3, -0.02], [0.05, -0.02, 0.2]],
  beta: 1,
  theta1: 0.3,
  theta2: -0.2,
  theta3: 0.5,
};

function answer(expr: string, at: Record<string, unknown>): { value: number; derivativeValue: number } {
  const r = handleRequest({ expr, wrt: "theta1", values: at });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return { value: r.value as number, derivativeValue: r.derivativeValue as number };
}

const exact = answer(program, values).derivativeValue;

const h = 1e-5;
const f = (t: number) => answer(program, { ...values, theta1: t }).value;
const central = (f(values.theta1 + h) - f(values.theta1 - h)) / (2 * h);

// The shortcut's final formula: tr(-beta*rho*inv(sigma)*L1*sigma + beta*rho*tr(L1*sigma)).
const shortcutProgram = program.replace(
  /logdet\(expm\(rho\*logm\(sigma\)\)\)\s*$/,
  "tr(-beta*rho*inv(sigma)*L1*sigma + beta*rho*tr(L1*sigma))",
);
const shortcut = answer(shortcutProgram, values).value;

const fmt = (x: number) => x.toFixed(6).padStart(10);
const rel = (x: number) => (Math.abs(x - central) / Math.abs(central)).toExponential(1);
console.log(`df/dtheta1 by central differences: ${fmt(central)}`);
console.log(`matcalc's derivative:              ${fmt(exact)}  (relative difference ${rel(exact)})`);
console.log(`the commuting shortcut:            ${fmt(shortcut)}  (relative difference ${rel(shortcut)})`);
