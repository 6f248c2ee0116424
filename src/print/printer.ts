// Printing of IR DAGs: one shared driver (precedence, signs, fractions, shared subexpressions named
// `t1 = ...`) and one syntax table per target (text in the input language, LaTeX), keyed by op.

import { assertNever } from "../diagnostics/errors.js";
import type { ElementwiseName } from "../ir/elementwise.js";
import { asFraction } from "../ir/fraction.js";
import { type Node, topoOrder } from "../ir/node.js";
import { type Dim, isScalarShape } from "../shape/shape.js";

/** Precedence levels, MATLAB's: sums < products < unary minus < postfix (' ^) < atoms. */
export const PREC = { sum: 10, prod: 20, neg: 25, postfix: 30, atom: 40 } as const;

export interface Printed {
  readonly s: string;
  readonly prec: number;
}

export interface Syntax {
  num(v: number): string;
  name(n: string): string;
  dname(n: string): string;
  /** Fraction p/q (q > 1). */
  frac(num: Printed | null, p: number, q: number, den: Printed[] | null): Printed;
  plus: string;
  minus: string;
  neg: string;
  times: string; // scalar product
  mul: string; // matrix product
  hadamard: string;
  ediv: string;
  wrap(s: string): string;
  transpose(base: string): string;
  powScalar(base: string, exp: string): string;
  powElem(base: string, exp: string): string;
  sqrt(arg: string): string;
  mpow(base: string, k: number): string;
  call(fn: string, args: string[]): string;
  inv(arg: Printed): Printed;
  /** Kronecker product kron(A, B). */
  kron(a: Printed, b: Printed): Printed;
  eye(n: Dim): string;
  ones(r: Dim, c: Dim): string;
  zeros(r: Dim, c: Dim): string;
  fnName(n: ElementwiseName): string;
  /** Denominators, e.g. a/b. */
  div(num: Printed, den: Printed): Printed;
  /** True when an exponent is already grouped (LaTeX ^{...}), so it needs no parentheses. */
  readonly exponentGroups?: boolean;
  /** Named shared subexpressions. */
  bindings(defs: { name: string; value: string }[], body: string): string;
}

/** Small fractions are recognized in one place, with the exact arithmetic the constructors do on them. */
export { asFraction };

/** True when 1/q has a finite decimal expansion (q = 2^a * 5^b). */
function terminates(q: number): boolean {
  while (q % 2 === 0) q /= 2;
  while (q % 5 === 0) q /= 5;
  return q === 1;
}

/** [p, q] when x = (p/q)*pi for a small fraction p/q other than 0 (x a folded multiple of pi). */
export function piMultiple(x: number): [number, number] | null {
  if (x === 0 || !Number.isFinite(x)) return null;
  const r = Math.abs(x) / Math.PI;
  const p = Math.round(r);
  if (p >= 1 && p < 100 && Math.abs(r - p) < 1e-14 * Math.max(1, r)) return [Math.sign(x) * p, 1];
  const f = asFraction(r);
  return f ? [Math.sign(x) * f[0], f[1]] : null;
}

export interface PrintOptions {
  /** Name shared subexpressions at least this long (characters); Infinity disables. */
  readonly shareMinLength?: number;
  /** Names that must not be used for shared subexpressions. */
  readonly reserved?: ReadonlySet<string>;
  /** Nodes to print by a given name (user definitions). */
  readonly names?: ReadonlyMap<number, string>;
}

export class DagPrinter {
  private readonly out = new Map<number, Printed>();
  private readonly defs: { name: string; value: string }[] = [];

  constructor(
    private readonly syn: Syntax,
    private readonly opts: PrintOptions = {},
  ) {}

  print(root: Node): string {
    const order = topoOrder([root]);
    const refs = new Map<number, number>();
    for (const n of order) for (const a of new Set(n.args)) refs.set(a.id, (refs.get(a.id) ?? 0) + 1);
    const minLen = this.opts.shareMinLength ?? 40;
    let counter = 1;
    const reserved = this.opts.reserved ?? new Set<string>();
    for (const n of order) {
      const given = this.opts.names?.get(n.id);
      const p = this.node(n);
      if (given && n !== root) {
        // A user definition used by the answer: printed once as `name = value`, then by its name.
        this.defs.push({ name: this.syn.name(given), value: p.s });
        this.out.set(n.id, { s: this.syn.name(given), prec: PREC.atom });
        continue;
      }
      this.out.set(n.id, p);
      if (n !== root && (refs.get(n.id) ?? 0) >= 2 && n.args.length > 0 && p.s.length >= minLen) {
        let name = `t${counter++}`;
        while (reserved.has(name)) name = `t${counter++}`;
        this.defs.push({ name: this.syn.name(name), value: p.s });
        this.out.set(n.id, { s: this.syn.name(name), prec: PREC.atom });
      }
    }
    return this.syn.bindings(this.defs, this.out.get(root.id)!.s);
  }

