// Random well-shaped matcalc programs for the property tests: declarations, a body built by target shape
// (typed by construction) with every domain respected by construction, and a variable to differentiate by.

import fc from "fast-check";
import { compile } from "../../src/api/compile.js";
import { MatcalcError } from "../../src/diagnostics/errors.js";
import { randomValue } from "../../src/numeric/check.js";
import type { Mat } from "../../src/numeric/matrix.js";
import { rng } from "../../src/numeric/random.js";
import { parse } from "../../src/syntax/parser.js";
import { ReferenceDomainError, referenceEvaluate } from "./reference.js";

/** Whether the program compiles with the given names typed as scalars (first-letter defaults can be overridden by use). */
function typesAsScalars(source: string, names: readonly string[]): boolean {
  try {
    const c = compile(source);
    return names.every((n) => {
      const s = c.vars.get(n)?.shape;
      return s !== undefined && s[0] === 1 && s[1] === 1;
    });
  } catch (e) {
    if (e instanceof MatcalcError) return false;
    throw e;
  }
}

/** A dimension of the generated programs: 1, or one of the two declared sizes n and m. */
export type Dim = 1 | "n" | "m";
export type GShape = readonly [Dim, Dim];

export interface VarSpec {
  readonly name: string;
  readonly shape: GShape;
  readonly props: readonly ("symmetric" | "spd" | "diagonal" | "orthogonal")[];
  readonly decl: string;
}

/** The variables a program may use. Orthogonal Q is never differentiated by (its structure is a manifold). */
export const VARS: readonly VarSpec[] = [
  { name: "a", shape: [1, 1], props: [], decl: "a: scalar" },
  { name: "b", shape: [1, 1], props: [], decl: "b: scalar" },
  { name: "x", shape: ["n", 1], props: [], decl: "x: vector(n)" },
  { name: "y", shape: ["n", 1], props: [], decl: "y: vector(n)" },
  { name: "u", shape: ["m", 1], props: [], decl: "u: vector(m)" },
  { name: "A", shape: ["n", "n"], props: [], decl: "A: matrix(n)" },
  { name: "B", shape: ["n", "n"], props: [], decl: "B: matrix(n)" },
  { name: "C", shape: ["n", "m"], props: [], decl: "C: matrix(n, m)" },
  { name: "S", shape: ["n", "n"], props: ["symmetric"], decl: "S: symmetric(n)" },
  { name: "P", shape: ["n", "n"], props: ["spd"], decl: "P: spd(n)" },
  { name: "D", shape: ["n", "n"], props: ["diagonal"], decl: "D: diagonal(n)" },
  { name: "Q", shape: ["n", "n"], props: ["orthogonal"], decl: "Q: orthogonal(n)" },
];

export interface GeneratorOptions {
  /** Maximum nesting depth of composite expressions (default 3). */
  readonly maxDepth?: number;
  /**
   * Also generate the matrix functions expm, logm and sqrtm (default false: their derivatives are not part
   * of the engine yet, so they would only ever answer `unsupported`).
   */
  readonly matrixFunctions?: boolean;
}

export interface GeneratedCase {
  /** The whole program: declarations, an optional definition, the body. */
  readonly source: string;
  readonly body: string;
  readonly wrt: string;
  readonly shape: GShape;
  /** Variables that occur in the program (Q included). */
  readonly used: readonly string[];
}

/** Chooses an integer in [0, max]; 0 is always the simplest choice, so that shrinking simplifies. */
export type Choose = (max: number) => number;

// ---------------------------------------------------------------- printing with MATLAB precedence

const SUM = 1;
const PROD = 2;
const NEG = 3;
const POW = 4;
const TRANS = 5;
const ATOM = 6;

interface E {
  readonly s: string;
  readonly p: number;
}

