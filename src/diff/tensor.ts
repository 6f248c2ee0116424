// Index (Einstein) notation for derivatives: a sum of terms, each a coefficient times factors that are IR
// nodes with index slots (Kronecker deltas are eye nodes; the tensor of a Fréchet derivative, which has no
// matrix form, is its point X with four slots, that of a second Fréchet derivative X with six). Read off the differential like every other
// derivative, simplified by contraction into matrix products, and turned back into matrix or Kronecker
// notation when that exists; indices that do not appear on the left-hand side are summed (as numpy.einsum).

import { MatcalcError, assertNever, invariant } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import { type Frechet2Op, type FrechetOp, frechet2Parts, frechetParts } from "../ir/matrix-functions.js";
import { type Node, topoOrder } from "../ir/node.js";
import { type Dim, type Shape, isScalarShape, mulDims } from "../shape/shape.js";

export type Index = string;
/** Index of the row axis and of the column axis of a factor; null for an axis of size 1. */
export type Slots = readonly [Index | null, Index | null];

/** Index slots of a factor: a matrix's row and column, or the four (six) axes of a (second) Fréchet tensor. */
export type FactorSlots = Slots | readonly [Index, Index, Index, Index] | readonly [Index, Index, Index, Index, Index, Index];

/**
 * The tensor D_f(X) of a Fréchet derivative, L_f(X, E)_rc = D_f(X)_rcab E_ab, or D2_f(X) of a second one,
 * L2_f(X, E, F)_rc = D2_f(X)_rcabmn E_ab F_mn: `op` is the (second) Fréchet op of f and `p` the exponent of X^p
 * (null otherwise). Its factor's node is X and its slots are (r, c, a, b) or (r, c, a, b, m, n).
 */
export interface FrechetTensor {
  readonly op: FrechetOp | Frechet2Op;
  readonly p: Node | null;
}

export interface Factor {
  /** The matrix, or the point X of a Fréchet tensor. */
  readonly node: Node;
  readonly slots: FactorSlots;
  /** Set when the factor is the tensor of a Fréchet derivative at `node`. */
  readonly frechet?: FrechetTensor;
}

/** The size of a factor's axis (every axis of a Fréchet tensor has the size of its square X). */
export function axisDim(f: Factor, axis: number): Dim {
  return f.node.shape[f.frechet ? 0 : axis]!;
}

const withSlots = (f: Factor, slots: readonly (Index | null)[]): Factor => ({ ...f, slots: slots as unknown as FactorSlots });

export interface Term {
  readonly coef: number;
  /** Non-scalar factors; scalar factors are multiplied into `scalar`. */
  readonly factors: readonly Factor[];
  /** The product of the scalar factors (the constant 1 when there are none). */
  readonly scalar: Node;
}

/** One derivative of the left-hand side: d<name>_<indices>. */
export interface Level {
  readonly name: string;
  readonly idx: readonly Index[];
}

export interface IndexForm {
  /** Indices of the function's own axes (none for a scalar function). */
  readonly f: readonly Index[];
  /** One level per derivative taken, in order; the last one gives the columns of the matricized tensor. */
  readonly levels: readonly Level[];
  readonly terms: readonly Term[];
  /** The size of every free index (a summation index has the size of the factor axis it sits on). */
  readonly dims: ReadonlyMap<Index, Dim>;
}

/** Sizes of the summation indices of a term, read from the axes they sit on. */
export function summationDims(t: Term, free: ReadonlySet<Index>): Map<Index, Dim> {
  const m = new Map<Index, Dim>();
  for (const f of t.factors) {
    f.slots.forEach((x, axis) => {
      if (x !== null && !free.has(x)) m.set(x, axisDim(f, axis));
    });
  }
  return m;
}

/** Free indices of the matricized tensor: rows (the function's, then all but the last level) and columns. */
export function matricizedAxes(t: IndexForm): { rows: Index[]; cols: Index[] } {
  const rows = [...t.f];
  for (let i = 0; i < t.levels.length - 1; i++) rows.push(...t.levels[i]!.idx);
  return { rows, cols: [...(t.levels[t.levels.length - 1]?.idx ?? [])] };
}

