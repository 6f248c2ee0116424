// The shared driver of code generation: walks the plan (plan.ts) and asks the target's rule table for each term's code.
// Terms used more than once, or too long to inline, get a temporary (t1, t2, ...), as the printer names shared parts.

import { type Differentiated, derivativeAxes, isTensorValued, tensorPermutation } from "../api/differentiate.js";
import { MatcalcError } from "../diagnostics/errors.js";
import type { Node } from "../ir/node.js";
import type { Dim, Prop, Shape } from "../shape/shape.js";
import { VERSION } from "../version.js";
import { type Kind, type LOp, OPAQUE, type Term, kindOf, termOrder } from "./lir.js";
import { type DemoInfo, demoInfo } from "./demo.js";
import { planIndexForm } from "./index-form.js";
import { type Plan, planProgram } from "./plan.js";

/** A piece of target code and how tightly it binds (higher binds tighter; each target has its own scale). */
export interface Code {
  readonly s: string;
  readonly prec: number;
  /** Set when `s` is the transpose of another piece of code: transposing again gives that back. */
  readonly base?: Code;
}

export interface EmitContext {
  kind(t: Term): Kind;
  /** The code of a dimension: its name (bound from the inputs) or its number. */
  dim(d: Dim): string;
  /** Marks a helper function of the target as used (it is written into the module). */
  helper(name: string): void;
  /** Marks a module import as used (Python targets). */
  use(module: string): void;
}

export type Rule = (t: Term, a: readonly Code[], cx: EmitContext) => Code;

export interface InputVar {
  /** The name in matcalc's language (the key of `values`). */
  readonly name: string;
  /** The name in the generated code (differs when the name is a keyword of the target). */
  readonly local: string;
  readonly shape: Shape;
  readonly kind: Kind;
  readonly props: readonly Prop[];
}

export interface Statement {
  readonly name: string;
  readonly code: Code;
  readonly term: Term;
}

/** Everything a target needs to write its module. */
export interface ModuleInfo {
  readonly header: readonly string[];
  readonly inputs: readonly InputVar[];
  /** Symbolic dimensions, each bound from the first input that has it. */
  readonly dims: readonly { readonly name: string; readonly local: string; readonly from: InputVar; readonly axis: 0 | 1 }[];
  readonly statements: readonly Statement[];
  readonly value: { readonly name: string; readonly shape: Shape; readonly kind: Kind };
  readonly derivative: { readonly name: string; readonly shape: Shape; readonly kind: Kind };
  /**
   * Set when the derivative is returned as an N-D array (a tensor of more than two axes, unless matricized): the
   * matricized matrix D computed by the statements becomes out = (transposed ? D : D').reshape(reversed sizes)
   * .transpose(axes) in row-major order (`tensorReshape`), whose axes are those of the JSON contract.
   */
  readonly tensor: TensorOut | null;
  /** What the module does when run as a script: random values, the value, the derivative's shape and a check. */
  readonly demo: DemoInfo;
  readonly helpers: ReadonlySet<string>;
  readonly modules: ReadonlySet<string>;
}

/** How a matricized derivative becomes the N-D array of the JSON contract (see ModuleInfo.tensor). */
export interface TensorOut {
  /** Whether D is the matricized numerator tensor's transpose (denominator layout). */
  readonly transposed: boolean;
  /** The sizes of the numerator tensor's axes, last first (codes of dimensions). */
  readonly reversed: readonly string[];
  /** Axis t of the result is axis axes[t] of the reshaped (reversed) array. */
  readonly axes: readonly number[];
  /** The result's shape (codes of dimensions) and, for the header, its axes as dimensions. */
  readonly shape: readonly string[];
}

export interface EmitOptions {
  /** Return tensors as the matricized matrix dvec(f)/dvec(X) (as the answer's text reads), not as N-D arrays. */
  readonly matricize?: boolean;
}

export interface TargetSpec {
  readonly rules: Readonly<Record<LOp, Rule>>;
  /** Transposes cost nothing (array views): they are never named, and their uses count as uses of their argument. */
  readonly freeTranspose: boolean;
  /** Names the generated code may not use for variables or temporaries. */
  readonly reserved: ReadonlySet<string>;
  /** The precedence of a bare name. */
  readonly atom: number;
  /** Longest code kept inline; longer code is named. */
  readonly maxInline: number;
  /** Code of a plain name. */
  readonly isName: (s: string) => boolean;
  readonly module: (m: ModuleInfo) => string;
}

/**
 * The Fréchet derivative that a frechetTensor term applies to every unit direction: a term of the Fréchet op (or of
 * eighFrechet) whose point is the parameter _x (an eigendecomposition stands for it as it is) and whose direction
 * is the parameter _e, with the codes of its arguments (`atom`: the target's precedence of a name).
 */
