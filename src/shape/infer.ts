// Shape inference over the surface AST: declarations first, then unification through every use, then
// MatrixCalculus.org's first-letter convention for whatever is still open. Iterative: deep ASTs are fine.

import { type Span, assertNever, fail } from "../diagnostics/errors.js";
import type { Expr, Program, Stmt, TypeWord } from "../syntax/ast.js";
import { DimSolver, type DimT, DimVar, type TShape } from "./dims.js";
import { FUNCTIONS, closestName, unknownFunctionHint } from "./functions.js";
import { type Dim, PROPS, type Prop, mulDims } from "./shape.js";

export interface VarEntry {
  readonly name: string;
  shape: TShape;
  props: Prop[];
  /** How the shape came about, for the assumptions report. */
  origin: "declared" | "inferred";
  /** First place the name occurs (declaration or use). */
  span: Span | null;
}

export interface ExternalVar {
  readonly shape: readonly (string | number)[];
  readonly props?: readonly string[];
}

export interface Typed {
  readonly program: Program;
  readonly solver: DimSolver;
  readonly vars: Map<string, VarEntry>;
  /** Definitions in program order. */
  readonly defs: { name: string; expr: Expr; span: Span }[];
  readonly shapes: Map<Expr, TShape>;
  readonly body: Expr;
  /** Declared dimension symbols (rigid), e.g. n in `x: vector(n)`. */
  readonly dimNames: Set<string>;
}

const PROP_SET = new Set<string>(PROPS);
const KIND_WORDS = new Set(["scalar", "vector", "matrix"]);

/** The source text of a span, shortened for messages. */
export function snippet(source: string, span: Span): string {
  const s = source.slice(span[0], span[1]).replace(/\s+/g, " ");
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function childrenOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "num":
    case "ident":
      return [];
    case "call":
      return e.args;
    case "neg":
    case "transpose":
      return [e.arg];
    case "binary":
      return [e.left, e.right];
  }
}

/** Post-order walk with an explicit stack; visit(e) runs after all children of e. */
export function postorder(
  root: Expr,
  visit: (e: Expr) => void,
  skip?: (e: Expr) => boolean,
  kids: (e: Expr) => readonly Expr[] = childrenOf,
): void {
  const stack: { e: Expr; i: number; k: readonly Expr[] }[] = [{ e: root, i: 0, k: skip?.(root) ? [] : kids(root) }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.k.length) {
      const c = top.k[top.i++]!;
      stack.push({ e: c, i: 0, k: skip?.(c) ? [] : kids(c) });
    }
    else {
      stack.pop();
      visit(top.e);
    }
  }
}

export class Inferencer {
  readonly solver = new DimSolver();
  readonly vars = new Map<string, VarEntry>();
  readonly shapes = new Map<Expr, TShape>();
  readonly dimNames = new Set<string>();
  private readonly defShapes = new Map<string, TShape>();
  private readonly defIndex = new Map<string, { index: number; span: Span }>();
  private current = 0;

  constructor(readonly program: Program) {}

  private src(span: Span): string {
    return snippet(this.program.source, span);
  }

  // ---------------------------------------------------------------- declarations
  declare(name: string, shape: TShape, props: Prop[], span: Span | null): void {
    const prev = this.vars.get(name);
    if (prev && prev.origin === "declared") {
      const same =
        this.solver.unify(prev.shape[0], shape[0]) &&
        this.solver.unify(prev.shape[1], shape[1]) &&
        prev.props.length === props.length;
      if (!same) fail("declaration", `conflicting declarations of '${name}'`, span);
      return;
    }
    this.vars.set(name, { name, shape, props, origin: "declared", span });
  }

  private dimArg(a: { value: string | number; span: Span }): Dim {
    if (typeof a.value === "string") {
      this.dimNames.add(a.value);
      return a.value;
    }
    if (!Number.isInteger(a.value) || a.value < 1) fail("declaration", `a dimension must be a positive integer or a name`, a.span);
    return a.value;
  }