/** Shape of the matricized tensor: (product of row sizes) x (product of column sizes). */
export function matricizedShape(t: IndexForm): Shape {
  const { rows, cols } = matricizedAxes(t);
  const prod = (ix: Index[]) => ix.reduce<Dim>((s, i) => mulDims(s, t.dims.get(i)!), 1);
  return [prod(rows), prod(cols)];
}

/** Letters for summation indices, in order of use (less the free ones and the names in the term). */
const SUMMATION = "pqrstuvwabcdefghoxyz";
/** Letters for free indices, in order of preference: the function's axes, then each level's. */
const FREE_LETTERS = "ijklmnpqrstuvwabcdefgh";
/** At most this many free indices (a tensor of order 6). */
const MAX_FREE = 6;

/**
 * Names an index letter must not take, so that `X: matrix(m, k)` never stands next to `dX_kl`: the symbolic
 * sizes of the nodes and the names of the variables in them.
 */
export function namesIn(nodes: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (const n of topoOrder(nodes)) {
    for (const d of n.shape) if (typeof d === "string") out.add(d);
    if (n.op === "var") out.add(n.name!);
  }
  return out;
}

/** Free index letters for a derivative, in order (i, j, k, ... less the names in use): the function's axes, then each level's. */
export function freeLetters(taken: ReadonlySet<string>): string[] {
  return [...FREE_LETTERS].filter((ch) => !taken.has(ch)).slice(0, MAX_FREE);
}

/** A term cap: index forms beyond this many terms are refused rather than printed. */
const MAX_TERMS = 5000;

function unsupported(msg: string): never {
  throw new MatcalcError("unsupported", msg);
}

const slotsOf = (shape: Shape, r: Index | null, c: Index | null): Slots => [shape[0] === 1 ? null : r, shape[1] === 1 ? null : c];

// ---------------------------------------------------------------- reading the differential

export interface RawTerm {
  coef: number;
  factors: Factor[];
}

/**
 * The index form of `lin`, a differential linear in dX: terms T with lin[r, c] = sum of T over dX[k, l]
 * (out = [r, c], wrt = [k, l]; null for axes of size 1), simplified.
 */
