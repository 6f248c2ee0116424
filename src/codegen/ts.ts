// The TypeScript target: one rule per op and kernel, scalars as numbers and arrays as a small row-major Mat type
// whose helpers (ts-runtime.ts) travel with the module, so the generated file is typed and depends on nothing.

import { asFraction } from "../print/printer.js";
import type { ElementwiseName } from "../ir/elementwise.js";
import { isScalarShape } from "../shape/shape.js";
import { MatcalcError, invariant } from "../diagnostics/errors.js";
import { tsDemo } from "./demo.js";
import { type Code, type EmitContext, type ModuleInfo, type Rule, type TargetSpec, frechetDirection } from "./emit.js";
import { type LOp, type SymFn, type Term, isSymFn } from "./lir.js";
import { TS_HELPERS } from "./ts-runtime.js";

/** JavaScript precedence levels (higher binds tighter). */
const P = { add: 10, mul: 20, unary: 30, power: 40, atom: 50 } as const;

const wrap = (c: Code, min: number): string => (c.prec < min ? `(${c.s})` : c.s);
const atom = (s: string): Code => ({ s, prec: P.atom });

/** A call of a runtime helper (marked as used). */
function helper(cx: EmitContext, f: string, ...args: (Code | string)[]): Code {
  cx.helper(f);
  return atom(`${f}(${args.map((a) => (typeof a === "string" ? a : a.s)).join(", ")})`);
}

const scalar = (t: Term) => isScalarShape(t.shape);

const FN = {
  sin: "Math.sin",
  cos: "Math.cos",
  tan: "Math.tan",
  arcsin: "Math.asin",
  arccos: "Math.acos",
  arctan: "Math.atan",
  exp: "Math.exp",
  log: "Math.log",
  tanh: "Math.tanh",
  abs: "Math.abs",
  sign: "Math.sign",
  relu: "relu",
  sigmoid: "sigmoid",
} as const satisfies Record<ElementwiseName, string>;

const SYM = { exp: "Math.exp", log: "Math.log", sqrt: "Math.sqrt" } as const satisfies Record<SymFn, string>;
const DD = { exp: "ddExp", log: "ddLog", sqrt: "ddSqrt" } as const satisfies Record<SymFn, string>;

/** The scalar function an eighFun / eighFrechet attribute names (other than pow). */
function symFn(attr: string): SymFn {
  invariant(isSymFn(attr), `code generation: no symmetric matrix function '${attr}'`);
  return attr;
}

const literal = (v: string): Code => (v.startsWith("-") ? { s: v, prec: P.unary } : atom(v));

/** a + b - c: scalars with operators; arrays through add/sub, scalar terms broadcast with shift. */
const add: Rule = (t, a, cx) => {
  const items = a.map((c, i) => ({ c, neg: t.attr[i] === "-", arg: t.args[i]! }));
  if (scalar(t)) {
    const ordered = [...items.filter((x) => !x.neg), ...items.filter((x) => x.neg)];
    let s = "";
    ordered.forEach(({ c, neg }, i) => {
      if (i === 0) s = neg ? `-${wrap(c, P.power)}` : wrap(c, P.add);
      else s += `${neg ? " - " : " + "}${wrap(c, P.add + 1)}`;
    });
    return { s, prec: P.add };
  }
  const arrays = items.filter((x) => !scalar(x.arg));
  const scalars = items.filter((x) => scalar(x.arg));
  arrays.sort((x, y) => Number(x.neg) - Number(y.neg));
  let acc: Code = arrays[0]!.neg ? helper(cx, "neg", arrays[0]!.c) : arrays[0]!.c;
  for (const x of arrays.slice(1)) acc = helper(cx, x.neg ? "sub" : "add", acc, x.c);
  if (scalars.length > 0) {
    const s = add({ ...t, shape: [1, 1], attr: scalars.map((x) => (x.neg ? "-" : "+")).join(""), args: scalars.map((x) => x.arg) }, scalars.map((x) => x.c), cx);
    acc = helper(cx, "shift", acc, s);
  }
  return acc;
};

