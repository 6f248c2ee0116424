// Python syntax shared by the NumPy, JAX and PyTorch targets: precedence-aware operators, literals, the rules that
// read the same in all three (sums, scalar products, powers, broadcasting) and the module layout around evaluate().

import { InternalError, MatcalcError, invariant } from "../diagnostics/errors.js";
import { asFraction } from "../print/printer.js";
import { isScalarShape } from "../shape/shape.js";
import { pythonDemo } from "./demo.js";
import { type Code, type EmitContext, type ModuleInfo, type Rule, type TensorOut, frechetDirection } from "./emit.js";
import { type LOp, type SymFn, type Term, isSymFn } from "./lir.js";

/** Python precedence levels (higher binds tighter). */
export const P = { add: 10, mul: 20, unary: 30, power: 40, atom: 50 } as const;

export const PY_KEYWORDS: readonly string[] = [
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
  "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
  "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type",
  // builtins the generated code calls, and the module's own names
  "float", "tuple", "set", "sorted", "len", "range", "print", "ValueError", "TypeError", "evaluate", "values",
  "np", "scipy", "jnp", "jax", "torch", "math",
  // the parameters of the Fréchet derivative a Fréchet tensor is built from
  "_x", "_e",
];

export function wrap(c: Code, min: number): string {
  return c.prec < min ? `(${c.s})` : c.s;
}

export function atom(s: string): Code {
  return { s, prec: P.atom };
}

export function call(f: string, ...args: (Code | string)[]): Code {
  return atom(`${f}(${args.map((a) => (typeof a === "string" ? a : a.s)).join(", ")})`);
}

export function literal(v: string): Code {
  return v.startsWith("-") ? { s: v, prec: P.unary } : atom(v);
}

export function isPyName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/** X' for a matrix (a view); vectors are 1-D, so their transpose is themselves. */
export function transposed(c: Code, t: Term): Code {
  if (t.shape[0] === 1 || t.shape[1] === 1) return c;
  if (c.base) return c.base;
  return { s: `${wrap(c, P.atom)}.T`, prec: P.atom, base: c };
}

/** The code of the transpose of argument i of t (t.args[i] holds the shape). */
export function argT(t: Term, a: readonly Code[], i: number): Code {
  return transposed(a[i]!, t.args[i]!);
}

export const unsupported =
  (what: string): Rule =>
  () => {
    throw new MatcalcError("unsupported", `code generation: ${what}`);
  };

export const planned =
  (op: string): Rule =>
  () => {
    throw new InternalError(`code generation: '${op}' is always planned into kernels`);
  };

// ---------------------------------------------------------------- rules common to the Python targets

export const constant: Rule = (t) => literal(t.attr);

export const name: Rule = (t) => atom(t.attr);

/** a + b - c: positive terms first; scalar terms broadcast. */
const scalar = (t: Term) => isScalarShape(t.shape);

export const add: Rule = (t, a) => {
  const items = a.map((c, i) => ({ c, neg: t.attr[i] === "-", arg: t.args[i]! }));
  const ordered = [...items.filter((x) => !x.neg), ...items.filter((x) => x.neg)];
  let s = "";
  ordered.forEach(({ c, neg, arg }, i) => {
    if (i === 0) s = neg ? `-${wrap(c, scalar(arg) ? P.mul : P.power)}` : wrap(c, P.add);
    else s += `${neg ? " - " : " + "}${wrap(c, P.add + 1)}`;
  });
  return { s, prec: P.add };
};

