// Plans how generated code computes a function and its derivative together: their IR DAG becomes one low-level program.
// Every choice counts flops: solves sharing one factorization, chain order by dynamic programming, no needless products.

import { assertNever, invariant } from "../diagnostics/errors.js";
import { FRECHET_OF, MATRIX_FUNCTIONS } from "../ir/matrix-functions.js";
import { type Node, topoOrder } from "../ir/node.js";
import { EVAL_RULES } from "../numeric/evaluate.js";
import type { Mat } from "../numeric/matrix.js";
import { type Dim, SCALAR, type Shape, isScalarShape } from "../shape/shape.js";
import { type Term, TermStore, termOrder } from "./lir.js";

/** The size assumed for a symbolic dimension when flops are counted. */
const SYMBOLIC_SIZE = 1000;
/** Largest power A^k written as k factors inside a product. */
const MAX_EXPANDED_POWER = 8;
/** Longest chain ordered by dynamic programming (cubic in the length); longer ones go in one direction. */
const MAX_DP_CHAIN = 64;

export interface PlanContext {
  /** True when the node is symmetric for every value of its variables (Builder.isSymmetric). */
  isSymmetric(n: Node): boolean;
  /** The node of X' (Builder.transpose). */
  transpose(n: Node): Node;
}

export interface Plan {
  readonly store: TermStore;
  readonly roots: readonly Term[];
  /** Estimated flops of the whole program (symbolic dimensions counted as 1000). */
  readonly cost: number;
}

/** A factor of a matrix chain: an ordinary operand, an inverse applied by solves, or a diagonal applied by broadcasting. */
/** `key` names the operand's value and `tkey` that of its transpose, so that P' can be found when P is planned. */
type Operand =
  | { readonly k: "term"; readonly node: Node; readonly key: string; readonly tkey: string }
  | { readonly k: "inv"; readonly node: Node; readonly a: Node; readonly trans: boolean; readonly key: string; readonly tkey: string }
  | { readonly k: "diag"; readonly node: Node; readonly v: Node; readonly key: string; readonly tkey: string };

type Seg =
  | { readonly k: "leaf"; readonly op: Operand; readonly key: string }
  | { readonly k: "pair"; readonly left: Seg; readonly right: Seg; readonly key: string; readonly shape: Shape }
  | { readonly k: "transposed"; readonly of: Seg; readonly key: string };

type Split = { readonly left: Seg; readonly right: Seg } | { readonly whole: Seg };

const dimSize = (d: Dim): number =>
  typeof d === "number" ? d : d.split("*").reduce((s, p) => s * (/^\d+$/.test(p) ? Number(p) : SYMBOLIC_SIZE), 1);
const sizeOf = (s: Shape): number => dimSize(s[0]) * dimSize(s[1]);

function opShape(o: Operand): Shape {
  if (o.k === "term") return o.node.shape;
  if (o.k === "inv") return o.a.shape;
  return [o.v.shape[0], o.v.shape[0]];
}

export function planProgram(roots: readonly Node[], ctx: PlanContext): Plan {
  return new Planner(roots, ctx).run();
}

class Planner {
  private readonly store = new TermStore();
  private readonly order: Node[];
  private readonly parents = new Map<number, Node[]>();
  private readonly rootIds: Set<number>;
  private readonly folded = new Map<number, number>();
  private readonly implicitInv = new Set<number>();
  /** mul nodes consumed by their tr/diag parents (never formed): id -> chosen split. */
  private readonly absorbed = new Map<number, Split | null>();
  private readonly segs = new Map<string, Seg>();
  private readonly segTerms = new Map<string, Term>();
  private readonly terms = new Map<number, Term>();
  private readonly chainPlans = new Map<number, Seg>();
  private readonly factored = new Map<number, "chol" | "lu">();
  private readonly eighs = new Map<number, Term>();
  private longKeys = 0;

  constructor(
    private readonly roots: readonly Node[],
    private readonly ctx: PlanContext,
  ) {
    this.order = topoOrder(roots);
    this.rootIds = new Set(roots.map((r) => r.id));
    for (const n of this.order) {
      for (const a of new Set(n.args)) {
        const ps = this.parents.get(a.id);
        if (ps) ps.push(n);
        else this.parents.set(a.id, [n]);
      }
    }
  }

