// Table edits of a variable declared in the text rewrite its declaration there, so the text stays the one source.
// Works on the lexer's tokens (comments and blanks skipped), touching only the one statement that declares the name.

import { Lexer, type Token } from "../../src/syntax/lexer.js";
import type { VarOverride } from "./state.js";

export interface TextChange {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

/** The declaration's type words for an edited variable: "scalar", "vector(n)", "matrix(n, m)", "spd(n)". */
export function typeWords(v: VarOverride): string {
  if (v.kind === "scalar") return "scalar";
  if (v.kind === "vector") return `vector(${v.dims[0]})`;
  const [r, c] = v.dims;
  if (v.props.length === 0) return `matrix(${r}, ${c})`;
  if (r === c) return v.props.map((p) => `${p}(${r})`).join(" ");
  return `matrix(${r}, ${c}) ${v.props.join(" ")}`;
}

function tokens(source: string): Token[] | null {
  const out: Token[] = [];
  try {
    const lexer = new Lexer(source);
    for (let t = lexer.next(); ; t = lexer.next()) {
      out.push(t);
      if (t.kind === "eof") return out;
    }
  } catch {
    return null;
  }
}

/**
 * The change that makes `name` (declared at `at`, the offset of its name in a declaration) declared as `v`;
 * null when `at` is not the name of a declaration statement.
 */
export function redeclare(source: string, name: string, at: number, v: VarOverride): TextChange | null {
  const all = tokens(source);
  if (!all) return null;
  const i = all.findIndex((t) => t.span[0] === at && t.kind === "ident" && t.text === name);
  if (i < 0) return null;
  const isSep = (t: Token): boolean => t.kind === ";" || t.kind === "newline" || t.kind === "eof";
  let start = i;
  while (start > 0 && !isSep(all[start - 1]!)) start--;
  let end = i;
  while (!isSep(all[end + 1]!)) end++;
  const stmt = all.slice(start, end + 1);
  const colon = stmt.findIndex((t) => t.kind === ":");
  if (colon < 1 || colon === stmt.length - 1) return null;
  const names = stmt.slice(0, colon).filter((t) => t.kind === "ident");
  if (names.length * 2 - 1 !== colon || !names.some((t) => t.span[0] === at)) return null;
  const last = stmt.at(-1)!;
  const words = typeWords(v);
  if (names.length === 1) return { from: stmt[colon]!.span[1], to: last.span[1], insert: ` ${words}` };
  const others = names.filter((t) => t.span[0] !== at).map((t) => t.text);
  const typePart = source.slice(stmt[colon]!.span[1], last.span[1]);
  return { from: stmt[0]!.span[0], to: last.span[1], insert: `${others.join(", ")}:${typePart}; ${name}: ${words}` };
}