/** Scalar multiplication: the scalar factors first (one array operation at the end), small fractions exact. */
export const times: Rule = (t, a) => {
  let coef = 1;
  const nums: Code[] = [];
  const dens: Code[] = [];
  let big: Code | null = null;
  t.args.forEach((arg, i) => {
    if (i === 0 && arg.op === "const" && t.attr[0] === "*") coef = Number(arg.attr);
    else if (!isScalarShape(arg.shape)) big = a[i]!;
    else (t.attr[i] === "/" ? dens : nums).push(a[i]!);
  });
  const mag = Math.abs(coef);
  const f = asFraction(mag);
  const p = f ? (f[0] === 1 ? null : String(f[0])) : mag === 1 ? null : String(mag);
  const q = f ? String(f[1]) : null;
  const numParts: string[] = [];
  if (p) numParts.push(p);
  nums.forEach((c) => numParts.push(wrap(c, numParts.length === 0 ? P.mul : P.mul + 1)));
  const denParts = [...(q ? [q] : []), ...dens.map((c) => wrap(c, P.mul + 1))];
  const den = denParts.length === 0 ? null : denParts.length === 1 ? denParts[0]! : `(${denParts.join(" * ")})`;
  const neg = coef < 0;
  const B = big as Code | null;
  if (B) {
    if (numParts.length === 0) {
      const head = neg ? `-${wrap(B, P.power)}` : wrap(B, P.mul);
      return den ? { s: `${head} / ${den}`, prec: P.mul } : { s: head, prec: neg ? P.unary : B.prec };
    }
    const scalar = `${neg ? "-" : ""}${numParts.join(" * ")}${den ? ` / ${den}` : ""}`;
    return { s: `${scalar} * ${wrap(B, P.mul + 1)}`, prec: P.mul };
  }
  if (numParts.length === 0) numParts.push("1");
  const s = `${neg ? "-" : ""}${numParts.join(" * ")}${den ? ` / ${den}` : ""}`;
  return { s, prec: den || numParts.length > 1 ? P.mul : neg ? P.unary : P.atom };
};

/** Elementwise products and quotients. */
export const hadamard: Rule = (t, a) => {
  const nums = a.filter((_, i) => t.attr[i] === "*");
  const dens = a.filter((_, i) => t.attr[i] === "/");
  let s = nums.length === 0 ? "1" : nums.map((c, i) => wrap(c, i === 0 ? P.mul : P.mul + 1)).join(" * ");
  for (const d of dens) s += ` / ${wrap(d, P.mul + 1)}`;
  return { s, prec: P.mul };
};

/** a .^ p: sqrt for 1/2, division for -1, ** otherwise. */
export const power =
  (sqrt: string): Rule =>
  (t, a) => {
    const [base, exp] = a as [Code, Code];
    const e = t.args[1]!.op === "const" ? Number(t.args[1]!.attr) : null;
    if (e === 0.5) return call(sqrt, base);
    if (e === -0.5) return { s: `1 / ${call(sqrt, base).s}`, prec: P.mul };
    if (e === -1) return { s: `1 / ${wrap(base, P.mul + 1)}`, prec: P.mul };
    return { s: `${wrap(base, P.atom)} ** ${wrap(exp, P.unary)}`, prec: P.power };
  };

export const transpose: Rule = (t, a) => transposed(a[0]!, t.args[0]!);

/** Products of two operands: outer products of vectors, @ otherwise. */
export const matmul =
  (outer: string): Rule =>
  (t, a, cx) => {
    if (cx.kind(t.args[0]!) === "col" && cx.kind(t.args[1]!) === "row") return call(outer, a[0]!, a[1]!);
    return { s: `${wrap(a[0]!, P.mul)} @ ${wrap(a[1]!, P.mul + 1)}`, prec: P.mul };
  };

/** diag(v)*M = v[:, None] * M (v * M for a vector M). */
export const scaleRows: Rule = (t, a, cx) => {
  const [v, m] = a as [Code, Code];
  if (cx.kind(t.args[1]!) === "matrix") return { s: `${wrap(v, P.atom)}[:, None] * ${wrap(m, P.mul + 1)}`, prec: P.mul };
  return { s: `${wrap(v, P.mul)} * ${wrap(m, P.mul + 1)}`, prec: P.mul };
};

/** M*diag(v) = M * v (broadcast along rows). */
export const scaleCols: Rule = (_t, a) => ({ s: `${wrap(a[0]!, P.mul)} * ${wrap(a[1]!, P.mul + 1)}`, prec: P.mul });

/** tr(P*Q) = sum(P .* Q'); for vectors, the inner product. */
export const traceProd =
  (sum: (x: string) => string): Rule =>
  (t, a, cx) => {
    if (cx.kind(t.args[0]!) !== "matrix") return { s: `${wrap(a[0]!, P.mul)} @ ${wrap(a[1]!, P.mul + 1)}`, prec: P.mul };
    return atom(sum(`${wrap(a[0]!, P.mul)} * ${wrap(argT(t, a, 1), P.mul + 1)}`));
  };