export function readIndexForm(b: Builder, lin: Node, dX: Node, out: Slots, wrt: Slots): Term[] {
  let counter = 0;
  const fresh = (d: Dim): Index | null => (d === 1 ? null : `#${counter++}`);
  const delta = (p: Index | null, q: Index | null, d: Dim): Factor[] => (p === null || q === null ? [] : [{ node: b.eye(d), slots: [p, q] }]);
  const times = (terms: RawTerm[], extra: readonly Factor[], coef = 1): RawTerm[] => {
    for (const t of terms) {
      t.coef *= coef;
      for (const f of extra) t.factors.push(f);
    }
    return terms;
  };

  // Terms of node L (linear in dX) indexed by [r, c].
  const read = (L: Node, r: Index | null, c: Index | null): RawTerm[] => {
    if (!L.hasD) return [];
    if (L === dX) return [{ coef: 1, factors: [...delta(r, wrt[0], L.shape[0]), ...delta(c, wrt[1], L.shape[1])] }];
    switch (L.op) {
      case "add": {
        const all: RawTerm[] = [];
        for (const a of L.args) for (const t of read(a, r, c)) all.push(t);
        if (all.length > MAX_TERMS) tooMany();
        return all;
      }
      case "times": {
        const i = L.args.findIndex((a) => a.hasD);
        const arg = L.args[i]!;
        const others = L.args.filter((_, j) => j !== i);
        let coef = 1;
        const extra: Factor[] = [];
        for (const o of others) {
          if (o.op === "const") coef *= o.num!;
          else extra.push({ node: o, slots: slotsOf(o.shape, r, c) });
        }
        const inner = isScalarShape(arg.shape) ? read(arg, null, null) : read(arg, r, c);
        return times(inner, extra, coef);
      }
      case "mul": {
        const i = L.args.findIndex((a) => a.hasD);
        const a = L.args[i]!;
        const extra: Factor[] = [];
        let p = r;
        let q = c;
        if (i > 0) {
          const P = b.mulList(L.args.slice(0, i));
          p = fresh(a.shape[0]);
          extra.push({ node: P, slots: slotsOf(P.shape, r, p) });
        }
        if (i < L.args.length - 1) {
          const Q = b.mulList(L.args.slice(i + 1));
          q = fresh(a.shape[1]);
          extra.push({ node: Q, slots: slotsOf(Q.shape, q, c) });
        }
        return times(read(a, p, q), extra);
      }
      case "hadamard": {
        const i = L.args.findIndex((a) => a.hasD);
        const extra = L.args.filter((_, j) => j !== i).map((o) => ({ node: o, slots: slotsOf(o.shape, r, c) }));
        return times(read(L.args[i]!, r, c), extra);
      }
      case "transpose":
        return read(L.args[0]!, c, r);
      case "tr": {
        const a = fresh(L.args[0]!.shape[0]);
        return read(L.args[0]!, a, a);
      }
      case "sum": {
        const s = L.args[0]!.shape;
        return read(L.args[0]!, fresh(s[0]), fresh(s[1]));
      }
      case "diagm":
        return times(read(L.args[0]!, r, null), delta(r, c, L.shape[0]));
      case "diagv":
        return read(L.args[0]!, r, r);
      case "dexpm":
      case "dlogm":
      case "dsqrtm":
      case "dpowm": {
        // L_f(X, E)_rc = D_f(X)_rcab E_ab; the differential is linear in dX, so X and p do not depend on it.
        const { x, p, e } = frechetParts(L);
        invariant(!x.hasD && !p?.hasD, "a Fréchet derivative nonlinear in the direction");
        const a = fresh(x.shape[0]);
        const s = fresh(x.shape[1]);
        invariant(r !== null && c !== null && a !== null && s !== null, "a Fréchet derivative of a 1 x 1 matrix");
        return times(read(e, a, s), [{ node: x, slots: [r, c, a, s], frechet: { op: L.op, p } }]);
      }
      case "d2expm":
      case "d2logm":
      case "d2sqrtm":
      case "d2powm": {
        // L2_f(X, E, F)_rc = D2_f(X)_rcabmn E_ab F_mn, linear in dX: exactly one direction depends on it (by symmetry
        // in E and F, that one takes the slots a, b); the other is a matrix factor.
        const { x, p, e, f } = frechet2Parts(L);
        invariant(!x.hasD && !p?.hasD && e.hasD !== f.hasD, "a second Fréchet derivative nonlinear in the direction");
        const [dir, other] = e.hasD ? [e, f] : [f, e];
        const [a, s, m, t] = [fresh(x.shape[0]), fresh(x.shape[1]), fresh(x.shape[0]), fresh(x.shape[1])];
        invariant(
          r !== null && c !== null && a !== null && s !== null && m !== null && t !== null,
          "a second Fréchet derivative of a 1 x 1 matrix",
        );
        return times(read(dir, a, s), [
          { node: other, slots: [m, t] },
          { node: x, slots: [r, c, a, s, m, t], frechet: { op: L.op, p } },
        ]);
      }
      // kron has no factor form yet; leaves and nonlinear ops are never linear in dX
      case "kron":
      case "const":
      case "var":
      case "dvar":
      case "eye":
      case "ones":
      case "zeros":
      case "pow":
      case "fn":
      case "det":
      case "logdet":
      case "inv":
      case "mpow":
      case "norm1":
      case "norm2":
      case "expm":
      case "logm":
      case "sqrtm":
      case "powm":
        return unsupported(
          `index notation through ${L.op} is not supported yet: its derivative is a linear map that has no factor form`,
        );
      default:
        return assertNever(L.op, "op");
    }
  };

  const raw = read(lin, out[0], out[1]);
  const freeIdx = [...out, ...wrt].filter((x): x is Index => x !== null);
  return collect(
    b,
    raw.map((t) => simplifyTerm(b, t, freeIdx)).filter((t): t is Term => t !== null),
  );
}

