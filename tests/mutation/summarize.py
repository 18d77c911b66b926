#!/usr/bin/python3
"""Summarizes a run_mutants.sh CSV: mutants, killed, equivalent, survived and
the kill rate of the non-equivalent mutants per mutation mode and in total, as
a Markdown table (stdout) and JSON (beside the CSV, .json).
usage: summarize.py RESULTS.csv [EQUIVALENT.txt]
EQUIVALENT.txt: lines `ID  reason` (# comments): survivors shown equivalent to
the design (by the argument given); a listed mutant that was killed is an
error (the argument is wrong)."""
import csv
import json
import sys
from collections import OrderedDict

path = sys.argv[1]
rows = list(csv.DictReader(open(path)))
if not rows:
    sys.exit("summarize: %s has no mutants" % path)
equiv = {}
if len(sys.argv) > 2:
    for line in open(sys.argv[2]):
        line = line.split("#", 1)[0].strip()
        if line:
            i, _, why = line.partition(" ")
            equiv[i] = why.strip()
bad = [r["id"] for r in rows if r["id"] in equiv and r["result"] == "killed"]
if bad:
    sys.exit("summarize: mutants %s are listed as equivalent but were killed" % ", ".join(bad))
by = OrderedDict()
for r in sorted(rows, key=lambda r: r["mode"]):
    d = by.setdefault(r["mode"], {"mutants": 0, "killed": 0, "equivalent": 0, "survived": 0})
    d["mutants"] += 1
    d["equivalent" if r["id"] in equiv else r["result"]] += 1
keys = ("mutants", "killed", "equivalent", "survived")
tot = {k: sum(d[k] for d in by.values()) for k in keys}


def pct(d):
    n = d["mutants"] - d["equivalent"]
    return 100.0 * d["killed"] / n if n else 100.0


print("| mutation mode | mutants | killed | equivalent | survived | killed % of non-equivalent |")
print("|---|---:|---:|---:|---:|---:|")
for m, d in list(by.items()) + [("**all**", tot)]:
    print("| %s | %d | %d | %d | %d | %.1f |" % (m, d["mutants"], d["killed"], d["equivalent"], d["survived"], pct(d)))
surv = [r for r in rows if r["result"] == "survived" and r["id"] not in equiv]
if surv:
    print("\nsurvivors: " + ", ".join("%s (%s %s)" % (r["id"], r["mode"], r["src"]) for r in surv))
json.dump({"modes": by, "total": tot, "killed_pct_of_non_equivalent": round(pct(tot), 2),
           "equivalent": equiv, "survivors": [r["id"] for r in surv]},
          open(path.rsplit(".", 1)[0] + ".json", "w"), indent=1)
