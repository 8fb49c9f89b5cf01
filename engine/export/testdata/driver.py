"""Runs many exported programs in one Python process, for the tests.

Reads a JSON list of {"program": PATH, "inputs": [NPY, ...], "out": DIR} from argv[1]
and runs each program's main() with those arguments. A program's failure is written
to DIR/error.txt; the driver goes on with the next."""
import importlib.util
import json
import os
import sys
import traceback

for k, case in enumerate(json.load(open(sys.argv[1]))):
    try:
        spec = importlib.util.spec_from_file_location("prog%d" % k, case["program"])
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.main(case["inputs"] + ["--out", case["out"]])
    except SystemExit as e:
        if e.code:
            os.makedirs(case["out"], exist_ok=True)
            open(os.path.join(case["out"], "error.txt"), "w").write("exit %s" % e.code)
    except Exception:
        os.makedirs(case["out"], exist_ok=True)
        open(os.path.join(case["out"], "error.txt"), "w").write(traceback.format_exc())
