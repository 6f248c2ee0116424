// Numeric verification of derivations: both sides of every step at random values and a random direction
// dX, each d(u) not yet written out taken as u's directional derivative (Richardson-extrapolated central differences);
// a side in index notation is evaluated by direct summation (numeric/tensor-eval.ts).

import { MatcalcError } from "../diagnostics/errors.js";
import type { Node } from "../ir/node.js";
import { randomDirection, randomValue } from "../numeric/check.js";
import { type Env, bindDims, evaluateNodes } from "../numeric/evaluate.js";
import * as M from "../numeric/matrix.js";
import type { Mat } from "../numeric/matrix.js";
import { rng } from "../numeric/random.js";
import type { Prop, Shape } from "../shape/shape.js";
import { evaluateIndexForm } from "../numeric/tensor-eval.js";
import { type Derivation, isIndexForm } from "./derivation.js";

export interface StepFailure {
  readonly index: number;
  readonly rule: string;
  readonly text: string;
  readonly relError: number;
}

export interface StepsReport {
  readonly status: "PASS" | "FAIL" | "SKIPPED";
  /** Largest relative difference between the two sides of a step. */
  readonly worstRelError: number;
  readonly failures: readonly StepFailure[];
  readonly message: string;
}

export interface VerifyOptions {
  readonly seed?: number;
  readonly tolerance?: number;
}

type VarLike = { name: string; shape: Shape; props: readonly Prop[] };

function direction(x0: Mat, props: readonly Prop[], r: () => number): Mat {
  if (x0.rows === 1 && x0.cols === 1) return M.scalar(0.5 + r());
  return randomDirection(x0.rows, x0.cols, props, r, x0);
}

/** vec(A): the columns of A stacked (first index fastest), as a column. */
function vec(a: Mat): Mat {
  const out = M.zeros(a.rows * a.cols, 1);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[i + j * a.rows] = a.data[i * a.cols + j]!;
  return out;
}

const relErr = (a: Mat, b: Mat): number =>
  M.maxAbs(M.sub(a, b)) / Math.max(M.maxAbs(a), M.maxAbs(b), 1e-6);

/** Evaluates both sides of every step; a step fails when they differ by more than the tolerance (relative). */
export function verifyDerivation(der: Derivation, vars: Iterable<VarLike>, opts: VerifyOptions = {}): StepsReport {
  const r = rng(opts.seed ?? 1);
  const tol = opts.tolerance ?? 1e-6;
  const vs = [...vars];
  const sizes = new Map<string, number>();
  for (const v of vs) for (const d of v.shape) if (typeof d === "string" && !sizes.has(d)) sizes.set(d, 3 + Math.floor(r() * 3));
  const dim = (d: Shape[number]) => (typeof d === "number" ? d : sizes.get(d)!);
  const x = der.wrt.name!;
  let why = "";
  for (const mode of ["general", "positive"] as const) {
    const values = new Map<string, Mat>();
    for (const v of vs) values.set(v.name, randomValue(dim(v.shape[0]), dim(v.shape[1]), v.props, r, mode));
    try {
      const dims = bindDims(vs, values);
      const x0 = values.get(x)!;
      const dir = direction(x0, der.wrt.props ?? [], r);
      const at = (u: Node, t: number): Mat => {
        const vals = new Map(values);
        vals.set(x, M.add(x0, M.scale(dir, t)));
        return evaluateNodes([u], { values: vals, dims })[0]!;
      };
      const h = 1e-3 * Math.max(1, M.maxAbs(x0));
      const central = (u: Node, s: number) => M.scale(M.sub(at(u, s), at(u, -s)), 1 / (2 * s));
      const env: Env = { values: new Map(values), dims };
      const full = env.values as Map<string, Mat>;
      full.set(`d${x}`, dir);
      for (const [name, u] of der.placeholders) {
        full.set(`d${name}`, M.sub(M.scale(central(u, h / 2), 4 / 3), M.scale(central(u, h), 1 / 3)));
      }
      const failures: StepFailure[] = [];
      let worst = 0;
      der.steps.forEach((s, index) => {
        // A right side in index notation is the matricized tensor, by direct summation.
        let [a, b] = isIndexForm(s.rhs)
          ? [evaluateNodes([s.lhs], env)[0]!, evaluateIndexForm(s.rhs, env)]
          : (evaluateNodes([s.lhs, s.rhs], env) as [Mat, Mat]);
        if (s.readOff === "vec") {
          a = vec(a);
          b = M.matmul(b, vec(dir));
        } else if (s.readOff === "vec-quadratic") {
          b = M.matmulTN(vec(dir), M.matmul(b, vec(dir)));
        }
        const e = a.rows === b.rows && a.cols === b.cols ? relErr(a, b) : Number.POSITIVE_INFINITY;
        if (!(e <= worst)) worst = e;
        if (!(e <= tol)) failures.push({ index, rule: s.rule, text: s.text, relError: e });
      });
      const status = failures.length === 0 ? "PASS" : "FAIL";
      const message =
        status === "PASS"
          ? `PASS: all ${der.steps.length} steps hold (worst relative error ${worst.toExponential(1)})`
          : `FAIL: step ${failures[0]!.index + 1} (${failures[0]!.rule}) is off by ${failures[0]!.relError.toExponential(1)}: ${failures[0]!.text}`;
      return { status, worstRelError: worst, failures, message };
    } catch (e) {
      if (e instanceof MatcalcError && (e.code === "domain" || e.code === "value")) {
        why = e.message;
        continue;
      }
      throw e;
    }
  }
  return { status: "SKIPPED", worstRelError: Number.NaN, failures: [], message: `SKIPPED: no random values inside the domain were found (${why})` };
}
