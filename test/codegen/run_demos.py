"""Runs generated Python modules as scripts (as `python3 derivative.py` does), all in one process.

usage: run_demos.py MODULES.json
MODULES.json: [{"id", "module" (path of a .py file)}]
Prints one JSON object per module: {"id", "ok", "message"}: ok when the script exits normally and its check passes.
"""
import contextlib
import io
import json
import runpy
import sys
import traceback


def main():
    out = []
    for c in json.load(open(sys.argv[1])):
        buf = io.StringIO()
        res = {"id": c["id"], "ok": False, "message": ""}
        try:
            with contextlib.redirect_stdout(buf):
                runpy.run_path(c["module"], run_name="__main__")
            text = buf.getvalue()
            res["ok"] = "check: PASS" in text or "check: skipped" in text
            res["message"] = text[-2000:]
        except SystemExit as e:
            res["message"] = f"exit {e.code}: {buf.getvalue()[-2000:]}"
        except Exception:
            res["message"] = buf.getvalue()[-1000:] + traceback.format_exc(limit=3)
        out.append(res)
    json.dump(out, sys.stdout)


main()