  run(): Plan {
    this.fold();
    this.findImplicitInverses();
    this.planChains();
    this.decideFactorizations();
    // bottom-up, so that lowering a node finds its arguments lowered (no deep recursion on deep DAGs); products
    // consumed by a trace and inverses applied by solves are lowered through their users only
    for (const n of this.order) {
      const skip =
        this.absorbed.has(n.id) ||
        (n.op === "inv" && this.implicitInv.has(n.id)) ||
        (n.op === "transpose" && n.args[0]!.op === "inv" && this.implicitInv.has(n.args[0]!.id));
      if (!skip) this.lower(n);
    }
    const rootTerms = this.roots.map((r) => this.lower(r));
    return { store: this.store, roots: rootTerms, cost: programCost(rootTerms) };
  }

  // ---------------------------------------------------------------- analysis

  /** Scalar subexpressions without variables (and with numeric sizes) become numbers now. */
  private fold(): void {
    const values = new Map<number, Mat>();
    const env = { values: new Map<string, Mat>(), dims: new Map<string, number>() };
    for (const n of this.order) {
      const numeric = typeof n.shape[0] === "number" && typeof n.shape[1] === "number";
      if (n.op === "var" || n.op === "dvar" || !numeric || !n.args.every((a) => values.has(a.id))) continue;
      try {
        const v = EVAL_RULES[n.op](
          n,
          n.args.map((a) => values.get(a.id)!),
          env,
        );
        values.set(n.id, v);
        if (n.op !== "const" && isScalarShape(n.shape) && Number.isFinite(v.data[0]!)) this.folded.set(n.id, v.data[0]!);
      } catch {
        // left to run time, where it fails the same way
      }
    }
  }

  private isRoot(n: Node): boolean {
    return this.rootIds.has(n.id);
  }

  /** inv(A) stays implicit (applied by solves) when every use is as a factor of a product, directly or transposed. */
  private findImplicitInverses(): void {
    const inChain = (p: Node): boolean => p.op === "mul";
    for (const n of this.order) {
      if (n.op !== "inv" || this.isRoot(n)) continue;
      const ok = (this.parents.get(n.id) ?? []).every(
        (p) => inChain(p) || (p.op === "transpose" && !this.isRoot(p) && (this.parents.get(p.id) ?? []).every(inChain)),
      );
      if (ok) this.implicitInv.add(n.id);
    }
  }

  private operands(mul: Node): Operand[] {
    // A^k (small k) inside a product is k factors A, so that x'*A^3*x is three matrix-vector products
    const power = (f: Node): Node[] | null => {
      if (f.op === "mpow" && f.num! <= MAX_EXPANDED_POWER) return new Array<Node>(f.num!).fill(f.args[0]!);
      const g = f.args[0];
      if (f.op === "transpose" && g?.op === "mpow" && g.num! <= MAX_EXPANDED_POWER) return new Array<Node>(g.num!).fill(this.ctx.transpose(g.args[0]!));
      return null;
    };
    const factors = mul.args.flatMap((f) => power(f) ?? [f]);
    return factors.map((f): Operand => {
      if (f.op === "inv" && this.implicitInv.has(f.id)) {
        const a = f.args[0]!;
        return { k: "inv", node: f, a, trans: false, key: `i${a.id}`, tkey: `i${a.id}${this.ctx.isSymmetric(a) ? "" : "'"}` };
      }
      if (f.op === "transpose" && f.args[0]!.op === "inv" && this.implicitInv.has(f.args[0]!.id)) {
        const a = f.args[0]!.args[0]!;
        const trans = !this.ctx.isSymmetric(a);
        return { k: "inv", node: f, a, trans, key: `i${a.id}${trans ? "'" : ""}`, tkey: `i${a.id}` };
      }
      if (f.op === "diagm") return { k: "diag", node: f, v: f.args[0]!, key: `d${f.args[0]!.id}`, tkey: `d${f.args[0]!.id}` };
      return this.termOperand(f);
    });
  }

  private termOperand(f: Node): Operand {
    const tkey = this.ctx.isSymmetric(f) ? `n${f.id}` : f.op === "transpose" ? `n${f.args[0]!.id}` : `n${f.id}'`;
    return { k: "term", node: f, key: f.op === "transpose" ? `n${f.args[0]!.id}'` : `n${f.id}`, tkey };
  }