function tooMany(): never {
  return unsupported(`the index form has more than ${MAX_TERMS} terms`);
}

// ---------------------------------------------------------------- simplification of one term

/** Number of transpose marks in a node (how it prints). */
function marks(n: Node): number {
  let k = 0;
  for (const m of topoOrder([n])) if (m.op === "transpose") k++;
  return k;
}

/**
 * Contract deltas, merge index pairs into matrix products, traces and sums, pull scalars out, orient each
 * factor with the fewest transposes, and rename summation indices canonically. Null when the term is 0.
 */
export function simplifyTerm(b: Builder, t0: RawTerm, free: readonly Index[]): Term | null {
  const isFree = (x: Index) => free.includes(x);
  let coef = t0.coef;
  const scalars: Node[] = [];
  let fs: Factor[] = [];
  const orphanDim = (d: Dim) => {
    scalars.push(typeof d === "number" ? b.num(d) : b.tr(b.eye(d)));
  };
  const push = (f: Factor) => {
    if (f.frechet) {
      fs.push(f);
      return;
    }
    let n = f.node;
    if (b.isZero(n)) {
      coef = 0;
      return;
    }
    if (n.op === "const") {
      coef *= n.num!;
      return;
    }
    if (isScalarShape(n.shape)) {
      scalars.push(n);
      return;
    }
    if (n.op === "times") {
      for (const a of n.args.slice(0, -1)) {
        if (a.op === "const") coef *= a.num!;
        else scalars.push(a);
      }
      n = n.args[n.args.length - 1]!;
    }
    // A row vector is its transpose, a column: (v')_p = v_p.
    if (f.slots[0] === null && f.slots[1] !== null) {
      push({ node: b.transpose(n), slots: [f.slots[1], null] });
      return;
    }
    // Diagonal matrices are a vector and a delta: diag(v)_pq = v_p delta(p,q); (diag(v)*A)_pq = v_p A_pq.
    const [p, q] = f.slots;
    if (p !== null && q !== null) {
      if (n.op === "diagm") {
        push({ node: n.args[0]!, slots: [p, null] });
        push({ node: b.eye(n.shape[0]), slots: [p, q] });
        return;
      }
      // An outer product splits at its inner dimension 1: (u*v')_pq = u_p v_q.
      const k = n.op === "mul" ? n.args.findIndex((a, i) => i < n.args.length - 1 && a.shape[1] === 1) : -1;
      if (k >= 0) {
        push({ node: b.mulList(n.args.slice(0, k + 1)), slots: [p, null] });
        push({ node: b.mulList(n.args.slice(k + 1)), slots: [null, q] });
        return;
      }
      if (n.op === "mul" && n.args[0]!.op === "diagm") {
        push({ node: n.args[0]!.args[0]!, slots: [p, null] });
        push({ node: b.mulList(n.args.slice(1)), slots: [p, q] });
        return;
      }
      if (n.op === "mul" && n.args[n.args.length - 1]!.op === "diagm") {
        push({ node: n.args[n.args.length - 1]!.args[0]!, slots: [q, null] });
        push({ node: b.mulList(n.args.slice(0, -1)), slots: [p, q] });
        return;
      }
    }
    fs.push({ node: n, slots: f.slots as Slots });
  };
  for (const f of t0.factors) push(f);
  if (coef === 0) return null;

  const count = (ix: Index) => {
    let k = 0;
    for (const f of fs) for (const s of f.slots) if (s === ix) k++;
    return k;
  };
  const rename = (from: Index, to: Index) => {
    fs = fs.map((f) => withSlots(f, f.slots.map((x) => (x === from ? to : x))));
  };
  // A matrix transposed; a Fréchet tensor at X' (L_f(X, E)' = L_f(X', E'), so D_f(X)_rcab = D_f(X')_crba, and
  // likewise D2_f(X)_rcabmn = D2_f(X')_crbanm): every pair of slots swaps.
  const flip = (f: Factor): Factor => withSlots({ ...f, node: b.transpose(f.node) }, f.slots.map((_, i) => f.slots[i ^ 1] ?? null));

  for (let changed = true, rounds = 0; changed && coef !== 0; rounds++) {
    invariant(rounds < 10_000, "index form simplification does not terminate");
    changed = false;
    // Deltas and ones: contract a summation index into the other slot; ones factors carry no information.
    for (let i = 0; i < fs.length && !changed; i++) {
      const f = fs[i]!;
      const [p, q] = f.slots;
      if (f.frechet) continue;
      if (f.node.op === "ones") {
        fs.splice(i, 1);
        f.slots.forEach((s, axis) => {
          if (s !== null && !isFree(s) && count(s) === 0) orphanDim(f.node.shape[axis]!);
        });
        changed = true;
      } else if (f.node.op === "eye" && p !== null && q !== null) {
        if (p === q) {
          fs.splice(i, 1);
          if (count(p) === 0) orphanDim(f.node.shape[0]);
          changed = true;
        } else if (!isFree(p) || !isFree(q)) {
          fs.splice(i, 1);
          if (!isFree(p)) rename(p, q);
          else rename(q, p);
          changed = true;
        }
      }
    }
    if (changed) continue;
    // Two factors over the same indices are one elementwise product: x_i*y_i = (x .* y)_i; delta^2 = delta.
    for (let i = 0; i < fs.length && !changed; i++) {
      for (let j = i + 1; j < fs.length && !changed; j++) {
        const [f, g] = [fs[i]!, fs[j]!];
        if (f.frechet || g.frechet) continue;
        const same = f.slots[0] === g.slots[0] && f.slots[1] === g.slots[1];
        const crossed = f.slots[0] !== null && f.slots[1] !== null && f.slots[0] === g.slots[1] && f.slots[1] === g.slots[0];
        if ((!same && !crossed) || (f.node.op === "eye") !== (g.node.op === "eye")) continue;
        // x_p*y_p summed over p alone is a product, x'*y, which the summation rule below writes.
        if (f.slots.some((x) => x !== null && !isFree(x) && count(x) === 2)) continue;
        const h = crossed ? flip(g) : g;
        fs = fs.filter((_, k) => k !== i && k !== j);
        if (f.node.op === "eye" && h.node.op === "eye") fs.push(f);
        else push({ node: b.hadamard(f.node, h.node), slots: f.slots as Slots });
        changed = true;
      }
    }
    if (changed) continue;
    // Summation indices: a pair in two factors is a matrix product; in one factor a trace; alone a sum. An
    // index of a Fréchet tensor stays a summation.
    const seen = new Set<Index>();
    for (const f of fs) for (const s of f.slots) if (s !== null && !isFree(s)) seen.add(s);
    for (const s of seen) {
      const where: { fi: number; pos: 0 | 1 }[] = [];
      fs.forEach((f, fi) => f.slots.forEach((x, pos) => x === s && where.push({ fi, pos: pos as 0 | 1 })));
      if (where.some((w) => fs[w.fi]!.frechet)) continue;
      if (where.length === 2 && where[0]!.fi !== where[1]!.fi) {
        const [w1, w2] = where as [{ fi: number; pos: 0 | 1 }, { fi: number; pos: 0 | 1 }];
        let F = fs[w1.fi]!;
        let G = fs[w2.fi]!;
        if (w1.pos === 0) F = flip(F);
        if (w2.pos === 1) G = flip(G);
        const merged: Factor = { node: b.prod(F.node, G.node), slots: [F.slots[0]!, G.slots[1]!] };
        fs = fs.filter((_, k) => k !== w1.fi && k !== w2.fi);
        push(merged);
        changed = true;
        break;
      }
      if (where.length === 2) {
        const f = fs[where[0]!.fi]!;
        fs.splice(where[0]!.fi, 1);
        push({ node: b.tr(f.node), slots: [null, null] });
        changed = true;
        break;
      }
      if (where.length === 1) {
        const { fi, pos } = where[0]!;
        let f = fs[fi]!;
        fs.splice(fi, 1);
        const other = f.slots[1 - pos] ?? null;
        if (other === null || (!isFree(other) && count(other) === 0)) {
          push({ node: b.sum(f.node), slots: [null, null] });
        } else {
          if (pos === 0) f = flip(f);
          push({ node: b.prod(f.node, b.ones([f.node.shape[1], 1])), slots: [f.slots[0], null] });
        }
        changed = true;
        break;
      }
    }
  }
  if (coef === 0) return null;

  // Orientation: columns over rows for vectors; the form with fewer transpose marks for matrices and Fréchet
  // tensors (at X or X'); for a tie (or a symmetric factor), the first two slots in the order of the free indices.
  // A second Fréchet tensor is symmetric in its directions (D2_f(X)_rcabmn = D2_f(X)_rcmnab, as L2_f(X, E, F) =
  // L2_f(X, F, E)): the pair with the earlier free indices comes first.
  const rank = (x: Index | null) => (x === null ? -1 : isFree(x) ? free.indexOf(x) : free.length);
  const orient = (f: Factor): Factor => {
    const [p, q] = f.slots;
    if (p === null && q !== null) return flip(f);
    if (p === null || q === null) return f;
    const t = b.transpose(f.node);
    const mt = marks(t);
    const mf = marks(f.node);
    if (mt < mf || (mt === mf && rank(p) > rank(q))) return flip(f);
    return f;
  };
  const directions = (f: Factor): Factor => {
    const s = f.slots;
    if (s.length !== 6) return f;
    const [e1, e2, f1, f2] = s.slice(2).map(rank) as [number, number, number, number];
    return f1 < e1 || (f1 === e1 && f2 < e2) ? withSlots(f, [s[0], s[1], s[4], s[5], s[2], s[3]]) : f;
  };
  fs = fs.map((f) => directions(orient(f)));
  // Canonical order: by the first free index a factor carries, then by structure; then rename summations.
  const key = (f: Factor) => Math.min(...f.slots.map((x) => (x === null ? Infinity : isFree(x) ? free.indexOf(x) : free.length)));
  const isDelta = (f: Factor) => (f.node.op === "eye" ? 1 : 0);
  const byStructure = (x: Factor, y: Factor) =>
    key(x) - key(y) || isDelta(x) - isDelta(y) || b.order.compare(x.node, y.node) || compareTensors(b, x, y);
  fs.sort(byStructure);
  const names = new Map<Index, Index>();
  // Summation letters avoid the free ones and the names in the term (its sizes and variables), decided from the
  // simplified term itself, so that the text parsed back names them the same.
  const taken = namesIn([...fs.flatMap((f) => (f.frechet?.p ? [f.node, f.frechet.p] : [f.node])), ...scalars]);
  const pool = [...SUMMATION].filter((ch) => !free.includes(ch) && !taken.has(ch));
  for (const f of fs) {
    for (const s of f.slots) {
      if (s === null || isFree(s) || names.has(s)) continue;
      const nm = pool[names.size];
      if (nm === undefined) unsupported(`the index form needs more than ${pool.length} summation indices`);
      names.set(s, nm);
    }
  }
  fs = fs.map((f) => withSlots(f, f.slots.map((x) => (x !== null && names.has(x) ? names.get(x)! : x))));
  // Factors alike but for their summation indices (x_q*x_p) in the order of those indices' names.
  const slotText = (f: Factor) => f.slots.map((x) => x ?? ".").join("");
  const byNames = (x: Factor, y: Factor) =>
    key(x) < free.length ? 0 : slotText(x) < slotText(y) ? -1 : slotText(x) > slotText(y) ? 1 : 0;
  fs.sort((x, y) => byStructure(x, y) || byNames(x, y));
  const scalar = scalars.length === 0 ? b.num(1) : b.timesList(scalars);
  const [c2, rest] = b.splitCoef(scalar);
  if (coef * c2 === 0) return null;
  return { coef: coef * c2, factors: fs, scalar: rest };
}