  /** Shape and properties from the words of a declaration, e.g. `matrix(n, n) spd`. */
  typeFromWords(words: readonly TypeWord[], span: Span, names: readonly string[] = []): { shape: TShape; props: Prop[] } {
    let shape: TShape | null = null;
    const props: Prop[] = [];
    const setShape = (s: TShape, w: TypeWord) => {
      if (shape) {
        const ok = this.solver.unify(shape[0], s[0]) && this.solver.unify(shape[1], s[1]);
        if (!ok) fail("declaration", `'${w.name}' conflicts with the shape declared before it`, w.span);
      } else shape = s;
    };
    for (const w of words) {
      const args = w.args.map((a) => this.dimArg(a));
      if (KIND_WORDS.has(w.name)) {
        if (w.name === "scalar") {
          if (args.length > 0) fail("declaration", "'scalar' takes no dimensions", w.span);
          setShape([1, 1], w);
        } else if (w.name === "vector") {
          if (args.length > 1) fail("declaration", "'vector' takes one dimension, e.g. vector(n)", w.span);
          setShape([args[0] ?? this.solver.fresh("fresh"), 1], w);
        } else {
          if (args.length > 2) fail("declaration", "'matrix' takes at most two dimensions, e.g. matrix(n, m)", w.span);
          const r = args[0] ?? this.solver.fresh("fresh");
          setShape([r, args[1] ?? (args.length === 1 ? r : this.solver.fresh("fresh"))], w);
        }
      } else if (PROP_SET.has(w.name)) {
        if (args.length > 1) fail("declaration", `'${w.name}' takes one dimension, e.g. ${w.name}(n)`, w.span);
        const n = args[0] ?? this.solver.fresh("fresh");
        setShape([n, n], w);
        if (!props.includes(w.name as Prop)) props.push(w.name as Prop);
      } else {
        const close = closestName(w.name, [...KIND_WORDS, ...PROPS]);
        // `A:X` reads as a declaration; some texts write the Frobenius product so
        const n = names.length === 1 && words.length === 1 && w.args.length === 0 ? names[0] : undefined;
        const hint = close
          ? ` (did you mean '${close}'?)`
          : n
            ? ` (if ${n}:${w.name} is the Frobenius product, write sum(${n}.*${w.name}) or tr(${n}'*${w.name}))`
            : "";
        fail("declaration", `unknown type '${w.name}': expected scalar, vector, matrix, ${PROPS.join(", ")}${hint}`, w.span);
      }
    }
    if (!shape) fail("declaration", "a declaration needs a type, e.g. x: vector(n)", span);
    const s: TShape = shape;
    if (props.length > 0) {
      if (!this.solver.unify(s[0], s[1])) fail("declaration", `${props.join(", ")} requires a square matrix`, span);
      if (this.solver.isOne(s[0])) fail("declaration", `${props.join(", ")} applies to square matrices, not scalars`, span);
    }
    return { shape: s, props };
  }