export function frechetDirection(t: Term, a: readonly Code[], atom: number): { inner: Term; codes: Code[] } {
  const x = t.args[0]!;
  const [op, attr = ""] = t.attr.split("/") as [LOp, string?];
  const param = (s: string): Term => ({ id: -1, op: "var", args: [], shape: x.shape, attr: s, node: null });
  const eig = op === "eighFrechet";
  return {
    inner: { ...t, op, attr, args: [...(eig ? [] : [param("_x")]), ...t.args.slice(1), param("_e")], shape: x.shape },
    codes: [...(eig ? [] : [{ s: "_x", prec: atom }]), ...a.slice(1), { s: "_e", prec: atom }],
  };
}

/** "df/dx", "d^2f/dx^2" (as the CLI prints them). */
function leibniz(wrt: string, order: number): string {
  return order === 1 ? `df/d${wrt}` : `d^${order}f/d${wrt}^${order}`;
}

function headerLines(d: Differentiated, target: string, order: readonly Term[]): string[] {
  const what = d.kind === "derivative" && d.order > 1 ? `derivative of order ${d.order}` : d.kind;
  const index = !d.result.expr;
  const lines = [
    `Generated by matcalc ${VERSION} (${target}): the function and its ${what}, computed together.`,
    `  f(${d.wrt}) = ${d.function.text}`,
    index ? `  ${d.derivative.text}` : `  ${leibniz(d.wrt, d.order)} = ${d.derivative.text}`,
    `  ${d.convention}`,
  ];
  if (index) lines.push("  computed from the index form: one einsum per term over its factors, deltas as identity matrices");
  if (order.some((t) => t.op === "frechetTensor")) {
    lines.push("  a Fréchet tensor D(X)_ijkl is built from n^2 Fréchet derivatives, one per direction e_k e_l': for moderate n");
  }
  if (d.assumptions.length > 0) lines.push(`  assuming ${d.assumptions.join(", ")}`);
  for (const n of d.notes) lines.push(`  note: ${n}`);
  return lines;
}

/**
 * The cheaper of the presented (factored) derivative and the raw one, by the planner's flop count; a derivative
 * with only an index form is planned term by term (index-form.ts).
 */
function choosePlan(d: Differentiated): Plan {
  const c = d.compiled;
  const ctx = { isSymmetric: (n: Node) => c.b.isSymmetric(n), transpose: (n: Node) => c.b.transpose(n) };
  const { expr, raw: rawExpr } = d.result;
  if (!expr || !rawExpr) return planIndexForm(d, ctx);
  const presented = planProgram([c.f, expr], ctx);
  if (rawExpr === expr) return presented;
  const raw = planProgram([c.f, rawExpr], ctx);
  return raw.cost < presented.cost ? raw : presented;
}

/** Names: the variables' own when the target allows, then t1, t2, ... avoiding everything taken. */
class Names {
  private readonly taken = new Set<string>();
  private counter = 1;
  constructor(private readonly reserved: ReadonlySet<string>) {}
  claim(wanted: string): string {
    let name = wanted;
    while (this.reserved.has(name) || this.taken.has(name)) name = `${name}_`;
    this.taken.add(name);
    return name;
  }
  temp(prefix = "t"): string {
    let name = `${prefix}${this.counter++}`;
    while (this.reserved.has(name) || this.taken.has(name)) name = `${prefix}${this.counter++}`;
    this.taken.add(name);
    return name;
  }
}

