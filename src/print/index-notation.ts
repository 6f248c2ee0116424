// Index (Einstein) notation as text and LaTeX, and the text parsed back: `df_ij/dX_kl = A_ik*B_lj`, deltas
// as delta(i,k), the tensor of a Fréchet derivative as Dexpm(X)_ijkl (LaTeX [L_exp(X)]_{ijkl}), of a second one
// as D2expm(X)_ijklmn (LaTeX [L^(2)_exp(X)]_{ijklmn}); every index not on the left is summed. One module holds the notation's reader and writers.

import { MatcalcError } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import {
  FRECHET2_OF,
  FRECHET_OF,
  type Frechet2Op,
  type FrechetOp,
  MATRIX_FUNCTIONS,
  type MatrixFunction,
  isFrechet2Op,
  isFrechetOp,
} from "../ir/matrix-functions.js";
import { type Node, topoOrder } from "../ir/node.js";
import { OP_NAMES } from "../ir/ops.js";
import type { Dim } from "../shape/shape.js";
import {
  type Factor,
  type FactorSlots,
  type Index,
  type IndexForm,
  type Level,
  type RawTerm,
  type Slots,
  type Term,
  collect,
  simplifyTerm,
} from "../diff/tensor.js";
import { latexName, toLatex } from "./latex.js";
import { asFraction } from "../ir/fraction.js";
import { toText } from "./text.js";

const PLAIN = { shareMinLength: Number.POSITIVE_INFINITY } as const;

// ---------------------------------------------------------------- text

/** The left-hand side: df_ij/dX_kl, df/dX_ij, d2f/dX_ij dX_kl, df_ij/dt. */
export function lhsText(t: Pick<IndexForm, "f" | "levels">): string {
  const k = t.levels.length;
  const f = `d${k > 1 ? k : ""}f${t.f.length > 0 ? `_${t.f.join("")}` : ""}`;
  return `${f}/${t.levels.map((l) => `d${l.name}${l.idx.length > 0 ? `_${l.idx.join("")}` : ""}`).join(" ")}`;
}

function numText(c: number): string {
  const fr = asFraction(c);
  if (fr) return `${fr[0]}/${fr[1]}`;
  return Number.isInteger(c) ? String(c) : String(c).replace("e+", "e");
}

/** An identifier, or a call f(...) whose first parenthesis closes at the end. */
function isAtomic(s: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(s) || /^\d+(\.\d+)?$/.test(s)) return true;
  const m = /^[A-Za-z][A-Za-z0-9_]*\(/.exec(s);
  if (!m) return false;
  return closing(s, m[0].length - 1) === s.length - 1;
}

/** Index of the parenthesis that closes the one at `open`, or -1. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

const idxOf = (slots: FactorSlots) => slots.filter((x) => x !== null).join("");

type TensorOp = FrechetOp | Frechet2Op;

/** The matrix function whose (second) Fréchet derivative op is given. */
const functionOf = (op: TensorOp): MatrixFunction => (isFrechetOp(op) ? FRECHET_OF[op] : FRECHET2_OF[op]);

/** The name of the tensor of a (second) Fréchet derivative in text: Dexpm, ..., Dpowm; D2expm, ..., D2powm. */
const tensorName = (op: TensorOp) => `D${op.slice(1)}`;

/** The (second) Fréchet op of each tensor name, from the op table: what the text reads back. */
const TENSOR_OPS: ReadonlyMap<string, TensorOp> = new Map(
  OP_NAMES.filter((op): op is TensorOp => isFrechetOp(op) || isFrechet2Op(op)).map((op) => [tensorName(op), op]),
);

/** Dexpm(X), Dpowm(X, p), D2expm(X): the tensor of a (second) Fréchet derivative, without its indices. */
function tensorText(f: Factor): string {
  const args = [f.node, ...(f.frechet!.p ? [f.frechet!.p] : [])].map((n) => toText(n, PLAIN));
  return `${tensorName(f.frechet!.op)}(${args.join(", ")})`;
}

