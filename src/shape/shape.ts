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

