// Small fractions among double constants, and exact arithmetic on them: a constant is the fraction p/q when the
// text p/q reads back to it (as p*(1/q)), and sums and products of such constants are that fraction again.

const gcd = (a: number, b: number): number => {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
};

/** Denominators a constant is recognized with (a fraction p/q with a larger q stays a decimal). */
const SMALL_DEN = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/**
 * p/q in lowest terms with small q when x is exactly such a fraction: the text p/q reads back as p*(1/q)
 * (lowering makes division a product with a reciprocal), which must be x itself to the last bit, or 3.4 would
 * print as 17/5 and parse back as another number (3.4000000000000004); and 3.4, which is 51*(1/15), is not 51/15.
 */
export function asFraction(x: number): [number, number] | null {
  for (const q of SMALL_DEN) {
    const p = Math.round(x * q);
    if (p * (1 / q) === x && gcd(p, q) === 1) return [p, q];
  }
  return null;
}

/** The constant the text p/q reads back as (q > 0). */
function fromFraction(p: number, q: number): number {
  return q === 1 ? p : p * (1 / q);
}

/** [p, q] for an integer (q = 1) or a small fraction, null for any other number. */
function rational(x: number): [number, number] | null {
  if (Number.isSafeInteger(x)) return [x, 1];
  return asFraction(x);
}

/** p/q reduced, as a constant, when it is an integer or a small fraction; null otherwise. */
function exact(p: number, q: number): number | null {
  if (!Number.isSafeInteger(p) || !Number.isSafeInteger(q)) return null;
  const g = gcd(p, q) || 1;
  const [p2, q2] = [p / g, q / g];
  if (q2 === 1) return p2;
  return SMALL_DEN.includes(q2) ? fromFraction(p2, q2) : null;
}

/** a + b, exact when both are integers or small fractions and so is the sum: 1/3 - 1 = -2/3. */
export function addExact(a: number, b: number): number {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a + b;
  const ra = rational(a);
  const rb = rational(b);
  if (!ra || !rb) return a + b;
  return exact(ra[0] * rb[1] + rb[0] * ra[1], ra[1] * rb[1]) ?? a + b;
}

/** a * b, exact when both are integers or small fractions and so is the product: (2/3)*(3/4) = 1/2. */
export function mulExact(a: number, b: number): number {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a * b;
  const ra = rational(a);
  const rb = rational(b);
  if (!ra || !rb) return a * b;
  return exact(ra[0] * rb[0], ra[1] * rb[1]) ?? a * b;
}