  private get(n: Node): Printed {
    return this.out.get(n.id)!;
  }
  private at(n: Node, prec: number): string {
    const p = this.get(n);
    return p.prec < prec ? this.syn.wrap(p.s) : p.s;
  }
  private atom(s: string): Printed {
    return { s, prec: PREC.atom };
  }

  private node(n: Node): Printed {
    const S = this.syn;
    switch (n.op) {
      case "const":
        return this.constant(n.num!);
      case "var":
        return this.atom(S.name(n.name!));
      case "dvar":
        return this.atom(S.dname(n.name!));
      case "eye":
        return this.atom(S.eye(n.shape[0]));
      case "ones":
        return this.atom(S.ones(n.shape[0], n.shape[1]));
      case "zeros":
        return this.atom(S.zeros(n.shape[0], n.shape[1]));
      case "add":
        return this.sum(n);
      case "times":
        return this.times(n);
      case "mul":
        return { s: n.args.map((a) => this.at(a, PREC.prod + 1)).join(S.mul), prec: PREC.prod };
      case "hadamard":
        return this.hadamard(n);
      case "transpose":
        return { s: S.transpose(this.at(n.args[0]!, PREC.postfix + 1)), prec: PREC.postfix };
      case "pow":
        return this.pow(n);
      case "mpow":
        return { s: S.mpow(this.at(n.args[0]!, PREC.postfix), n.num!), prec: PREC.postfix };
      case "inv":
        return S.inv(this.get(n.args[0]!));
      case "fn":
        return this.atom(S.call(S.fnName(n.name as ElementwiseName), [this.get(n.args[0]!).s]));
      case "tr":
      case "det":
      case "logdet":
      case "sum":
      case "norm1":
      case "norm2":
      case "expm":
      case "logm":
      case "sqrtm":
        return this.atom(S.call(n.op, [this.get(n.args[0]!).s]));
      case "powm":
        return { s: S.powScalar(this.at(n.args[0]!, PREC.postfix + 1), this.exponent(n.args[1]!)), prec: PREC.postfix };
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm":
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm":
        return this.atom(S.call(n.op, n.args.map((a) => this.get(a).s)));
      case "diagm":
      case "diagv":
        return this.atom(S.call("diag", [this.get(n.args[0]!).s]));
      case "kron":
        return S.kron(this.get(n.args[0]!), this.get(n.args[1]!));
      default:
        return assertNever(n.op, "op");
    }
  }

  private exponent(p: Node): string {
    return this.syn.exponentGroups ? this.get(p).s : this.at(p, PREC.atom);
  }

  private constant(v: number): Printed {
    if (v === Math.PI) return this.atom(this.syn.name("pi"));
    // Folded multiples of pi print as such: 2*pi, pi/2, 3*pi/4
    if (piMultiple(v)) {
      const r = this.timesParts(Math.abs(v), []);
      return v < 0 ? { s: `${this.syn.neg}${r.prec < PREC.prod ? this.syn.wrap(r.s) : r.s}`, prec: PREC.neg } : r;
    }
    const f = asFraction(Math.abs(v));
    if (f) {
      const r = this.syn.frac(null, f[0], f[1], null);
      return v < 0 ? { s: `${this.syn.neg}${r.s}`, prec: PREC.neg } : r;
    }
    const s = this.syn.num(Math.abs(v));
    return v < 0 ? { s: `${this.syn.neg}${s}`, prec: PREC.neg } : this.atom(s);
  }

  private sum(n: Node): Printed {
    const S = this.syn;
    const parts = n.args.map((t) => this.term(t));
    // Positive terms first (stable): "A*x - b" rather than "-b + A*x".
    const ordered = [...parts.filter((p) => !p.neg), ...parts.filter((p) => p.neg)];
    let s = "";
    ordered.forEach(({ neg, body }, i) => {
      const txt = body.prec <= PREC.sum ? S.wrap(body.s) : body.s;
      if (i === 0) s = neg ? `${S.neg}${body.prec < PREC.prod ? S.wrap(body.s) : body.s}` : txt;
      else s += neg ? `${S.minus}${txt}` : `${S.plus}${txt}`;
    });
    return { s, prec: PREC.sum };
  }

  /** A term of a sum as sign and magnitude; c*ones(...) prints as the scalar c (broadcast on re-parse). */
  private term(t: Node): { neg: boolean; body: Printed } {
    if (t.op === "ones") return { neg: false, body: this.atom("1") };
    if (t.op === "times" && t.args[0]!.op === "const") {
      const c = t.args[0]!.num!;
      const rest = t.args.slice(1);
      if (rest.length === 1 && rest[0]!.op === "ones") return { neg: c < 0, body: this.constant(Math.abs(c)) };
      if (c < 0) return { neg: true, body: this.timesParts(-c, rest) };
    }
    if (t.op === "const" && t.num! < 0) return { neg: true, body: this.constant(-t.num!) };
    return { neg: false, body: this.get(t) };
  }