const atom = (s: string): E => ({ s, p: ATOM });
const at = (e: E, min: number): string => (e.p >= min ? e.s : `(${e.s})`);
const sum = (l: E, op: "+" | "-", r: E): E => ({ s: `${at(l, SUM)} ${op} ${at(r, PROD)}`, p: SUM });
// The right operand of * / .* ./ is never a bare unary minus: a/-b*c would read as a/(-(b*c)).
const prod = (l: E, op: "*" | "/" | ".*" | "./", r: E): E => ({
  s: `${at(l, PROD)}${op === "*" || op === "/" ? op : ` ${op} `}${at(r, POW)}`,
  p: PROD,
});
const neg = (e: E): E => ({ s: `-${at(e, POW)}`, p: NEG });
const power = (base: E, op: "^" | ".^", exp: string | E): E => ({
  s: `${at(base, POW)}${op}${typeof exp === "string" ? exp : at(exp, ATOM)}`,
  p: POW,
});
// No towers of powers: (x^3)^3 grows so fast that finite differences cannot follow it.
const raise = (base: E, op: "^" | ".^", exp: string | E): E => (base.p === POW ? base : power(base, op, exp));
const transpose = (e: E): E => ({ s: `${at(e, TRANS)}'`, p: TRANS });
const call = (f: string, ...args: E[]): E => atom(`${f}(${args.map((a) => a.s).join(", ")})`);
const num = (s: string): E => atom(s);

const isScalar = (s: GShape) => s[0] === 1 && s[1] === 1;
const sameShape = (a: GShape, b: GShape) => a[0] === b[0] && a[1] === b[1];
const swap = (s: GShape): GShape => [s[1], s[0]];
const dimText = (d: Dim) => String(d);

// ---------------------------------------------------------------- the generator

class ProgramGen {
  readonly used = new Set<string>();
  def: { name: string; shape: GShape } | null = null;

  constructor(
    private readonly choose: Choose,
    private readonly opts: Required<GeneratorOptions>,
  ) {}

  pick<T>(xs: readonly T[]): T {
    return xs[this.choose(xs.length - 1)]!;
  }

  /** One of several weighted alternatives; the first is the simplest. */
  private oneOf(alts: readonly (readonly [number, () => E])[]): E {
    const total = alts.reduce((s, [w]) => s + w, 0);
    let k = this.choose(total - 1);
    for (const [w, f] of alts) {
      if (k < w) return f();
      k -= w;
    }
    return alts[0]![1]();
  }

  private variable(v: VarSpec): E {
    this.used.add(v.name);
    return atom(v.name);
  }

  /** Leaves: a variable (or a transposed one), a constant, the definition. */
  leaf(sh: GShape): E {
    const alts: (readonly [number, () => E])[] = [];
    for (const v of VARS) {
      if (sameShape(v.shape, sh)) alts.push([3, () => this.variable(v)]);
      else if (sameShape(v.shape, swap(sh)) && !isScalar(sh)) alts.push([2, () => transpose(this.variable(v))]);
    }
    if (this.def && sameShape(this.def.shape, sh)) {
      const name = this.def.name;
      alts.push([3, () => atom(name)]);
    }
    if (isScalar(sh)) {
      alts.push([2, () => num(this.pick(["2", "3", "0.5", "1.5", "pi", "0.25", "1", "4"]))]);
    } else {
      const [r, c] = sh;
      if (r === c) alts.push([1, () => atom(`eye(${dimText(r)})`)]);
      alts.push([1, () => atom(r === c ? `ones(${dimText(r)})` : `ones(${dimText(r)}, ${dimText(c)})`)]);
      if (r === "m" && c === "m") {
        const C = VARS.find((v) => v.name === "C")!;
        const u = VARS.find((v) => v.name === "u")!;
        alts.push([3, () => prod(transpose(this.variable(C)), "*", this.variable(C))]);
        alts.push([1, () => prod(this.variable(u), "*", transpose(this.variable(u)))]);
      }
    }
    return this.oneOf(alts);
  }

