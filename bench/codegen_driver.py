"""Times generated NumPy code against hand-written formulas (and PyTorch's autograd Hessian), one thread.

usage: codegen_driver.py SPEC.json
SPEC.json: {"problems": [{"name", "kind": "gradient" | "hessian", "module" (path of the generated module),
            "vars": {name: {"shape": [dim, ...], "props": [...]}}, "sizes": [{"N": label, "dims": {dim: size}}, ...],
            "value": hand-written source of value(**values), "both": hand-written source of both(**values) returning
            (value, derivative), "torch": source of f(**tensors) for torch.autograd.functional.hessian or null}]}
Prints one JSON line per (problem, size) with best-of times in seconds and the largest relative difference between
the generated and the hand-written results (a sanity check on the figures, not a test).
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_v] = "1"

import importlib.util  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402, F401  (hand-written references use it)
import scipy.special  # noqa: E402, F401

try:
    import torch

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
except ImportError:
    torch = None


def best(fn, budget=0.25, max_reps=30):
    """Best of several runs: at least 3, more while the budget lasts."""
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < max_reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def make_values(spec, sizes, rng):
    values = {}
    for name, v in spec.items():
        shape = [sizes[d] if isinstance(d, str) else d for d in v["shape"]]
        props = v.get("props", [])
        if not shape:
            values[name] = 0.5
        elif len(shape) == 1:
            values[name] = rng.standard_normal(shape[0])
        elif "spd" in props:
            b = rng.standard_normal(shape)
            values[name] = b @ b.T / shape[0] + np.eye(shape[0])
        elif "symmetric" in props:
            b = rng.standard_normal(shape)
            values[name] = (b + b.T) / (2 * np.sqrt(shape[0]))
        elif shape[0] == shape[1]:
            values[name] = np.eye(shape[0]) + 0.5 * rng.standard_normal(shape) / np.sqrt(shape[0])
        else:
            values[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
    return values


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def define(src, fn):
    scope = {"np": np, "scipy": scipy, "torch": torch}
    exec(src, scope)
    return scope[fn]


def rel_diff(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def main():
    spec = json.load(open(sys.argv[1]))
    rng = np.random.default_rng(1)
    for i, p in enumerate(spec["problems"]):
        gen = load(p["module"], f"generated_{i}").evaluate
        value = define(p["value"], "value")
        both = define(p["both"], "both")
        tf = define(p["torch"], "f") if p.get("torch") and torch is not None else None
        for sizes in p["sizes"]:
            vals = make_values(p["vars"], sizes["dims"], rng)
            out = {"name": p["name"], "kind": p["kind"], "n": sizes["N"]}
            try:
                g = gen(**vals)
                h = both(**vals)
                out["check"] = max(rel_diff(g[0], h[0]), rel_diff(g[1], h[1]))
                out["generated"] = best(lambda: gen(**vals))
                out["hand"] = best(lambda: both(**vals))
                out["value"] = best(lambda: value(**vals))
                if tf is not None and p["kind"] == "hessian":
                    tv = {k: torch.as_tensor(v) for k, v in vals.items()}
                    names = list(tv)
                    wrt = names.index(p["wrt"])

                    def f_of(x):
                        args = dict(tv)
                        args[p["wrt"]] = x
                        return tf(**args)

                    hess = torch.autograd.functional.hessian
                    out["check_torch"] = rel_diff(hess(f_of, tv[names[wrt]], vectorize=True).numpy(), h[1])
                    if sizes["N"] <= p.get("torch_max", 500):
                        out["torch"] = best(lambda: hess(f_of, tv[names[wrt]]), budget=0.1, max_reps=3)
                    out["torch_vectorized"] = best(
                        lambda: hess(f_of, tv[names[wrt]], vectorize=True), budget=0.1, max_reps=3
                    )
            except Exception as e:  # a figure that cannot be measured is reported, not fatal
                out["error"] = f"{type(e).__name__}: {e}"
            print(json.dumps(out), flush=True)


main()