/** diag(P*Q) = row sums of P .* Q'. */
export const diagProd =
  (rowSums: (x: string) => string): Rule =>
  (t, a) =>
    atom(rowSums(`${wrap(a[0]!, P.mul)} * ${wrap(argT(t, a, 1), P.mul + 1)}`));

/** kron(A, B); vectors become 2-D (a column or a row) when the result is a matrix. */
export const kron =
  (f: string): Rule =>
  (t, a, cx) => {
    if (cx.kind(t) !== "matrix") return call(f, a[0]!, a[1]!);
    const as2d = (i: number) => {
      const k = cx.kind(t.args[i]!);
      return k === "col" ? `${wrap(a[i]!, P.atom)}[:, None]` : k === "row" ? `${wrap(a[i]!, P.atom)}[None, :]` : a[i]!.s;
    };
    return call(f, as2d(0), as2d(1));
  };

/**
 * A term of an index form: an einsum whose output writes each side's indices last-first, so that reshaping in C
 * order gives the matricized tensor with the first index fastest (vec stacking columns), as matcalc evaluates it.
 */
export const einsum =
  (f: string, ...options: string[]): Rule =>
  (t, a, cx) => {
    const [subs, out] = t.attr.split("->") as [string, string];
    const [rows, cols] = out.split("|") as [string, string];
    const last = (s: string) => [...s].reverse().join("");
    const e = call(f, `"${subs}->${last(rows)}${last(cols)}"`, ...a, ...options);
    if (rows.length <= 1 && cols.length <= 1) return e;
    const shape = cx.kind(t) === "matrix" ? `${cx.dim(t.shape[0])}, ${cx.dim(t.shape[1])}` : "-1";
    return atom(`${e.s}.reshape(${shape})`);
  };

/**
 * The tensor of a Fréchet derivative, D_f(X)_ijkl = L_f(X, e_k e_l')_ij: the target's own rule for L_f(_x, _e),
 * applied by the helper _frechet_tensor to every unit direction.
 */
export function frechetTensor(rules: Readonly<Record<LOp, Rule>>, t: Term, a: readonly Code[], cx: EmitContext): Code {
  const { inner, codes } = frechetDirection(t, a, P.atom);
  const body = rules[inner.op](inner, codes, cx);
  cx.helper("_frechet_tensor");
  return call("_frechet_tensor", `lambda _x, _e: ${body.s}`, a[0]!);
}

/** The helper of frechetTensor; `eye` makes the n^2 x n^2 identity like x (in numpy, jax.numpy or torch). */
export function frechetTensorHelper(eye: string, stack: string) {
  return {
    code: `
def _frechet_tensor(frechet, x):
    # D[i, j, k, l] = L(X, E)[i, j] for the unit direction E = e_k e_l': n^2 Fréchet derivatives (for moderate n)
    n = x.shape[0]
    units = ${eye}.reshape(n * n, n, n)
    return ${stack}([frechet(x, e) for e in units], -1).reshape(n, n, n, n)`,
  };
}

/**
 * The helper _inputs: reads the values by name, rejects unknown and missing ones, converts each (`convert`, lines
 * of Python that rebind `a`) and checks its number of dimensions (`ndim` and `shape` of `a`, in the namespace).
 */
export function inputsHelper(o: { list: string; convert: readonly string[]; ndim: string; shape: string }): PyHelper {
  const convert = o.convert.map((l) => `        ${l}`).join("\n");
  return {
    code: `
def _inputs(values, ndims):
    unknown = sorted(set(values) - set(ndims))
    if unknown:
        raise TypeError(f"evaluate() got values for unknown variables {unknown}")
    ${o.list} = []
    for name, ndim in ndims.items():
        if name not in values:
            raise TypeError(f"evaluate() needs a value for {name!r}")
${convert}
        if ${o.ndim} != ndim:
            raise ValueError(f"{name} must have {ndim} dimension(s), got shape {${o.shape}}")
        ${o.list}.append(a)
    return ${o.list}`,
  };
}

