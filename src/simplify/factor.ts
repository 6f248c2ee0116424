// Presentation pass: pull common factors out of sums (A*x + A'*x -> (A + A')*x, 2*a - 2*b -> 2*(a - b)).
// Run on final answers only: factored forms read better but hide like terms from the canonical constructors.

import type { Builder } from "../ir/builder.js";
import { rebuildWith } from "../ir/construct.js";
import { type Node, rebuild } from "../ir/node.js";
import { asFraction } from "../ir/fraction.js";

interface Term {
  c: number;
  fs: Node[]; // product chain (length >= 1); a scalar-only term is [node]
}

function toTerm(b: Builder, t: Node): Term {
  const [c, rest] = b.splitCoef(t);
  if (rest.op === "mul") return { c, fs: [...rest.args] };
  return { c, fs: [rest] };
}

function fromTerm(b: Builder, t: Term, shape: Node["shape"]): Node {
  const core = t.fs.length === 0 ? b.eye(shape[0]) : t.fs.length === 1 ? t.fs[0]! : b.mul(...t.fs);
  return b.times(b.num(t.c), core);
}

/** The non-constant scalar factors of a term (for a 1x1 term that is not a product: the term itself). */
function scalarFactors(t: Node): Node[] {
  if (t.op === "times") return t.args.filter((a) => a.op !== "const" && a.shape[0] === 1 && a.shape[1] === 1);
  return t.shape[0] === 1 && t.shape[1] === 1 && t.op !== "const" ? [t] : [];
}

/** s*a + s*b -> s*(a + b) for scalar factors s shared by every term (by node, counted with multiplicity). */
function pullCommonScalars(b: Builder, n: Node): Node | null {
  const lists = n.args.map(scalarFactors);
  let common = lists[0]!;
  for (const l of lists.slice(1)) {
    const left = [...l];
    common = common.filter((f) => {
      const i = left.indexOf(f);
      if (i < 0) return false;
      left.splice(i, 1);
      return true;
    });
  }
  if (common.length === 0) return null;
  const inner = n.args.map((t) => {
    if (t.op !== "times") return b.num(1);
    const rest = [...t.args];
    for (const f of common) rest.splice(rest.indexOf(f), 1);
    return b.times(...rest);
  });
  const sum = b.add(...inner);
  return b.times(...common, sum.op === "add" ? factorSum(b, sum) : sum);
}

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};