/** Scalar factors with operators (small fractions exact), then scale(s, M) for the array. */
const times: Rule = (t, a, cx) => {
  let coef = 1;
  const nums: string[] = [];
  const dens: string[] = [];
  let big: Code | null = null;
  t.args.forEach((arg, i) => {
    if (i === 0 && arg.op === "const" && t.attr[0] === "*") coef = Number(arg.attr);
    else if (!scalar(arg)) big = a[i]!;
    // a leading minus may not stand before an exponentiation in JavaScript: atoms after a sign
    else (t.attr[i] === "/" ? dens : nums).push(wrap(a[i]!, coef < 0 && nums.length === 0 ? P.atom : P.mul + 1));
  });
  const f = asFraction(Math.abs(coef));
  const p = f ? f[0] : Math.abs(coef);
  const q = f ? f[1] : 1;
  if (p !== 1) nums.unshift(String(p));
  if (q !== 1) dens.unshift(String(q));
  const den = dens.length === 0 ? "" : dens.length === 1 ? ` / ${dens[0]}` : ` / (${dens.join(" * ")})`;
  const sign = coef < 0 ? "-" : "";
  const B = big as Code | null;
  if (B && nums.length === 0 && dens.length === 0) return coef < 0 ? helper(cx, "neg", B) : B;
  const s = `${sign}${nums.length === 0 ? "1" : nums.join(" * ")}${den}`;
  if (B) return helper(cx, "scale", s, B);
  return { s, prec: den || nums.length > 1 ? P.mul : sign ? P.unary : P.atom };
};

const hadamard: Rule = (t, a, cx) => {
  let acc: Code | null = null;
  a.forEach((c, i) => {
    if (t.attr[i] === "*") acc = acc ? helper(cx, "had", acc, c) : c;
    else acc = acc ? helper(cx, "ediv", acc, c) : helper(cx, "recip", c);
  });
  return acc!;
};

const power: Rule = (t, a, cx) => {
  const [base, exp] = a as [Code, Code];
  const e = t.args[1]!.op === "const" ? Number(t.args[1]!.attr) : null;
  if (!scalar(t)) return e === 0.5 ? helper(cx, "map", base, "Math.sqrt") : helper(cx, "powe", base, exp);
  if (e === 0.5) return atom(`Math.sqrt(${base.s})`);
  if (e === -1) return { s: `1 / ${wrap(base, P.mul + 1)}`, prec: P.mul };
  return { s: `${wrap(base, P.atom)} ** ${wrap(exp, P.unary)}`, prec: P.power };
};

const filled =
  (f: string): Rule =>
  (t, _a, cx) =>
    helper(cx, f, cx.dim(t.shape[0]), cx.dim(t.shape[1]));

const solve: Rule = (t, a, cx) => {
  const [method, trans] = t.attr.split("/") as [string, string];
  const [f, b] = a as [Code, Code];
  const tr = trans === "T" ? "true" : "false";
  switch (method) {
    case "chol":
      return helper(cx, "cholSolve", f, b);
    case "lu":
      return helper(cx, "luSolve", f, b, tr);
    case "direct-pos":
      return helper(cx, "cholSolve", helper(cx, "chol", f), b);
    default:
      return helper(cx, "solve", f, b, tr);
  }
};

const unsupported = (what: string): Rule => () => {
  throw new MatcalcError("unsupported", `code generation: ${what}`);
};