  /** Any expression of the given shape. */
  expr(sh: GShape, depth: number): E {
    if (depth <= 0) return this.leaf(sh);
    const d = depth - 1;
    const S: GShape = [1, 1];
    const [r, c] = sh;
    const alts: (readonly [number, () => E])[] = [
      [4, () => this.leaf(sh)],
      [3, () => sum(this.expr(sh, d), this.pick(["+", "-"] as const), this.expr(sh, d))],
      [1, () => neg(this.expr(sh, d))],
      [
        2,
        () =>
          this.oneOf([
            [1, () => prod(this.expr(S, d), "*", this.expr(sh, d))],
            [1, () => prod(this.expr(sh, d), "*", this.expr(S, d))],
            [1, () => prod(this.expr(sh, d), "/", this.positive(S, d))],
          ]),
      ],
      [
        2,
        () =>
          this.oneOf([
            [1, () => prod(this.expr(sh, d), ".*", this.expr(sh, d))],
            [1, () => prod(this.expr(sh, d), "./", this.positive(sh, d))],
          ]),
      ],
      [2, () => this.elementwisePower(sh, d)],
      [1, () => transpose(this.expr(swap(sh), d))],
      [3, () => this.product(sh, d)],
      [3, () => this.elementwise(sh, d)],
    ];
    if (!isScalar(sh)) {
      // scalars broadcast in + and -
      alts.push([1, () => (this.choose(1) === 0 ? sum(this.expr(S, d), "+", this.expr(sh, d)) : sum(this.expr(sh, d), "-", this.expr(S, d)))]);
    }
    if (c === "n" || c === "m") {
      // A/B = A*inv(B)
      alts.push([1, () => prod(this.expr(sh, d), "/", this.wellConditioned(c, d))]);
    }
    if (r === c && r !== 1) {
      alts.push([2, () => this.inverse(r, d)]);
      alts.push([1, () => raise(this.expr(sh, d), "^", this.pick(["2", "3", "0", "1"]))]);
      alts.push([1, () => this.spd(r, d)]);
      if (this.opts.matrixFunctions) alts.push([3, () => this.matrixFunction(r, d)]);
    }
    if (r === c && r === "n") alts.push([1, () => call("diag", this.expr(["n", 1], d))]);
    if (r === "n" && c === 1) alts.push([1, () => call("diag", this.expr(["n", "n"], d))]);
    if (isScalar(sh)) {
      const k = (): Dim => this.pick(["n", "n", "m"] as const);
      const anyShape = (): GShape => this.pick([["n", 1], ["n", "n"], ["n", "m"], [1, "n"], ["m", 1]] as const);
      alts.push([2, () => call("tr", this.expr(((dd) => [dd, dd] as const)(k()), d))]);
      alts.push([1, () => call("det", this.expr(["n", "n"], d))]);
      // logdet is log|det|: any invertible argument (an orthogonal Q has determinant -1 half the time)
      alts.push([1, () => {
        const which = this.choose(2);
        if (which === 0) return call("logdet", this.spd(k(), d));
        return which === 1 ? call("logdet", this.wellConditioned(k(), d)) : call("log", call("det", this.spd("n", d)));
      }]);
      alts.push([2, () => call("sum", this.expr(anyShape(), d))]);
      alts.push([1, () => call(this.pick(["norm1", "norm2"]), this.expr(anyShape(), d))]);
      alts.push([1, () => raise(this.expr(S, d), "^", this.pick(["2", "3"]))]);
    }
    return this.oneOf(alts);
  }

  /** A product P*Q (sometimes a chain of three) with inner dimensions chosen at random. */
  private product(sh: GShape, d: number): E {
    const [r, c] = sh;
    const k = this.pick(["n", "m", 1] as const);
    if (this.choose(3) === 0) {
      const k2 = this.pick(["n", "m"] as const);
      return prod(prod(this.expr([r, k], d), "*", this.expr([k, k2], d)), "*", this.expr([k2, c], d));
    }
    return prod(this.expr([r, k], d), "*", this.expr([k, c], d));
  }

