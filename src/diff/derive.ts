// Derivatives of every kind from one algorithm: the differential (differential.ts), then a read-off:
// substitution dX = 1 for scalar variables, the adjoint pass for gradients, the Jacobian read-off for vectors,
// and the index form (tensor.ts) for tensors, given in Kronecker notation when that exists.

import { MatcalcError } from "../diagnostics/errors.js";
import type { Builder } from "../ir/builder.js";
import { substitute } from "../ir/construct.js";
import type { Node } from "../ir/node.js";
import { lhsText } from "../print/index-notation.js";
import { type Dim, type Shape, describeShape, isScalarShape, mulDims as mulOf } from "../shape/shape.js";
import { factorSums } from "../simplify/factor.js";
import { pullback } from "./adjoint.js";
import { differential } from "./differential.js";
import { jacobianOf } from "./jacobian.js";
import {
  freeLetters,
  namesIn,
  type Index,
  type IndexForm,
  type Level,
  type Slots,
  type Term,
  matricizedShape,
  readIndexForm,
  termsToKron,
  termsToMatrix,
} from "./tensor.js";

export type Layout = "numerator" | "denominator";
export type DerivativeKind = "derivative" | "gradient" | "jacobian" | "hessian" | "higher";
/** How the answer is written: matrix notation, Kronecker (vec) notation of a tensor, or index notation only. */
export type DerivativeForm = "matrix" | "kronecker" | "index";

export interface DeriveOptions {
  readonly order?: number;
  readonly layout?: Layout;
  /** Names no free index may take besides those in f (the program's sizes and variables). */
  readonly names?: ReadonlySet<string>;
}

export interface DerivativeResult {
  readonly kind: DerivativeKind;
  readonly form: DerivativeForm;
  /** The derivative, in canonical form (not factored); null when only the index form exists. */
  readonly raw: Node | null;
  /** The derivative as presented (common factors pulled out); null when only the index form exists. */
  readonly expr: Node | null;
  /** Shape of the derivative as a matrix: the matricized tensor dvec(f)/dvec(X) for tensors (layout applied). */
  readonly shape: Shape;
  /** Axes of the derivative as a tensor, numerator order: the function's, then the variable's per derivative. */
  readonly axes: readonly Dim[];
  /** df for first-order derivatives: linear in dX. */
  readonly differential: Node | null;
  readonly dX: Node;
  readonly notes: readonly string[];
  readonly convention: string;
  /** The index (Einstein) form of the derivative; for answers in matrix notation it is computed on first use. */
  index(): IndexForm;
}

function unsupported(msg: string): never {
  throw new MatcalcError("unsupported", msg);
}

interface Step {
  readonly df: Node;
  readonly dX: Node;
  /** Matrix or Kronecker form (numerator layout), or null when only the index form exists. */
  readonly value: Node | null;
  readonly kind: "derivative" | "gradient" | "jacobian";
  readonly form: DerivativeForm;
  /** The differential the answer is read from (structured directions substituted), made on demand. */
  readonly lin: () => Node;
  /** Its index form, when it was needed to find the answer. */
  readonly terms: Term[] | null;
  /** Indices of the value's own rows and columns, when it is a matrix (null axes have size 1). */
  readonly slots: Slots | null;
}

const free = (s: Slots): Index[] => s.filter((x): x is Index => x !== null);

/** The differential along directions with the structure of the variable: sym(dX) or diag(diag(dX)). */
function structured(b: Builder, df: Node, dX: Node, wrt: Node): Node {
  const props = wrt.props ?? [];
  if (props.includes("diagonal")) return substitute(b, df, new Map([[dX.id, b.diagm(b.diagv(dX))]]));
  if (props.includes("symmetric") || props.includes("spd")) {
    return substitute(b, df, new Map([[dX.id, b.times(b.num(0.5), b.add(dX, b.transpose(dX)))]]));
  }
  if (props.includes("orthogonal")) return substitute(b, df, new Map([[dX.id, tangentOrthogonal(b, wrt, dX)]]));
  return df;
}

