// Text output in the input language itself, so every answer can be pasted back into matcalc (tested as a
// round trip). MATLAB precedence; shared subexpressions become definitions `t1 = ...;`.

import type { Node } from "../ir/node.js";
import { DagPrinter, PREC, type PrintOptions, type Printed, type Syntax } from "./printer.js";

function fmt(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const s = String(v);
  return s.includes("e") ? s.replace("e+", "e") : s;
}

export const TEXT: Syntax = {
  num: fmt,
  name: (n) => n,
  dname: (n) => `d${n}`,
  frac: (num, p, q, den) => {
    const top = num ? num : { s: String(p), prec: PREC.atom };
    const d = den ? den.map((x) => (x.prec < PREC.postfix ? `(${x.s})` : x.s)) : [];
    if (q !== 1) d.unshift(String(q));
    const ds = d.length > 1 ? `(${d.join("*")})` : d[0]!;
    const ts = top.prec < PREC.prod ? `(${top.s})` : top.s;
    return { s: `${ts}/${ds}`, prec: PREC.prod };
  },
  plus: " + ",
  minus: " - ",
  neg: "-",
  times: "*",
  mul: "*",
  hadamard: " .* ",
  ediv: " ./ ",
  wrap: (s) => `(${s})`,
  transpose: (b) => `${b}'`,
  powScalar: (b, e) => `${b}^${e}`,
  powElem: (b, e) => `${b}.^${e}`,
  sqrt: (a) => `sqrt(${a})`,
  mpow: (b, k) => `${b}^${k}`,
  call: (f, args) => `${f}(${args.join(", ")})`,
  inv: (a: Printed) => ({ s: `inv(${a.s})`, prec: PREC.atom }),
  kron: (a, b) => ({ s: `kron(${a.s}, ${b.s})`, prec: PREC.atom }),
  eye: (n) => `eye(${n})`,
  ones: (r, c) => (r === c ? `ones(${r})` : `ones(${r}, ${c})`),
  zeros: (r, c) => (r === c ? `zeros(${r})` : `zeros(${r}, ${c})`),
  fnName: (n) => n,
  div: (num, den) => ({
    s: `${num.prec < PREC.prod ? `(${num.s})` : num.s}/${den.prec < PREC.postfix ? `(${den.s})` : den.s}`,
    prec: PREC.prod,
  }),
  bindings: (defs, body) => [...defs.map((d) => `${d.name} = ${d.value}`), body].join("; "),
};

export function toText(n: Node, opts: PrintOptions = {}): string {
  return new DagPrinter(TEXT, opts).print(n);
}
