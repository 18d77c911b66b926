#!/bin/sh
# models/nll_proxy_fullsplit.py on a hand-made accuracy.csv and proxy table:
# the expected rows are written out here (full-split exact where the plan ran,
# fp32 base + slice difference where it did not, slice kept without a base;
# fake rows ignored), and an accuracy.csv with no exact row is refused.
set -eu
out=$1
rm -rf "$out" && mkdir -p "$out"
cat > "$out/acc.csv" <<'A'
model,plan,exec,nll,cpu_seconds
llama,"w=int4,a=int8",exact,2.5,1
llama,"w=int4,a=int8",fake,9.9,1
llama,"fp32",exact,2.0,1
A
cat > "$out/proxy.csv" <<'A'
arch_class,w_fmt,w_bits,model,plan,nll,bytes,source
llama,int,4,shakespeare-llama,w=int4,1.9,4096,s
llama,float,16,shakespeare-llama,w=bf16,1.25,4096,s
llama,float,32,shakespeare-llama,fp32,1.2,4096,s
ternary,ternary,2,shakespeare-mmfree,fp32,1.3,4096,s
A
models/nll_proxy_fullsplit.py "$out/acc.csv" 111540 P < "$out/proxy.csv" > "$out/new.csv" 2>/dev/null
python3 - "$out/new.csv" <<'P'
import csv, sys
rows = {(r["arch_class"], r["w_fmt"], r["w_bits"]): r for r in csv.DictReader(open(sys.argv[1]))}
want = {("llama", "int", "4"): ("w=int4,a=int8", 2.5, "full split"), ("llama", "float", "16"): ("w=bf16", 2.05, "estimate"),
        ("llama", "float", "32"): ("fp32", 2.0, "full split"), ("ternary", "ternary", "2"): ("fp32", 1.3, "s")}
def fail(m): print("nll-proxy-fullsplit: FAIL:", m); sys.exit(1)
if set(rows) != set(want): fail(f"rows {sorted(rows)}")
for k, (plan, nll, src) in want.items():
    r = rows[k]
    if r["plan"] != plan or abs(float(r["nll"]) - nll) > 1e-9 or not r["source"].startswith(src): fail(f"{k}: {r}")
print(f"nll-proxy-fullsplit: OK: {len(want)} rows as written out")
P
grep -v exact "$out/acc.csv" > "$out/fake_only.csv"
if models/nll_proxy_fullsplit.py "$out/fake_only.csv" 111540 P < "$out/proxy.csv" > /dev/null 2>&1; then
  echo "nll-proxy-fullsplit: FAIL: fake NLLs were taken as exact"; exit 1
fi