/** The projection of E on the tangent space of the orthogonal group at X: X*skew(X'*E) = (E - X*E'*X)/2. */
export function tangentOrthogonal(b: Builder, x: Node, e: Node): Node {
  // c*E projects to c times the projection of E, so 2*(Q - A) gives Q - A - ..., not (2*(Q - A) - ...)/2
  if (e.op === "times" && e.args[0]!.op === "const") {
    return b.times(e.args[0]!, tangentOrthogonal(b, x, b.times(...e.args.slice(1))));
  }
  return b.times(b.num(0.5), b.add(e, b.neg(b.mul(x, b.transpose(e), x))));
}

const ORTHOGONAL_GRADIENT = (x: string) =>
  `${x} is orthogonal: the gradient is the Riemannian gradient, the tangent G = ${x}*skew(${x}'*G0) = (G0 - ${x}*G0'*${x})/2 ` +
  `with df = tr(G' d${x}) for every tangent d${x} = ${x}*K (K antisymmetric); G0, the gradient of the formula as written, ` +
  `depends on how the formula extends off the orthogonal matrices, G does not`;

/** One first-order step: the derivative of f (any shape, axes fs) with respect to the variable wrt (axes ws). */
function firstOrder(b: Builder, f: Node, wrt: Node, fs: Slots, ws: Slots, notes: Set<string>): Step {
  const { d, dX, notes: ns } = differential(b, f, wrt);
  for (const n of ns) notes.add(n);
  const df = d ?? b.zeros(f.shape);
  if (isScalarShape(wrt.shape)) {
    const value = substitute(b, df, new Map([[dX.id, b.num(1)]]));
    return { df, dX, value, kind: "derivative", form: "matrix", lin: () => df, terms: null, slots: fs };
  }
  if (isScalarShape(f.shape)) {
    let g = pullback(b, df, dX, b.num(1));
    const props = wrt.props ?? [];
    if (props.includes("diagonal")) {
      g = b.diagm(b.diagv(g));
      notes.add(`${wrt.name} is diagonal: the gradient is the diagonal part of the unconstrained gradient`);
    } else if (props.includes("orthogonal")) {
      g = tangentOrthogonal(b, wrt, g);
      notes.add(ORTHOGONAL_GRADIENT(wrt.name!));
    } else if (props.includes("symmetric") || props.includes("spd")) {
      g = b.times(b.num(0.5), b.add(g, b.transpose(g)));
      notes.add(
        `${wrt.name} is symmetric: the gradient is the symmetric G with df = tr(G' d${wrt.name}) for every symmetric d${wrt.name}, i.e. sym(unconstrained gradient)`,
      );
    }
    return { df, dX, value: g, kind: "gradient", form: "matrix", lin: () => structured(b, df, dX, wrt), terms: null, slots: ws };
  }
  const fVec = f.shape[1] === 1 || f.shape[0] === 1;
  const vecSlots: Slots = [free(fs)[0]!, free(ws)[0]!];
  if (fVec && wrt.shape[1] === 1) {
    const lin = f.shape[1] === 1 ? df : b.transpose(df);
    const J = jacobianOf(b, lin, dX);
    if (J) return { df, dX, value: J, kind: "jacobian", form: "matrix", lin: () => df, terms: null, slots: vecSlots };
  }
  // Tensors, and Jacobians through matrix-valued intermediates: the index form, then matrix notation.
  const lin = structured(b, df, dX, wrt);
  const props = wrt.props ?? [];
  if (props.includes("orthogonal")) {
    notes.add(
      `${wrt.name} is orthogonal: the derivative is taken along tangent directions, d${wrt.name} replaced by its projection (d${wrt.name} - ${wrt.name}*d${wrt.name}'*${wrt.name})/2`,
    );
  } else if (props.includes("diagonal")) {
    notes.add(`${wrt.name} is diagonal: the derivative is taken along diagonal directions d${wrt.name} = diag(diag(d${wrt.name}))`);
  } else if (props.includes("symmetric") || props.includes("spd")) {
    notes.add(
      `${wrt.name} is symmetric: the derivative is taken along symmetric directions, d${wrt.name} = (d${wrt.name} + d${wrt.name}')/2`,
    );
  }
  const terms = readIndexForm(b, lin, dX, fs, ws);
  const dims = dimsOf(fs, f.shape, ws, wrt.shape);
  const out = free(fs);
  const w = free(ws);
  if (out.length + w.length <= 2) {
    const shape: Shape = [dims.get(out[0]!) ?? 1, dims.get(w[0]!) ?? 1];
    const value = termsToMatrix(b, terms, out[0] ?? null, w[0] ?? null, dims, shape);
    return { df, dX, value, kind: "jacobian", form: value ? "matrix" : "index", lin: () => lin, terms, slots: value ? vecSlots : null };
  }
  const rowsDim = out.reduce<Dim>((s, x) => mulOf(s, dims.get(x)!), 1);
  const colsDim = w.reduce<Dim>((s, x) => mulOf(s, dims.get(x)!), 1);
  // A zero tensor reads "= 0" in index form (zeros(m*n, k) would not parse back).
  const value = terms.length === 0 ? null : termsToKron(b, terms, out, w, dims, [rowsDim, colsDim]);
  return { df, dX, value, kind: "jacobian", form: value ? "kronecker" : "index", lin: () => lin, terms, slots: null };
}

