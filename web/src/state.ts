// The page's whole state as plain data, and its round trip through the address's hash.
// One flat record in URLSearchParams form (readable links); every field is validated on the way in, so any hash opens.

export type Kind = "scalar" | "vector" | "matrix";
export const PROP_NAMES = ["symmetric", "spd", "diagonal", "orthogonal"] as const;
export type PropName = (typeof PROP_NAMES)[number];
export const NOTATIONS = ["matrix", "index", "differential"] as const;
export type Notation = (typeof NOTATIONS)[number];
export const CODE_TARGETS = ["numpy", "jax", "torch", "ts"] as const;
export type CodeTarget = (typeof CODE_TARGETS)[number];
export type Layout = "numerator" | "denominator";
export const MAX_PAGE_ORDER = 6;

/** A variable as edited in the table: kind, dimensions ([] scalar, [n] vector, [rows, cols] matrix), props. */
export interface VarOverride {
  readonly kind: Kind;
  readonly dims: readonly string[];
  readonly props: readonly PropName[];
}

export interface PageState {
  readonly expr: string;
  /** The variable chosen to differentiate by; "" lets the page take the first variable of the expression. */
  readonly wrt: string;
  readonly order: number;
  readonly layout: Layout;
  readonly notation: Notation;
  readonly seed: number;
  readonly vars: Readonly<Record<string, VarOverride>>;
  readonly code: CodeTarget;
  readonly steps: boolean;
}

export const DEFAULT_STATE: PageState = {
  expr: "x'*A*x",
  wrt: "x",
  order: 1,
  layout: "numerator",
  notation: "matrix",
  seed: 1,
  vars: {},
  code: "numpy",
  steps: false,
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DIM = /^(?:[A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]{0,5})$/;

/** A dimension as typed in the table: a name or a positive integer. */
export function isDim(s: string): boolean {
  return DIM.test(s);
}

export function dimCount(kind: Kind): number {
  return kind === "scalar" ? 0 : kind === "vector" ? 1 : 2;
}

/** The request's `vars` entry for an edited variable (dimensions that are digits become numbers). */
export function toVarSpec(v: VarOverride): { shape: (string | number)[]; props: string[] } {
  return { shape: v.dims.map((d) => (/^[0-9]+$/.test(d) ? Number(d) : d)), props: [...v.props] };
}

/** Declaration-style wording of an edited variable, e.g. "S: matrix(n, n) spd". */
export function describeOverride(name: string, v: VarOverride): string {
  const base = v.kind === "scalar" ? "scalar" : `${v.kind}(${v.dims.join(", ")})`;
  return `${name}: ${[base, ...v.props].join(" ")}`;
}

export function encodeState(s: PageState): string {
  const p = new URLSearchParams();
  p.set("expr", s.expr);
  if (s.wrt) p.set("wrt", s.wrt);
  p.set("order", String(s.order));
  p.set("layout", s.layout);
  p.set("notation", s.notation);
  p.set("seed", String(s.seed));
  if (Object.keys(s.vars).length > 0) p.set("vars", JSON.stringify(s.vars));
  p.set("code", s.code);
  if (s.steps) p.set("steps", "1");
  return p.toString();
}

/** The state in a hash (with or without its leading '#'); missing or invalid fields take their defaults. */
export function decodeState(hash: string): PageState {
  const p = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  if (p.size === 0) return DEFAULT_STATE;
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = p.get(key);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const int = (key: string, lo: number, hi: number, fallback: number): number => {
    const v = Number(p.get(key));
    return p.has(key) && Number.isSafeInteger(v) && v >= lo && v <= hi ? v : fallback;
  };
  const wrt = p.get("wrt") ?? "";
  return {
    expr: p.get("expr") ?? DEFAULT_STATE.expr,
    wrt: NAME.test(wrt) ? wrt : "",
    order: int("order", 1, MAX_PAGE_ORDER, DEFAULT_STATE.order),
    layout: pick<Layout>("layout", ["numerator", "denominator"], DEFAULT_STATE.layout),
    notation: pick("notation", NOTATIONS, DEFAULT_STATE.notation),
    seed: int("seed", 0, 2 ** 31 - 1, DEFAULT_STATE.seed),
    vars: decodeVars(p.get("vars")),
    code: pick("code", CODE_TARGETS, DEFAULT_STATE.code),
    steps: p.get("steps") === "1",
  };
}

function decodeVars(raw: string | null): Record<string, VarOverride> {
  if (raw === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const out: Record<string, VarOverride> = {};
  for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
    const ok = NAME.test(name) && parseOverride(v);
    if (ok) out[name] = ok;
  }
  return out;
}

function parseOverride(v: unknown): VarOverride | null {
  if (typeof v !== "object" || v === null) return null;
  const { kind, dims, props } = v as Record<string, unknown>;
  if (kind !== "scalar" && kind !== "vector" && kind !== "matrix") return null;
  if (!Array.isArray(dims) || dims.length !== dimCount(kind)) return null;
  if (!dims.every((d) => typeof d === "string" && isDim(d))) return null;
  if (!Array.isArray(props) || !props.every((q) => (PROP_NAMES as readonly unknown[]).includes(q))) return null;
  return { kind, dims: dims as string[], props: [...new Set(props as PropName[])] };
}
