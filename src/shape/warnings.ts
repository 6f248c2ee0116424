// Warnings about shapes the user did not write: a kind guessed from a first letter, or a scalar broadcast, that
// decides the kind of f (and so of the answer). Each is a counterfactual or a plain reading of the inferred shapes.

import { MatcalcError } from "../diagnostics/errors.js";
import type { Expr, Program } from "../syntax/ast.js";
import type { DimT, TShape } from "./dims.js";
import { type ExternalVar, type Typed, inferProgram, postorder, snippet } from "./infer.js";
import type { Dim } from "./shape.js";

/** Something legal but probably unintended; `code` is stable ("guessed-kind", "broadcast"). */
export interface Warning {
  readonly code: string;
  readonly message: string;
}

/** At most this many undeclared variables are tried as scalars (each try is one more shape inference). */
const MAX_TRIES = 8;

/** "a scalar", "a vector", "a row vector", "a matrix". */
export function kindOf(s: readonly Dim[]): string {
  if (s[0] === 1 && s[1] === 1) return "a scalar";
  if (s[1] === 1) return "a vector";
  if (s[0] === 1) return "a row vector";
  return "a matrix";
}

/** A name whose kind the first-letter convention chooses as non-scalar: h-z vectors, everything else matrices. */
const guessedNonScalar = (name: string): boolean => !(name[0]! >= "a" && name[0]! <= "g");

/**
 * The warnings of a typed program. `resolve` maps its dimensions to their final values (compile's resolution);
 * `external` are the variables declared outside the program (the request's `vars`).
 */
export function shapeWarnings(
  program: Program,
  typed: Typed,
  resolve: (d: DimT) => Dim,
  external: Readonly<Record<string, ExternalVar>>,
): Warning[] {
  const shapeOf = (e: Expr): Dim[] => (typed.shapes.get(e) as TShape).map(resolve);
  const f = shapeOf(typed.body);
  if (f[0] === 1 && f[1] === 1) return [];
  const fKind = kindOf(f);
  const out: Warning[] = [];
  // f's outermost sum, when it mixes scalar terms with others, says f was probably meant to be a scalar.
  let body = typed.body;
  // f = r'*r + ...; f: the outermost sum is the definition's
  for (let k = 0; k < typed.defs.length && body.kind === "ident"; k++) {
    const name = body.name;
    const def = typed.defs.find((d) => d.name === name);
    if (!def) break;
    body = def.expr;
  }
  const terms = sumTerms(body);
  // Scalar terms that reduce a vector or a matrix (x'*A*x, norm2(r)^2): a constant or a scalar variable added to
  // every entry (1 + exp(x), A*x - c) is common on purpose.
  const reduces = (e: Expr): boolean => {
    let found = false;
    postorder(e, (u) => {
      if (u.kind !== "ident" || found) return;
      const v = typed.vars.get(u.name);
      if (v && !isScalar(v.shape.map(resolve))) found = true;
    });
    return found;
  };
  const scalars = terms.filter((t) => isScalar(shapeOf(t.e)) && reduces(t.e));
  const rest = terms.filter((t) => !isScalar(shapeOf(t.e)));
  const mixed = scalars.length > 0 && rest.length > 0;
  // A guessed kind decides f's kind when declaring the variable a scalar would make f a scalar. Without a mixed
  // sum, only guessed vectors are suspects (lambda*w'*w; an uppercase name is a matrix on purpose, as in
  // expm(t*A)), and only beside another vector or matrix that f reduces to scalars (exp(x), x*(x'*x) and
  // exp(t)*x are vector functions on purpose).
  const nonScalar = [...typed.vars.values()].filter((v) => !isScalar(v.shape.map(resolve)));
  const candidates = [...typed.vars.values()]
    .filter((v) => v.origin === "inferred" && guessedNonScalar(v.name) && !Object.hasOwn(external, v.name))
    .filter((v) => mixed || (v.name[0]! >= "h" && v.name[0]! <= "z" && nonScalar.some((u) => u !== v)))
    .filter((v) => {
      const s = v.shape.map(resolve);
      return !isScalar(s) && s.some((d) => d !== 1 && f.includes(d));
    })
    .sort((a, b) => (a.span?.[0] ?? -1) - (b.span?.[0] ?? -1))
    .slice(0, MAX_TRIES);
  for (const v of candidates) {
    const cf = ifScalar(program, external, v.name);
    // without a mixed sum, f must still reduce another vector or matrix to a scalar (w in lambda*w'*w)
    if (cf.scalar && (mixed || cf.reducesOther)) {
      out.push({
        code: "guessed-kind",
        message:
          `${v.name} was taken as ${kindOf(v.shape.map(resolve))} from its first letter, which makes f ${fKind}; ` +
          `declare \`${v.name}: scalar\` if it is one`,
      });
    }
  }
  if (out.length > 0) return out;
  // A scalar term of f's outermost sum, added to every entry of the others.
  if (mixed) {
    const src = (e: Expr) => snippet(program.source, e.span);
    const s = scalars[0]!;
    const r = rest[0]!;
    const more = scalars.length > 1 ? ` (and ${scalars.length - 1} more scalar term${scalars.length > 2 ? "s" : ""})` : "";
    out.push({
      code: "broadcast",
      message:
        `the scalar ${src(s.e)}${more} is ${s.minus ? "subtracted from" : "added to"} every entry of ${src(r.e)}` +
        ` (${kindOf(shapeOf(r.e))}), which makes f ${fKind}; if f should be a scalar, every term must be one`,
    });
  }
  return out;
}

const isScalar = (s: readonly Dim[]): boolean => s[0] === 1 && s[1] === 1;

/** The terms of the outermost sum (through + - and unary minus), each with whether it is subtracted. */
function sumTerms(root: Expr): { e: Expr; minus: boolean }[] {
  const out: { e: Expr; minus: boolean }[] = [];
  const stack: { e: Expr; minus: boolean }[] = [{ e: root, minus: false }];
  while (stack.length > 0) {
    const { e, minus } = stack.pop()!;
    if (e.kind === "binary" && (e.op === "+" || e.op === "-")) {
      // pushed right first so that terms come out left to right
      stack.push({ e: e.right, minus: e.op === "-" ? !minus : minus });
      stack.push({ e: e.left, minus });
    } else if (e.kind === "neg") stack.push({ e: e.arg, minus: !minus });
    else out.push({ e, minus });
  }
  return out;
}

/**
 * With `name` declared a scalar: whether f is a scalar, and whether another variable is still a vector or a matrix
 * (false, false when the program does not type-check that way).
 */
function ifScalar(
  program: Program,
  external: Readonly<Record<string, ExternalVar>>,
  name: string,
): { scalar: boolean; reducesOther: boolean } {
  try {
    const { typed, inf } = inferProgram(program, { ...external, [name]: { shape: [] } });
    const resolve = inf.resolve();
    const scalar = isScalar((typed.shapes.get(typed.body) as TShape).map(resolve));
    const reducesOther = [...typed.vars.values()].some((u) => u.name !== name && !isScalar(u.shape.map(resolve)));
    return { scalar, reducesOther };
  } catch (e) {
    if (e instanceof MatcalcError) return { scalar: false, reducesOther: false };
    throw e;
  }
}