  // ---------------------------------------------------------------- matrix chains

  /**
   * Matrix-chain dynamic programming over flop counts. Sub-chains already planned elsewhere cost nothing (they are
   * computed once); an inverse factor costs a solve, a diagonal factor a broadcast.
   */
  private chainTable(ops: readonly Operand[]) {
    const k = ops.length;
    if (k > MAX_DP_CHAIN) return this.longChain(ops);
    const rows = ops.map((o) => dimSize(opShape(o)[0]));
    const cols = ops.map((o) => dimSize(opShape(o)[1]));
    const key = (i: number, j: number): string => ops.slice(i, j + 1).map((o) => o.key).join(",");
    const tkey = (i: number, j: number): string => ops.slice(i, j + 1).map((o) => o.tkey).reverse().join(",");
    const cost: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const split: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(-1));
    const combine = (i: number, s: number, j: number): number => {
      const r = rows[i]!, m = cols[s]!, c = cols[j]!;
      const l = i === s ? ops[i]! : null;
      const rt = s + 1 === j ? ops[j]! : null;
      const lSpecial = l !== null && l.k !== "term";
      const rSpecial = rt !== null && rt.k !== "term";
      if (lSpecial && rSpecial) return l.k === "diag" && rt.k === "diag" ? m : Number.POSITIVE_INFINITY;
      if (l?.k === "inv") return 2 * m * m * c;
      if (rt?.k === "inv") return 2 * m * m * r;
      if (l?.k === "diag") return m * c;
      if (rt?.k === "diag") return r * m;
      return 2 * r * m * c;
    };
    for (let len = 2; len <= k; len++) {
      for (let i = 0; i + len - 1 < k; i++) {
        const j = i + len - 1;
        if (this.segs.has(key(i, j)) || this.segs.has(tkey(i, j))) {
          cost[i]![j] = 0;
          split[i]![j] = -2;
          continue;
        }
        let best = Number.POSITIVE_INFINITY, bestS = -1;
        for (let s = i; s < j; s++) {
          const c = cost[i]![s]! + cost[s + 1]![j]! + combine(i, s, j);
          if (c < best) [best, bestS] = [c, s];
        }
        cost[i]![j] = best;
        split[i]![j] = bestS;
      }
    }
    const build = (i: number, j: number): Seg => {
      if (i === j) return { k: "leaf", op: ops[i]!, key: ops[i]!.key };
      const kk = key(i, j);
      const hit = this.segs.get(kk);
      if (hit) return hit;
      const thit = this.segs.get(tkey(i, j));
      if (thit) return { k: "transposed", of: thit, key: kk };
      const s = split[i]![j]!;
      invariant(s >= 0, "chain segment without a plan");
      const seg: Seg = {
        k: "pair",
        left: build(i, s),
        right: build(s + 1, j),
        key: kk,
        shape: [opShape(ops[i]!)[0], opShape(ops[j]!)[1]],
      };
      this.segs.set(kk, seg);
      return seg;
    };
    return { cost, build, rows, cols };
  }

  /**
   * Chains too long for the cubic dynamic programming: one pass left to right, except that a chain ending in a
   * vector is multiplied from the right (matrix-vector products all the way).
   */
  private longChain(ops: readonly Operand[]) {
    const k = ops.length;
    const rows = ops.map((o) => dimSize(opShape(o)[0]));
    const cols = ops.map((o) => dimSize(opShape(o)[1]));
    const fromRight = cols[k - 1]! < rows[0]!;
    const leaf = (i: number): Seg => ({ k: "leaf", op: ops[i]!, key: ops[i]!.key });
    // segments of long chains are not shared (their keys would be quadratic in the length): unique keys
    const keyOf = (i: number, j: number) => `long${this.longKeys++}:${i}-${j}`;
    const build = (i0: number, j0: number): Seg => {
      let seg = leaf(fromRight ? j0 : i0);
      if (fromRight) {
        for (let i = j0 - 1; i >= i0; i--) {
          seg = { k: "pair", left: leaf(i), right: seg, key: keyOf(i, j0), shape: [opShape(ops[i]!)[0], opShape(ops[j0]!)[1]] };
          this.segs.set(seg.key, seg);
        }
      } else {
        for (let j = i0 + 1; j <= j0; j++) {
          seg = { k: "pair", left: seg, right: leaf(j), key: keyOf(i0, j), shape: [opShape(ops[i0]!)[0], opShape(ops[j]!)[1]] };
          this.segs.set(seg.key, seg);
        }
      }
      return seg;
    };
    // only the whole chain is ever asked for (splits of a trace need the table: they are skipped for long chains)
    const cost = Array.from({ length: k }, () => [] as number[]);
    cost[0]![k - 1] = 0;
    return { cost, build, rows, cols };
  }

  /** Plans every product: shorter chains first, so that longer ones can reuse their sub-products. */
  private planChains(): void {
    const muls = this.order.filter((n) => n.op === "mul" && !this.folded.has(n.id));
    muls.sort((a, b) => a.args.length - b.args.length);
    const later: Node[] = [];
    for (const m of muls) {
      const ps = this.parents.get(m.id) ?? [];
      const consumed = !this.isRoot(m) && ps.length > 0 && ps.every((p) => p.op === "tr" || p.op === "diagv");
      if (consumed) later.push(m);
      else this.chainPlans.set(m.id, this.planWhole(m));
    }
    for (const m of later) this.absorbed.set(m.id, this.planSplit(m));
  }

  private planWhole(m: Node): Seg {
    let ops = this.operands(m);
    let t = this.chainTable(ops);
    if (!Number.isFinite(t.cost[0]![ops.length - 1]!)) {
      // e.g. inv(A)*inv(B): form the inverses rather than solve against an inverse
      ops = ops.map((o) => (o.k === "inv" ? this.termOperand(o.node) : o));
      t = this.chainTable(ops);
    }
    return t.build(0, ops.length - 1);
  }

  /** tr(P*Q) = sum(P .* Q') and diag(P*Q): the best split point, or the whole product when none is cheaper. */
  private planSplit(m: Node): Split {
    const ops = this.operands(m);
    const k = ops.length;
    if (k > MAX_DP_CHAIN) return { whole: this.planWhole(m) };
    const t = this.chainTable(ops);
    let best = t.cost[0]![k - 1]! + t.rows[0]!;
    let bestS = -1;
    for (let s = 0; s < k - 1; s++) {
      const single = (i: number) => ops[i]!.k !== "term";
      if ((s === 0 && single(0)) || (s === k - 2 && single(k - 1))) continue;
      const c = t.cost[0]![s]! + t.cost[s + 1]![k - 1]! + t.rows[0]! * t.cols[s]!;
      if (c < best) [best, bestS] = [c, s];
    }
    if (bestS < 0) {
      if (!Number.isFinite(best)) {
        this.chainPlans.set(m.id, this.planWhole(m));
        return { whole: this.chainPlans.get(m.id)! };
      }
      return { whole: t.build(0, k - 1) };
    }
    return { left: t.build(0, bestS), right: t.build(bestS + 1, k - 1) };
  }

  /** Factor A once when it is solved against, inverted or its determinant taken more than once in all. */
  private decideFactorizations(): void {
    const uses = new Map<number, { a: Node; n: number; solves: number }>();
    const count = (a: Node, solve: boolean) => {
      const u = uses.get(a.id) ?? { a, n: 0, solves: 0 };
      u.n++;
      if (solve) u.solves++;
      uses.set(a.id, u);
    };
    for (const s of this.segs.values()) {
      if (s.k !== "pair") continue;
      for (const side of [s.left, s.right]) if (side.k === "leaf" && side.op.k === "inv") count(side.op.a, true);
    }
    for (const n of this.order) {
      if (this.folded.has(n.id)) continue;
      if (n.op === "det" || n.op === "logdet") count(n.args[0]!, false);
      if (n.op === "inv" && !this.implicitInv.has(n.id)) count(n.args[0]!, false);
    }
    for (const [id, u] of uses) {
      const needs = u.n >= 2 && !(u.solves === 0 && this.onlyInverse(u.a));
      if (needs) this.factored.set(id, this.isSpd(u.a) ? "chol" : "lu");
    }
  }

  /** inv(A) counted twice (explicit and as a chain fallback) without any det: np.linalg.inv is enough. */
  private onlyInverse(a: Node): boolean {
    return !this.order.some((n) => (n.op === "det" || n.op === "logdet") && n.args[0] === a && !this.folded.has(n.id));
  }

  private isSpd(a: Node): boolean {
    return a.op === "var" && (a.props ?? []).includes("spd");
  }

  // ---------------------------------------------------------------- lowering

  private lower(n: Node): Term {
    const hit = this.terms.get(n.id);
    if (hit) return hit;
    const t = this.lowerNew(n);
    this.terms.set(n.id, t);
    return t;
  }

  private op(n: Node, args: readonly Term[], attr = ""): Term {
    return this.store.make(n.op, args, n.shape, attr, n);
  }

  private lowerNew(n: Node): Term {
    const S = this.store;
    const folded = this.folded.get(n.id);
    if (folded !== undefined) return S.constant(folded);
    const arg = (i: number) => this.lower(n.args[i]!);
    switch (n.op) {
      case "const":
        return S.constant(n.num!);
      case "var":
      case "dvar":
        return this.op(n, [], n.name!);
      case "eye":
      case "ones":
      case "zeros":
        return this.op(n, []);
      case "add":
        return this.lowerAdd(n);
      case "times":
        return this.lowerTimes(n.args, n.shape, false);
      case "hadamard": {
        const parts = n.args.map((f) =>
          f.op === "pow" && f.args[1]!.op === "const" && f.args[1]!.num === -1 && !this.folded.has(f.id)
            ? { t: this.lower(f.args[0]!), op: "/" }
            : { t: this.lower(f), op: "*" },
        );
        parts.sort((a, b) => (a.op === b.op ? 0 : a.op === "*" ? -1 : 1));
        return this.elementwise(n, parts.map((p) => p.t), parts.map((p) => p.op).join(""));
      }
      case "mul":
        return this.lowerSeg(this.chainPlans.get(n.id) ?? this.planWhole(n));
      case "transpose":
        return S.transpose(arg(0));
      case "tr":
      case "diagv": {
        const m = n.args[0]!;
        const split = m.op === "mul" ? this.absorbed.get(m.id) : undefined;
        if (!split) return this.op(n, [arg(0)]);
        if ("whole" in split) return this.op(n, [this.lowerSeg(split.whole)]);
        const kernel = n.op === "tr" ? "traceProd" : "diagProd";
        return S.make(kernel, [this.lowerSeg(split.left), this.lowerSeg(split.right)], n.shape);
      }
      case "det":
      case "logdet": {
        const method = this.factored.get(n.args[0]!.id);
        if (!method) return this.op(n, [arg(0)]);
        if (n.op === "det") return S.make("factorDet", [this.factor(n.args[0]!)], SCALAR, method);
        const l = S.make("factorLogdet", [this.factor(n.args[0]!)], SCALAR, method);
        // log det(L L') = 2 log det(L): the 2 joins the coefficients around it
        return method === "chol" ? S.make("times", [S.constant(2), l], SCALAR, "**") : l;
      }
      case "inv": {
        const method = this.factored.get(n.args[0]!.id);
        if (!method) return this.op(n, [arg(0)]);
        return S.make("factorInv", [this.factor(n.args[0]!)], n.shape, method);
      }
      case "expm":
      case "logm":
      case "sqrtm":
        if (!this.ctx.isSymmetric(n.args[0]!)) return this.op(n, [arg(0)]);
        return S.make("eighFun", [this.eigh(n.args[0]!)], n.shape, MATRIX_FUNCTIONS[n.op].scalar);
      case "powm":
        if (!this.ctx.isSymmetric(n.args[0]!)) return this.op(n, [arg(0), arg(1)]);
        return S.make("eighFun", [this.eigh(n.args[0]!), arg(1)], n.shape, MATRIX_FUNCTIONS.powm.scalar);
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
        if (!this.ctx.isSymmetric(n.args[0]!)) return this.op(n, [arg(0), arg(1)]);
        return S.make("eighFrechet", [this.eigh(n.args[0]!), arg(1)], n.shape, MATRIX_FUNCTIONS[FRECHET_OF[n.op]].scalar);
      case "dpowm":
        if (!this.ctx.isSymmetric(n.args[0]!)) return this.op(n, [arg(0), arg(1), arg(2)]);
        return S.make("eighFrechet", [this.eigh(n.args[0]!), arg(1), arg(2)], n.shape, MATRIX_FUNCTIONS.powm.scalar);
      case "pow": {
        const [base, e] = n.args as [Node, Node];
        if (base.op === "norm2" && e.op === "const" && e.num === 2 && this.onlyUse(base, n)) {
          // norm2(v)^2 = v'*v (sum(V .* V) for a matrix): no square root to undo
          const v = this.lower(base.args[0]!);
          if (v.shape[1] === 1 || v.shape[0] === 1) {
            const col = v.shape[1] === 1 ? v : S.transpose(v);
            return S.make("matmul", [S.transpose(col), col], SCALAR);
          }
          return S.make("sum", [S.make("hadamard", [v, v], v.shape, "**")], SCALAR);
        }
        return this.elementwise(n, [arg(0), arg(1)], "");
      }
      case "mpow":
        return this.op(n, [arg(0)], String(n.num));
      case "fn":
        return this.elementwise(n, [arg(0)], n.name!);
      // the rest keep their op: each argument lowered, no kernel of their own
      case "sum":
      case "diagm":
      case "norm1":
      case "norm2":
      case "kron":
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm":
        return this.op(
          n,
          n.args.map((a) => this.lower(a)),
        );
      default:
        return assertNever(n.op, "op");
    }
  }

  /** n is the only use of m (and m is not a root). */
  private onlyUse(m: Node, n: Node): boolean {
    return !this.isRoot(m) && (this.parents.get(m.id) ?? []).every((p) => p === n);
  }

  private factor(a: Node): Term {
    return this.store.make("factor", [this.lower(a)], a.shape, this.factored.get(a.id)!);
  }

  private eigh(a: Node): Term {
    const hit = this.eighs.get(a.id);
    if (hit) return hit;
    const t = this.store.make("eigh", [this.lower(a)], a.shape);
    this.eighs.set(a.id, t);
    return t;
  }

  /** Sums: negative terms become subtractions; c*ones terms become a broadcast scalar next to an array term. */
  private lowerAdd(n: Node): Term {
    const broadcast = !isScalarShape(n.shape);
    const parts: { t: Term; sign: string; scalarOnly: boolean }[] = [];
    for (const term of n.args) {
      let factors: readonly Node[] = [term];
      let negate = false;
      if (term.op === "times") {
        factors = term.args;
        const c = term.args[0]!;
        negate = c.op === "const" && c.num! < 0;
      } else if (term.op === "const" && term.num! < 0) negate = true;
      const last = factors[factors.length - 1]!;
      if (broadcast && last.op === "ones") {
        const scalars = factors.slice(0, -1);
        const t = scalars.length === 0 ? this.store.constant(negate ? -1 : 1) : this.lowerTimes(scalars, SCALAR, negate);
        parts.push({ t, sign: negate ? "-" : "+", scalarOnly: true });
        continue;
      }
      const t = negate ? this.lowerTimes(factors, n.shape, true) : this.lower(term);
      parts.push({ t, sign: negate ? "-" : "+", scalarOnly: false });
    }
    if (parts.every((p) => p.scalarOnly)) {
      // no array term to broadcast against: keep the first one as an array
      parts[0] = { t: this.lower(n.args[0]!), sign: "+", scalarOnly: false };
    }
    return this.elementwise(
      n,
      parts.map((p) => p.t),
      parts.map((p) => p.sign).join(""),
    );
  }

  /** Elementwise ops commute with transposition: f(Y') is made f(Y)', the same term as f(Y) transposed. */
  private elementwise(n: Node, args: readonly Term[], attr: string): Term {
    const arrays = args.filter((a) => !isScalarShape(a.shape));
    if (arrays.length === 0 || !arrays.every((a) => a.op === "transpose")) return this.op(n, args, attr);
    const inner = args.map((a) => (isScalarShape(a.shape) ? a : a.args[0]!));
    return this.store.transpose(this.store.make(n.op, inner, [n.shape[1], n.shape[0]], attr));
  }

  /** Scalar multiplication c*s1*...*M: a coefficient first, scalar powers -1 as divisions, the array last. */
  private lowerTimes(factors: readonly Node[], shape: Shape, negate: boolean): Term {
    let c = negate ? -1 : 1;
    const parts: { t: Term; op: string }[] = [];
    let product: Node | null = null;
    for (const f of factors) {
      if ((f.op === "mul" || f.op === "diagm") && !this.isRoot(f) && (this.parents.get(f.id) ?? []).length === 1) product = f;
      if (f.op === "const") c *= f.num!;
      else if (isScalarShape(f.shape) && f.op === "pow" && f.args[1]!.op === "const" && f.args[1]!.num === -1 && !this.folded.has(f.id)) {
        parts.push({ t: this.lower(f.args[0]!), op: "/" });
      } else {
        const t = this.lower(f);
        if (t.op === "const") c *= Number(t.attr);
        else if (t.op === "times" && isScalarShape(t.shape)) {
          // flatten a scalar product made by lowering (e.g. 2*log det(L))
          t.args.forEach((x, i) => {
            if (x.op === "const" && t.attr[i] === "*") c *= Number(x.attr);
            else parts.push({ t: x, op: t.attr[i]! });
          });
        } else parts.push({ t, op: "*" });
      }
    }
    const S = this.store;
    const bigAt = parts.findIndex((p) => !isScalarShape(p.t.shape));
    const big = bigAt >= 0 ? parts.splice(bigAt, 1)[0]!.t : null;
    if (c !== 1 || (parts.length === 0 && !big)) parts.unshift({ t: S.constant(c), op: "*" });
    const scaled = (b: Term | null, sh: Shape): Term => {
      const all = b ? [...parts, { t: b, op: "*" }] : parts;
      if (all.length === 1 && all[0]!.op === "*") return all[0]!.t;
      return S.make("times", all.map((p) => p.t), sh, all.map((p) => p.op).join(""));
    };
    if (!big || parts.length === 0) return big ?? scaled(null, shape);
    // c*(P*Q) for a product used only here: scale the smaller operand (an outer product's vector, not its matrix)
    if (product && big.op === "matmul") {
      const [l, r] = big.args as [Term, Term];
      const [sl, sr, sb] = [sizeOf(l.shape), sizeOf(r.shape), sizeOf(big.shape)];
      if (Math.min(sl, sr) < sb) {
        return sl <= sr ? S.make("matmul", [scaled(l, l.shape), r], shape) : S.make("matmul", [l, scaled(r, r.shape)], shape);
      }
    }
    // c*diag(v) = diag(c*v)
    if (product && big.op === "diagm") return S.make("diagm", [scaled(big.args[0]!, big.args[0]!.shape)], shape);
    // c*Y' is made (c*Y)', the same term as c*Y transposed
    if (big.op === "transpose") return S.transpose(scaled(big.args[0]!, big.args[0]!.shape));
    return scaled(big, shape);
  }

  /** The term of a planned segment; iterative (post-order with an explicit stack), so long chains are safe. */
  private lowerSeg(root: Seg): Term {
    const stack: Seg[] = [root];
    while (stack.length > 0) {
      const s = stack[stack.length - 1]!;
      if (this.segTerms.has(s.key)) {
        stack.pop();
        continue;
      }
      const kids = s.k === "pair" ? [s.left, s.right] : s.k === "transposed" ? [s.of] : [];
      // leaves are lowered when combined (inverse and diagonal factors never are: they become solves and broadcasts)
      const todo = kids.filter((k) => k.k !== "leaf" && !this.segTerms.has(k.key));
      if (todo.length > 0) {
        stack.push(...todo);
        continue;
      }
      stack.pop();
      const t =
        s.k === "leaf"
          ? this.lower(s.op.node)
          : s.k === "transposed"
            ? this.store.transpose(this.segTerms.get(s.of.key)!)
            : this.combine(s.left, s.right, s.shape);
      this.segTerms.set(s.key, t);
    }
    return this.segTerms.get(root.key)!;
  }

  private combine(l: Seg, r: Seg, shape: Shape): Term {
    const S = this.store;
    if (l.k === "leaf" && l.op.k === "inv" && !(r.k === "leaf" && r.op.k !== "term")) {
      return this.solve(l.op.a, this.lowerSeg(r), l.op.trans);
    }
    if (r.k === "leaf" && r.op.k === "inv" && !(l.k === "leaf" && l.op.k !== "term")) {
      // B*inv(A) = (inv(A)'*B')'
      return S.transpose(this.solve(r.op.a, S.transpose(this.lowerSeg(l)), !r.op.trans));
    }
    if (l.k === "leaf" && l.op.k === "diag") return S.make("scaleRows", [this.lower(l.op.v), this.lowerSeg(r)], shape);
    if (r.k === "leaf" && r.op.k === "diag") return S.make("scaleCols", [this.lowerSeg(l), this.lower(r.op.v)], shape);
    return S.make("matmul", [this.lowerSeg(l), this.lowerSeg(r)], shape);
  }

  private solve(a: Node, b: Term, trans: boolean): Term {
    const t = trans && !this.ctx.isSymmetric(a) ? "T" : "N";
    const method = this.factored.get(a.id);
    if (method) return this.store.make("solve", [this.factor(a), b], b.shape, `${method}/${t}`);
    return this.store.make("solve", [this.lower(a), b], b.shape, `${this.isSpd(a) ? "direct-pos" : "direct"}/${t}`);
  }
}

