// What a generated module does when run as a script: evaluate at random values of the declared shapes and structure
// and check the derivative by central differences. Everything is fixed at generation (sizes, strides), so each
// target's demo is plain loops over flat lists and states the contract's layout independently of the code it checks.

import { type Differentiated, isTensorValued, tensorPermutation } from "../api/differentiate.js";
import { colMajorStrides } from "../numeric/ndarray.js";
import type { Dim, Prop, Shape } from "../shape/shape.js";
import type { Kind } from "./lir.js";

export interface DemoInput {
  readonly name: string;
  readonly kind: Kind;
  readonly rows: number;
  readonly cols: number;
  readonly props: readonly Prop[];
}

export interface DemoInfo {
  /** The sizes chosen for the symbolic dimensions. */
  readonly sizes: ReadonlyMap<string, number>;
  readonly inputs: readonly DemoInput[];
  readonly wrt: string;
  readonly order: number;
  /** Sizes of the numerator tensor's axes: the function's (size-1 axes dropped), then the variable's per derivative. */
  readonly axes: readonly number[];
  /**
   * Where entry a of the numerator tensor sits in the derivative that evaluate() returns, flattened row-major:
   * sum of a[t] * strides[t]. This is the contract (N-D arrays, denominator layout, matricized) written as numbers.
   */
  readonly strides: readonly number[];
  /** Central-difference steps and tolerances by order (the check is skipped above order 3). */
  readonly step: number;
  readonly tolerance: number;
  /** Differences below this size count as absolute. */
  readonly floor: number;
}

const STEP = [0, 1e-5, 1e-4, 1e-3];
const TOLERANCE = [0, 1e-6, 1e-5, 1e-3];
const FLOOR = [0, 1e-6, 1e-6, 1e-6];

/** Row-major strides of a shape. */
function rowMajor(sizes: readonly number[]): number[] {
  const s = sizes.map(() => 1);
  for (let t = sizes.length - 2; t >= 0; t--) s[t] = s[t + 1]! * sizes[t + 1]!;
  return s;
}


export function demoInfo(d: Differentiated, opts: { readonly matricize?: boolean }): DemoInfo {
  const c = d.compiled;
  const vars = [...c.vars.values()].sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1));
  const sizes = new Map<string, number>();
  // distinct sizes, the first dimension largest (so X'*X of a tall X is invertible), as the engine's check first tries
  const names: string[] = [];
  for (const v of vars) for (const x of v.shape) if (typeof x === "string" && !names.includes(x)) names.push(x);
  names.forEach((x, k) => sizes.set(x, 2 + names.length - k));
  const size = (x: Dim): number =>
    typeof x === "number" ? x : x.split("*").reduce((s, p) => s * (/^\d+$/.test(p) ? Number(p) : sizes.get(p) ?? 1), 1);
  const nonUnit = (s: Shape) => s.filter((x) => x !== 1).map(size);
  const wrt = c.vars.get(d.wrt)!;
  const fAxes = nonUnit(c.f.shape);
  const vAxes = nonUnit(wrt.shape);
  const axes = [...fAxes, ...Array.from({ length: d.order }, () => vAxes).flat()];
  const k = axes.length;
  let strides: number[];
  if (isTensorValued(d) && !opts.matricize) {
    // an N-D array with axes perm(axes), row-major
    const perm = tensorPermutation(d);
    const out = rowMajor(perm.map((a) => axes[a]!));
    strides = axes.map(() => 0);
    perm.forEach((a, t) => (strides[a] = out[t]!));
  } else if (isTensorValued(d)) {
    // the matricized matrix: rows (f, all levels but the last), columns (the last level), first index fastest;
    // its transpose in denominator layout (Hessians are symmetric: never transposed)
    const kr = k - vAxes.length;
    const R = axes.slice(0, kr).reduce((s, n) => s * n, 1);
    const C = axes.slice(kr).reduce((s, n) => s * n, 1);
    const transposed = d.layout === "denominator" && d.kind !== "hessian";
    const cm = [...colMajorStrides(axes.slice(0, kr)), ...colMajorStrides(axes.slice(kr))];
    strides = cm.map((s, t) => (t < kr ? s * (transposed ? 1 : C) : s * (transposed ? R : 1)));
  } else if (k === 2 && d.layout === "denominator" && d.kind !== "hessian" && d.kind !== "gradient") {
    // a matrix in denominator layout is the transpose of the numerator one
    strides = [1, axes[0]!];
  } else strides = rowMajor(axes);
  const p = d.order;
  return {
    sizes,
    inputs: vars.map((v) => ({
      name: v.name,
      kind: v.shape[0] === 1 && v.shape[1] === 1 ? "scalar" : v.shape[1] === 1 ? "col" : v.shape[0] === 1 ? "row" : "matrix",
      rows: size(v.shape[0]),
      cols: size(v.shape[1]),
      props: v.props,
    })),
    wrt: d.wrt,
    order: p,
    axes,
    strides,
    step: STEP[p] ?? 0,
    tolerance: TOLERANCE[p] ?? 0,
    floor: FLOOR[p] ?? 0,
  };
}