export const TS_RULES = {
  const: (t) => literal(t.attr),
  var: (t) => atom(t.attr),
  dvar: unsupported("differentials have no code"),
  eye: (t, _a, cx) => helper(cx, "eye", cx.dim(t.shape[0])),
  ones: filled("ones"),
  zeros: filled("zeros"),
  add,
  times,
  mul: () => {
    throw new MatcalcError("unsupported", "code generation: 'mul' is always planned into kernels");
  },
  hadamard,
  transpose: (_t, a, cx) => helper(cx, "tp", a[0]!),
  tr: (_t, a, cx) => helper(cx, "trace", a[0]!),
  sum: (_t, a, cx) => helper(cx, "sum", a[0]!),
  diagm: (_t, a, cx) => helper(cx, "diagm", a[0]!),
  diagv: (_t, a, cx) => helper(cx, "diagv", a[0]!),
  pow: power,
  fn: (t, a, cx) => {
    const f = FN[t.attr as ElementwiseName];
    if (f === "relu" || f === "sigmoid") cx.helper(f);
    return scalar(t) ? atom(`${f}(${a[0]!.s})`) : helper(cx, "map", a[0]!, f);
  },
  det: (_t, a, cx) => helper(cx, "det", a[0]!),
  logdet: (_t, a, cx) => helper(cx, "logdet", a[0]!),
  inv: (_t, a, cx) => helper(cx, "inv", a[0]!),
  mpow: (t, a, cx) => helper(cx, "mpow", a[0]!, t.attr),
  norm1: (_t, a, cx) => helper(cx, "norm1", a[0]!),
  norm2: (_t, a, cx) => helper(cx, "norm2", a[0]!),
  expm: (_t, a, cx) => helper(cx, "expm", a[0]!),
  logm: (_t, a, cx) => helper(cx, "logm", a[0]!),
  sqrtm: (_t, a, cx) => helper(cx, "sqrtm", a[0]!),
  powm: (_t, a, cx) => helper(cx, "powm", a[0]!, a[1]!),
  dexpm: (_t, a, cx) => (cx.helper("expm"), helper(cx, "frechetBlock", "expm", a[0]!, a[1]!)),
  dlogm: (_t, a, cx) => (cx.helper("logm"), helper(cx, "frechetBlock", "logm", a[0]!, a[1]!)),
  dsqrtm: (_t, a, cx) => (cx.helper("sqrtm"), helper(cx, "frechetBlock", "sqrtm", a[0]!, a[1]!)),
  dpowm: (_t, a, cx) => (cx.helper("powm"), helper(cx, "frechetBlock", `(m: Mat) => powm(m, ${a[1]!.s})`, a[0]!, a[2]!)),
  d2expm: (_t, a, cx) => (cx.helper("expm"), helper(cx, "frechet2Block", "expm", a[0]!, a[1]!, a[2]!)),
  d2logm: (_t, a, cx) => (cx.helper("logm"), helper(cx, "frechet2Block", "logm", a[0]!, a[1]!, a[2]!)),
  d2sqrtm: (_t, a, cx) => (cx.helper("sqrtm"), helper(cx, "frechet2Block", "sqrtm", a[0]!, a[1]!, a[2]!)),
  d2powm: (_t, a, cx) => (
    cx.helper("powm"), helper(cx, "frechet2Block", `(m: Mat) => powm(m, ${a[1]!.s})`, a[0]!, a[2]!, a[3]!)
  ),
  kron: (_t, a, cx) => helper(cx, "kron", a[0]!, a[1]!),
  // kernels
  matmul: (t, a, cx) => (scalar(t) ? helper(cx, "dot", a[0]!, a[1]!) : helper(cx, "mm", a[0]!, a[1]!)),
  scaleRows: (_t, a, cx) => helper(cx, "scaleRows", a[0]!, a[1]!),
  scaleCols: (_t, a, cx) => helper(cx, "scaleCols", a[0]!, a[1]!),
  traceProd: (_t, a, cx) => helper(cx, "trProd", a[0]!, a[1]!),
  diagProd: (_t, a, cx) => helper(cx, "diagProd", a[0]!, a[1]!),
  factor: (t, a, cx) => helper(cx, t.attr === "chol" ? "chol" : "lu", a[0]!),
  solve,
  factorInv: (t, a, cx) =>
    t.attr === "chol"
      ? helper(cx, "cholSolve", a[0]!, helper(cx, "eye", cx.dim(t.shape[0])))
      : helper(cx, "luSolve", a[0]!, helper(cx, "eye", cx.dim(t.shape[0])), "false"),
  factorDet: (t, a, cx) => helper(cx, t.attr === "chol" ? "cholDet" : "luDet", a[0]!),
  factorLogdet: (t, a, cx) => helper(cx, t.attr === "chol" ? "cholLogdet" : "luLogdet", a[0]!),
  eigh: (_t, a, cx) => helper(cx, "eigSym", a[0]!),
  eighFun: (t, a, cx) => helper(cx, "symFun", a[0]!, t.attr === "pow" ? `(w) => w ** ${wrap(a[1]!, P.unary)}` : SYM[symFn(t.attr)]),
  eighFrechet: (t, a, cx) => {
    if (t.attr === "pow") return (cx.helper("ddPow"), helper(cx, "symFrechet", a[0]!, `(x, y) => ddPow(x, y, ${a[1]!.s})`, a[2]!));
    const dd = DD[symFn(t.attr)];
    cx.helper(dd);
    return helper(cx, "symFrechet", a[0]!, dd, a[1]!);
  },
  frechetTensor: (t, a, cx): Code => frechetTensor(t, a, cx),
  einsum: (t, a, cx) => {
    const [subs, out] = t.attr.split("->") as [string, string];
    const [rows, cols] = out.split("|") as [string, string];
    return helper(cx, "einsum", `"${subs}"`, `[${a.map((c) => c.s).join(", ")}]`, `"${rows}"`, `"${cols}"`);
  },
} as const satisfies Record<LOp, Rule>;

/** D_f(X)_ijkl = L_f(X, e_k e_l')_ij: the rule of the Fréchet op for L_f(_x, _e), applied to every unit direction. */
function frechetTensor(t: Term, a: readonly Code[], cx: EmitContext): Code {
  const { inner, codes } = frechetDirection(t, a, P.atom);
  const body = TS_RULES[inner.op](inner, codes, cx);
  return helper(cx, "frechetTensor", `(_x, _e) => ${body.s}`, a[0]!);
}