export function emitModule(d: Differentiated, target: string, spec: TargetSpec, opts: EmitOptions = {}): string {
  const c = d.compiled;
  const plan = choosePlan(d);
  const [valueRoot, derivRoot] = plan.roots as [Term, Term];
  const names = new Names(spec.reserved);

  // inputs and dimensions
  const vars = [...c.vars.values()].sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1));
  const inputs: InputVar[] = vars.map((v) => ({
    name: v.name,
    local: names.claim(v.name),
    shape: v.shape,
    kind: kindOf(v.shape),
    props: v.props,
  }));
  const localOf = new Map(inputs.map((v) => [v.name, v.local]));
  const dims: { name: string; local: string; from: InputVar; axis: 0 | 1 }[] = [];
  const dimLocal = new Map<string, string>();
  for (const v of inputs) {
    v.shape.forEach((dim, axis) => {
      if (typeof dim === "string" && !dimLocal.has(dim)) {
        const local = names.claim(dim);
        dimLocal.set(dim, local);
        dims.push({ name: dim, local, from: v, axis: axis as 0 | 1 });
      }
    });
  }

  const helpers = new Set<string>();
  const modules = new Set<string>();
  const cx: EmitContext = {
    kind: (t) => kindOf(t.shape),
    dim: (dim) => {
      if (typeof dim === "number") return String(dim);
      if (dim.includes("*")) return dim.split("*").map((p) => cx.dim(/^\d+$/.test(p) ? Number(p) : p)).join(" * ");
      const local = dimLocal.get(dim);
      if (!local) throw new MatcalcError("unsupported", `code generation: dimension '${dim}' is not the size of any variable`);
      return local;
    },
    helper: (h) => helpers.add(h),
    use: (m) => modules.add(m),
  };

  // uses of each term (through free transposes)
  const order = termOrder([valueRoot, derivRoot]);
  const refs = new Map<number, number>();
  for (const t of order) for (const a of t.args) refs.set(a.id, (refs.get(a.id) ?? 0) + 1);
  const isView = (t: Term) => spec.freeTranspose && t.op === "transpose";
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    if (isView(t)) refs.set(t.args[0]!.id, (refs.get(t.args[0]!.id) ?? 0) + (refs.get(t.id) ?? 0) - 1);
  }

  const codes = new Map<number, Code>();
  const statements: Statement[] = [];
  const valueName = names.claim("value");
  const derivName = names.claim("derivative");
  for (const t of order) {
    const args = t.args.map((a) => codes.get(a.id)!);
    let code: Code;
    if (t.op === "var") code = { s: localOf.get(t.attr)!, prec: spec.atom };
    else code = spec.rules[t.op](t, args, cx);
    // a root that is a plain name (an input, say) is assigned at the end, so other code keeps using that name
    const isRootV = t === valueRoot && !spec.isName(code.s), isRootD = t === derivRoot && !spec.isName(code.s);
    const many = (refs.get(t.id) ?? 0) >= 2;
    const bind =
      isRootV ||
      isRootD ||
      OPAQUE.has(t.op) ||
      (!isView(t) && !spec.isName(code.s) && t.op !== "const" && (many || code.s.length > spec.maxInline));
    if (bind) {
      const name = isRootV ? valueName : isRootD ? derivName : OPAQUE.has(t.op) ? opaqueName(t, args, names) : names.temp();
      statements.push({ name, code, term: t });
      codes.set(t.id, { s: name, prec: spec.atom });
    } else codes.set(t.id, code);
  }
  const assigned = new Set(statements.map((st) => st.name));
  if (!assigned.has(valueName)) statements.push({ name: valueName, code: codes.get(valueRoot.id)!, term: valueRoot });
  if (!assigned.has(derivName)) {
    const code = valueRoot === derivRoot ? { s: valueName, prec: spec.atom } : codes.get(derivRoot.id)!;
    statements.push({ name: derivName, code, term: derivRoot });
  }
  let tensor: TensorOut | null = null;
  if (isTensorValued(d) && !opts.matricize) {
    const perm = tensorPermutation(d);
    const k = perm.length;
    tensor = {
      transposed: d.layout === "denominator" && d.kind !== "hessian",
      reversed: [...d.result.axes].reverse().map((x) => cx.dim(x)),
      axes: perm.map((a) => k - 1 - a),
      shape: derivativeAxes(d).map((x) => cx.dim(x)),
    };
  }
  const header = headerLines(d, target, order);
  if (tensor) header.push(`  the derivative is returned as an array of shape (${derivativeAxes(d).join(", ")}), axes [${lhsAxes(d)}]`);
  else if (isTensorValued(d)) header.push(`  the derivative is returned matricized: the ${d.result.shape.join(" x ")} matrix the convention describes`);
  return spec.module({
    header,
    inputs,
    dims,
    statements,
    value: { name: valueName, shape: valueRoot.shape, kind: kindOf(valueRoot.shape) },
    derivative: { name: derivName, shape: derivRoot.shape, kind: kindOf(derivRoot.shape) },
    tensor,
    demo: demoInfo(d, opts),
    helpers,
    modules,
  });
}

/** chol_S, lu_A, eig_X for factorizations of a variable; chol1, lu2, eig3, ... otherwise. */
function opaqueName(t: Term, args: readonly Code[], names: Names): string {
  const base = t.op === "eigh" ? "eig" : t.attr;
  return t.args[0]!.op === "var" ? names.claim(`${base}_${args[0]!.s}`) : names.temp(base);
}

/** The index letters of the derivative's N-D axes in the answer's layout, e.g. "i, j, k, l" for df_ij/dX_kl. */
function lhsAxes(d: Differentiated): string {
  const form = d.result.index();
  const letters = [...form.f, ...form.levels.flatMap((l) => l.idx)];
  return tensorPermutation(d).map((a) => letters[a]!).join(", ");
}
