#!/usr/bin/env python3
"""Checks an `lpcs ppl --report` of a cuda-engine run of an exact-unit plan:
every op placed on the cuda backend, no fallback, and every matmul on the
unit the plan names (shiftmac, lutgemv, rmmec), at least MIN_MATMULS of them.

    check_report.py REPORT.json PLAN [MIN_MATMULS]

Prints one line (PASS/FAIL with counts); exit 1 on FAIL or an unreadable report."""
import json
import sys


def planned_unit(plan):
    if "shiftmac" in plan:
        return "shiftmac"
    if "int" in plan or "ternary" in plan:
        return "lutgemv"
    return "rmmec"


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    path, plan = sys.argv[1], sys.argv[2]
    need = int(sys.argv[3]) if len(sys.argv) > 3 else 36
    try:
        with open(path) as f:
            rep = json.load(f)
        ops = rep["ops"]
    except (OSError, ValueError, KeyError) as e:
        print(f"FAIL report {path}: {e}")
        return 1
    unit = planned_unit(plan)
    off = [o["name"] for o in ops if o.get("backend") != "cuda"]
    mm = [o for o in ops if o.get("type") == "matmul"]
    wrong = [f'{o["name"]}:{o.get("unit")}' for o in mm if o.get("unit") != unit]
    modes = sorted({o.get("mode", "?") for o in mm})
    fb = rep.get("fallback_ops", 0)
    ok = not off and not wrong and not fb and len(mm) >= need and len(ops) > 0
    print(f'{"PASS" if ok else "FAIL"} report: {len(ops)} ops, {len(ops) - len(off)} on cuda, '
          f'{len(mm) - len(wrong)} of {len(mm)} matmuls on unit {unit} (modes {",".join(modes)}), '
          f'{fb} fallbacks' + (f'; not on cuda: {off[:4]}' if off else '') + (f'; other unit: {wrong[:4]}' if wrong else ''))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