function factorText(f: Factor): string {
  const { node, slots } = f;
  if (f.frechet) return `${tensorText(f)}_${idxOf(slots)}`;
  if (node.op === "eye") return `delta(${slots[0]},${slots[1]})`;
  if (node.op === "var" && !node.name!.includes("_")) return `${node.name}_${idxOf(slots)}`;
  const s = toText(node, PLAIN);
  // A call such as inv(X) takes its indices directly: inv(X)_ik.
  return s.includes("(") && isAtomic(s) ? `${s}_${idxOf(slots)}` : `(${s})_${idxOf(slots)}`;
}

function termParts(t: Term, num: (c: number) => string, scalar: (n: Node) => string, factor: (f: Term["factors"][number]) => string) {
  const parts: string[] = [];
  const c = Math.abs(t.coef);
  const bare = t.factors.length === 0 && t.scalar.op === "const";
  if (c !== 1 || bare) parts.push(num(c));
  if (!(t.scalar.op === "const" && t.scalar.num === 1)) parts.push(scalar(t.scalar));
  for (const f of t.factors) parts.push(factor(f));
  return parts;
}

/** The right-hand side in text: terms joined by + and -, factors by *; "0" for no terms. */
export function indexRhsText(t: IndexForm): string {
  if (t.terms.length === 0) return "0";
  const sc = (n: Node) => {
    const s = toText(n, PLAIN);
    return isAtomic(s) ? s : `(${s})`;
  };
  let out = "";
  t.terms.forEach((term, i) => {
    const body = termParts(term, numText, sc, factorText).join("*");
    const neg = term.coef < 0;
    out += i === 0 ? (neg ? `-${body}` : body) : neg ? ` - ${body}` : ` + ${body}`;
  });
  return out;
}

/** The whole equation, e.g. `df_ij/dX_kl = A_ik*B_lj`. */
export function indexText(t: IndexForm): string {
  return `${lhsText(t)} = ${indexRhsText(t)}`;
}

/**
 * What the Fréchet operators of an index form mean, once per operator, and what each Fréchet tensor in it is
 * (stated with the answer, as frechetMeanings does for answers in matrix notation).
 */
export function indexFormMeanings(t: IndexForm): string[] {
  const nodes: Node[] = [];
  const tensors = new Set<TensorOp>();
  for (const term of t.terms) {
    nodes.push(term.scalar);
    for (const f of term.factors) {
      nodes.push(f.node);
      if (f.frechet) {
        tensors.add(f.frechet.op);
        if (f.frechet.p) nodes.push(f.frechet.p);
      }
    }
  }
  const ops = new Set<TensorOp>(tensors);
  for (const n of topoOrder(nodes)) if (isFrechetOp(n.op) || isFrechet2Op(n.op)) ops.add(n.op);
  const tensorMeaning = (op: TensorOp) => {
    const fn = functionOf(op);
    const args = fn === "powm" ? "X, p" : "X";
    const D = `${tensorName(op)}(${args})`;
    const of = fn === "powm" ? "X^p" : fn;
    if (isFrechetOp(op)) {
      return `${D}_ijkl is the Fréchet derivative of ${of} at X as a tensor: ${op}(${args}, E)_ij = ${D}_ijkl*E_kl, summing over k and l`;
    }
    return (
      `${D}_ijklmn is the second Fréchet derivative of ${of} at X as a tensor: ${op}(${args}, E, F)_ij = ` +
      `${D}_ijklmn*E_kl*F_mn, summing over k, l, m and n; it is symmetric in the pairs (k,l) and (m,n)`
    );
  };
  const meaning = (op: TensorOp) => (isFrechetOp(op) ? MATRIX_FUNCTIONS[FRECHET_OF[op]].meaning : MATRIX_FUNCTIONS[FRECHET2_OF[op]].meaning2);
  return [...[...ops].sort().map(meaning), ...[...tensors].sort().map(tensorMeaning)];
}

