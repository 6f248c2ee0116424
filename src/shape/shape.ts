// Shapes of typed values: every value is a (rows x cols) matrix whose dimensions are integers or symbols.
// Scalars are 1x1 and column vectors n x 1, as in MATLAB; properties (symmetric, spd, ...) ride along.

export type Dim = number | string;
export type Shape = readonly [rows: Dim, cols: Dim];

export const PROPS = ["symmetric", "spd", "diagonal", "orthogonal"] as const;
export type Prop = (typeof PROPS)[number];

export const SCALAR: Shape = [1, 1];

export function isScalarShape(s: Shape): boolean {
  return s[0] === 1 && s[1] === 1;
}
export function isSquare(s: Shape): boolean {
  return s[0] === s[1];
}
export function sameShape(a: Shape, b: Shape): boolean {
  return a[0] === b[0] && a[1] === b[1];
}
export function shapeKey(s: Shape): string {
  return `${s[0]}x${s[1]}`;
}

/** Human wording: "scalar", "vector(n)", "row vector(n)", "matrix(n, m)". */
export function describeShape(s: Shape): string {
  if (isScalarShape(s)) return "scalar";
  if (s[1] === 1) return `vector(${s[0]})`;
  if (s[0] === 1) return `row vector(${s[1]})`;
  return `matrix(${s[0]}, ${s[1]})`;
}


/**
 * Product of two dimensions, as the size of a Kronecker product or of vec(X): numbers multiply, symbols
 * become a canonical product "m*n" (sorted factors, numeric coefficient first), so m*n and n*m agree.
 */
export function mulDims(a: Dim, b: Dim): Dim {
  let c = 1;
  const syms: string[] = [];
  for (const d of [a, b]) {
    for (const part of String(d).split("*")) {
      if (/^\d+$/.test(part)) c *= Number(part);
      else syms.push(part);
    }
  }
  if (syms.length === 0) return c;
  syms.sort();
  return [...(c === 1 ? [] : [String(c)]), ...syms].join("*");
}

/** The factors of a dimension: "m*n" -> ["m", "n"], 3 -> [3]. */
export function dimFactors(d: Dim): Dim[] {
  if (typeof d === "number") return [d];
  return d.split("*").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