  private elementwisePower(sh: GShape, d: number): E {
    const op = isScalar(sh) && this.choose(1) === 0 ? "^" : ".^";
    return this.oneOf([
      [2, () => raise(this.expr(sh, d), op, this.pick(["2", "3"]))],
      [2, () => raise(this.positive(sh, d), op, this.pick(["0.5", "-1", "1.5", "-0.5", "(-2)"]))],
      [1, () => raise(this.positive(sh, d), op, this.variable(VARS[this.choose(1)]!))],
    ]);
  }

  /** Every elementwise function of the language, each given an argument inside its domain. */
  private elementwise(sh: GShape, d: number): E {
    const any = () => this.expr(sh, d);
    return this.oneOf([
      [1, () => call(this.pick(["sin", "cos", "arctan", "tanh", "sigmoid", "exp"]), any())],
      [1, () => call(this.pick(["abs", "relu", "sign"]), any())],
      [1, () => call(this.pick(["log", "sqrt"]), this.positive(sh, d))],
      [1, () => call(this.pick(["arcsin", "arccos"]), this.unitInterval(sh, d))],
      [1, () => call("tan", call(this.pick(["tanh", "sin", "arctan"]), any()))],
    ]);
  }

  /** Positive entries for every value of the variables. */
  positive(sh: GShape, d: number): E {
    const any = () => this.expr(sh, Math.max(0, d - 1));
    const alts: (readonly [number, () => E])[] = [
      [2, () => sum(num("1"), "+", power(any(), isScalar(sh) ? this.pick(["^", ".^"] as const) : ".^", "2"))],
      [1, () => call("exp", any())],
      [1, () => call("sigmoid", any())],
      [1, () => sum(call("abs", any()), "+", num("0.5"))],
      [1, () => sum(num("2"), "+", call(this.pick(["sin", "cos", "tanh"]), any()))],
      [1, () => call("sqrt", sum(power(any(), ".^", "2"), "+", num("1")))],
    ];
    if (isScalar(sh)) {
      alts.push([1, () => sum(power(call("norm2", this.expr(["n", 1], Math.max(0, d - 1))), "^", "2"), "+", num("1"))]);
      alts.push([1, () => call("tr", this.spd("n", Math.max(0, d - 1)))]);
      // log(2 + ...), not log(1 + ...): log(1 + 1e-15) has no correct digits left for a derivative
      alts.push([1, () => call("log", sum(num("2"), "+", call("sum", call("exp", this.expr(["n", 1], Math.max(0, d - 1))))))]);
    }
    return this.oneOf(alts);
  }

  /** Entries in [-1/2, 1/2], for arcsin and arccos. */
  private unitInterval(sh: GShape, d: number): E {
    const any = () => this.expr(sh, Math.max(0, d - 1));
    return this.oneOf([
      [1, () => prod(call("tanh", any()), "/", num("2"))],
      [1, () => prod(call("sin", any()), "/", num("2"))],
      [1, () => sum(call("sigmoid", any()), "-", num("0.5"))],
      [1, () => prod(num("0.5"), "*", call("cos", any()))],
    ]);
  }

