"""Runs generated modules on their cases and compares with the expected values (matcalc's evaluator).

usage: run_cases.py CASES.json [--torch]
CASES.json: [{"id", "module" (path of a .py file), "values", "value", "derivative", "fd"?}]
("fd": a tensor derivative by finite differences, in the contract's layout; agreement to 1e-5 relative)
Prints one JSON object per case: {"id", "ok", "error", "message"}.
"""
import importlib.util
import json
import sys
import traceback

import numpy as np

TORCH = "--torch" in sys.argv
if TORCH:
    import torch


def as_input(v):
    a = np.asarray(v, dtype=np.float64)
    return torch.from_numpy(a) if TORCH else a


def as_array(v):
    if TORCH and isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    return np.asarray(v, dtype=np.float64)


def rel_error(got, want):
    got, want = as_array(got), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return None, f"shape {got.shape}, expected {want.shape}"
    scale = max(np.max(np.abs(want), initial=0.0), np.max(np.abs(got), initial=0.0), 1e-6)
    err = float(np.max(np.abs(got - want), initial=0.0) / scale)
    return err, ""


def main():
    cases = json.load(open(sys.argv[1]))
    out = []
    for c in cases:
        res = {"id": c["id"], "ok": False, "error": None, "message": ""}
        try:
            spec = importlib.util.spec_from_file_location(f"case_{c['id']}", c["module"])
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            value, derivative = mod.evaluate(**{k: as_input(v) for k, v in c["values"].items()})
            e1, m1 = rel_error(value, c["value"])
            e2, m2 = rel_error(derivative, c["derivative"])
            e3, m3 = rel_error(derivative, c["fd"]) if c.get("fd") is not None else (0.0, "")
            if e1 is None or e2 is None or e3 is None:
                res["message"] = f"value: {m1} derivative: {m2} finite differences: {m3}"
            else:
                res["error"] = max(e1, e2)
                res["ok"] = bool(res["error"] <= 1e-7 and e3 <= 1e-5)
                res["message"] = f"value error {e1:.1e}, derivative error {e2:.1e}, against finite differences {e3:.1e}"
        except Exception:
            res["message"] = traceback.format_exc(limit=3)
        out.append(res)
    json.dump(out, sys.stdout)


main()