/** Matrices before Fréchet tensors at the same node; tensors by op, then by exponent. */
function compareTensors(b: Builder, x: Factor, y: Factor): number {
  if (!x.frechet || !y.frechet) return (x.frechet ? 1 : 0) - (y.frechet ? 1 : 0);
  if (x.frechet.op !== y.frechet.op) return x.frechet.op < y.frechet.op ? -1 : 1;
  const [p, q] = [x.frechet.p, y.frechet.p];
  return p && q ? b.order.compare(p, q) : 0;
}

const factorKey = (f: Factor) =>
  `${f.frechet ? `${f.frechet.op}${f.frechet.p ? `^${f.frechet.p.id}` : ""}:` : ""}${f.node.id}[${f.slots.map((x) => x ?? ".").join(",")}]`;
const termKey = (t: Term) => t.factors.map(factorKey).join(" ");

/** Collect like terms (same factors: coefficients and scalars add up) and sort them canonically. */
export function collect(b: Builder, terms: readonly Term[]): Term[] {
  const groups = new Map<string, Term[]>();
  for (const t of terms) {
    const k = termKey(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  const out: Term[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const s = b.addList(g.map((t) => b.times(b.num(t.coef), t.scalar)));
    const [c, rest] = b.splitCoef(s);
    if (c === 0 || b.isZero(rest)) continue;
    out.push({ coef: c, factors: g[0]!.factors, scalar: rest });
  }
  out.sort((x, y) => {
    const c = b.order.compareSeq(
      x.factors.map((f) => f.node),
      y.factors.map((f) => f.node),
    );
    if (c !== 0) return c;
    const ks = termKey(x) < termKey(y) ? -1 : termKey(x) > termKey(y) ? 1 : 0;
    return ks || b.order.compare(x.scalar, y.scalar);
  });
  return out;
}

// ---------------------------------------------------------------- back to matrix notation

/**
 * The matrix M with M[row, col] = the product of the factors, or null when the factors do not form a matrix
 * expression: a product of matrices over (row, col), scaled by vectors over row or col (diag), or an outer
 * product, or a delta (a diagonal matrix). Null indices stand for axes of size 1.
 */
function factorsToMatrix(
  b: Builder,
  fs: readonly Factor[],
  row: Index | null,
  col: Index | null,
  rowDim: Dim,
  colDim: Dim,
): Node | null {
  const mats: Node[] = [];
  const us: Node[] = [];
  const vs: Node[] = [];
  let delta = false;
  for (const f of fs) {
    if (f.frechet) return null;
    const [p, q] = f.slots;
    const is = (x: Index | null, want: Index | null) => x !== null && x === want;
    if (f.node.op === "eye" && p !== null && p !== q && ((is(p, row) && is(q, col)) || (is(p, col) && is(q, row)))) {
      delta = true;
    } else if (p !== null && q !== null && p === q && (is(p, row) || is(p, col))) {
      (is(p, row) ? us : vs).push(b.diagv(f.node));
    } else if (is(p, row) && is(q, col)) mats.push(f.node);
    else if (is(p, col) && is(q, row)) mats.push(b.transpose(f.node));
    else if (q === null && is(p, row)) us.push(f.node);
    else if (q === null && is(p, col)) vs.push(f.node);
    else return null;
  }
  const u = us.length === 0 ? null : b.hadamardList(us);
  const v = vs.length === 0 ? null : b.hadamardList(vs);
  if (delta) {
    if (rowDim !== colDim) return null;
    const parts = [...(u ? [u] : []), ...(v ? [v] : []), ...mats.map((m) => b.diagv(m))];
    return parts.length === 0 ? b.eye(rowDim) : b.diagm(b.hadamardList(parts));
  }
  if (mats.length > 0) {
    const chain: Node[] = [];
    if (u) chain.push(b.diagm(u));
    chain.push(mats.length === 1 ? mats[0]! : b.hadamardList(mats));
    if (v) chain.push(b.diagm(v));
    return b.mulList(chain);
  }
  if (row === null && col === null) return b.num(1);
  const left = u ?? (row === null ? null : b.ones([rowDim, 1]));
  const right = v ?? (col === null ? null : b.ones([colDim, 1]));
  if (left && right) return b.mul(left, b.transpose(right));
  return left ?? b.transpose(right!);
}

const scaled = (b: Builder, t: Term, m: Node) => b.times(b.num(t.coef), t.scalar, m);

/** All terms as one matrix over (row, col), or null. */
export function termsToMatrix(
  b: Builder,
  terms: readonly Term[],
  row: Index | null,
  col: Index | null,
  dims: ReadonlyMap<Index, Dim>,
  shape: Shape,
): Node | null {
  if (terms.length === 0) return b.zeros(shape);
  const rowDim = row === null ? 1 : dims.get(row)!;
  const colDim = col === null ? 1 : dims.get(col)!;
  const parts: Node[] = [];
  for (const t of terms) {
    const m = factorsToMatrix(b, t.factors, row, col, rowDim, colDim);
    if (!m) return null;
    parts.push(scaled(b, t, m));
  }
  const r = b.addList(parts);
  invariant(r.shape[0] === shape[0] && r.shape[1] === shape[1], "termsToMatrix: shape");
  return r;
}

/**
 * Kronecker form of a tensor with rows (r1, r2) and columns (c1, c2), first index fastest: a term that splits
 * into P[r2, c2] * Q[r1, c1] is kron(P, Q), since kron(P, Q)[r1 + R1*r2, c1 + C1*c2] = P[r2, c2]*Q[r1, c1]
 * (so vec(Q*E*P') = kron(P, Q)*vec(E) with vec stacking columns). A single row (or column) index may sit on
 * either side, the other side having size 1. Null when some term couples the sides (as a transposed dX does).
 */
export function termsToKron(
  b: Builder,
  terms: readonly Term[],
  rows: readonly Index[],
  cols: readonly Index[],
  dims: ReadonlyMap<Index, Dim>,
  shape: Shape,
): Node | null {
  if (terms.length === 0) return b.zeros(shape);
  const dim = (x: Index | null) => (x === null ? 1 : dims.get(x)!);
  const place = (ix: readonly Index[]): [Index | null, Index | null][] =>
    ix.length === 2 ? [[ix[0]!, ix[1]!]] : ix.length === 1 ? [[ix[0]!, null], [null, ix[0]!]] : [[null, null]];
  const pairs: { P: Node; Q: Node }[] = [];
  for (const t of terms) {
    let found: { P: Node; Q: Node } | null = null;
    for (const [r1, r2] of place(rows)) {
      for (const [c1, c2] of place(cols)) {
        if (found) break;
        const left: Factor[] = [];
        const right: Factor[] = [];
        let ok = true;
        for (const f of t.factors) {
          const xs = f.slots.filter((x): x is Index => x !== null);
          if (xs.every((x) => x === r1 || x === c1)) left.push(f);
          else if (xs.every((x) => x === r2 || x === c2)) right.push(f);
          else ok = false;
        }
        if (!ok) continue;
        const Q = factorsToMatrix(b, left, r1, c1, dim(r1), dim(c1));
        const P = factorsToMatrix(b, right, r2, c2, dim(r2), dim(c2));
        if (Q && P) found = { P, Q: scaled(b, t, Q) };
      }
    }
    if (!found) return null;
    pairs.push(found);
  }
  // kron(P, Q1) + kron(P, Q2) = kron(P, Q1 + Q2), then kron(P1, Q) + kron(P2, Q) = kron(P1 + P2, Q).
  const group = (xs: { P: Node; Q: Node }[], by: "P" | "Q") => {
    const m = new Map<number, { P: Node; Q: Node }[]>();
    for (const x of xs) {
      const k = x[by].id;
      const g = m.get(k);
      if (g) g.push(x);
      else m.set(k, [x]);
    }
    return [...m.values()].map((g) =>
      by === "P" ? { P: g[0]!.P, Q: b.addList(g.map((x) => x.Q)) } : { P: b.addList(g.map((x) => x.P)), Q: g[0]!.Q },
    );
  };
  const merged = group(group(pairs, "P"), "Q");
  const r = b.addList(merged.map((x) => b.kron(x.P, x.Q)));
  invariant(r.shape[0] === shape[0] && r.shape[1] === shape[1], "termsToKron: shape");
  return r;
}