  /** A symmetric positive definite k x k matrix, for every value of the variables. */
  spd(k: Dim, d: number): E {
    const dd = Math.max(0, d - 1);
    const eye = atom(`eye(${dimText(k)})`);
    // X'*X or X*X' (the same X twice): positive semidefinite
    const gram = (): E => {
      const j = this.pick(["n", "m", 1] as const);
      if (this.choose(1) === 0) {
        const X = this.expr([j, k], dd);
        return prod(transpose(X), "*", X);
      }
      const X = this.expr([k, j], dd);
      return prod(X, "*", transpose(X));
    };
    const alts: (readonly [number, () => E])[] = [
      [3, () => sum(gram(), "+", eye)],
      [1, () => sum(eye, "+", gram())],
      [1, () => call("diag", this.positive([k, 1], dd))],
      [1, () => call("inv", sum(gram(), "+", eye))],
      [1, () => prod(num(this.pick(["2", "0.5"])), "*", sum(gram(), "+", eye))],
    ];
    if (k === "n") {
      const P = VARS.find((v) => v.name === "P")!;
      const D = VARS.find((v) => v.name === "D")!;
      alts.unshift([3, () => this.variable(P)]);
      alts.push([1, () => sum(this.variable(P), "+", gram())]);
      alts.push([1, () => power(this.variable(P), "^", "2")]);
      alts.push([1, () => sum(power(this.variable(D), ".^", "2"), "+", eye)]);
      alts.push([1, () => {
        // X'*P*X is only semidefinite: shift it by the identity
        const X = this.expr(["n", "n"], dd);
        return sum(prod(prod(transpose(X), "*", this.variable(P)), "*", X), "+", eye);
      }]);
    }
    return this.oneOf(alts);
  }

  /** An invertible k x k matrix with a modest condition number, for every value of the variables. */
  wellConditioned(k: Dim, d: number): E {
    const dd = Math.max(0, d - 1);
    const eye = atom(`eye(${dimText(k)})`);
    const alts: (readonly [number, () => E])[] = [
      [3, () => this.spd(k, d)],
      // ||tanh(X)/8||_2 <= ||tanh(X)/8||_F <= k/8 < 1 for the sizes used (at most 5)
      [2, () => sum(eye, "+", prod(call("tanh", this.expr([k, k], dd)), "/", num("8")))],
      [1, () => sum(prod(num("2"), "*", eye), "-", prod(call("sin", this.expr([k, k], dd)), "/", num("4")))],
    ];
    if (k === "n") {
      const Q = VARS.find((v) => v.name === "Q")!;
      alts.push([1, () => this.variable(Q)]);
      alts.push([1, () => transpose(sum(eye, "+", prod(call("tanh", this.expr([k, k], dd)), "/", num("8"))))]);
    }
    return this.oneOf(alts);
  }

  private inverse(k: Dim, d: number): E {
    const w = () => this.wellConditioned(k, d);
    return this.oneOf([
      [2, () => call("inv", w())],
      [1, () => power(w(), "^", this.pick(["-1", "(-1)", "-2"]))],
      [1, () => prod(atom(`eye(${dimText(k)})`), "/", w())],
    ]);
  }

  private matrixFunction(k: Dim, d: number): E {
    return this.oneOf([
      [1, () => call("expm", prod(this.expr([k, k], Math.max(0, d - 1)), "/", num("4")))],
      [1, () => call(this.pick(["logm", "sqrtm"]), this.spd(k, d))],
    ]);
  }
}

/**
 * Whether finite differences can follow the program: at values drawn as the numeric check draws them (at
 * the largest default size), no intermediate is large (inv(X'*X + I) with entries of X near 100 is too
 * ill-conditioned) and no argument of sin, cos or tan is large (the derivative of sin(1e6*x) cannot be
 * checked in double precision). Domains are respected by construction.
 */
function tame(source: string): boolean {
  const c = compile(source);
  const program = parse(source);
  const r = rng(seedOfText(source));
  const size = (d: string | number) => (typeof d === "number" ? d : 5);
  const dims = new Map([...c.dims].map((d) => [d, 5]));
  // a few draws: the check draws its own values
  for (let draw = 0; draw < 4; draw++) {
    const values = new Map<string, Mat>();
    for (const v of c.vars.values()) values.set(v.name, randomValue(size(v.shape[0]), size(v.shape[1]), v.props, r, "general"));
    try {
      const ref = referenceEvaluate(program, values, dims);
      if (ref.scale > 1e4 || ref.periodic > 100) return false;
    } catch (e) {
      if (e instanceof ReferenceDomainError) return false;
      throw e;
    }
  }
  return true;
}