  private times(n: Node): Printed {
    const first = n.args[0]!;
    if (first.op === "const") {
      const c = first.num!;
      const rest = n.args.slice(1);
      if (c < 0) {
        const body = this.timesParts(-c, rest);
        // Unary minus binds tighter than * in MATLAB, and -(a*b) = (-a)*b, so products need no parentheses.
        return { s: `${this.syn.neg}${body.prec < PREC.prod ? this.syn.wrap(body.s) : body.s}`, prec: PREC.prod };
      }
      return this.timesParts(c, rest);
    }
    return this.timesParts(1, n.args);
  }

  /** c * factors, with negative scalar powers moved to a denominator and small fractions kept exact. */
  private timesParts(c0: number, factors: readonly Node[]): Printed {
    const S = this.syn;
    const num: string[] = [];
    // c = r*pi with r a small fraction: print r and pi
    const pm = piMultiple(c0);
    const c = pm ? pm[0] * (1 / pm[1]) : c0; // p*(1/q), as asFraction reads p/q
    if (pm) num.push(S.name("pi"));
    const den: Printed[] = [];
    for (const f of factors) {
      if (f.op === "pow" && isScalarShape(f.shape) && f.args[1]!.op === "const" && f.args[1]!.num! < 0) {
        const e = -f.args[1]!.num!;
        den.push(e === 1 ? this.get(f.args[0]!) : this.powPrinted(f.args[0]!, e, true));
      } else num.push(this.at(f, PREC.prod));
    }
    const frac = asFraction(c);
    let p = c;
    let q = 1;
    if (frac) [p, q] = frac;
    if (p !== 1 || num.length === 0) {
      const ps = frac ? String(p) : S.num(c);
      if (num.length === 0 || !frac || p !== 1) num.unshift(ps);
    }
    let numP: Printed = { s: num.join(S.times), prec: num.length > 1 ? PREC.prod : PREC.atom };
    if (num.length === 1 && factors.length === 1 && !pm && p === 1 && den.length === 0 && q === 1) numP = this.get(factors[0]!);
    if (q === 1 && den.length === 0) return numP;
    return S.frac(numP, 1, q, den.length > 0 ? den : null);
  }

  private hadamard(n: Node): Printed {
    const S = this.syn;
    const num: string[] = [];
    const den: string[] = [];
    for (const f of n.args) {
      if (f.op === "pow" && f.args[1]!.op === "const" && f.args[1]!.num === -1) den.push(this.at(f.args[0]!, PREC.prod + 1));
      else num.push(this.at(f, PREC.prod + 1));
    }
    if (num.length === 0) return { s: n.args.map((a) => this.at(a, PREC.prod + 1)).join(S.hadamard), prec: PREC.prod };
    let s = num.join(S.hadamard);
    for (const d of den) s = `${s}${S.ediv}${d}`;
    return { s, prec: PREC.prod };
  }

  private powPrinted(base: Node, e: number, scalar: boolean): Printed {
    const S = this.syn;
    if (e === 0.5) return this.atom(S.sqrt(this.get(base).s));
    const b = this.at(base, PREC.postfix + 1);
    let es = e < 0 ? `${S.neg}${S.num(-e)}` : S.num(e);
    // A fraction whose decimal never ends prints as the fraction: x.^(1/3), det(X)^(-2/3).
    const fr = asFraction(Math.abs(e));
    if (fr && !terminates(fr[1])) {
      const f = `${e < 0 ? S.neg : ""}${fr[0]}/${fr[1]}`;
      es = S.exponentGroups ? f : S.wrap(f);
    }
    return { s: scalar ? S.powScalar(b, es) : S.powElem(b, es), prec: PREC.postfix };
  }

  private pow(n: Node): Printed {
    const [base, p] = n.args as [Node, Node];
    const scalar = isScalarShape(n.shape);
    if (p.op === "const") {
      const e = p.num!;
      if (e === -1 && scalar) return this.syn.div(this.atom("1"), this.get(base));
      if (e === -0.5 && scalar) return this.syn.div(this.atom("1"), this.atom(this.syn.sqrt(this.get(base).s)));
      return this.powPrinted(base, e, scalar);
    }
    const b = this.at(base, PREC.postfix + 1);
    const es = this.exponent(p);
    return { s: scalar ? this.syn.powScalar(b, es) : this.syn.powElem(b, es), prec: PREC.postfix };
  }
}