/** The shape tuple of an input, in code: (n, m), (n,), (). */
export function shapeTuple(shape: readonly string[]): string {
  if (shape.length === 0) return "()";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** A helper of a Python module: its source, the helpers it calls and the modules it imports. */
export interface PyHelper {
  readonly code: string;
  readonly deps?: readonly string[];
  readonly modules?: readonly string[];
}

export interface PythonModuleStyle {
  /** Import lines always present, e.g. "import numpy as np". */
  readonly imports: readonly string[];
  /** Conventions stated in the header, after the common ones. */
  readonly conventions: readonly string[];
  /** Helper sources by name; the module includes the used ones and their dependencies. */
  readonly helpers: Readonly<Record<string, PyHelper>>;
  /** The N-D array of a matricized derivative (ModuleInfo.tensor): "(D.T).reshape(...)" and an axis permutation. */
  readonly tensor: (name: string, t: TensorOut) => string;
  /** The demo's input maker (`lambda x: np.array(x, dtype=float)`) and lines run before it (run as a script). */
  readonly demo: { readonly array: string; readonly prelude?: readonly string[] };
  /** Lines run after the inputs are read (e.g. torch's dtype and device), given the module info. */
  readonly prologue?: (m: ModuleInfo) => string[];
}

/** The whole Python module: header, imports, evaluate(**values), then the helpers it uses. */
export function pythonModule(m: ModuleInfo, style: PythonModuleStyle): string {
  const helpers = new Set<string>(["_inputs"]);
  const needsCheck = m.inputs.some((v) => checkNeeded(m, v));
  if (needsCheck) helpers.add("_check_shape");
  for (const h of m.helpers) helpers.add(h);
  // close over dependencies
  const todo = [...helpers];
  while (todo.length > 0) {
    const h = todo.pop()!;
    const info = style.helpers[h];
    if (!info) throw new InternalError(`code generation: no helper '${h}'`);
    for (const d of info.deps ?? []) if (!helpers.has(d)) (helpers.add(d), todo.push(d));
  }
  const modules = new Set(m.modules);
  for (const h of helpers) for (const mod of style.helpers[h]!.modules ?? []) modules.add(mod);
  const lines: string[] = [];
  const conventions = [
    "  arrays: vectors are 1-D, matrices 2-D, scalars 0-d; evaluate(**values) returns (value, derivative)",
    ...style.conventions,
  ];
  for (const h of [...m.header, ...conventions]) lines.push(`# ${h}`.trimEnd());
  lines.push("", ...style.imports);
  for (const mod of [...modules].filter((x) => !x.startsWith("@")).sort()) {
    const line = `import ${mod}`;
    if (!style.imports.includes(line)) lines.push(line);
  }
  lines.push("", "", "def evaluate(**values):");
  lines.push(`    """Returns (value, derivative): the function and its derivative at the given values."""`);
  const ndims = m.inputs.map((v) => `"${v.name}": ${v.kind === "scalar" ? 0 : v.kind === "matrix" ? 2 : 1}`);
  lines.push(`    [${m.inputs.map((v) => v.local).join(", ")}] = _inputs(values, {${ndims.join(", ")}})`);
  for (const d of m.dims) lines.push(`    ${d.local} = ${d.from.local}.shape[${d.from.kind === "row" ? 0 : d.axis}]`);
  for (const v of m.inputs) {
    if (checkNeeded(m, v)) lines.push(`    _check_shape("${v.name}", ${v.local}, ${shapeTuple(inputDims(m, v))})`);
  }
  for (const l of style.prologue?.(m) ?? []) lines.push(`    ${l}`);
  for (const st of m.statements) lines.push(`    ${st.name} = ${st.code.s}`);
  if (m.tensor) lines.push(`    ${m.derivative.name} = ${style.tensor(m.derivative.name, m.tensor)}`);
  lines.push(`    return ${m.value.name}, ${m.derivative.name}`);
  const ordered = Object.keys(style.helpers).filter((h) => helpers.has(h));
  for (const h of ordered) lines.push("", "", style.helpers[h]!.code.trim());
  lines.push(...pythonDemo(m.demo, style.demo.array, style.demo.prelude));
  return `${lines.join("\n")}\n`;
}

/** The dimensions of an input as code, in its array layout (vectors 1-D, scalars none). */
function inputDims(m: ModuleInfo, v: ModuleInfo["inputs"][number]): string[] {
  const local = (d: string | number) => (typeof d === "number" ? String(d) : m.dims.find((x) => x.name === d)!.local);
  if (v.kind === "scalar") return [];
  if (v.kind === "col") return [local(v.shape[0])];
  if (v.kind === "row") return [local(v.shape[1])];
  return [local(v.shape[0]), local(v.shape[1])];
}

/** A shape check is needed unless every dimension of the input was just read from that very axis. */
function checkNeeded(m: ModuleInfo, v: ModuleInfo["inputs"][number]): boolean {
  if (v.kind === "scalar") return false;
  const axes: (0 | 1)[] = v.kind === "col" ? [0] : v.kind === "row" ? [1] : [0, 1];
  return axes.some((axis) => {
    const d = v.shape[axis]!;
    if (typeof d === "number") return true;
    const b = m.dims.find((x) => x.name === d)!;
    return !(b.from === v && b.axis === axis);
  });
}

export type { EmitContext };

// ---------------------------------------------------------------- symmetric matrix functions (all Python targets)

const DD = { exp: "_dd_exp", log: "_dd_log", sqrt: "_dd_sqrt" } as const satisfies Record<SymFn, string>;

/** The array namespaces of the Python targets: numpy, jax.numpy, torch. */
export type PyNamespace = "np" | "jnp" | "torch";

/** f(A) and Daleckii-Krein L_f(A, E) through a symmetric eigendecomposition, with the namespace's exp/log/sqrt. */
export function eighRules(ns: PyNamespace): { eighFun: Rule; eighFrechet: Rule } {
  const fn = (attr: string): SymFn => {
    invariant(isSymFn(attr), `code generation: no symmetric matrix function '${attr}'`);
    return attr;
  };
  return {
    eighFun: (t, a, cx) => {
      cx.helper("_sym_fun");
      return call("_sym_fun", a[0]!, t.attr === "pow" ? `lambda w: w ** ${wrap(a[1]!, P.unary)}` : `${ns}.${fn(t.attr)}`);
    },
    eighFrechet: (t, a, cx) => {
      cx.helper("_sym_frechet");
      if (t.attr === "pow") {
        cx.helper("_dd_pow");
        return call("_sym_frechet", a[0]!, `lambda w: _dd_pow(w, ${a[1]!.s})`, a[2]!);
      }
      const dd = DD[fn(t.attr)];
      cx.helper(dd);
      return call("_sym_frechet", a[0]!, dd, a[1]!);
    },
  };
}

/** The matrix functions other than expm and their first and second Fréchet derivatives. */
export type MatrixFunctionRules = Record<"logm" | "sqrtm" | "powm" | "dlogm" | "dsqrtm" | "dpowm" | "d2logm" | "d2sqrtm" | "d2powm", Rule>;

/**
 * logm, sqrtm and powm of general (diagonalizable) arguments through the eig-based helpers _eig_fun, _eig_frechet
 * and _eig_frechet2 (JAX and PyTorch), given f, f' and f'' as lambdas in the namespace.
 */
export function eigMatrixFunctionRules(ns: "jnp" | "torch"): MatrixFunctionRules {
  /** f and f' for the first-order Daleckii-Krein formula. */
  const general = {
    logm: [`${ns}.log`, "lambda w: 1 / w"],
    sqrtm: [`${ns}.sqrt`, `lambda w: 0.5 / ${ns}.sqrt(w)`],
  } as const;
  /** f, f' and f'' for the second-order Daleckii-Krein formula. */
  const general2 = {
    logm: [...general.logm, "lambda w: -1 / w ** 2"],
    sqrtm: [...general.sqrtm, `lambda w: -0.25 / (w * ${ns}.sqrt(w))`],
  } as const;
  return {
    logm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, general.logm[0])),
    sqrtm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, general.sqrtm[0])),
    powm: (_t, a, cx) => (cx.helper("_eig_fun"), call("_eig_fun", a[0]!, `lambda w: w ** ${wrap(a[1]!, P.unary)}`)),
    dlogm: (_t, a, cx) => (cx.helper("_eig_frechet"), call("_eig_frechet", a[0]!, ...general.logm, a[1]!)),
    dsqrtm: (_t, a, cx) => (cx.helper("_eig_frechet"), call("_eig_frechet", a[0]!, ...general.sqrtm, a[1]!)),
    dpowm: (_t, a, cx) => {
      cx.helper("_eig_frechet");
      const p = wrap(a[1]!, P.unary);
      return call("_eig_frechet", a[0]!, `lambda w: w ** ${p}`, `lambda w: ${p} * w ** (${a[1]!.s} - 1)`, a[2]!);
    },
    d2logm: (_t, a, cx) => (cx.helper("_eig_frechet2"), call("_eig_frechet2", a[0]!, ...general2.logm, a[1]!, a[2]!)),
    d2sqrtm: (_t, a, cx) => (cx.helper("_eig_frechet2"), call("_eig_frechet2", a[0]!, ...general2.sqrtm, a[1]!, a[2]!)),
    d2powm: (_t, a, cx) => {
      cx.helper("_eig_frechet2");
      const p = wrap(a[1]!, P.unary);
      const q = a[1]!.s;
      const d2f = `lambda w: ${p} * (${q} - 1) * w ** (${q} - 2)`;
      return call("_eig_frechet2", a[0]!, `lambda w: w ** ${p}`, `lambda w: ${p} * w ** (${q} - 1)`, d2f, a[2]!, a[3]!);
    },
  };
}

