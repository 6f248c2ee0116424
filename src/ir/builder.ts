// Smart constructors: the only way IR nodes are made. Each constructor applies the local algebra of its op
// (flattening, constant folding, zero/one elimination, like terms, transposes, inverses), so every node
// the engine ever holds is already in canonical form; nothing has to be "simplified later" to be equal.

import { MatcalcError, assertNever, invariant } from "../diagnostics/errors.js";
import { type Dim, type Prop, type Shape, SCALAR, isScalarShape, isSquare, mulDims, sameShape } from "../shape/shape.js";
import {
  FRECHET2_OF,
  FRECHET_OF,
  type FrechetOp,
  MATRIX_FUNCTIONS,
  type MatrixFunction,
  frechet2Parts,
  frechetParts,
  isFrechetOp,
} from "./matrix-functions.js";
import { addExact, mulExact } from "./fraction.js";
import { type Node, Store } from "./node.js";
import { StructuralOrder } from "./order.js";

const isNumDim = (d: Dim): d is number => typeof d === "number";

/**
 * Products (scalar `times`, elementwise `hadamard`) are flattened into one canonical sorted list, but only while
 * the nested product has at most this many factors; a longer one stays a single factor. Without the bound, the
 * forward differential of a chain y(k) = f(y(k-1)) re-sorts a list of k factors at every step (quadratic time
 * and output); with it each step touches at most this many. Matrix products (`mul`) splice a nested product
 * under the same bound, so the prefix products P(i) = P(i-1)*f(i) of a long chain are nodes of two factors.
 */
export const FLATTEN_LIMIT = 16;

export class Builder {
  readonly store = new Store();
  readonly order = new StructuralOrder();
  private readonly symMemo = new Map<number, boolean>();

  // ---------------------------------------------------------------- leaves
  num(v: number): Node {
    if (!Number.isFinite(v)) {
      throw new MatcalcError("unsupported", `a constant of the result overflows double precision (${v}); rescale the expression`);
    }
    return this.store.intern("const", [], SCALAR, { num: v });
  }
  variable(name: string, shape: Shape, props: readonly Prop[] = []): Node {
    return this.store.intern("var", [], shape, { name, props: [...props].sort() });
  }
  dvar(name: string, shape: Shape): Node {
    return this.store.intern("dvar", [], shape, { name });
  }
  eye(n: Dim): Node {
    if (n === 1) return this.num(1);
    return this.store.intern("eye", [], [n, n]);
  }
  ones(shape: Shape): Node {
    if (isScalarShape(shape)) return this.num(1);
    return this.store.intern("ones", [], shape);
  }
  zeros(shape: Shape): Node {
    if (isScalarShape(shape)) return this.num(0);
    return this.store.intern("zeros", [], shape);
  }
  /** ones of the same shape as `like` (a plain 1 for scalars). */
  onesLike(like: Node): Node {
    return this.ones(like.shape);
  }

  isZero(n: Node): boolean {
    return n.op === "zeros" || (n.op === "const" && n.num === 0);
  }
  isConst(n: Node, v?: number): boolean {
    return n.op === "const" && (v === undefined || n.num === v);
  }

  // ---------------------------------------------------------------- structure queries
  /** Structural symmetry: true only when the node is symmetric for every value of its variables. */
  isSymmetric(n: Node): boolean {
    const hit = this.symMemo.get(n.id);
    if (hit !== undefined) return hit;
    const r = this.computeSymmetric(n);
    this.symMemo.set(n.id, r);
    return r;
  }