// ---------------------------------------------------------------- LaTeX

function latexLhs(t: IndexForm): string {
  const k = t.levels.length;
  const sub = (idx: readonly Index[]) => (idx.length > 0 ? `_{${idx.join("")}}` : "");
  const num = `\\partial${k > 1 ? `^{${k}}` : ""} f${sub(t.f)}`;
  const den = t.levels.map((l: Level) => `\\partial ${subscriptable(latexName(l.name))}${sub(l.idx)}`).join("\\,");
  return `\\frac{${num}}{${den}}`;
}

/** A name that already carries a subscript (X_{1}) in parentheses, so index subscripts can follow. */
function subscriptable(n: string): string {
  return n.includes("_") ? `\\left(${n}\\right)` : n;
}

function factorLatex(f: Factor): string {
  const { node, slots } = f;
  const idx = `_{${idxOf(slots)}}`;
  if (f.frechet) {
    // [L_f(X)]_{ijkl}: the entries of the linear map E -> L_f(X, E) (Higham's notation for the operator);
    // [L^{(2)}_f(X)]_{ijklmn} those of the bilinear map (E, F) -> L2_f(X, E, F).
    const { op, p } = f.frechet;
    const sub = p ? `(\\cdot)^{${toLatex(p, PLAIN)}}` : MATRIX_FUNCTIONS[functionOf(op)].latexL;
    const order = isFrechetOp(op) ? "" : "^{(2)}";
    return `\\left[L${order}_{${sub}}\\left(${toLatex(node, PLAIN)}\\right)\\right]${idx}`;
  }
  if (node.op === "eye") return `\\delta${idx}`;
  if (node.op === "var") return `${subscriptable(latexName(node.name!))}${idx}`;
  return `\\left(${toLatex(node, PLAIN)}\\right)${idx}`;
}

/** The equation in LaTeX (KaTeX renders it): \frac{\partial f_{ij}}{\partial X_{kl}} = A_{ik} B_{lj}. */
export function indexLatex(t: IndexForm): string {
  if (t.terms.length === 0) return `${latexLhs(t)} = 0`;
  const num = (c: number) => {
    const fr = asFraction(c);
    return fr ? `\\frac{${fr[0]}}{${fr[1]}}` : String(c);
  };
  const sc = (n: Node) => {
    const s = toLatex(n, PLAIN);
    return isAtomic(toText(n, PLAIN)) ? s : `\\left(${s}\\right)`;
  };
  let out = "";
  t.terms.forEach((term, i) => {
    const body = termParts(term, num, sc, factorLatex).join(" ");
    const neg = term.coef < 0;
    out += i === 0 ? (neg ? `-${body}` : body) : neg ? ` - ${body}` : ` + ${body}`;
  });
  return `${latexLhs(t)} = ${out}`;
}

// ---------------------------------------------------------------- parsing the text back

/** Compiles one expression of the input language (with the declarations the caller knows) to a node. */
export type CompileExpr = (source: string) => Node;

function bad(msg: string): never {
  throw new MatcalcError("syntax", `index notation: ${msg}`);
}

/** Pieces of s separated by `sep` outside parentheses (a sign in 1e-3 is not a separator). */
function splitTop(s: string, seps: string): { sep: string; text: string }[] {
  const out: { sep: string; text: string }[] = [];
  let depth = 0;
  let start = 0;
  let sep = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && seps.includes(ch) && !(i > 1 && /[eE]/.test(s[i - 1]!) && /\d/.test(s[i - 2]!))) {
      out.push({ sep, text: s.slice(start, i).trim() });
      sep = ch;
      start = i + 1;
    }
  }
  out.push({ sep, text: s.slice(start).trim() });
  return out;
}