/** Estimated flops of one term (symbolic sizes counted as 1000): what the planner compares. */
function termCost(t: Term): number {
  const n = dimSize(t.shape[0]);
  const size = sizeOf(t.shape);
  const a0 = t.args[0];
  switch (t.op) {
    case "const":
    case "var":
    case "dvar":
    case "transpose":
    case "factorDet":
    case "factorLogdet":
      return 0;
    case "matmul":
    case "mul":
      return 2 * size * dimSize(a0!.shape[1]);
    case "scaleRows":
    case "scaleCols":
    case "kron":
    case "times":
    case "eye":
    case "ones":
    case "zeros":
    case "sum":
    case "norm1":
    case "norm2":
    case "pow":
      return isScalarShape(t.shape) && t.op !== "sum" && t.op !== "norm1" && t.op !== "norm2" ? 1 : size;
    case "traceProd":
    case "diagProd":
      return sizeOf(a0!.shape);
    case "add":
    case "hadamard":
      return (t.args.length - 1) * size;
    case "fn":
      return 4 * size;
    case "tr":
    case "diagv":
      return dimSize(a0!.shape[0]);
    case "diagm":
      return size;
    case "factor":
      return t.attr === "chol" ? n ** 3 / 3 : (2 * n ** 3) / 3;
    case "solve": {
      const m = dimSize(a0!.shape[0]);
      const cols = t.args[1]!.shape[1] === 1 || t.args[1]!.shape[0] === 1 ? 1 : dimSize(t.args[1]!.shape[1]);
      return 2 * m * m * cols + (t.attr.startsWith("direct") ? (2 * m ** 3) / 3 : 0);
    }
    case "factorInv":
    case "inv":
      return 2 * n ** 3;
    case "det":
    case "logdet":
      return (2 * dimSize(a0!.shape[0]) ** 3) / 3;
    case "mpow":
      return (Number(t.attr) - 1) * 2 * n ** 3;
    case "eigh":
      return 9 * n ** 3;
    case "eighFun":
      return 2 * n ** 3;
    case "eighFrechet":
      return 8 * n ** 3;
    case "expm":
    case "sqrtm":
      return 30 * n ** 3;
    case "logm":
    case "powm":
      return 60 * n ** 3;
    case "dexpm":
    case "dsqrtm":
    case "dlogm":
    case "dpowm":
      return 400 * n ** 3;
    case "d2expm":
    case "d2sqrtm":
    case "d2logm":
    case "d2powm":
      return 3000 * n ** 3;
    case "frechetTensor": {
      // one Fréchet derivative per unit direction
      const m = dimSize(a0!.shape[0]);
      return 400 * m ** 5;
    }
    case "einsum":
      return einsumCost(t);
  }
}

/** Every combination of the indices of an einsum, visited once: the product of their sizes. */
function einsumCost(t: Term): number {
  const subs = t.attr.split("->")[0]!.split(",");
  const sizes = new Map<string, number>();
  t.args.forEach((a, i) => {
    const s = subs[i]!;
    const axes =
      s.length === 4
        ? new Array<number>(4).fill(dimSize(a.args[0]!.shape[0]))
        : s.length === 2
          ? [dimSize(a.shape[0]), dimSize(a.shape[1])]
          : [Math.max(dimSize(a.shape[0]), dimSize(a.shape[1]))];
    [...s].forEach((x, k) => sizes.set(x, axes[k]!));
  });
  let c = 1;
  for (const v of sizes.values()) c *= v;
  return c;
}

export function programCost(roots: readonly Term[]): number {
  let c = 0;
  for (const t of termOrder(roots)) c += termCost(t);
  return c;
}