function dimsOf(fs: Slots, fShape: Shape, ws: Slots, wShape: Shape): Map<Index, Dim> {
  const m = new Map<Index, Dim>();
  fs.forEach((x, a) => x !== null && m.set(x, fShape[a]!));
  ws.forEach((x, a) => x !== null && m.set(x, wShape[a]!));
  return m;
}

export function derive(b: Builder, f: Node, wrt: Node, opts: DeriveOptions = {}): DerivativeResult {
  const order = opts.order ?? 1;
  const layout = opts.layout ?? "numerator";
  if (!Number.isInteger(order) || order < 1) throw new MatcalcError("usage", `order must be a positive integer, got ${order}`);
  if (order > 1 && (wrt.props ?? []).includes("orthogonal")) {
    unsupported(
      `derivatives of order ${order} with respect to the orthogonal ${wrt.name} (a Riemannian Hessian, with its curvature term) ` +
        "are not supported; declare it a matrix to differentiate the formula as written",
    );
  }
  const notes = new Set<string>();
  // Free indices i, j, k, ... are handed out to the function's axes, then to the variable's at each order; no
  // letter is the name of a size or of a variable (of f, or of the program: opts.names).
  const letters = freeLetters(new Set([...namesIn([f, wrt]), ...(opts.names ?? [])]));
  let next = 0;
  const take = (shape: Shape): Slots => {
    const pick = (d: Dim) => (d === 1 ? null : letters[next++]);
    const r = pick(shape[0]);
    const c = pick(shape[1]);
    if (r === undefined || c === undefined) {
      return unsupported(
        `the derivative of order ${order} of a ${describeShape(f.shape)} with respect to the ${describeShape(wrt.shape)} ` +
          `${wrt.name} is a tensor of order ${tensorOrder(f.shape, wrt.shape, order)}; matcalc handles tensors of order up to 4`,
      );
    }
    return [r, c];
  };
  const fSlots = take(f.shape);
  const levels: Level[] = [];
  const dims = new Map<Index, Dim>();
  fSlots.forEach((x, a) => x !== null && dims.set(x, f.shape[a]!));
  let cur: Node = f;
  let curSlots: Slots = fSlots;
  let first: Step | null = null;
  let last: Step | null = null;
  let lastWs: Slots = [null, null];
  for (let k = 1; k <= order; k++) {
    const ws = take(wrt.shape);
    lastWs = ws;
    ws.forEach((x, a) => x !== null && dims.set(x, wrt.shape[a]!));
    const step = firstOrder(b, cur, wrt, curSlots, ws, notes);
    levels.push({ name: wrt.name!, idx: free(ws) });
    first ??= step;
    last = step;
    if (k < order) {
      if (!step.value || !step.slots) {
        const total = tensorOrder(f.shape, wrt.shape, order);
        unsupported(
          `the derivative of order ${order} of a ${describeShape(f.shape)} with respect to the ${describeShape(wrt.shape)} ` +
            `${wrt.name} is a tensor of order ${total}; matcalc differentiates again only derivatives that are matrices`,
        );
      }
      cur = step.value;
      curSlots = step.slots;
    }
  }
  const step = last!;
  const fIdx = free(fSlots);
  const nonScalarWrt = !isScalarShape(wrt.shape);
  let kind: DerivativeKind;
  if (order === 1) kind = step.kind;
  else if (!nonScalarWrt) kind = order > 2 ? "higher" : "derivative";
  else if (order === 2 && isScalarShape(f.shape)) kind = "hessian";
  else kind = "higher";
  // Index form of the last step: computed now for tensors, on first use otherwise.
  let form: IndexForm | null = null;
  const index = (): IndexForm => {
    if (!form) {
      const terms = step.terms ?? readIndexForm(b, step.lin(), step.dX, curSlots, lastWs);
      form = { f: fIdx, levels, terms, dims };
    }
    return form;
  };
  let raw = step.value;
  const tensor = fIdx.length + levels.reduce((s, l) => s + l.idx.length, 0) > 2;
  if (raw && layout === "denominator" && (kind === "jacobian" || kind === "higher" || (kind === "derivative" && !isScalarShape(raw.shape)))) {
    raw = b.transpose(raw);
  }
  const matShape = raw ? raw.shape : matricizedShape(index());
  const shape: Shape = raw ? raw.shape : layout === "denominator" && kind !== "hessian" ? [matShape[1], matShape[0]] : matShape;
  const axes: Dim[] = [...fIdx.map((x) => dims.get(x)!), ...levels.flatMap((l) => l.idx.map((x) => dims.get(x)!))];
  const lhs = lhsText({ f: fIdx, levels });
  let convention: string;
  if (isScalarShape(f.shape) && !nonScalarWrt) {
    // Both scalars: no axes to lay out, so no layout to name.
    convention = order === 1 ? "ordinary derivative of a scalar by a scalar" : `ordinary derivative of order ${order} of a scalar by a scalar`;
  } else if (kind === "gradient") convention = `gradient: same shape as ${wrt.name}, df = tr(G' d${wrt.name})`;
  else if (kind === "hessian" && !tensor) {
    // Named after the variable and the index letters the index form uses: H(i,j) = d2f / dw(i) dw(j).
    const [i, j] = levels.map((l) => l.idx[0]!);
    convention = `Hessian: H(${i},${j}) = d2f / d${wrt.name}(${i}) d${wrt.name}(${j})`;
  }
  else if (kind === "hessian") {
    convention = `Hessian: the tensor ${lhs}, as the matrix d2f/dvec(${wrt.name}) dvec(${wrt.name})' (vec stacks columns)`;
  } else if (tensor) {
    const m = asMatrix(fIdx, levels, f, wrt);
    convention =
      layout === "numerator"
        ? `numerator layout: the tensor ${lhs} (output axes first, then the axes of the variable), ${m}`
        : `denominator layout: the tensor ${lhs}, ${m}, transposed (the axes of the variable first)`;
  } else {
    convention =
      layout === "numerator"
        ? "numerator layout: output axes first, then the axes of the variable"
        : "denominator layout: the axes of the variable first, then the output axes";
  }
  if (step.form === "index") {
    convention += `; no matrix notation: the answer is in index notation, summing over every index not on the left`;
  }
  return {
    kind,
    form: step.form,
    raw,
    expr: raw ? factorSums(b, raw) : null,
    shape,
    axes,
    differential: order === 1 && first ? first.df : null,
    dX: first!.dX,
    notes: [...notes],
    convention,
    index,
  };
}

/** "as the matrix with rows (i,j) and columns (k,l), first index fastest (dvec(f)/dvec(X))". */
function asMatrix(fIdx: readonly Index[], levels: readonly Level[], f: Node, wrt: Node): string {
  const rows = [...fIdx, ...levels.slice(0, -1).flatMap((l) => l.idx)];
  const cols = levels[levels.length - 1]!.idx;
  const vec = (shape: Shape, name: string) => (shape[0] === 1 || shape[1] === 1 ? name : `vec(${name})`);
  const named = levels.length === 1 ? `: d${vec(f.shape, "f")}/d${vec(wrt.shape, wrt.name!)}` : "";
  return `as the matrix with rows (${rows.join(",")}) and columns (${cols.join(",")}), first index fastest${named}`;
}

/** Order of the tensor of k-th derivatives: the non-unit axes of f plus k times those of X. */
function tensorOrder(fShape: Shape, wShape: Shape, k: number): number {
  const axes = (s: Shape) => (s[0] === 1 ? 0 : 1) + (s[1] === 1 ? 0 : 1);
  return axes(fShape) + k * axes(wShape);
}