function factorSum(b: Builder, n: Node): Node {
  // The recursive calls pass b.add(...) of rebuilt terms, which can collapse to a single term (-x' - (1 - x')
  // is -ones(1, n)): there is nothing to factor then.
  if (n.op !== "add") return n;
  const pulled = pullCommonScalars(b, n);
  if (pulled) return pulled;
  const terms = n.args.map((t) => toTerm(b, t));
  // 1. a common numeric coefficient, up to sign: 2*a - 2*b -> 2*(a - b), -a - b -> -(a + b), a/2 - b/2 ->
  // (a - b)/2; so that a coefficient outside the sum meets it ((2*a - 2*b)/2 is a - b)
  const m = Math.abs(terms[0]!.c);
  if (terms.every((t) => Math.abs(t.c) === m)) {
    const k = terms.every((t) => t.c < 0) ? -m : m;
    if (k !== 1) {
      const inner = factorSum(b, b.add(...terms.map((t) => fromTerm(b, { c: t.c === k ? 1 : -1, fs: t.fs }, n.shape))) as Node);
      return b.times(b.num(k), inner);
    }
  }
  // 2. the most shared first or last chain factor
  let best: { side: "L" | "R"; f: Node; idx: number[] } | null = null;
  for (const side of ["R", "L"] as const) {
    const count = new Map<number, { f: Node; idx: number[] }>();
    terms.forEach((t, i) => {
      const f = side === "R" ? t.fs[t.fs.length - 1]! : t.fs[0]!;
      if (f.shape[0] === 1 && f.shape[1] === 1) return;
      const e = count.get(f.id);
      if (e) e.idx.push(i);
      else count.set(f.id, { f, idx: [i] });
    });
    for (const e of count.values()) {
      // Factoring a term that is only the factor itself would leave eye(n) behind: not simpler.
      if (e.idx.some((i) => terms[i]!.fs.length < 2)) continue;
      if (e.idx.length >= 2 && (!best || e.idx.length > best.idx.length)) best = { side, ...e };
    }
  }
  if (!best) return n;
  const { side, f, idx } = best;
  const inner: Node[] = idx.map((i) => {
    const t = terms[i]!;
    const fs = side === "R" ? t.fs.slice(0, -1) : t.fs.slice(1);
    const shape: Node["shape"] = side === "R" ? [n.shape[0], f.shape[0]] : [f.shape[1], n.shape[1]];
    return fromTerm(b, { c: t.c, fs }, shape);
  });
  if (inner.some((x) => x.shape[0] !== inner[0]!.shape[0] || x.shape[1] !== inner[0]!.shape[1])) return n;
  const sumInner = b.add(...inner);
  const factoredInner = sumInner.op === "add" ? factorSum(b, sumInner) : sumInner;
  const grouped = side === "R" ? b.mul(factoredInner, f) : b.mul(f, factoredInner);
  const rest = terms.map((t, i) => (idx.includes(i) ? null : fromTerm(b, t, n.shape))).filter((x): x is Node => x !== null);
  if (rest.length === 0) return grouped;
  const total = b.add(grouped, ...rest);
  return total.op === "add" && total !== n ? factorSum(b, total) : total;
}

/** A sum with integer coefficients in n: n itself, or a factor of a product in it (two levels down at most). */
function integerSum(b: Builder, n: Node, depth = 0): { sum: Node; put: (s: Node) => Node } | null {
  if (n.op === "add") {
    return n.args.every((t) => Number.isSafeInteger(b.splitCoef(t)[0])) ? { sum: n, put: (s) => s } : null;
  }
  if ((n.op !== "times" && n.op !== "mul") || depth >= 2) return null;
  for (let i = 0; i < n.args.length; i++) {
    const inner = integerSum(b, n.args[i]!, depth + 1);
    if (!inner) continue;
    const put = (s: Node) => {
      const args = n.args.map((a, j) => (j === i ? inner.put(s) : a));
      return n.op === "times" ? b.timesList(args) : b.mulList(args);
    };
    return { sum: inner.sum, put };
  }
  return null;
}

/**
 * A fraction p/q times a sum whose integer coefficients share a divisor with q: the divisor cancels,
 * (2*a + 4*b)/2 -> a + 2*b, (2*A + 4*B)*x/6 -> (A + 2*B)*x/3. Null when nothing cancels.
 */
function cancelDivisor(b: Builder, n: Node): Node | null {
  const [c, rest] = b.splitCoef(n);
  const frac = asFraction(Math.abs(c));
  if (!frac) return null;
  const found = integerSum(b, rest);
  if (!found) return null;
  const terms = found.sum.args.map((t) => b.splitCoef(t));
  const h = gcd(frac[1], terms.reduce((g, [tc]) => gcd(g, Math.abs(tc)), 0));
  if (h <= 1) return null;
  const q = frac[1] / h;
  const c2 = Math.sign(c) * (q === 1 ? frac[0] : frac[0] * (1 / q));
  const inner = b.addList(terms.map(([tc, r]) => b.times(b.num(tc / h), r)));
  return b.times(b.num(c2), found.put(inner));
}

/** Factor every sum in the DAG (bottom-up). */
export function factorSums(b: Builder, root: Node): Node {
  return rebuild(root, (n, args) => {
    const m = args.every((a, i) => a === n.args[i]) ? n : rebuildWith(b, n, args);
    if (m.op === "add") return factorSum(b, m);
    return (m.op === "times" && cancelDivisor(b, m)) || m;
  });
}