/** The demo of a Python module: `_demo(array)` and the `__main__` block; `array` makes an input of the target. */
export function pythonDemo(info: DemoInfo, array: string, prelude: readonly string[] = []): string[] {
  const spec = info.inputs.map((v) => `"${v.name}": ("${v.kind}", ${v.rows}, ${v.cols}, ${JSON.stringify(v.props)})`);
  const sizes = [...info.sizes].map(([n, s]) => `${n}=${s}`).join(", ");
  return [
    "",
    "",
    "def _demo(array):",
    `    """Evaluates at random values of the declared shapes and structure; checks the derivative by central differences."""`,
    "    import itertools",
    "    import math",
    "    import random",
    "    import sys",
    "",
    "    rng = random.Random(0)",
    `    spec = {${spec.join(", ")}}`,
    `    wrt, order, axes, strides = "${info.wrt}", ${info.order}, ${JSON.stringify(info.axes)}, ${JSON.stringify(info.strides)}`,
    "",
    "    def matrix(kind, rows, cols, props, positive):",
    "        pos = lambda: 0.5 + rng.random()",
    "        if kind == \"scalar\":",
    "            return [[pos()]]",
    "        fill = lambda f: [[f() for _ in range(cols)] for _ in range(rows)]",
    "        if \"orthogonal\" in props:",
    "            q = []  # Gram-Schmidt on the columns of a random matrix",
    "            for c in zip(*fill(lambda: rng.gauss(0, 1))):",
    "                c = list(c)",
    "                for u in q:",
    "                    dot = sum(a * b for a, b in zip(u, c))",
    "                    c = [a - dot * b for a, b in zip(c, u)]",
    "                norm = math.sqrt(sum(a * a for a in c))",
    "                q.append([a / norm for a in c])",
    "            return [list(r) for r in zip(*q)]",
    "        if \"diagonal\" in props:",
    "            return [[pos() if i == j else 0.0 for j in range(cols)] for i in range(rows)]",
    "        if \"spd\" in props or (\"symmetric\" in props and positive):",
    "            b = fill(lambda: rng.gauss(0, 1))",
    "            return [[sum(x * y for x, y in zip(b[i], b[j])) / rows + (i == j) for j in range(rows)] for i in range(rows)]",
    "        if \"symmetric\" in props:",
    "            b = fill(lambda: rng.gauss(0, 1))",
    "            return [[(b[i][j] + b[j][i]) / 4 for j in range(rows)] for i in range(rows)]",
    "        if rows == cols:  # diagonally dominant: invertible, spectrum in the right half-plane",
    "            b = fill(lambda: 0.5 * rng.random() if positive else 0.3 * rng.gauss(0, 1))",
    "            return [[b[i][j] + ((rows if positive else 2) if i == j else 0) for j in range(cols)] for i in range(rows)]",
    "        return fill(lambda: pos() if positive or rng.random() < 0.5 else -pos())",
    "",
    "    def direction(rows, cols, props, at):",
    "        v = [[rng.gauss(0, 1) for _ in range(cols)] for _ in range(rows)]",
    "        if \"diagonal\" in props:",
    "            v = [[v[i][j] if i == j else 0.0 for j in range(cols)] for i in range(rows)]",
    "        elif \"symmetric\" in props or \"spd\" in props:",
    "            v = [[(v[i][j] + v[j][i]) / 2 for j in range(cols)] for i in range(rows)]",
    "        elif \"orthogonal\" in props:  # a tangent Q*K, K antisymmetric",
    "            k = [[(v[i][j] - v[j][i]) / 2 for j in range(cols)] for i in range(rows)]",
    "            v = [[sum(at[i][p] * k[p][j] for p in range(rows)) for j in range(cols)] for i in range(rows)]",
    "        norm = math.sqrt(sum(x * x for r in v for x in r)) or 1.0",
    "        return [[x / norm for x in r] for r in v]",
    "",
    "    def given(name, m):",
    "        kind = spec[name][0]",
    "        if kind == \"scalar\":",
    "            return array(m[0][0])",
    "        if kind == \"col\":",
    "            return array([r[0] for r in m])",
    "        return array(m[0] if kind == \"row\" else m)",
    "",
    "    def flat(v):",
    "        v = v.tolist() if hasattr(v, \"tolist\") else v",
    "        if isinstance(v, (list, tuple)):",
    "            return [y for x in v for y in flat(x)]",
    "        return [float(v)]",
    "",
    "    for positive in (False, True):",
    "        mats = {n: matrix(*s, positive) for n, s in spec.items()}",
    "        try:",
    "            value, derivative = evaluate(**{n: given(n, m) for n, m in mats.items()})",
    "        except Exception:",
    "            continue",
    "        if all(math.isfinite(x) for x in flat(value) + flat(derivative)):",
    "            break",
    "    else:",
    "        sys.exit(\"no random values in the function's domain\")",
    `    print("at random values (sizes ${sizes || "fixed"}, seed 0):")`,
    "    print(\"value =\", value)",
    "    print(\"derivative: shape\", tuple(int(n) for n in getattr(derivative, \"shape\", ())))",
    "    if order > 3:",
    "        print(\"check: skipped (central differences of order above 3 are too inaccurate)\")",
    "        return",
    `    x, (rows, cols, props) = mats[wrt], spec[wrt][1:]`,
    "    e = direction(rows, cols, props, x)",
    "    efl = [a for r in e for a in r]",
    `    h = ${info.step}`,
    "    fd, noise = None, 0.0",
    "    for j in range(order + 1):  # central differences of order `order` along e",
    "        t = (order - 2 * j) * h",
    "        moved = dict(mats)",
    "        moved[wrt] = [[a + t * b for a, b in zip(ra, rb)] for ra, rb in zip(x, e)]",
    "        fj = flat(evaluate(**{n: given(n, m) for n, m in moved.items()})[0])",
    "        w = math.comb(order, j) * (-1) ** j / (2 * h) ** order",
    "        fd = [w * a for a in fj] if fd is None else [a + w * b for a, b in zip(fd, fj)]",
    "        noise += 1e-15 * abs(w) * max([abs(a) for a in fj] + [0.0])  # rounding in the differences",
    "    d = flat(derivative)",
    "    if len(d) != math.prod(axes):",
    "        print(f\"check: FAIL: the derivative has {len(d)} entries, expected {math.prod(axes)} (axes {axes})\")",
    "        sys.exit(1)",
    "    # the numerator tensor (the function's axes, then the variable's), contracted with e once per derivative",
    "    t = [d[sum(a * s for a, s in zip(i, strides))] for i in itertools.product(*[range(n) for n in axes])]",
    "    for _ in range(order):",
    "        t = [sum(t[i * len(efl) + j] * efl[j] for j in range(len(efl))) for i in range(len(t) // len(efl))]",
    `    scale = max([abs(a) for a in t + fd] + [${info.floor}, noise / ${info.tolerance}])`,
    "    err = max(abs(a - b) for a, b in zip(t, fd)) / scale",
    `    ok = err <= ${info.tolerance}`,
    "    print(f\"check: {'PASS' if ok else 'FAIL'}: central differences along a random direction (relative error {err:.1e})\")",
    "    if not ok:",
    "        sys.exit(1)",
    "",
    "",
    'if __name__ == "__main__":',
    ...prelude.map((l) => `    ${l}`),
    `    _demo(${array})`,
  ];
}

