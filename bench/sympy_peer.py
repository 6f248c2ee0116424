#!/usr/bin/env python3
"""SymPy peer for bench/engine.ts: times SymPy's matrix-expression differentiation on the same suite.

Reads a JSON list of {"name": ..., "sympy_code": ...} on stdin. Each sympy_code is one Python expression that
builds the function and differentiates it, e.g. "(x.T*A*x).diff(x)", evaluated in a namespace holding all of
sympy plus the symbols below. Writes one JSON object on stdout, {"sympy", "python", "results"}, where results
holds one object per case, in the same order:

    {"name", "ok", "us", "reps", "result", "zero", "unevaluated", "error"}

"first_us" is the first evaluation (in a fresh process, it includes SymPy's lazy imports), "cpu_us" the median
process CPU time, "us" the median wall time of one evaluation in microseconds (building the expression and differentiating it,
not printing). SymPy memoises through its cache, so the cache is cleared before every timed evaluation (the
clearing itself is not timed): each figure is the cost of a fresh differentiation, as matcalc's are.

Options (environment): SYMPY_PEER_BUDGET_MS (default 150) -- time spent per case after one warm-up evaluation;
SYMPY_PEER_MAX_REPS (default 50); SYMPY_PEER_TIMEOUT_S (default 20) -- a case running longer is abandoned;
SYMPY_PEER_NAMESPACE=derivative-tests -- the symbols of SymPy's test_derivatives.py instead of the ones below.
"""

import json
import os
import signal
import sys
import time

import sympy
from sympy import *  # noqa: F401,F403  (the namespace the cases are written in)
from sympy.core.cache import clear_cache

BUDGET_S = float(os.environ.get("SYMPY_PEER_BUDGET_MS", "150")) / 1000.0
MAX_REPS = int(os.environ.get("SYMPY_PEER_MAX_REPS", "50"))
TIMEOUT_S = int(os.environ.get("SYMPY_PEER_TIMEOUT_S", "20"))

n, m = symbols("n m", integer=True, positive=True)


def derivative_tests_namespace():
    """The symbols of SymPy's own sympy/matrices/expressions/tests/test_derivatives.py (for bench/api.ts)."""
    ns = {k: getattr(sympy, k) for k in dir(sympy) if not k.startswith("_")}
    from sympy.matrices.expressions import hadamard_power
    i, k = symbols("i k")
    ns.update(i=i, k=k, hadamard_power=hadamard_power)
    for s in ["X", "A", "B", "C", "D"]:
        ns[s] = MatrixSymbol(s, k, k)
    for s in ["x", "y", "a", "b", "c", "d"]:
        ns[s] = MatrixSymbol(s, k, 1)
    return ns


def namespace():
    if os.environ.get("SYMPY_PEER_NAMESPACE") == "derivative-tests":
        return derivative_tests_namespace()
    ns = {k: getattr(sympy, k) for k in dir(sympy) if not k.startswith("_")}
    ns.update(n=n, m=m)
    # The matcalc conventions: h-z vectors, A-Z matrices, a-g scalars (b is a vector here, as in norm2(A*x - b)).
    for s in ["x", "y", "w", "b", "u", "v", "mu", "q"]:
        ns[s] = MatrixSymbol(s, n, 1)
    for s in ["A", "B", "C", "D", "E", "S", "V", "W", "X", "Y"]:
        ns[s] = MatrixSymbol(s, n, n)
    for s in ["a", "c", "t"]:
        ns[s] = Symbol(s)
    return ns


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def is_zero(r):
    try:
        if getattr(r, "is_ZeroMatrix", False):
            return True
        return bool(r == 0) or (isinstance(r, ZeroMatrix))
    except Exception:
        return False


def run_case(case, ns):
    name = case["name"]
    code = case["sympy_code"]
    out = {"name": name, "ok": False, "us": None, "reps": 0, "result": None, "zero": False,
           "unevaluated": False, "error": None}
    try:
        compiled = compile(code, "<" + name + ">", "eval")
    except SyntaxError as e:
        out["error"] = "SyntaxError: " + str(e)
        return out
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_S)
    try:
        clear_cache()
        t0 = time.perf_counter()
        r = eval(compiled, dict(ns))  # warm-up (also loads SymPy's lazily imported modules)
        out["first_us"] = (time.perf_counter() - t0) * 1e6
        out["result"] = str(r)[:300]
        out["zero"] = is_zero(r)
        out["unevaluated"] = hasattr(r, "has") and r.has(Derivative)
        times = []
        cpu = []
        spent = 0.0
        while len(times) < MAX_REPS and (spent < BUDGET_S or len(times) < 3):
            clear_cache()
            local = dict(ns)
            c0 = time.process_time()
            t0 = time.perf_counter()
            eval(compiled, local)
            dt = time.perf_counter() - t0
            cpu.append(time.process_time() - c0)
            times.append(dt)
            spent += dt
        times.sort()
        cpu.sort()
        out["us"] = times[len(times) // 2] * 1e6
        out["cpu_us"] = cpu[len(cpu) // 2] * 1e6
        out["reps"] = len(times)
        out["ok"] = True
    except Timeout:
        out["error"] = "timeout after %d s" % TIMEOUT_S
    except RecursionError:
        out["error"] = "RecursionError: maximum recursion depth exceeded"
    except Exception as e:  # SymPy's own failures are results here
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        out["error"] = (type(e).__name__ + (": " + msg if msg else ""))[:200]
    finally:
        signal.alarm(0)
    return out


def main():
    cases = json.load(sys.stdin)
    ns = namespace()
    results = [run_case(c, ns) for c in cases]
    json.dump({"sympy": sympy.__version__, "python": sys.version.split()[0], "results": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
