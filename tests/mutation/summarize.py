#!/usr/bin/python3
"""Summarizes a run_mutants.sh CSV: mutants, killed, survived, kill rate per
mutation mode and in total, as a Markdown table (stdout) and JSON (beside the
CSV, .json). usage: summarize.py RESULTS.csv"""
import csv
import json
import sys
from collections import OrderedDict

path = sys.argv[1]
rows = list(csv.DictReader(open(path)))
if not rows:
    sys.exit("summarize: %s has no mutants" % path)
by = OrderedDict()
for r in sorted(rows, key=lambda r: r["mode"]):
    d = by.setdefault(r["mode"], {"mutants": 0, "killed": 0, "survived": 0})
    d["mutants"] += 1
    d[r["result"]] += 1
tot = {k: sum(d[k] for d in by.values()) for k in ("mutants", "killed", "survived")}
print("| mutation mode | mutants | killed | survived | killed % |")
print("|---|---:|---:|---:|---:|")
for m, d in list(by.items()) + [("**all**", tot)]:
    print("| %s | %d | %d | %d | %.1f |" % (m, d["mutants"], d["killed"], d["survived"], 100.0 * d["killed"] / d["mutants"]))
surv = [r for r in rows if r["result"] == "survived"]
if surv:
    print("\nsurvivors: " + ", ".join("%s (%s %s)" % (r["id"], r["mode"], r["src"]) for r in surv))
json.dump({"modes": by, "total": tot, "survivors": [r["id"] for r in surv]},
          open(path.rsplit(".", 1)[0] + ".json", "w"), indent=1)