function seedOfText(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Build one program from a source of choices (fast-check's `gen`, or any seeded random source): a few
 * attempts until one is tame (see above), which almost every program is.
 */
export function buildCase(choose: Choose, options: GeneratorOptions = {}): GeneratedCase {
  let c = buildOnce(choose, options);
  for (let attempt = 0; attempt < 5 && !tame(c.source); attempt++) c = buildOnce(choose, options);
  return c;
}

function buildOnce(choose: Choose, options: GeneratorOptions): GeneratedCase {
  const opts: Required<GeneratorOptions> = { maxDepth: options.maxDepth ?? 3, matrixFunctions: options.matrixFunctions ?? false };
  const g = new ProgramGen(choose, opts);
  const shapes: readonly GShape[] = [[1, 1], [1, 1], [1, 1], [1, 1], ["n", 1], ["n", "n"], ["n", "m"], [1, "n"]];
  const shape = g.pick(shapes);
  // Mostly the full depth (small programs come anyway: every level may stop at a leaf).
  const depth = choose(3) === 0 ? 1 + choose(opts.maxDepth - 1) : opts.maxDepth;
  let defLine: string | null = null;
  if (choose(3) === 3) {
    const ds = g.pick([[1, 1], ["n", 1], ["n", "n"]] as const);
    defLine = `h1 = ${g.expr(ds, Math.max(0, depth - 1)).s}`;
    g.def = { name: "h1", shape: ds };
  }
  let body = g.expr(shape, depth);
  if (g.def && !/\bh1\b/.test(body.s)) {
    // The definition is always used: sum(h1) is a scalar, which broadcasts into any shape.
    const use = isScalar(g.def.shape) ? atom("h1") : call("sum", atom("h1"));
    body = sum(body, "+", use);
  }
  const differentiable = () => [...g.used].some((n) => n !== "Q");
  if (!differentiable()) {
    // Make sure there is a variable to differentiate by (every top-level shape has one, maybe transposed).
    const v = VARS.find((x) => sameShape(x.shape, shape) || sameShape(x.shape, swap(shape)))!;
    g.used.add(v.name);
    body = sum(body, "+", sameShape(v.shape, shape) ? atom(v.name) : transpose(atom(v.name)));
  }
  const used = VARS.filter((v) => g.used.has(v.name));
  const program = (declareScalars: boolean) =>
    [...used.filter((v) => declareScalars || v.shape[0] !== 1).map((v) => v.decl), ...(defLine ? [defLine] : []), body.s].join("\n");
  // Scalars are sometimes left undeclared: their first letter (a-g) makes them scalars, unless a use
  // makes them something else (a + A makes a a matrix); then they are declared, to keep the meaning.
  let source = program(true);
  const scalars = used.filter((v) => v.shape[0] === 1 && v.shape[1] === 1).map((v) => v.name);
  if (choose(2) === 0 && scalars.length > 0) {
    const implicit = program(false);
    if (typesAsScalars(implicit, scalars)) source = implicit;
  }
  const candidates = used.filter((v) => v.name !== "Q").map((v) => v.name);
  const wrt = candidates[choose(candidates.length - 1)]!;
  return { source, body: body.s, wrt, shape, used: used.map((v) => v.name) };
}

/** Uniform choices (fast-check's default bias toward 0 would make most programs leaves); shrinking goes to 0. */
const uniformNat = (max: number) => fc.noBias(fc.nat({ max }));

/** fast-check arbitrary of generated programs (shrinks toward simpler choices). */
export function programs(options: GeneratorOptions = {}): fc.Arbitrary<GeneratedCase> {
  return fc.gen().map((g) => buildCase((max) => (max <= 0 ? 0 : g(uniformNat, max)), options));
}
