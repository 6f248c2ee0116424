// Dimension terms for inference: integers, rigid symbols (declared, like n) and unification variables
// (union-find) that carry a default for when nothing constrains them (1 for a-g names, a fresh symbol else).

import type { Dim } from "./shape.js";

export class DimVar {
  parent: DimVar | null = null;
  value: Dim | null = null;
  constructor(
    readonly id: number,
    /** "one": a scalar-letter dimension, defaults to 1; "fresh": defaults to a new symbol. */
    public dflt: "one" | "fresh",
  ) {}
}

export type DimT = Dim | DimVar;
export type TShape = readonly [DimT, DimT];

export class DimSolver {
  private next = 0;
  readonly all: DimVar[] = [];

  fresh(dflt: "one" | "fresh"): DimVar {
    const v = new DimVar(this.next++, dflt);
    this.all.push(v);
    return v;
  }

  /** Representative: a Dim when solved, else the root variable. */
  find(d: DimT): DimT {
    if (!(d instanceof DimVar)) return d;
    let r = d;
    while (r.parent) r = r.parent;
    // path compression
    let c = d;
    while (c.parent) {
      const p: DimVar = c.parent;
      c.parent = r;
      c = p;
    }
    return r.value !== null ? r.value : r;
  }

  /** Unify two dimensions; returns false on a clash (the caller reports it with a span). */
  unify(a: DimT, b: DimT): boolean {
    const x = this.find(a);
    const y = this.find(b);
    if (x === y) return true;
    if (x instanceof DimVar) return this.bind(x, y);
    if (y instanceof DimVar) return this.bind(y, x);
    return x === y;
  }

  private bind(v: DimVar, to: DimT): boolean {
    let root = v;
    while (root.parent) root = root.parent;
    if (to instanceof DimVar) {
      let r2 = to;
      while (r2.parent) r2 = r2.parent;
      if (r2 === root) return true;
      r2.parent = root;
      if (r2.dflt === "fresh") root.dflt = "fresh";
      return true;
    }
    root.value = to;
    return true;
  }

  isOne(d: DimT): boolean {
    return this.find(d) === 1;
  }

  /** An unsolved dimension that would default to 1 (a scalar-letter variable's). */
  isDefaultOne(d: DimT): boolean {
    const r = this.find(d);
    return r instanceof DimVar && r.dflt === "one";
  }

  show(d: DimT): string {
    const r = this.find(d);
    return r instanceof DimVar ? `?${r.id}` : String(r);
  }
}