/** The demo of a TypeScript module: `demo()` and the check that runs it when the file is the script (`npx tsx`). */
export function tsDemo(info: DemoInfo): string[] {
  const spec = info.inputs.map((v) => `${JSON.stringify(v.name)}: [${JSON.stringify(v.kind)}, ${v.rows}, ${v.cols}, ${JSON.stringify(v.props)}]`);
  const sizes = [...info.sizes].map(([n, s]) => `${n}=${s}`).join(", ");
  return `
/**
 * Run as a script (npx tsx this-file.ts): evaluates at random values of the declared shapes and structure, prints
 * the value and the derivative's shape, and checks the derivative by central differences along a random direction.
 */
export function demo(): boolean {
  let state = 1;
  const rand = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  type Rows = number[][];
  const spec: Record<string, [string, number, number, string[]]> = { ${spec.join(", ")} };
  const wrt = ${JSON.stringify(info.wrt)};
  const order: number = ${info.order};
  const axes: number[] = ${JSON.stringify(info.axes)};
  const strides: number[] = ${JSON.stringify(info.strides)};
  const fill = (rows: number, cols: number, f: () => number): Rows => Array.from({ length: rows }, () => Array.from({ length: cols }, f));
  const at = (m: Rows, i: number, j: number): number => m[i]![j]!;
  const matrix = (kind: string, rows: number, cols: number, props: string[], positive: boolean): Rows => {
    const pos = () => 0.5 + rand();
    if (kind === "scalar") return [[pos()]];
    if (props.includes("orthogonal")) {
      const b = fill(rows, cols, gauss);
      const q: number[][] = []; // Gram-Schmidt on the columns
      for (let j = 0; j < cols; j++) {
        let c = b.map((r) => r[j]!);
        for (const u of q) {
          const dot = u.reduce((s, x, i) => s + x * c[i]!, 0);
          c = c.map((x, i) => x - dot * u[i]!);
        }
        const norm = Math.hypot(...c);
        q.push(c.map((x) => x / norm));
      }
      return fill(rows, cols, () => 0).map((r, i) => r.map((_, j) => q[j]![i]!));
    }
    if (props.includes("diagonal")) return fill(rows, cols, () => 0).map((r, i) => r.map((_, j) => (i === j ? pos() : 0)));
    if (props.includes("spd") || (props.includes("symmetric") && positive)) {
      const b = fill(rows, rows, gauss);
      return b.map((_, i) => b.map((_, j) => b[i]!.reduce((s, x, k) => s + x * at(b, j, k), 0) / rows + (i === j ? 1 : 0)));
    }
    if (props.includes("symmetric")) {
      const b = fill(rows, rows, gauss);
      return b.map((r, i) => r.map((x, j) => (x + at(b, j, i)) / 4));
    }
    if (rows === cols) {
      // diagonally dominant: invertible, spectrum in the right half-plane
      const b = fill(rows, cols, () => (positive ? 0.5 * rand() : 0.3 * gauss()));
      return b.map((r, i) => r.map((x, j) => x + (i === j ? (positive ? rows : 2) : 0)));
    }
    return fill(rows, cols, () => (positive || rand() < 0.5 ? pos() : -pos()));
  };
  const direction = (rows: number, cols: number, props: string[], x: Rows): Rows => {
    let v = fill(rows, cols, gauss);
    if (props.includes("diagonal")) v = v.map((r, i) => r.map((a, j) => (i === j ? a : 0)));
    else if (props.includes("symmetric") || props.includes("spd")) v = v.map((r, i) => r.map((a, j) => (a + at(v, j, i)) / 2));
    else if (props.includes("orthogonal")) {
      // a tangent Q*K, K antisymmetric
      const k = v.map((r, i) => r.map((a, j) => (a - at(v, j, i)) / 2));
      v = v.map((r, i) => r.map((_, j) => x[i]!.reduce((s, q, p) => s + q * at(k, p, j), 0)));
    }
    const norm = Math.hypot(...v.flat()) || 1;
    return v.map((r) => r.map((a) => a / norm));
  };
  const given = (name: string, m: Rows): unknown => {
    const kind = spec[name]![0];
    return kind === "scalar" ? at(m, 0, 0) : kind === "col" ? m.map((r) => r[0]!) : kind === "row" ? m[0]! : m;
  };
  const flat = (v: unknown): number[] => (typeof v === "number" ? [v] : (v as unknown[]).flatMap(flat));
  const shapeOf = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);
  const run = (mats: Record<string, Rows>): Result =>
    evaluate(Object.fromEntries(Object.entries(mats).map(([n, m]) => [n, given(n, m)])) as unknown as Values);
  let mats: Record<string, Rows> = {};
  let result: Result | null = null;
  for (const positive of [false, true]) {
    mats = Object.fromEntries(Object.entries(spec).map(([n, [kind, rows, cols, props]]) => [n, matrix(kind, rows, cols, props, positive)]));
    try {
      const r = run(mats);
      if ([...flat(r.value), ...flat(r.derivative)].every(Number.isFinite)) {
        result = r;
        break;
      }
    } catch {
      // outside the function's domain: try positive values
    }
  }
  if (!result) {
    console.log("no random values in the function's domain");
    return false;
  }
  console.log(${JSON.stringify(`at random values (sizes ${sizes || "fixed"}, seed 1):`)});
  console.log("value =", JSON.stringify(result.value));
  console.log(\`derivative: shape (\${shapeOf(result.derivative).join(", ")})\`);
  if (order > 3) {
    console.log("check: skipped (central differences of order above 3 are too inaccurate)");
    return true;
  }
  const [, rows, cols, props] = spec[wrt]!;
  const x = mats[wrt]!;
  const e = direction(rows, cols, props, x);
  const efl = e.flat();
  const h = ${info.step};
  let fd: number[] | null = null;
  let noise = 0;
  let binom = 1;
  for (let j = 0; j <= order; j++) {
    // central differences of order \`order\` along e
    const t = (order - 2 * j) * h;
    const fj = flat(run({ ...mats, [wrt]: x.map((r, i) => r.map((a, k) => a + t * at(e, i, k))) }).value);
    const w = (binom * (j % 2 === 0 ? 1 : -1)) / (2 * h) ** order;
    binom = (binom * (order - j)) / (j + 1);
    fd = fd ? fd.map((a, i) => a + w * fj[i]!) : fj.map((a) => w * a);
    noise += 1e-15 * Math.abs(w) * Math.max(0, ...fj.map(Math.abs)); // rounding in the differences
  }
  const d = flat(result.derivative);
  const total = axes.reduce((s, n) => s * n, 1);
  if (d.length !== total) {
    console.log(\`check: FAIL: the derivative has \${d.length} entries, expected \${total} (axes \${axes.join(", ")})\`);
    return false;
  }
  // the numerator tensor (the function's axes, then the variable's), contracted with e once per derivative
  let t = Array.from({ length: total }, (_, lin) => {
    let pos = 0;
    for (let a = axes.length - 1, r = lin; a >= 0; a--, r = Math.floor(r / axes[a + 1]!)) pos += (r % axes[a]!) * strides[a]!;
    return d[pos]!;
  });
  for (let k = 0; k < order; k++) {
    t = Array.from({ length: t.length / efl.length }, (_, i) => efl.reduce((s, a, j) => s + t[i * efl.length + j]! * a, 0));
  }
  const scale = Math.max(...t.map(Math.abs), ...fd!.map(Math.abs), ${info.floor}, noise / ${info.tolerance});
  const err = Math.max(0, ...t.map((a, i) => Math.abs(a - fd![i]!))) / scale;
  const ok = err <= ${info.tolerance};
  console.log(\`check: \${ok ? "PASS" : "FAIL"}: central differences along a random direction (relative error \${err.toExponential(1)})\`);
  return ok;
}

// run as a script: npx tsx this-file.ts (exits with status 1 when the check fails)
const nodeProcess = (globalThis as { process?: { argv: string[]; exitCode?: number } }).process;
if (nodeProcess?.argv[1] !== undefined && import.meta.url === new URL(nodeProcess.argv[1], "file://").href) {
  if (!demo()) nodeProcess.exitCode = 1;
}`.split("\n");
}
