#!/usr/bin/env python3
"""Puts full-validation-split exact NLLs into the accuracy proxy table.

models/nll_proxy.csv (models/nll_proxy.sh) holds NLLs measured on the first
4096 validation bytes. bench/fullsplit_device.sh writes accuracy.csv
(model,plan,exec,nll,cpu_seconds): exact and fake NLLs of every unit plan over
the whole validation split. Each proxy row whose plan below has an exact
full-split NLL takes it (bytes = the split's size, source says where it came
from); a row without one, of a model whose fp32 plan has one, becomes
full-split fp32 + its slice difference to fp32 (an estimate, said so); the
rest keep their slice value and say so. Rows are matched on the
weight format a workload row uses, with int8 activations where a unit plan
quantizes them (shape-only workloads run a_bits = 8: models/workload.c).

Usage: models/nll_proxy_fullsplit.py ACCURACY.csv SPLIT_BYTES "PROVENANCE" < models/nll_proxy.csv > OUT.csv
"""
import csv
import sys

# proxy key (arch_class, w_fmt, w_bits) -> (model, plan of the full-split run)
FULLSPLIT_PLAN = {
    ("llama", "int", "4"): ("shakespeare-llama", "w=int4,a=int8"),
    ("llama", "int", "8"): ("shakespeare-llama", "w=int8,a=int8"),
    ("llama", "ternary", "2"): ("shakespeare-llama", "w=ternary,a=int8"),
    ("llama", "float", "32"): ("shakespeare-llama", "fp32"),
    ("ternary", "ternary", "2"): ("shakespeare-mmfree", "fp32"),
}
SLICE_SOURCE = "slice: first 4096 validation bytes (models/nll_proxy.sh)"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    acc_path, split_bytes, provenance = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    exact = {}
    for r in csv.DictReader(open(acc_path)):
        if r["exec"] == "exact":
            m = r["model"]
            exact[("shakespeare-llama" if m.startswith("llama") else "shakespeare-mmfree" if m.startswith("mmfree")
                   else m, r["plan"])] = r["nll"]
    rows = list(csv.DictReader(sys.stdin))
    keys = {(r["arch_class"], r["w_fmt"], r["w_bits"]) for r in rows}
    for k in FULLSPLIT_PLAN:  # formats only the full-split run has (llama with ternary weights)
        if k not in keys:
            rows.append({"arch_class": k[0], "w_fmt": k[1], "w_bits": k[2], "model": FULLSPLIT_PLAN[k][0],
                         "plan": "", "nll": "nan", "bytes": "0"})
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["arch_class", "w_fmt", "w_bits", "model", "plan", "nll", "bytes", "source"])
    def full_nll(model, plan):
        v = exact.get((model, plan))
        return float(v) if v not in (None, "", "nan", "-") else None
    # a model's slice fp32 NLL and full-split fp32 NLL: a format without a full-split run is put on
    # the full split's scale by its slice difference to fp32 (the first 4096 bytes are easier
    # text: raw slice values would rank below every full-split value)
    slice_fp32 = {r["model"]: float(r["nll"]) for r in rows if r["plan"] == "fp32" and r["nll"] != "nan"}
    n_full = n_est = 0
    for r in rows:
        k = (r["arch_class"], r["w_fmt"], r["w_bits"])
        want = FULLSPLIT_PLAN.get(k)
        nll = full_nll(*want) if want else None
        base = full_nll(r["model"], "fp32")
        if nll is not None:
            out.writerow([*k, want[0], want[1], f"{nll:.10f}", split_bytes, f"full split, exact: {provenance}"])
            n_full += 1
        elif r["nll"] != "nan" and base is not None and r["model"] in slice_fp32:
            est = base + float(r["nll"]) - slice_fp32[r["model"]]
            out.writerow([*k, r["model"], r["plan"], f"{est:.10f}", split_bytes,
                          f"estimate: full-split fp32 {base:.10f} + this plan's slice difference to fp32 "
                          f"{float(r['nll']) - slice_fp32[r['model']]:+.10f} (4096 bytes); {provenance}"])
            print(f"nll_proxy_fullsplit: {r['model']} {r['plan']}: no full-split run, estimated", file=sys.stderr)
            n_est += 1
        elif r["nll"] != "nan":
            print(f"nll_proxy_fullsplit: {r['model']} {r['plan']}: no full-split run nor fp32 base, slice value kept",
                  file=sys.stderr)
            out.writerow([*k, r["model"], r["plan"], r["nll"], r["bytes"], r.get("source") or SLICE_SOURCE])
    if n_full == 0:
        sys.exit("nll_proxy_fullsplit: no row of the proxy table found its full-split NLL")
    print(f"nll_proxy_fullsplit: {n_full} rows from the full split, {n_est} estimated on its scale, "
          f"{len(rows) - n_full - n_est} slice rows kept", file=sys.stderr)


main()