/** The helpers eighRules calls that read the same in every Python target. */
export const EIGH_HELPERS = {
  _sym_fun: {
    code: `
def _sym_fun(eig, f):
    # f(A) = V diag(f(w)) V' for symmetric A = V diag(w) V'
    w, v = eig
    return (v * f(w)) @ v.T`,
  },
  _sym_frechet: {
    code: `
def _sym_frechet(eig, dd, e):
    # Daleckii-Krein: L_f(A, E) = V (D .* (V' E V)) V' with D the divided differences of f at the eigenvalues
    w, v = eig
    return v @ (dd(w) * (v.T @ e @ v)) @ v.T`,
  },
} as const;

/** Divided differences of exp, log, sqrt and w^p at the eigenvalues, in numpy or jax.numpy (ns). */
export function arrayDividedDifferences(ns: "np" | "jnp") {
  return {
    _dd_exp: {
      code: `
def _dd_exp(w):
    d = w[:, None] - w[None, :]
    same = d == 0
    return ${ns}.exp(w)[None, :] * ${ns}.where(same, 1.0, ${ns}.expm1(d) / ${ns}.where(same, 1.0, d))`,
    },
    _dd_log: {
      code: `
def _dd_log(w):
    b = w[None, :]
    d = w[:, None] - b
    same = d == 0
    return ${ns}.where(same, 1 / b, ${ns}.log1p(d / b) / ${ns}.where(same, 1.0, d))`,
    },
    _dd_sqrt: {
      code: `
def _dd_sqrt(w):
    s = ${ns}.sqrt(w)
    return 1 / (s[:, None] + s[None, :])`,
    },
    _dd_pow: {
      code: `
def _dd_pow(w, p):
    b = w[None, :]
    r = (w[:, None] - b) / b
    same = r == 0
    return b ** (p - 1) * ${ns}.where(same, p, ${ns}.expm1(p * ${ns}.log1p(r)) / ${ns}.where(same, 1.0, r))`,
    },
  } as const;
}

/** numpy-style `ns.transpose(ns.reshape(D.T, sizes), axes)` for the N-D array of a matricized derivative. */
export function arrayTensor(ns: "np" | "jnp"): (name: string, t: TensorOut) => string {
  return (name, t) => `${ns}.transpose(${ns}.reshape(${t.transposed ? name : `${name}.T`}, (${t.reversed.join(", ")})), (${t.axes.join(", ")}))`;
}