const TS_RESERVED = [
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
  "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
  "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
  "let", "static", "implements", "interface", "package", "private", "protected", "public", "await", "as", "any",
  "number", "string", "boolean", "type", "Math", "Number", "Array", "Float64Array", "Int32Array", "Object",
  "TypeError", "RangeError", "values", "evaluate", "Values", "Result", "undefined", "NaN", "Infinity", "luLogAbsDet",
  "_x", "_e",
];

const tsType = (kind: string) => (kind === "scalar" ? "number" : kind === "matrix" ? "number[][]" : "number[]");
const tsOut = (cx: Set<string>, name: string, kind: string) => {
  if (kind === "scalar") return name;
  const h = kind === "matrix" ? "matrixOut" : "vectorOut";
  cx.add(h);
  return `${h}(${name})`;
};

function tsModule(m: ModuleInfo): string {
  const used = new Set<string>([...m.helpers]);
  const body: string[] = [];
  const dimLocal = (d: string | number) =>
    typeof d === "number" ? String(d) : d.split("*").map((p) => (/^\d+$/.test(p) ? p : m.dims.find((x) => x.name === p)!.local)).join(" * ");
  for (const v of m.inputs) {
    const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(v.name) ? `values.${v.name}` : `values["${v.name}"]`;
    if (v.kind === "scalar") {
      used.add("scalarIn");
      body.push(`const ${v.local} = scalarIn("${v.name}", ${key});`);
    } else if (v.kind === "matrix") {
      used.add("matrixIn");
      body.push(`const ${v.local} = matrixIn("${v.name}", ${key});`);
    } else {
      used.add("vectorIn");
      body.push(`const ${v.local} = vectorIn("${v.name}", ${key}, ${v.kind === "row"});`);
    }
  }
  for (const d of m.dims) body.push(`const ${d.local} = ${d.from.local}.${d.axis === 0 ? "rows" : "cols"};`);
  for (const v of m.inputs) {
    if (v.kind === "scalar") continue;
    used.add("checkShape");
    body.push(`checkShape("${v.name}", ${v.local}, ${dimLocal(v.shape[0])}, ${dimLocal(v.shape[1])});`);
  }
  for (const st of m.statements) body.push(`const ${st.name} = ${st.code.s};`);
  const value = tsOut(used, m.value.name, m.value.kind);
  let derivative = m.tensor ? "" : tsOut(used, m.derivative.name, m.derivative.kind);
  let derivativeType = tsType(m.derivative.kind);
  if (m.tensor) {
    // the N-D array of the matricized derivative (ModuleInfo.tensor): sizes in the numerator tensor's axis order
    const t = m.tensor;
    used.add("tensorOut");
    const sizes = [...t.reversed].reverse();
    const perm = t.axes.map((a) => t.axes.length - 1 - a);
    derivativeType = `number${"[]".repeat(t.axes.length)}`;
    derivative = `tensorOut(${m.derivative.name}, ${t.transposed}, [${sizes.join(", ")}], [${perm.join(", ")}]) as ${derivativeType}`;
  }
  body.push(`return { value: ${value}, derivative: ${derivative} };`);
  // helpers and their dependencies
  const todo = [...used];
  while (todo.length > 0) {
    const h = todo.pop()!;
    for (const d of TS_HELPERS[h]?.deps ?? []) if (!used.has(d)) (used.add(d), todo.push(d));
  }
  const lines: string[] = [];
  const conventions = [
    "  values: numbers for scalars, arrays for vectors, arrays of rows for matrices; evaluate(values) returns",
    "  { value, derivative } in the same form; self-contained (its small dense-matrix runtime follows evaluate)",
  ];
  for (const h of [...m.header, ...conventions]) lines.push(`// ${h}`.trimEnd());
  lines.push("", "export interface Values {");
  for (const v of m.inputs) lines.push(`  readonly ${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(v.name) ? v.name : `"${v.name}"`}: ${tsType(v.kind)};`);
  lines.push("}", "", "export interface Result {");
  lines.push(`  value: ${tsType(m.value.kind)};`, `  derivative: ${derivativeType};`, "}", "");
  lines.push("export function evaluate(values: Values): Result {");
  for (const b of body) lines.push(`  ${b}`);
  lines.push("}");
  for (const h of Object.keys(TS_HELPERS)) if (used.has(h)) lines.push(TS_HELPERS[h]!.code.trimEnd());
  lines.push(...tsDemo(m.demo));
  return `${lines.join("\n")}\n`;
}

export const TS: TargetSpec = {
  rules: TS_RULES,
  freeTranspose: false,
  reserved: new Set([...TS_RESERVED, ...Object.keys(TS_HELPERS)]),
  atom: P.atom,
  maxInline: 80,
  isName: (s) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s),
  module: tsModule,
};