  declareExternal(name: string, v: ExternalVar): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail("usage", `vars: '${name}' is not a valid variable name`);
    const dims = v.shape.map((d) => {
      if (typeof d === "string") {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(d)) fail("usage", `vars.${name}: dimension '${d}' is not a name`);
        this.dimNames.add(d);
        return d;
      }
      if (!Number.isInteger(d) || d < 1) fail("usage", `vars.${name}: dimension ${d} is not a positive integer`);
      return d;
    });
    if (dims.length > 2) fail("usage", `vars.${name}: shape has ${dims.length} axes; at most 2 are supported`);
    const shape: TShape = dims.length === 0 ? [1, 1] : dims.length === 1 ? [dims[0]!, 1] : [dims[0]!, dims[1]!];
    const props: Prop[] = [];
    for (const p of v.props ?? []) {
      if (!PROP_SET.has(p)) fail("usage", `vars.${name}: unknown property '${p}' (expected ${PROPS.join(", ")})`);
      props.push(p as Prop);
    }
    if (props.length > 0 && (shape[0] !== shape[1] || shape[0] === 1)) {
      fail("usage", `vars.${name}: ${props.join(", ")} requires a square matrix shape [n, n]`);
    }
    this.declare(name, shape, props, null);
  }

  // ---------------------------------------------------------------- program
  run(): Typed {
    const stmts = this.program.stmts;
    for (const s of stmts) {
      if (s.kind === "decl") {
        const t = this.typeFromWords(s.type, s.span, s.names.map((n) => n.name));
        for (const n of s.names) {
          this.declare(n.name, [t.shape[0], t.shape[1]], [...t.props], n.span);
        }
      }
    }
    stmts.forEach((s, index) => {
      if (s.kind !== "def") return;
      const prev = this.defIndex.get(s.name);
      if (prev) fail("redefinition", `'${s.name}' is defined twice`, s.nameSpan);
      if (this.vars.get(s.name)?.origin === "declared") {
        fail("redefinition", `'${s.name}' is declared as a variable and cannot also be defined`, s.nameSpan);
      }
      this.defIndex.set(s.name, { index, span: s.nameSpan });
    });
    const body = this.findBody(stmts);
    const defs: Typed["defs"] = [];
    stmts.forEach((s, index) => {
      this.current = index;
      if (s.kind === "def") {
        const sh = this.inferExpr(s.value);
        this.defShapes.set(s.name, sh);
        defs.push({ name: s.name, expr: s.value, span: s.span });
      } else if (s.kind === "expr") this.inferExpr(s.expr);
    });
    for (const n of this.dimNames) {
      if (this.vars.has(n) || this.defIndex.has(n)) {
        fail("declaration", `'${n}' is used both as a dimension and as a variable`, this.vars.get(n)?.span ?? null);
      }
    }
    return {
      program: this.program,
      solver: this.solver,
      vars: this.vars,
      defs,
      shapes: this.shapes,
      body,
      dimNames: this.dimNames,
    };
  }

  private findBody(stmts: readonly Stmt[]): Expr {
    let last: Stmt | null = null;
    for (const s of stmts) if (s.kind !== "decl") last = s;
    for (const s of stmts) {
      if (s.kind === "expr" && s !== last) {
        fail("syntax", "only the last statement may be a bare expression; give this one a name with 'name = ...'", s.span);
      }
    }
    if (!last) fail("syntax", "the program has no expression to differentiate", stmts.length > 0 ? stmts[stmts.length - 1]!.span : [0, 0]);
    return last.kind === "def" ? last.value : (last as Extract<Stmt, { kind: "expr" }>).expr;
  }

  inferExpr(root: Expr): TShape {
    postorder(
      root,
      (e) => this.shapes.set(e, this.infer1(e)),
      (e) => e.kind === "call" && DIM_CALLS.has(e.callee),
    );
    return this.shapes.get(root)!;
  }

  // ---------------------------------------------------------------- one node
  private sh(e: Expr): TShape {
    return this.shapes.get(e)!;
  }
  private scalarSure(s: TShape): boolean {
    return this.solver.isOne(s[0]) && this.solver.isOne(s[1]);
  }
  private scalarDefault(s: TShape): boolean {
    const S = this.solver;
    return (S.isOne(s[0]) || S.isDefaultOne(s[0])) && (S.isOne(s[1]) || S.isDefaultOne(s[1]));
  }
  private forceScalar(s: TShape): void {
    this.solver.unify(s[0], 1);
    this.solver.unify(s[1], 1);
  }
  private unifyShapes(a: TShape, b: TShape): boolean {
    return this.solver.unify(a[0], b[0]) && this.solver.unify(a[1], b[1]);
  }
  private describe(s: TShape): string {
    const S = this.solver;
    const r = S.show(s[0]);
    const c = S.show(s[1]);
    if (S.isOne(s[0]) && S.isOne(s[1])) return "a scalar";
    if (S.isOne(s[1])) return `a vector of length ${r}`;
    if (S.isOne(s[0])) return `a row vector of length ${c}`;
    return `a ${r} x ${c} matrix`;
  }

  private infer1(e: Expr): TShape {
    switch (e.kind) {
      case "num":
        return [1, 1];
      case "ident":
        return this.ident(e.name, e.span);
      case "neg":
        return this.sh(e.arg);
      case "transpose": {
        const s = this.sh(e.arg);
        return [s[1], s[0]];
      }
      case "binary":
        return this.binary(e as Extract<Expr, { kind: "binary" }>);
      case "call":
        return this.call(e as Extract<Expr, { kind: "call" }>);
    }
  }

  private ident(name: string, span: Span): TShape {
    const def = this.defIndex.get(name);
    if (def) {
      if (def.index >= this.current) {
        fail("undefined", `'${name}' is used before its definition`, span);
      }
      return this.defShapes.get(name)!;
    }
    const v = this.vars.get(name);
    if (v) {
      if (!v.span) v.span = span;
      return v.shape;
    }
    if (name === "pi") return [1, 1];
    if (Object.hasOwn(FUNCTIONS, name)) fail("syntax", `'${name}' is a function: call it as ${name}(...)`, span);
    const c = name[0]!;
    let shape: TShape;
    if (c >= "a" && c <= "g") shape = [this.solver.fresh("one"), this.solver.fresh("one")];
    else if (c >= "h" && c <= "z") shape = [this.solver.fresh("fresh"), 1];
    else shape = [this.solver.fresh("fresh"), this.solver.fresh("fresh")];
    this.vars.set(name, { name, shape, props: [], origin: "inferred", span });
    return shape;
  }

  private binary(e: Extract<Expr, { kind: "binary" }>): TShape {
    const l = this.sh(e.left);
    const r = this.sh(e.right);
    // Message snippets are built only on failure: a left operand's text can be the whole program.
    const self = this;
    const names = {
      get L() {
        return self.src(e.left.span);
      },
      get R() {
        return self.src(e.right.span);
      },
    };
    switch (e.op) {
      case "+":
      case "-":
      case ".*":
      case "./": {
        if (this.scalarSure(l)) return r;
        if (this.scalarSure(r)) return l;
        if (!this.unifyShapes(l, r)) {
          fail("dimension", `${this.src(e.span)}: cannot combine ${names.L} (${this.describe(l)}) with ${names.R} (${this.describe(r)}) by '${e.op}'`, e.span);
        }
        return l;
      }
      case "*": {
        if (this.scalarSure(l)) return r;
        if (this.scalarSure(r)) return l;
        if (this.scalarDefault(l)) {
          this.forceScalar(l);
          return r;
        }
        if (this.scalarDefault(r)) {
          this.forceScalar(r);
          return l;
        }
        if (!this.solver.unify(l[1], r[0])) {
          const lc = this.solver.isOne(l[1]) ? "1 column" : `${this.solver.show(l[1])} columns`;
          const rr = this.solver.isOne(r[1]) ? `length ${this.solver.show(r[0])}` : `${this.solver.show(r[0])} rows`;
          fail("dimension", `${this.src(e.span)}: ${names.L} has ${lc} but ${names.R} has ${rr}`, e.span);
        }
        return [l[0], r[1]];
      }
      case "/": {
        if (this.scalarSure(r) || this.scalarDefault(r)) {
          this.forceScalar(r);
          return l;
        }
        // A/B = A*inv(B)
        if (!this.solver.unify(r[0], r[1])) fail("not-square", `${names.R} must be square to divide by it (A/B means A*inv(B))`, e.right.span);
        if (this.scalarSure(l)) return r;
        if (!this.solver.unify(l[1], r[0])) fail("dimension", `${this.src(e.span)}: ${names.L} has ${this.solver.show(l[1])} columns but ${names.R} is ${this.describe(r)}`, e.span);
        return l;
      }
      case "^":
      case ".^": {
        if (!this.scalarSure(r) && !this.scalarDefault(r)) {
          const undeclared = e.right.kind === "ident" && this.vars.get(e.right.name)?.origin !== "declared";
          const hint = undeclared ? ` (${names.R} is taken as a vector by its first letter; declare it: ${names.R}: scalar)` : "";
          fail("not-scalar", `the exponent ${names.R} must be a scalar${hint}`, e.right.span);
        }
        this.forceScalar(r);
        if (e.op === ".^" || this.scalarSure(l) || this.scalarDefault(l)) {
          if (e.op === "^") this.forceScalar(l);
          return l;
        }
        if (!this.solver.unify(l[0], l[1])) fail("not-square", `matrix power: ${names.L} is ${this.describe(l)}, not square`, e.left.span);
        return l;
      }
    }
  }

  private call(e: Extract<Expr, { kind: "call" }>): TShape {
    const info = Object.hasOwn(FUNCTIONS, e.callee) ? FUNCTIONS[e.callee] : undefined;
    if (!info) {
      const hint = unknownFunctionHint(e.callee);
      fail("unknown-function", `unknown function '${e.callee}'${hint ? ` (${hint})` : ""}`, e.calleeSpan);
    }
    const n = e.args.length;
    if (n < info.minArgs || n > info.maxArgs) {
      const want = info.minArgs === info.maxArgs ? `${info.minArgs}` : `${info.minArgs} to ${info.maxArgs}`;
      fail("arity", `${e.callee} takes ${want} argument${info.maxArgs === 1 ? "" : "s"}, got ${n}`, e.span);
    }
    if (DIM_CALLS.has(e.callee)) return this.dimCall(e);
    const a = this.sh(e.args[0]!);
    const A = this.src(e.args[0]!.span);
    const square = () => {
      if (this.scalarDefault(a)) this.forceScalar(a);
      if (!this.solver.unify(a[0], a[1])) fail("not-square", `${e.callee}(${A}): ${A} is ${this.describe(a)}, not square`, e.args[0]!.span);
    };
    switch (info.kind) {
      case "elementwise":
        return a;
      case "square-to-scalar":
        square();
        return [1, 1];
      case "square-to-square":
        square();
        return a;
      case "frechet":
      case "frechet-pow":
      case "frechet2":
      case "frechet2-pow": {
        square();
        const pow = info.kind.endsWith("-pow");
        if (pow) {
          const p = this.sh(e.args[1]!);
          if (!this.scalarSure(p) && !this.scalarDefault(p)) fail("not-scalar", `${e.callee}: the exponent must be a scalar`, e.args[1]!.span);
          this.forceScalar(p);
        }
        for (const dir of e.args.slice(pow ? 2 : 1)) {
          const d = this.sh(dir);
          if (!this.solver.unify(d[0], a[0]) || !this.solver.unify(d[1], a[1])) {
            fail("dimension", `${e.callee}: the direction ${this.src(dir.span)} is ${this.describe(d)} but ${A} is ${this.describe(a)}`, dir.span);
          }
        }
        return a;
      }
      case "to-scalar":
        return [1, 1];
      case "diag": {
        if (this.solver.isOne(a[1]) && !this.solver.isOne(a[0])) return [a[0], a[0]];
        if (this.scalarSure(a)) return a;
        if (!this.solver.unify(a[0], a[1])) fail("not-square", `diag(${A}): ${A} is ${this.describe(a)}; diag takes a vector or a square matrix`, e.args[0]!.span);
        return [a[0], 1];
      }
      case "kron": {
        // Product dimensions ("m*n") are symbols of their own: the sizes of both arguments must be known here.
        const s2 = this.sh(e.args[1]!);
        const known = [a[0], a[1], s2[0], s2[1]].map((d) => this.solver.find(d));
        known.forEach((d, i) => {
          if (d instanceof DimVar) {
            const arg = e.args[i < 2 ? 0 : 1]!;
            fail("unsupported", `kron: the size of ${this.src(arg.span)} must be known where kron is used: declare it, e.g. ${this.src(arg.span)}: matrix(n, m)`, arg.span);
          }
        });
        const [r1, c1, r2, c2] = known as Dim[];
        return [mulDims(r1!, r2!), mulDims(c1!, c2!)];
      }
      case "constant": {
        if (!this.scalarSure(a) && !this.scalarDefault(a)) fail("not-scalar", `${e.callee}(c): c must be a scalar`, e.args[0]!.span);
        this.forceScalar(a);
        return e.callee === "vector" ? [this.solver.fresh("fresh"), 1] : [this.solver.fresh("fresh"), this.solver.fresh("fresh")];
      }
      case "dims": // eye, ones, zeros: dimCall above
        return a;
      default:
        return assertNever(info.kind, "function kind");
    }
  }

  /** eye(n), ones(n, m), zeros(n, m): arguments are dimensions, not expressions. */
  private dimCall(e: Extract<Expr, { kind: "call" }>): TShape {
    const dims: DimT[] = e.args.map((a) => {
      if (a.kind === "num") {
        if (!Number.isInteger(a.value) || a.value < 1) fail("declaration", "a dimension must be a positive integer or a name", a.span);
        return a.value;
      }
      if (a.kind === "ident") {
        this.dimNames.add(a.name);
        return a.name;
      }
      return fail("syntax", `${e.callee}: arguments are dimensions (names or integers), e.g. ${e.callee}(n)`, a.span);
    });
    if (e.callee === "eye") {
      const n = dims[0] ?? this.solver.fresh("fresh");
      return [n, n];
    }
    const r = dims[0] ?? this.solver.fresh("fresh");
    return [r, dims[1] ?? (dims.length === 1 ? r : this.solver.fresh("fresh"))];
  }

  // ---------------------------------------------------------------- resolution
  /** Resolve every open dimension: 1 for scalar-letter ones, new symbols (n, m, k, ...) for the others. */
  resolve(order: DimVar[] = this.solver.all): (d: DimT) => Dim {
    const taken = new Set<string>([...this.dimNames, ...this.vars.keys(), ...this.defIndex.keys()]);
    const pool = ["n", "m", "k", "p", "q", "r", "s", "t", "l", "j"];
    let counter = 1;
    const nextName = () => {
      for (const c of pool) if (!taken.has(c)) return taken.add(c), c;
      while (taken.has(`n${counter}`)) counter++;
      const s = `n${counter}`;
      taken.add(s);
      return s;
    };
    const fix = (d: DimT): void => {
      const r = this.solver.find(d);
      if (!(r instanceof DimVar)) return;
      r.value = r.dflt === "one" ? 1 : nextName();
    };
    // Name variables' dimensions in order of first appearance, rows before columns.
    const vars = [...this.vars.values()].sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1));
    for (const v of vars) {
      fix(v.shape[0]);
      fix(v.shape[1]);
    }
    for (const d of order) fix(d);
    return (d: DimT) => {
      const r = this.solver.find(d);
      if (r instanceof DimVar) return 1;
      return r;
    };
  }
}

/** Calls whose arguments are dimensions rather than expressions. */
export const DIM_CALLS = new Set(["eye", "ones", "zeros"]);

/** The integer value of a literal like `2` or `-1`, else null. */
export function integerLiteral(e: Expr): number | null {
  if (e.kind === "num" && Number.isInteger(e.value)) return e.value;
  if (e.kind === "neg" && e.arg.kind === "num" && Number.isInteger(e.arg.value)) return -e.arg.value;
  return null;
}

export function inferProgram(program: Program, external: Readonly<Record<string, ExternalVar>> = {}): {
  typed: Typed;
  inf: Inferencer;
} {
  const inf = new Inferencer(program);
  for (const [name, v] of Object.entries(external)) inf.declareExternal(name, v);
  const typed = inf.run();
  return { typed, inf };
}