  private computeSymmetric(n: Node): boolean {
    if (isScalarShape(n.shape)) return true;
    if (!isSquare(n.shape)) return false;
    switch (n.op) {
      case "var":
        return (n.props ?? []).some((p) => p === "symmetric" || p === "spd" || p === "diagonal");
      case "eye":
      case "ones":
      case "zeros":
      case "diagm":
        return true;
      case "add":
      case "hadamard":
        return n.args.every((a) => this.isSymmetric(a));
      case "times":
      case "transpose":
      case "inv":
      case "mpow":
      case "expm":
      case "logm":
      case "sqrtm":
      case "fn":
        return this.isSymmetric(n.args[n.args.length - 1]!);
      case "pow":
      case "powm":
        return this.isSymmetric(n.args[0]!);
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm":
        return this.isSymmetric(n.args[0]!) && this.isSymmetric(n.args[n.args.length - 1]!);
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm": {
        const { x, e, f } = frechet2Parts(n);
        return this.isSymmetric(x) && this.isSymmetric(e) && this.isSymmetric(f);
      }
      case "mul": {
        const f = n.args;
        for (let i = 0, j = f.length - 1; i <= j; i++, j--) {
          if (i === j) {
            if (!this.isSymmetric(f[i]!)) return false;
          } else if (this.transpose(f[i]!) !== f[j]) return false;
        }
        return true;
      }
      // scalars (1 x 1, answered above) or not known to be symmetric
      case "const":
      case "dvar":
      case "tr":
      case "sum":
      case "diagv":
      case "det":
      case "logdet":
      case "norm1":
      case "norm2":
      case "kron":
        return false;
      default:
        return assertNever(n.op, "op");
    }
  }

  isDiagonal(n: Node): boolean {
    if (isScalarShape(n.shape)) return true;
    switch (n.op) {
      case "var":
        return (n.props ?? []).includes("diagonal");
      case "eye":
      case "diagm":
        return true;
      case "zeros":
        return isSquare(n.shape);
      case "times":
      case "transpose":
      case "inv":
      case "mpow":
      case "expm":
      case "sqrtm":
      case "logm":
        return this.isDiagonal(n.args[n.args.length - 1]!);
      case "powm":
        return this.isDiagonal(n.args[0]!);
      case "add":
      case "mul":
        return n.args.every((a) => this.isDiagonal(a));
      case "hadamard":
        return n.args.some((a) => this.isDiagonal(a));
      // scalars (1 x 1, answered above) or not known to be diagonal
      case "const":
      case "dvar":
      case "ones":
      case "tr":
      case "sum":
      case "diagv":
      case "pow":
      case "fn":
      case "det":
      case "logdet":
      case "norm1":
      case "norm2":
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm":
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm":
      case "kron":
        return false;
      default:
        return assertNever(n.op, "op");
    }
  }

  isOrthogonal(n: Node): boolean {
    if (n.op === "var") return (n.props ?? []).includes("orthogonal");
    if (n.op === "transpose") return this.isOrthogonal(n.args[0]!);
    return false;
  }

  /** Number of transpose marks n shows when printed (looking a few levels into products and sums). */
  private marks(n: Node, depth = 0): number {
    if (n.op === "transpose") return 1;
    if (depth >= 3) return 0;
    if (n.op === "times") return this.marks(n.args[n.args.length - 1]!, depth + 1);
    if (n.op === "mul" || n.op === "add") return n.args.reduce((s, f) => s + this.marks(f, depth + 1), 0);
    return 0;
  }
  /** Number of transpose marks n' would show, in its cheaper form. */
  private marksIfTransposed(n: Node, depth = 0): number {
    if (n.op === "transpose") return this.marks(n.args[0]!, depth + 1);
    if (this.isSymmetric(n)) return this.marks(n, depth);
    if (depth >= 3) return 1;
    if (n.op === "times") return this.marksIfTransposed(n.args[n.args.length - 1]!, depth + 1);
    if (n.op === "mul" || n.op === "add") {
      const pushed = n.args.reduce((s, f) => s + this.marksIfTransposed(f, depth + 1), 0);
      return Math.min(pushed, 1 + this.marks(n, depth));
    }
    return 1;
  }

  // ---------------------------------------------------------------- sums
  add(...terms: Node[]): Node {
    return this.addList(terms);
  }

  /** Sum of a list of any length (no argument spreading, so a million terms are fine). */
  addList(terms: readonly Node[]): Node {
    invariant(terms.length > 0, "add of nothing");
    const shape = terms[0]!.shape;
    const flat: Node[] = [];
    for (const t of terms) {
      invariant(sameShape(t.shape, shape), `add: shape mismatch ${t.shape} vs ${shape}`);
      if (t.op === "add") for (const a of t.args) flat.push(a);
      else if (t.op === "transpose" && t.args[0]!.op === "add") {
        // (x + y)' among other terms: its terms join the sum transposed, so that x' + y' and (x + y)' meet
        // (the sum is folded back under one transpose at the end when that shows fewer marks)
        for (const a of t.args[0]!.args) flat.push(this.transpose(a));
      } else flat.push(t);
    }
    // diag(a) + diag(b) = diag(a + b)
    const diagTerms = flat.filter((t) => this.splitCoef(t)[1].op === "diagm");
    if (diagTerms.length >= 2) {
      const others = flat.filter((t) => this.splitCoef(t)[1].op !== "diagm");
      const inner = this.add(
        ...diagTerms.map((t) => {
          const [c, r] = this.splitCoef(t);
          return this.times(this.num(c), r.args[0]!);
        }),
      );
      return this.addList([this.diagm(inner), ...others]);
    }
    // L_f(X, E1) + L_f(X, E2) = L_f(X, E1 + E2): a Fréchet derivative is linear in its direction
    const merged = this.mergeFrechet(flat);
    if (merged) return this.addList(merged);
    // Collect like terms: c1*R + c2*R -> (c1+c2)*R.
    const coef = new Map<number, { rest: Node; c: number }>();
    const orderIds: number[] = [];
    let constant = 0;
    for (const t of flat) {
      if (this.isZero(t)) continue;
      if (t.op === "const") {
        constant = addExact(constant, t.num!);
        continue;
      }
      const [c, rest] = this.splitCoef(t);
      const e = coef.get(rest.id);
      if (e) e.c = addExact(e.c, c);
      else {
        coef.set(rest.id, { rest, c });
        orderIds.push(rest.id);
      }
    }
    const out: Node[] = [];
    for (const id of orderIds) {
      const e = coef.get(id)!;
      if (e.c !== 0) out.push(this.times(this.num(e.c), e.rest));
    }
    this.order.sort(out);
    if (constant !== 0) out.push(this.num(constant));
    if (out.length === 0) return this.zeros(shape);
    if (out.length === 1) return out[0]!;
    return this.sumOrTransposed(out, shape);
  }

  /**
   * Choose between t1 + ... + tk and (t1' + ... + tk')': the form with fewer transpose marks, the sum itself on a
   * tie (as transpose() distributes over a sum unless that adds marks). x' + y' is (x + y)', one node for one value.
   */
  private sumOrTransposed(terms: Node[], shape: Shape): Node {
    const p = terms.reduce((s, t) => s + this.marks(t), 0);
    const q = 1 + terms.reduce((s, t) => s + this.marksIfTransposed(t), 0);
    if (q < p && !isScalarShape(shape)) {
      const rev = terms.map((t) => this.transpose(t));
      // Only when transposing back gives each term itself, so the printed form reads back as this node.
      if (rev.every((t, i) => this.transpose(t) === terms[i] && t.op !== "add")) {
        this.order.sort(rev);
        const inner = this.store.intern("add", rev, [shape[1], shape[0]]);
        return this.store.intern("transpose", [inner], shape);
      }
    }
    return this.store.intern("add", terms, shape);
  }

  /** Terms with Fréchet derivatives at the same point merged into one (null when there is nothing to merge). */
  private mergeFrechet(flat: readonly Node[]): Node[] | null {
    const key = (n: Node) => `${n.op}:${n.args.slice(0, -1).map((a) => a.id).join(",")}`;
    const groups = new Map<string, Node[]>();
    for (const t of flat) {
      const [, r] = this.splitCoef(t);
      if (isFrechetOp(r.op)) groups.set(key(r), [...(groups.get(key(r)) ?? []), t]);
    }
    const many = [...groups.values()].filter((g) => g.length >= 2);
    if (many.length === 0) return null;
    const done = new Set(many.flat());
    const out = flat.filter((t) => !done.has(t));
    for (const g of many) {
      const first = this.splitCoef(g[0]!)[1];
      const { x, p } = frechetParts(first);
      const dir = this.addList(g.map((t) => {
        const [c, r] = this.splitCoef(t);
        return this.times(this.num(c), frechetParts(r).e);
      }));
      out.push(this.frechet(FRECHET_OF[first.op as FrechetOp], x, dir, p));
    }
    return out;
  }

  /** t = c * rest with c a number (1 when there is no numeric coefficient). */
  splitCoef(t: Node): [number, Node] {
    if (t.op === "times" && t.args[0]!.op === "const") {
      const c = t.args[0]!.num!;
      const rest = t.args.length === 2 ? t.args[1]! : this.store.intern("times", t.args.slice(1), t.shape);
      return [c, rest];
    }
    if (t.op === "const") return [t.num!, this.num(1)];
    return [1, t];
  }

  neg(a: Node): Node {
    return this.times(this.num(-1), a);
  }
  sub(a: Node, b: Node): Node {
    return this.add(a, this.neg(b));
  }

  // ---------------------------------------------------------------- scalar multiplication
  /** Product of 1x1 factors with at most one non-scalar factor. */
  times(...factors: Node[]): Node {
    return this.timesList(factors);
  }

  /** Scalar product of a list of any length. */
  timesList(factors: readonly Node[]): Node {
    let c = 1;
    const scalars: Node[] = [];
    let big: Node | null = null;
    const stack: Node[] = [];
    for (let i = factors.length - 1; i >= 0; i--) stack.push(factors[i]!);
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (f.op === "times") {
        if (f.args.length <= FLATTEN_LIMIT) {
          for (let i = f.args.length - 1; i >= 0; i--) stack.push(f.args[i]!);
          continue;
        }
        // A long product stays one factor (see FLATTEN_LIMIT), less its constant and its non-scalar factor.
        let body = f.args;
        if (body[0]!.op === "const") {
          c = mulExact(c, body[0]!.num!);
          body = body.slice(1);
        }
        if (!isScalarShape(f.shape)) {
          stack.push(body[body.length - 1]!);
          body = body.slice(0, -1);
        }
        scalars.push(body === f.args ? f : this.store.intern("times", body, SCALAR));
        continue;
      }
      if (f.op === "const") {
        c = mulExact(c, f.num!);
        continue;
      }
      if (isScalarShape(f.shape)) scalars.push(f);
      else {
        invariant(big === null, "times with two non-scalar factors");
        big = f;
      }
    }
    const shape = big ? big.shape : SCALAR;
    if (c === 0) return this.zeros(shape);
    if (big && this.isZero(big)) return big;
    const merged = this.mergePowers(scalars, (b, e) => this.pow(b, this.num(e)));
    // A power merge may produce constants (x * x^-1 -> 1); fold them in.
    const rest: Node[] = [];
    for (const s of merged) {
      if (s.op === "const") c = mulExact(c, s.num!);
      else if (s.op === "times" && s.args.length <= FLATTEN_LIMIT) {
        for (const a of s.args) {
          if (a.op === "const") c = mulExact(c, a.num!);
          else rest.push(a);
        }
      } else rest.push(s);
    }
    if (c === 0) return this.zeros(shape);
    this.order.sort(rest);
    const args: Node[] = [];
    if (c !== 1 || (rest.length === 0 && !big)) args.push(this.num(c));
    for (const r of rest) args.push(r);
    if (big) args.push(big);
    if (args.length === 1) return args[0]!;
    return this.store.intern("times", args, shape);
  }

  /** Group factors by base and add constant exponents: x * x^2 -> x^3. */
  private mergePowers(factors: Node[], mk: (base: Node, e: number) => Node): Node[] {
    const groups = new Map<number, { base: Node; e: number; count: number }>();
    const others: Node[] = [];
    const order: number[] = [];
    for (const f of factors) {
      let base = f;
      let e = 1;
      if (f.op === "pow" && f.args[1]!.op === "const") {
        base = f.args[0]!;
        e = f.args[1]!.num!;
      }
      const g = groups.get(base.id);
      // Merge only while the exponent stays an exact number (no 1e308 + 1e308 = Infinity); fractions add exactly
      // (x^(-2/3) * x = x^(1/3)).
      const sum = g ? addExact(g.e, e) : 0;
      if (g && Number.isSafeInteger(sum) === (Number.isInteger(g.e) && Number.isInteger(e)) && Math.abs(sum) <= 2 ** 53) {
        g.e = sum;
        g.count++;
      } else if (g) {
        others.push(f);
      } else {
        groups.set(base.id, { base, e, count: 1 });
        order.push(base.id);
      }
    }
    for (const id of order) {
      const g = groups.get(id)!;
      if (g.count === 1) {
        // Untouched factor: rebuild only if needed.
        others.push(g.e === 1 ? g.base : mk(g.base, g.e));
      } else if (g.e !== 0) others.push(mk(g.base, g.e));
      else if (!isScalarShape(g.base.shape)) others.push(this.onesLike(g.base));
    }
    return this.mergeSymbolicPowers(others);
  }

  /** b^p * b^q = b^(p + q) where an exponent is an expression: det(X)^(1/n - 1)*det(X) = det(X)^(1/n). */
  private mergeSymbolicPowers(factors: Node[]): Node[] {
    if (!factors.some((f) => f.op === "pow" && f.args[1]!.op !== "const")) return factors;
    const split = (f: Node): [Node, Node] => (f.op === "pow" ? [f.args[0]!, f.args[1]!] : [f, this.num(1)]);
    const groups = new Map<number, { base: Node; exps: Node[]; first: Node }>();
    for (const f of factors) {
      const [base, e] = split(f);
      const g = groups.get(base.id);
      if (g) g.exps.push(e);
      else groups.set(base.id, { base, exps: [e], first: f });
    }
    if (groups.size === factors.length) return factors;
    return [...groups.values()].map((g) => (g.exps.length === 1 ? g.first : this.pow(g.base, this.addList(g.exps))));
  }

  /** General product as written `a*b`: scalar multiplication if either side is 1x1, else matrix product. */
  prod(a: Node, b: Node): Node {
    if (isScalarShape(a.shape) || isScalarShape(b.shape)) return this.times(a, b);
    return this.mul(a, b);
  }

  // ---------------------------------------------------------------- matrix products
  mul(...factors: Node[]): Node {
    return this.mulList(factors);
  }

  /** Matrix product of a chain of any length. */
  mulList(factors: readonly Node[]): Node {
    invariant(factors.length > 0, "mul of nothing");
    const rows = factors[0]!.shape[0];
    const cols = factors[factors.length - 1]!.shape[1];
    for (let i = 1; i < factors.length; i++) {
      invariant(factors[i - 1]!.shape[1] === factors[i]!.shape[0], "mul: inner dimensions differ");
    }
    const scalars: Node[] = [];
    let chain: Node[] = [];
    for (const f0 of factors) {
      let f = f0;
      if (f.op === "times") {
        const big = f.args[f.args.length - 1]!;
        if (isScalarShape(big.shape)) {
          scalars.push(f);
          continue;
        }
        for (let i = 0; i < f.args.length - 1; i++) scalars.push(f.args[i]!);
        f = big;
      }
      if (isScalarShape(f.shape)) {
        scalars.push(f);
        continue;
      }
      if (this.isZero(f)) return this.zeros([rows, cols]);
      // A long product stays one factor (see FLATTEN_LIMIT): prefix and suffix products of a long chain are then
      // nested, shared nodes, so the derivative of a chain with the variable in K places has linear size.
      if (f.op === "mul" && f.args.length <= FLATTEN_LIMIT) for (const a of f.args) chain.push(a);
      else if (f.op === "eye") continue;
      else chain.push(f);
    }
    chain = this.cancelChain(chain);
    // ones(1, n)*v = sum(v) and u'*ones(n, 1) = sum(u): a 1x1 product with a row or column of ones
    if (rows === 1 && cols === 1 && chain.length >= 2) {
      if (chain[0]!.op === "ones") chain = [this.sum(this.mulList(chain.slice(1)))];
      else if (chain[chain.length - 1]!.op === "ones") chain = [this.sum(this.mulList(chain.slice(0, -1)))];
    }
    if (chain.length > 2) chain = this.pullScalarRuns(chain, scalars);
    let core: Node;
    if (chain.length === 0) core = this.eye(rows);
    else if (chain.length === 1) core = chain[0]!;
    else core = this.chainOrTransposed(chain);
    if (scalars.length === 0) return core;
    scalars.push(core);
    return this.timesList(scalars);
  }

  /**
   * A 1x1 run inside a longer chain (y'*z in A*x*y'*z: a row, then up to the first column) is a scalar
   * factor, moved into `scalars`. That is how `*` reads left to right (lower.ts), so a chain printed as
   * text compiles back to the very same node.
   */
  private pullScalarRuns(chain: Node[], scalars: Node[]): Node[] {
    const out: Node[] = [];
    let i = 0;
    while (i < chain.length) {
      if (chain[i]!.shape[0] === 1) {
        let j = i + 1;
        while (j < chain.length && chain[j]!.shape[1] !== 1) j++;
        if (j < chain.length && !(i === 0 && j === chain.length - 1)) {
          scalars.push(this.mulList(chain.slice(i, j + 1)));
          i = j + 1;
          continue;
        }
      }
      out.push(chain[i]!);
      i++;
    }
    return out;
  }

  /** Cancel A*inv(A), inv(A)*A, Q'*Q (orthogonal Q); merge A*A into A^2. One left-to-right pass with a stack. */
  private cancelChain(chain: Node[]): Node[] {
    const out: Node[] = [];
    for (const f of chain) {
      const prev = out[out.length - 1];
      if (prev && prev.op === "diagm" && f.op === "diagm") {
        // diag(a)*diag(b) = diag(a .* b)
        out.pop();
        out.push(this.diagm(this.hadamard(prev.args[0]!, f.args[0]!)));
        continue;
      }
      if (prev) {
        if ((prev.op === "inv" && prev.args[0] === f) || (f.op === "inv" && f.args[0] === prev)) {
          out.pop();
          continue;
        }
        if (this.isOrthogonal(prev) && this.isOrthogonal(f) && this.transpose(prev) === f) {
          out.pop();
          continue;
        }
        const [pb, pk] = this.powerOf(prev);
        const [fb, fk] = this.powerOf(f);
        if (pb === fb && isSquare(f.shape)) {
          out.pop();
          if (pk + fk !== 0) out.push(this.mpow(pb, pk + fk));
          continue;
        }
      }
      out.push(f);
    }
    return out;
  }

  /** A chain factor as base^k: X^k, inv(X) = X^-1, inv(X)^k = X^-k, and transposes of these: (inv(X)^k)' = (X')^-k. */
  private powerOf(n: Node): [Node, number] {
    if (n.op === "transpose") {
      const [b, k] = this.powerOf(n.args[0]!);
      return k === 1 ? [n, 1] : [this.transpose(b), k];
    }
    let k = 1;
    if (n.op === "mpow") {
      k = n.num!;
      n = n.args[0]!;
    }
    if (n.op === "inv") return [n.args[0]!, -k];
    return [n, k];
  }

  /** Choose between P = f1*...*fk and (fk'*...*f1')': the form with fewer transpose marks (see transpose()). */
  private chainOrTransposed(chain: Node[]): Node {
    const shape: Shape = [chain[0]!.shape[0], chain[chain.length - 1]!.shape[1]];
    const p = chain.reduce((s, f) => s + this.marks(f), 0);
    const q = 1 + chain.reduce((s, f) => s + this.marksIfTransposed(f), 0);
    if (p > q + 1) {
      const rev = chain.map((f) => this.transpose(f)).reverse();
      // Only when transposing back gives the chain itself: (x' + y')' is x + y, but (x + y)' stays a
      // transpose node, so (Q*(x + y))' printed from (x' + y')*Q' would not read back as the same node.
      // A transposed factor that is itself a product is spliced in: a mul never holds a mul.
      if (rev.every((f, i) => this.transpose(f) === chain[chain.length - 1 - i]) && !rev.some((f) => f.op === "mul")) {
        const inner = this.store.intern("mul", rev, [shape[1], shape[0]]);
        return this.store.intern("transpose", [inner], shape);
      }
    }
    return this.store.intern("mul", chain, shape);
  }

  // ---------------------------------------------------------------- elementwise
  hadamard(...factors: Node[]): Node {
    return this.hadamardList(factors);
  }

  hadamardList(factors: readonly Node[]): Node {
    const shape = factors.find((f) => !isScalarShape(f.shape))?.shape ?? SCALAR;
    const scalars: Node[] = [];
    const elems: Node[] = [];
    for (const f of factors) {
      if (f.op === "hadamard" && f.args.length <= FLATTEN_LIMIT) for (const a of f.args) elems.push(a);
      else if (isScalarShape(f.shape)) scalars.push(f);
      else if (f.op === "times") {
        scalars.push(...f.args.slice(0, -1));
        // c*(P .* Q) .* R: the non-scalar factor may itself be a Hadamard product; flatten it too, or
        // (P .* Q) .* R would not be the same node as P .* Q .* R (and P .* P would not merge to P.^2).
        const big = f.args[f.args.length - 1]!;
        if (big.op === "hadamard" && big.args.length <= FLATTEN_LIMIT) for (const a of big.args) elems.push(a);
        else elems.push(big);
      } else {
        invariant(sameShape(f.shape, shape), "hadamard: shape mismatch");
        elems.push(f);
      }
    }
    if (elems.some((e) => this.isZero(e))) return this.zeros(shape);
    const kept = elems.filter((e) => e.op !== "ones");
    const merged = this.recognizeSigmoid(
      this.mergePowers(kept, (b, e) => this.pow(b, this.num(e))).filter((e) => e.op !== "ones"),
    );
    let core: Node;
    if (isScalarShape(shape)) core = this.num(1);
    else if (merged.length === 0) core = this.ones(shape);
    else if (merged.length === 1) core = merged[0]!;
    else core = this.store.intern("hadamard", this.order.sort([...merged]), shape);
    if (scalars.length === 0) return core;
    scalars.push(core);
    return this.timesList(scalars);
  }

  /** exp(u) ./ (1 + exp(u)) = sigmoid(u), elementwise (rule "sigmoid-quotient"). */
  private recognizeSigmoid(fs: Node[]): Node[] {
    for (let i = 0; i < fs.length; i++) {
      const d = fs[i]!;
      if (d.op !== "pow" || !this.isConst(d.args[1]!, -1) || d.args[0]!.op !== "add" || d.args[0]!.args.length !== 2) continue;
      const [t1, t2] = d.args[0]!.args as [Node, Node];
      const one = t1.op === "ones" || this.isConst(t1, 1) ? t1 : t2.op === "ones" || this.isConst(t2, 1) ? t2 : null;
      const e = one === t1 ? t2 : t1;
      if (!one || e.op !== "fn" || e.name !== "exp") continue;
      const j = fs.indexOf(e);
      if (j < 0) continue;
      const rest = fs.filter((_, k) => k !== i && k !== j);
      return this.recognizeSigmoid([...rest, this.fn("sigmoid", e.args[0]!)]);
    }
    return fs;
  }

  /** Elementwise power a .^ p (p a scalar expression). */
  pow(a: Node, p: Node): Node {
    invariant(isScalarShape(p.shape), "pow exponent must be scalar");
    if (p.op === "const") {
      const e = p.num!;
      if (e === 0) return this.onesLike(a);
      if (e === 1) return a;
      if (a.op === "const") {
        const v = a.num! ** e;
        if (Number.isFinite(v) && Number.isInteger(e)) return this.num(v);
      }
      if (a.op === "ones") return a;
      // 0.^e = 0 for e > 0 (sum((y - y).^3) is 0, and so is its derivative)
      if (this.isZero(a) && e > 0) return a;
      // (b^q)^e = b^(q e) for integer e
      if (a.op === "pow" && a.args[1]!.op === "const" && Number.isInteger(e)) {
        return this.pow(a.args[0]!, this.num(a.args[1]!.num! * e));
      }
      // (c * x)^e = c^e x^e for a positive constant c or an integer e
      if (a.op === "times" && a.args[0]!.op === "const" && isScalarShape(a.shape)) {
        const c = a.args[0]!.num!;
        if (c > 0 || Number.isInteger(e)) {
          return this.times(this.num(c ** e), this.pow(this.times(...a.args.slice(1)), p));
        }
      }
      // (x*y)^e = x^e * y^e for an integer e (exact for all real x, y): products of powers are the one
      // canonical form, so the printed 1/((b^2 + 1)*cos(b)^2) reads back as the node it was printed from.
      if (a.op === "times" && isScalarShape(a.shape) && Number.isInteger(e)) {
        return this.timesList(a.args.map((f) => this.pow(f, p)));
      }
    }
    if (a.op === "const" && a.num === 1) return a;
    return this.store.intern("pow", [a, p], a.shape);
  }

  /** Elementwise function by name (see elementwise.ts for the table). */
  fn(name: string, a: Node, fold?: (x: number) => number): Node {
    if (name === "log" && a.op === "det") return this.logdet(a.args[0]!);
    if (name === "log" && a.op === "fn" && a.name === "exp") return a.args[0]!;
    // log(x^p) = p*log(x) for x > 0
    if (name === "log" && a.op === "pow" && isScalarShape(a.shape) && this.isPositive(a.args[0]!)) {
      return this.times(a.args[1]!, this.fn("log", a.args[0]!, fold));
    }
    // log(c*B) = log(c) + log(B), elementwise, for c > 0 and B > 0: log(exp(u)/sum(exp(u))) = u - log(sum(exp(u)))
    if (name === "log" && a.op === "times" && a.args.every((f) => this.entriesPositive(f))) {
      const big = a.args[a.args.length - 1]!;
      const logs = a.args.map((f) => this.fn("log", f, fold));
      if (isScalarShape(big.shape)) return this.addList(logs);
      return this.addList([...logs.slice(0, -1).map((l) => this.times(l, this.ones(a.shape))), logs[logs.length - 1]!]);
    }
    if (name === "exp" && a.op === "fn" && a.name === "log") return a.args[0]!;
    if (fold && a.op === "const") {
      const v = fold(a.num!);
      if (Number.isFinite(v) && (Number.isInteger(v) || name === "sign" || name === "abs")) return this.num(v);
    }
    if (name === "abs" && a.op === "fn" && a.name === "abs") return a;
    return this.store.intern("fn", [a], a.shape, { name });
  }

  // ---------------------------------------------------------------- transposition
  transpose(a: Node): Node {
    if (isScalarShape(a.shape)) return a;
    const t: Shape = [a.shape[1], a.shape[0]];
    switch (a.op) {
      case "transpose":
        return a.args[0]!;
      case "zeros":
        return this.zeros(t);
      case "ones":
        return this.ones(t);
      case "times":
        return this.times(...a.args.slice(0, -1), this.transpose(a.args[a.args.length - 1]!));
      case "add": {
        // Distribute (a + b)' = a' + b' only when it adds no transpose mark: (x - mu)' stays.
        const p = 1 + a.args.reduce((s, f) => s + this.marks(f), 0);
        const q = a.args.reduce((s, f) => s + this.marksIfTransposed(f), 0);
        if (q <= p) return this.add(...a.args.map((x) => this.transpose(x)));
        break;
      }
      case "hadamard":
        return this.hadamard(...a.args.map((x) => this.transpose(x)));
      case "pow":
        return this.pow(this.transpose(a.args[0]!), a.args[1]!);
      case "fn":
        return this.fn(a.name!, this.transpose(a.args[0]!));
      // kron(A, B)' = kron(A', B')
      case "kron":
        return this.kron(this.transpose(a.args[0]!), this.transpose(a.args[1]!));
      // L_f(X, E)' = L_f(X', E') for f with a real power series
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm": {
        const { x, p, e } = frechetParts(a);
        return this.frechet(FRECHET_OF[a.op], this.transpose(x), this.transpose(e), p);
      }
      // L2_f(X, E, F)' = L2_f(X', E', F'), term by term on the power series
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm": {
        const { x, p, e, f } = frechet2Parts(a);
        return this.frechet2(FRECHET2_OF[a.op], this.transpose(x), this.transpose(e), this.transpose(f), p);
      }
      case "mul": {
        // Distribute (f1...fk)' = fk'...f1' when that adds at most one transpose mark; never into a nested long
        // product (see FLATTEN_LIMIT), where it would rebuild every prefix of the chain.
        if (a.args.some((f) => f.op === "mul")) break;
        const p = 1 + a.args.reduce((s, f) => s + this.marks(f), 0);
        const q = a.args.reduce((s, f) => s + this.marksIfTransposed(f), 0);
        if (q <= p + 1) return this.mul(...a.args.map((f) => this.transpose(f)).reverse());
        break;
      }
      default:
        break;
    }
    if (this.isSymmetric(a)) return a;
    return this.store.intern("transpose", [a], t);
  }

  // ---------------------------------------------------------------- reductions
  tr(a: Node): Node {
    invariant(isSquare(a.shape), "tr of non-square");
    if (isScalarShape(a.shape)) return a;
    switch (a.op) {
      case "zeros":
        return this.num(0);
      case "eye":
      case "ones":
        if (isNumDim(a.shape[0])) return this.num(a.shape[0]);
        break;
      case "transpose":
        return this.tr(a.args[0]!);
      case "times":
        return this.times(...a.args.slice(0, -1), this.tr(a.args[a.args.length - 1]!));
      case "add":
        return this.add(...a.args.map((x) => this.tr(x)));
      case "diagm":
        return this.sum(a.args[0]!);
      case "mul": {
        // tr(P*(c*I + M)*Q) = c*tr(Q*P) + tr(P*M*Q): distribute over a sum that holds a multiple of I
        const at = a.args.findIndex((f) => f.op === "add" && f.args.some((t) => this.isScaledEye(t)));
        if (at >= 0) {
          const pre = a.args.slice(0, at);
          const post = a.args.slice(at + 1);
          return this.addList(a.args[at]!.args.map((t) => this.tr(this.mul(...pre, t, ...post))));
        }
        const viaTraceRule = this.traceRule(a.args);
        return viaTraceRule ?? this.trChain(a.args);
      }
      // tr(logm(X)) = logdet(X): both are sum(log(l(i))) over the eigenvalues (principal branch; Higham,
      // Functions of Matrices, Thm 1.45 with det(expm(A)) = exp(tr(A)))
      case "logm":
        return this.logdet(a.args[0]!);
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm":
        return this.traceRule([a]) ?? this.store.intern("tr", [a], SCALAR);
      default:
        break;
    }
    return this.store.intern("tr", [a], SCALAR);
  }

  /**
   * The trace rule for Fréchet derivatives: tr(P*L_f(X, E)*Q) = tr(Q*P*f'(X)*E) when Q*P commutes with X
   * (every other factor a function of X). Null when the chain has no such form.
   */
  private traceRule(chain: readonly Node[]): Node | null {
    const at = chain.findIndex((f) => isFrechetOp(f.op));
    if (at < 0 || chain.findIndex((f, i) => i > at && isFrechetOp(f.op)) >= 0) return null;
    const { x, p, e } = frechetParts(chain[at]!);
    const others = [...chain.slice(at + 1), ...chain.slice(0, at)];
    if (!others.every((g) => this.commutesWith(g, x))) return null;
    const info = MATRIX_FUNCTIONS[FRECHET_OF[chain[at]!.op as FrechetOp]];
    return this.tr(this.mul(...others, info.derivative(this, x, p), e));
  }

  private isScaledEye(t: Node): boolean {
    return t.op === "eye" || (t.op === "times" && t.args[t.args.length - 1]!.op === "eye");
  }

  /**
   * Structural test that g commutes with the square matrix x, for every value of the variables: g built from
   * x (or from M, where x = c*M), I and scalars by sums, products and matrix functions; false when unsure.
   */
  commutesWith(g: Node, x: Node, depth = 0): boolean {
    if (g === x || isScalarShape(g.shape) || g.op === "eye") return true;
    if (depth > 6) return false;
    if (x.op === "times" && this.commutesWith(g, x.args[x.args.length - 1]!, depth + 1)) return true;
    switch (g.op) {
      case "times":
        return this.commutesWith(g.args[g.args.length - 1]!, x, depth + 1);
      case "add":
      case "mul":
        return g.args.every((a) => this.commutesWith(a, x, depth + 1));
      case "inv":
      case "mpow":
      case "expm":
      case "logm":
      case "sqrtm":
      case "powm":
        return this.commutesWith(g.args[0]!, x, depth + 1);
      default:
        return false;
    }
  }

  /** Structural test for a scalar that is positive for every value of its variables. */
  isPositive(s: Node, depth = 0): boolean {
    return isScalarShape(s.shape) && this.entriesPositive(s, depth);
  }

  /** Structural test that every entry is positive: exp(u), 1 + exp(u), sum(exp(u)), c*exp(u) for c > 0, ... */
  entriesPositive(s: Node, depth = 0): boolean {
    if (s.op === "const") return s.num! > 0;
    if (depth > 6) return false;
    switch (s.op) {
      case "ones":
        return true;
      case "fn":
        return s.name === "exp" || s.name === "sigmoid";
      case "pow":
      case "transpose":
      case "sum":
        return this.entriesPositive(s.args[0]!, depth + 1);
      case "times":
      case "add":
      case "hadamard":
        return s.args.every((a) => this.entriesPositive(a, depth + 1));
      case "tr":
      case "det":
        return this.isPositiveDefinite(s.args[0]!, depth + 1);
      default:
        return false;
    }
  }

  /** Structural test for a symmetric positive definite matrix. */
  isPositiveDefinite(m: Node, depth = 0): boolean {
    if (isScalarShape(m.shape)) return this.isPositive(m, depth);
    if (depth > 6) return false;
    switch (m.op) {
      case "var":
        return (m.props ?? []).includes("spd");
      case "eye":
        return true;
      case "expm":
        return this.isSymmetric(m.args[0]!);
      case "inv":
      case "sqrtm":
      case "powm":
        return this.isPositiveDefinite(m.args[0]!, depth + 1);
      case "times":
        return m.args.every((a) => this.isPositiveDefinite(a, depth + 1));
      case "add":
        return m.args.every((a) => this.isPositiveDefinite(a, depth + 1));
      default:
        return false;
    }
  }

  /** tr(f1...fk): the canonical cyclic rotation; a rotation whose product is 1x1 drops the trace. */
  private trChain(chain0: readonly Node[]): Node {
    // Merge across the cyclic boundary first (tr(D*P*D) = tr(D^2*P), tr(inv(A)*B*A) = tr(B)), so that every
    // rotation of one cycle starts from the same factors and gets the same canonical rotation: otherwise
    // tr(D*P*D) chose among D*P*D, P*D^2 and D^2*P, while the printed tr(D^2*P) chose between the last two.
    // Each factor as the representative that transposing twice gives (W = C' - (C' - 1) gives W'' =
    // (C - (C - 1))', with fewer marks), so that tr(X*W) and its printed form tr(W'*X') have the same
    // rotations to choose from.
    let chain = chain0.map((f) => this.transpose(this.transpose(f)));
    while (chain.length > 1) {
      const merged = this.cancelChain([chain[chain.length - 1]!, ...chain.slice(0, -1)]);
      if (merged.length >= chain.length) break;
      chain = merged;
    }
    if (chain.length === 0) return this.tr(this.eye(chain0[0]!.shape[0]));
    if (chain.length === 1) return this.tr(chain[0]!);
    const rev = chain.map((f) => this.transpose(f)).reverse();
    if (chain.length > 2 * FLATTEN_LIMIT && chain.every((f) => f.shape[0] !== 1)) {
      // A long chain in linear time: every rotation of one base has the same marks, so the choice is the base
      // with fewer marks and its least rotation in the structural order (the same choice as the loop below).
      let best: Node[] | null = null;
      let bestScore = Number.POSITIVE_INFINITY;
      for (const base of [chain, rev]) {
        const i = this.leastRotation(base);
        const c = [...base.slice(i), ...base.slice(0, i)];
        const score = c.reduce((s, f) => s + this.marks(f), 0);
        if (score < bestScore || (score === bestScore && best && this.order.compareSeq(c, best) < 0)) {
          best = c;
          bestScore = score;
        }
      }
      const prod = this.mulList(best!);
      return prod.op === "mul" ? this.store.intern("tr", [prod], SCALAR) : this.tr(prod);
    }
    const candidates: Node[][] = [];
    for (const base of [chain, rev]) {
      for (let i = 0; i < base.length; i++) candidates.push([...base.slice(i), ...base.slice(0, i)]);
    }
    let best: Node[] | null = null;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
      const scalar = c[0]!.shape[0] === 1 ? 0 : 1;
      const score = scalar * 1000 + c.reduce((s, f) => s + this.marks(f), 0);
      if (score < bestScore || (score === bestScore && best && this.order.compareSeq(c, best) < 0)) {
        best = c;
        bestScore = score;
      }
    }
    const b = best!;
    const prod = this.mul(...b);
    if (isScalarShape(prod.shape)) return prod;
    if (prod.op !== "mul") return this.tr(prod);
    return this.store.intern("tr", [prod], SCALAR);
  }

  /** Start of the least rotation of c in the structural order (two candidate starts compared in step; O(n)). */
  private leastRotation(c: readonly Node[]): number {
    const n = c.length;
    let i = 0;
    let j = 1;
    let k = 0;
    while (i < n && j < n && k < n) {
      const d = this.order.compare(c[(i + k) % n]!, c[(j + k) % n]!);
      if (d === 0) {
        k++;
        continue;
      }
      if (d > 0) i += k + 1;
      else j += k + 1;
      if (i === j) j++;
      k = 0;
    }
    return Math.min(i, j);
  }

  sum(a: Node): Node {
    if (isScalarShape(a.shape)) return a;
    switch (a.op) {
      case "zeros":
        return this.num(0);
      case "ones":
        if (isNumDim(a.shape[0]) && isNumDim(a.shape[1])) return this.num(a.shape[0] * a.shape[1]);
        break;
      case "eye":
        return this.tr(a);
      case "transpose":
        return this.sum(a.args[0]!);
      case "times":
        return this.times(...a.args.slice(0, -1), this.sum(a.args[a.args.length - 1]!));
      case "add":
        return this.add(...a.args.map((x) => this.sum(x)));
      case "diagm":
        return this.sum(a.args[0]!);
      default:
        break;
    }
    return this.store.intern("sum", [a], SCALAR);
  }

  /** <A, B> = sum(A .* B), written as tr(A'*B) (a'*b for vectors). */
  inner(a: Node, b: Node): Node {
    if (isScalarShape(a.shape)) return this.times(a, b);
    if (a.op === "ones") return this.sum(b);
    if (b.op === "ones") return this.sum(a);
    return this.tr(this.mul(this.transpose(a), b));
  }

  diagm(v: Node): Node {
    if (isScalarShape(v.shape)) return v;
    invariant(v.shape[1] === 1, "diagm of non-vector");
    const n = v.shape[0];
    switch (v.op) {
      case "zeros":
        return this.zeros([n, n]);
      case "ones":
        return this.eye(n);
      case "times":
        return this.times(...v.args.slice(0, -1), this.diagm(v.args[v.args.length - 1]!));
      case "diagv":
        if (this.isDiagonal(v.args[0]!)) return v.args[0]!;
        break;
      default:
        break;
    }
    return this.store.intern("diagm", [v], [n, n]);
  }

  diagv(m: Node): Node {
    if (isScalarShape(m.shape)) return m;
    invariant(isSquare(m.shape), "diagv of non-square");
    const n = m.shape[0];
    switch (m.op) {
      case "zeros":
        return this.zeros([n, 1]);
      case "eye":
        return this.ones([n, 1]);
      case "diagm":
        return m.args[0]!;
      case "mul":
        // diag(u*v') = u .* v for vectors u, v
        if (m.args.length === 2 && m.args[0]!.shape[1] === 1 && m.args[1]!.shape[0] === 1) {
          return this.hadamard(m.args[0]!, this.transpose(m.args[1]!));
        }
        break;
      case "transpose":
        return this.diagv(m.args[0]!);
      case "times":
        return this.times(...m.args.slice(0, -1), this.diagv(m.args[m.args.length - 1]!));
      case "add":
        return this.add(...m.args.map((x) => this.diagv(x)));
      default:
        break;
    }
    return this.store.intern("diagv", [m], [n, 1]);
  }

  // ---------------------------------------------------------------- nonlinear matrix functions
  det(a: Node): Node {
    invariant(isSquare(a.shape), "det of non-square");
    if (isScalarShape(a.shape)) return a;
    switch (a.op) {
      case "eye":
        return this.num(1);
      case "transpose":
        return this.det(a.args[0]!);
      case "inv":
        return this.pow(this.det(a.args[0]!), this.num(-1));
      case "mpow":
        return this.pow(this.det(a.args[0]!), this.num(a.num!));
      case "mul":
        if (a.args.every((f) => isSquare(f.shape))) return this.times(...a.args.map((f) => this.det(f)));
        break;
      case "expm":
        return this.fn("exp", this.tr(a.args[0]!));
      // det(X^p) = det(X)^p for the principal power X^p = expm(p*logm(X))
      case "powm":
        return this.pow(this.det(a.args[0]!), a.args[1]!);
      default:
        break;
    }
    return this.store.intern("det", [a], SCALAR);
  }

  logdet(a: Node): Node {
    invariant(isSquare(a.shape), "logdet of non-square");
    if (isScalarShape(a.shape)) return this.fn("log", a);
    switch (a.op) {
      case "eye":
        return this.num(0);
      case "transpose":
        return this.logdet(a.args[0]!);
      case "inv":
        return this.neg(this.logdet(a.args[0]!));
      case "expm":
        return this.tr(a.args[0]!);
      // logdet(X^p) = p*logdet(X) and logdet(sqrtm(X)) = logdet(X)/2: det(expm(p*logm(X))) = exp(p*tr(logm(X)))
      case "powm":
        return this.times(a.args[1]!, this.logdet(a.args[0]!));
      case "sqrtm":
        return this.times(this.num(0.5), this.logdet(a.args[0]!));
      default:
        break;
    }
    return this.store.intern("logdet", [a], SCALAR);
  }

  inv(a: Node): Node {
    invariant(isSquare(a.shape), "inv of non-square");
    if (isScalarShape(a.shape)) return this.pow(a, this.num(-1));
    switch (a.op) {
      case "inv":
        return a.args[0]!;
      case "eye":
        return a;
      case "transpose":
        return this.transpose(this.inv(a.args[0]!));
      case "times":
        return this.times(this.pow(this.times(...a.args.slice(0, -1)), this.num(-1)), this.inv(a.args[a.args.length - 1]!));
      case "diagm":
        return this.diagm(this.pow(a.args[0]!, this.num(-1)));
      case "expm":
        return this.expm(this.neg(a.args[0]!));
      // inv(X^k) = inv(X)^k, so that X*inv(X^2) meets inv(X)*inv(X) in a chain and cancels
      case "mpow":
        return this.mpow(this.inv(a.args[0]!), a.num!);
      default:
        break;
    }
    if (this.isOrthogonal(a)) return this.transpose(a);
    return this.store.intern("inv", [a], a.shape);
  }

  /** Integer matrix power; negative k goes through the inverse. */
  mpow(a: Node, k: number): Node {
    invariant(Number.isInteger(k), "mpow needs an integer exponent");
    invariant(isSquare(a.shape), "mpow of non-square");
    if (isScalarShape(a.shape)) return this.pow(a, this.num(k));
    if (k === 0) return this.eye(a.shape[0]);
    if (k < 0) return this.mpow(this.inv(a), -k);
    if (k === 1) return a;
    if (a.op === "eye") return a;
    if (a.op === "mpow") return this.mpow(a.args[0]!, a.num! * k);
    if (a.op === "transpose") return this.transpose(this.mpow(a.args[0]!, k));
    if (a.op === "times") {
      return this.times(this.pow(this.times(...a.args.slice(0, -1)), this.num(k)), this.mpow(a.args[a.args.length - 1]!, k));
    }
    return this.store.intern("mpow", [a], a.shape, { num: k });
  }

  norm1(a: Node): Node {
    if (this.isZero(a)) return this.num(0);
    if (a.op === "transpose") return this.norm1(a.args[0]!);
    return this.store.intern("norm1", [a], SCALAR);
  }

  norm2(a: Node): Node {
    if (this.isZero(a)) return this.num(0);
    if (a.op === "transpose") return this.norm2(a.args[0]!);
    if (isScalarShape(a.shape)) return this.fn("abs", a, Math.abs);
    return this.store.intern("norm2", [a], SCALAR);
  }

  expm(a: Node): Node {
    invariant(isSquare(a.shape), "expm of non-square");
    if (isScalarShape(a.shape)) return this.fn("exp", a, Math.exp);
    if (this.isZero(a)) return this.eye(a.shape[0]);
    if (a.op === "logm") return a.args[0]!;
    if (a.op === "transpose") return this.transpose(this.expm(a.args[0]!));
    return this.store.intern("expm", [a], a.shape);
  }

  logm(a: Node): Node {
    invariant(isSquare(a.shape), "logm of non-square");
    if (isScalarShape(a.shape)) return this.fn("log", a, Math.log);
    if (a.op === "eye") return this.zeros(a.shape);
    // logm(expm(X)) = X holds for real symmetric X (all eigenvalues real).
    if (a.op === "expm" && this.isSymmetric(a.args[0]!)) return a.args[0]!;
    // logm(c*M) = log(c)*I + logm(M) for a scalar c > 0: scaling by c moves no eigenvalue across the
    // branch cut (Higham, Functions of Matrices, Thm 11.2: log(c*M) = log(c) I + log(M) when c > 0)
    if (a.op === "times" && a.args.slice(0, -1).every((s) => this.isPositive(s))) {
      const c = this.times(...a.args.slice(0, -1));
      return this.add(this.times(this.fn("log", c, Math.log), this.eye(a.shape[0])), this.logm(a.args[a.args.length - 1]!));
    }
    // logm(inv(X)) = -logm(X) (principal branch; Higham, Functions of Matrices, Thm 11.2)
    if (a.op === "inv") return this.neg(this.logm(a.args[0]!));
    if (a.op === "transpose") return this.transpose(this.logm(a.args[0]!));
    return this.store.intern("logm", [a], a.shape);
  }

  sqrtm(a: Node): Node {
    invariant(isSquare(a.shape), "sqrtm of non-square");
    if (isScalarShape(a.shape)) return this.pow(a, this.num(0.5));
    if (a.op === "eye") return a;
    if (a.op === "transpose") return this.transpose(this.sqrtm(a.args[0]!));
    return this.store.intern("sqrtm", [a], a.shape);
  }

  /** Principal matrix power X^p, p a scalar expression; integer constants become mpow, 1/2 sqrtm. */
  powm(a: Node, p: Node): Node {
    invariant(isSquare(a.shape) && isScalarShape(p.shape), "powm of non-square or non-scalar exponent");
    if (isScalarShape(a.shape)) return this.pow(a, p);
    if (p.op === "const") {
      const k = p.num!;
      if (Number.isInteger(k)) return this.mpow(a, k);
      if (k === 0.5) return this.sqrtm(a);
      if (k === -0.5) return this.inv(this.sqrtm(a));
    }
    if (a.op === "eye") return a;
    if (a.op === "transpose") return this.transpose(this.powm(a.args[0]!, p));
    return this.store.intern("powm", [a, p], a.shape);
  }

  /**
   * The Fréchet derivative L_f(X, E) of a matrix function (linear in E): zero for E = 0, scalars pulled out,
   * f'(X)*E when E commutes with X (a function of X), and the scalar rule for 1 x 1 arguments.
   */
  frechet(f: MatrixFunction, x: Node, e: Node, p: Node | null = null): Node {
    invariant(isSquare(x.shape) && sameShape(x.shape, e.shape), "Fréchet derivative: X and E must be square and alike");
    invariant((f === "powm") === (p !== null), "dpowm takes an exponent");
    const info = MATRIX_FUNCTIONS[f];
    if (this.isZero(e)) return this.zeros(e.shape);
    if (isScalarShape(x.shape) || this.commutesWith(e, x)) return this.prod(info.derivative(this, x, p), e);
    if (e.op === "times") return this.times(...e.args.slice(0, -1), this.frechet(f, x, e.args[e.args.length - 1]!, p));
    const args = p ? [x, p, e] : [x, e];
    return this.store.intern(info.frechet, args, x.shape);
  }

  /**
   * The second Fréchet derivative L2_f(X, E, F), bilinear and symmetric in E and F: zero when a direction is 0,
   * scalars pulled out of either direction, the directions in structural order, f''(X)*E*F when both commute with
   * X (functions of X), and the scalar rule f''(x)*e*f for 1 x 1 arguments.
   */
  frechet2(fn: MatrixFunction, x: Node, e: Node, f: Node, p: Node | null = null): Node {
    invariant(
      isSquare(x.shape) && sameShape(x.shape, e.shape) && sameShape(x.shape, f.shape),
      "second Fréchet derivative: X, E and F must be square and alike",
    );
    invariant((fn === "powm") === (p !== null), "d2powm takes an exponent");
    const info = MATRIX_FUNCTIONS[fn];
    if (this.isZero(e) || this.isZero(f)) return this.zeros(x.shape);
    if (isScalarShape(x.shape) || (this.commutesWith(e, x) && this.commutesWith(f, x))) {
      return this.prod(this.prod(info.second(this, x, p), e), f);
    }
    const last = (t: Node) => t.args[t.args.length - 1]!;
    if (e.op === "times") return this.times(...e.args.slice(0, -1), this.frechet2(fn, x, last(e), f, p));
    if (f.op === "times") return this.times(...f.args.slice(0, -1), this.frechet2(fn, x, e, last(f), p));
    const [d1, d2] = this.order.compare(e, f) <= 0 ? [e, f] : [f, e];
    const args = p ? [x, p, d1, d2] : [x, d1, d2];
    return this.store.intern(info.frechet2, args, x.shape);
  }

  /**
   * Kronecker product kron(A, B), of shape (rows(A)*rows(B)) x (cols(A)*cols(B)) with product dimensions
   * ("m*n"): a 1 x 1 factor is a scalar multiple, scalars move out, a zero factor gives zeros.
   */
  kron(a: Node, b: Node): Node {
    if (isScalarShape(a.shape)) return this.times(a, b);
    if (isScalarShape(b.shape)) return this.times(b, a);
    const shape: Shape = [mulDims(a.shape[0], b.shape[0]), mulDims(a.shape[1], b.shape[1])];
    if (this.isZero(a) || this.isZero(b)) return this.zeros(shape);
    const split = (n: Node): [Node[], Node] => (n.op === "times" ? [n.args.slice(0, -1), n.args[n.args.length - 1]!] : [[], n]);
    const [sa, ca] = split(a);
    const [sb, cb] = split(b);
    const core = this.store.intern("kron", [ca, cb], shape);
    return sa.length + sb.length === 0 ? core : this.timesList([...sa, ...sb, core]);
  }
}