/** Slots for the letters of an index string on a node of the given shape (axes of size 1 take none). */
function slotsFor(node: Node, idx: string): Slots {
  const want = (node.shape[0] === 1 ? 0 : 1) + (node.shape[1] === 1 ? 0 : 1);
  if (idx.length !== want) bad(`'${idx}' has ${idx.length} indices for a factor with ${want} axes`);
  const letters = [...idx];
  return [node.shape[0] === 1 ? null : letters.shift()!, node.shape[1] === 1 ? null : letters.shift()!];
}

/**
 * Parses the text of indexText back into an index form (canonical, as read off by the engine). `compile`
 * turns each factor's expression into a node; delta(i,k) takes its size from the indices it joins.
 */
export function parseIndexText(b: Builder, text: string, compile: CompileExpr, fShape?: readonly [Dim, Dim]): IndexForm {
  const eq = text.indexOf(" = ");
  if (eq < 0) bad("expected 'lhs = rhs'");
  const lhs = /^d(\d*)f(?:_([a-z]+))?\/(.+)$/.exec(text.slice(0, eq).trim());
  if (!lhs) bad(`cannot read the left-hand side '${text.slice(0, eq)}'`);
  const f = [...(lhs[2] ?? "")];
  const levels: Level[] = lhs[3]!.split(" ").map((p) => {
    const m = /^d(.+?)(?:_([a-z]+))?$/.exec(p);
    if (!m) bad(`cannot read '${p}'`);
    return { name: m[1]!, idx: [...(m[2] ?? "")] };
  });
  if ((lhs[1] === "" ? 1 : Number(lhs[1])) !== levels.length) bad("the order does not match the variables");
  const dims = new Map<Index, Dim>();
  for (const l of levels) {
    const v = compile(l.name);
    const slots = slotsFor(v, l.idx.join(""));
    slots.forEach((x, a) => x !== null && dims.set(x, v.shape[a]!));
  }
  const rhs = text.slice(eq + 3).trim();
  const raw: RawTerm[] = [];
  const deltas: { term: RawTerm; p: Index; q: Index }[] = [];
  if (rhs !== "0") {
    const parts = splitTop(rhs.startsWith("-") ? rhs : `+${rhs}`, "+-").filter((p, i) => i > 0 || p.text !== "");
    for (const { sep, text: body } of parts) {
      const term: RawTerm = { coef: sep === "-" ? -1 : 1, factors: [] };
      for (const { text: piece } of splitTop(body, "*")) readFactor(piece, term);
      raw.push(term);
    }
  }
  // The function's indices take their sizes from the factors, or else from the function's shape when given.
  if (fShape) {
    const own = [...f];
    fShape.forEach((d, axis) => {
      const x = d === 1 ? null : own.shift();
      if (x !== undefined && x !== null && !dims.has(x)) dims.set(x, fShape[axis]!);
    });
  }
  // delta(i,k): its size is that of either index it joins.
  for (const { term, p, q } of deltas) {
    const d = dims.get(p) ?? dims.get(q);
    if (d === undefined) bad(`the size of delta(${p},${q}) is not known`);
    dims.set(p, d);
    dims.set(q, d);
    term.factors.push({ node: b.eye(d), slots: [p, q] });
  }
  const freeIdx = [...f, ...levels.flatMap((l) => l.idx)];
  for (const x of f) if (!dims.has(x)) bad(`the size of index ${x} is not known`);
  const terms = collect(
    b,
    raw.map((t) => simplifyTerm(b, t, freeIdx)).filter((t): t is Term => t !== null),
  );
  return { f, levels, terms, dims: new Map([...dims].filter(([x]) => freeIdx.includes(x))) };

  function readFactor(piece: string, term: RawTerm): void {
    let m: RegExpExecArray | null;
    if ((m = /^(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:\/(\d+))?$/.exec(piece))) {
      term.coef *= Number(m[1]) / (m[2] ? Number(m[2]) : 1);
      return;
    }
    if ((m = /^delta\(([a-z]),([a-z])\)$/.exec(piece))) {
      deltas.push({ term, p: m[1]!, q: m[2]! });
      return;
    }
    const call = /^(D[A-Za-z0-9]*)\(/.exec(piece);
    const tensor = call ? TENSOR_OPS.get(call[1]!) : undefined;
    if (call && tensor) {
      readTensor(piece, tensor, call[0].length - 1, term);
      return;
    }
    let src = piece;
    let idx = "";
    if (piece.startsWith("(")) {
      const close = closing(piece, 0);
      if (close < 0) bad(`unbalanced parentheses in '${piece}'`);
      src = piece.slice(1, close);
      const rest = piece.slice(close + 1);
      if (rest !== "") {
        const r = /^_([a-z]+)$/.exec(rest);
        if (!r) bad(`unexpected '${rest}' after '${piece.slice(0, close + 1)}'`);
        idx = r[1]!;
      }
    } else if ((m = /^[A-Za-z][A-Za-z0-9_]*\(/.exec(piece)) && closing(piece, m[0].length - 1) > 0) {
      // a call: inv(X)_ik, or a scalar such as tr(X)
      const close = closing(piece, m[0].length - 1);
      src = piece.slice(0, close + 1);
      const rest = piece.slice(close + 1);
      if (rest !== "") {
        const r = /^_([a-z]+)$/.exec(rest);
        if (!r) bad(`unexpected '${rest}' after '${src}'`);
        idx = r[1]!;
      }
    } else if ((m = /^([A-Za-z][A-Za-z0-9]*)_([a-z]+)$/.exec(piece))) {
      src = m[1]!;
      idx = m[2]!;
    }
    const node = compile(src);
    if (idx === "" && !(node.shape[0] === 1 && node.shape[1] === 1)) bad(`'${piece}' is not a scalar: give its indices`);
    if (idx === "") {
      term.factors.push({ node, slots: [null, null] });
      return;
    }
    const slots = slotsFor(node, idx);
    slots.forEach((x, a) => x !== null && !dims.has(x) && dims.set(x, node.shape[a]!));
    term.factors.push({ node, slots });
  }

  /**
   * Dexpm(X)_ijkl, Dpowm(X, p)_ijkl, D2expm(X)_ijklmn, D2powm(X, p)_ijklmn: the tensor of a (second) Fréchet
   * derivative (its parenthesis opens at `open`).
   */
  function readTensor(piece: string, op: TensorOp, open: number, term: RawTerm): void {
    const close = closing(piece, open);
    const name = tensorName(op);
    const [count, example] = isFrechetOp(op) ? [4, "ijkl"] : [6, "ijklmn"];
    const r = close < 0 ? null : /^_([a-z]+)$/.exec(piece.slice(close + 1));
    if (!r || r[1]!.length !== count) bad(`'${piece}': ${name}(...) takes ${count === 4 ? "four" : "six"} indices, as in ${name}(X)_${example}`);
    const pow = functionOf(op) === "powm";
    const args = splitTop(piece.slice(open + 1, close), ",").map((a) => a.text);
    if (args.length !== (pow ? 2 : 1)) bad(`'${piece}': ${name} takes ${pow ? "X and p" : "one matrix X"}`);
    const x = compile(args[0]!);
    const p = pow ? compile(args[1]!) : null;
    if (x.shape[0] !== x.shape[1] || x.shape[0] === 1) bad(`'${piece}': ${name}(X) needs a square matrix X`);
    if (p && !(p.shape[0] === 1 && p.shape[1] === 1)) bad(`'${piece}': the exponent of ${name}(X, p) must be a scalar`);
    const letters = [...r[1]!];
    for (const s of letters) if (!dims.has(s)) dims.set(s, x.shape[0]);
    term.factors.push({ node: x, slots: letters as unknown as FactorSlots, frechet: { op, p } });
  }
}
