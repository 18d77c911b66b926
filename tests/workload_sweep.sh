#!/bin/sh
# Shape-only workload sweeps through `lpcs sweep` (issue 16).
# Resume: (1) one uninterrupted run = reference; (2) a run killed with SIGKILL
# part-way, then resumed; (3) the reference cut in the middle of a row, then
# resumed. Both must equal the reference byte for byte, and the reference
# must hold every point of the grid; `lpcs workload --sweep` writes the same.
# Both modes: the CI grid (7B and 70B, prefill, batch 1 and 8, int4 / bf16, 45/7 nm) on
# the SystemC platform and the analytical model: every row present with its
# mode, decode time per token within 25% of each other (two separate timing
# implementations), 7 nm below 45 nm in energy and area, the accuracy proxy
# filled in; resuming a platform CSV in analytical mode is refused.
# --shard/--list (shards = reference, cut shard resumed) and --plot (files written).
set -eu
lpcs=$1 grid=$2 ci=$3 out=$4
rm -rf "$out" && mkdir -p "$out"
"$lpcs" sweep "$grid" -o "$out/ref.csv" --quiet
rows=$(($(wc -l < "$out/ref.csv") - 1))
want=$(python3 -c "import json,math,sys; g=json.load(open(sys.argv[1]))['grid']; print(math.prod(len(v) for v in g.values()))" "$grid")
[ "$rows" -eq "$want" ] || { echo "workload-sweep: FAIL: $rows rows, grid has $want points"; exit 1; }
"$lpcs" sweep "$grid" -o "$out/killed.csv" --quiet & pid=$!
sleep 1; kill -9 "$pid" 2>/dev/null && killed=yes || killed="no (finished first)"
wait "$pid" 2>/dev/null || true
part=$(($(wc -l < "$out/killed.csv") - 1))
"$lpcs" sweep "$grid" -o "$out/killed.csv" --quiet
cmp "$out/ref.csv" "$out/killed.csv" || { echo "workload-sweep: FAIL: killed + resumed differs"; exit 1; }
size=$(wc -c < "$out/ref.csv")
head -c $((size / 2)) "$out/ref.csv" > "$out/cut.csv"
"$lpcs" sweep "$grid" -o "$out/cut.csv" --quiet
cmp "$out/ref.csv" "$out/cut.csv" || { echo "workload-sweep: FAIL: truncated + resumed differs"; exit 1; }
"$lpcs" workload --sweep "$grid" -o "$out/wl.csv" --quiet
cmp "$out/ref.csv" "$out/wl.csv" || { echo "workload-sweep: FAIL: lpcs workload --sweep differs from lpcs sweep"; exit 1; }
echo "workload-sweep: OK: $rows points; killed: $killed after $part rows, resumed identical; half-cut file resumed identical"
# --shard k/n and --list: three shards (the second cut mid-row and resumed,
# through lpcs workload --sweep) hold exactly the reference's rows, and
# --list names each shard's points in its order; another shard's CSV is refused.
for k in 0 1 2; do
  "$lpcs" sweep "$grid" -o "$out/shard$k.csv" --shard $k/3 --quiet
  "$lpcs" sweep "$grid" --list --shard $k/3 > "$out/list$k.txt"
done
size=$(wc -c < "$out/shard1.csv")
head -c $((size / 3)) "$out/shard1.csv" > "$out/shard1_cut.csv"
"$lpcs" workload --sweep "$grid" -o "$out/shard1_cut.csv" --shard 1/3 --quiet
cmp "$out/shard1.csv" "$out/shard1_cut.csv" || { echo "workload-sweep: FAIL: a cut shard resumed differs"; exit 1; }
if "$lpcs" sweep "$grid" -o "$out/shard0.csv" --shard 2/3 --quiet 2>/dev/null; then
  echo "workload-sweep: FAIL: shard 0's CSV was resumed as shard 2"; exit 1
fi
python3 - "$out" <<'P'
import csv, sys
d = sys.argv[1]
def fail(m): print("workload-sweep: FAIL:", m); sys.exit(1)
ref = {r["index"]: r for r in csv.DictReader(open(f"{d}/ref.csv"))}
seen = {}
for k in range(3):
    rows = list(csv.DictReader(open(f"{d}/shard{k}.csv")))
    lst = [l.strip().split(",") for l in open(f"{d}/list{k}.txt")]
    if [(r["index"], r["point"]) for r in rows] != [tuple(x) for x in lst]: fail(f"--list of shard {k} != its rows")
    for r in rows:
        if int(r["index"]) % 3 != k: fail(f"row {r['index']} in shard {k}")
        seen[r["index"]] = r
if seen.keys() != ref.keys(): fail(f"shards hold {len(seen)} points, the reference {len(ref)}")
if any(seen[i] != ref[i] for i in ref): fail("a shard row differs from the reference row")
print(f"workload-sweep: OK: 3 shards = the {len(ref)} reference rows; --list = the shards' points; cut shard resumed identical")
P
"$lpcs" sweep "$ci" -o "$out/ci_plat.csv" --mode platform --quiet
"$lpcs" sweep "$ci" -o "$out/ci_model.csv" --quiet
if "$lpcs" sweep "$ci" -o "$out/ci_plat.csv" --quiet 2>/dev/null; then
  echo "workload-sweep: FAIL: a platform CSV was resumed in analytical mode"; exit 1
fi
# --plot on the (complete) analytical CSV: both phases' plots and fronts
"$lpcs" sweep "$ci" -o "$out/ci_model.csv" --plot --quiet
for ph in decode prefill; do
  for f in "$out/ci_model_$ph.png" "$out/ci_model_$ph.svg" "$out/ci_model_${ph}_front.csv"; do
    [ -s "$f" ] || { echo "workload-sweep: FAIL: --plot wrote no $f"; exit 1; }
  done
  [ "$(wc -l < "$out/ci_model_${ph}_front.csv")" -ge 2 ] || { echo "workload-sweep: FAIL: empty $ph front"; exit 1; }
done
echo "workload-sweep: OK: --plot wrote decode/prefill plots and fronts"
python3 - "$ci" "$out/ci_plat.csv" "$out/ci_model.csv" <<'P'
import csv, json, math, sys
g = json.load(open(sys.argv[1]))["grid"]
want = math.prod(len(v) for v in g.values())
plat = list(csv.DictReader(open(sys.argv[2])))
model = list(csv.DictReader(open(sys.argv[3])))
def fail(m): print("workload-sweep: FAIL:", m); sys.exit(1)
if len(plat) != want or len(model) != want: fail(f"{len(plat)}/{len(model)} rows, grid has {want}")
if {r["mode"] for r in plat} != {"platform"} or {r["mode"] for r in model} != {"analytical"}: fail("mode column")
if not any(int(r["batch"]) > 1 for r in plat): fail("no batch > 1 row")
worst = 0
for p, m in zip(plat, model):
    if p["point"] != m["point"]: fail("rows out of order")
    for k in ("ttft_s", "tpot_s", "energy_per_token_j", "prefill_energy_per_token_j", "area_mm2"):
        if not float(p[k]) > 0: fail(f"{k} not > 0 at {p['point']}")
    e = abs(float(p["tpot_s"]) / float(m["tpot_s"]) - 1)
    worst = max(worst, e)
    if math.isnan(float(p["nll_proxy_shipped"])): fail("nll_proxy_shipped is nan for a llama int4/bf16 row")
if worst > 0.25: fail(f"decode time per token: platform vs model differs by {worst:.1%}")
by = {(r["workload"], r["batch"], r["w_bits"], r["tech_nm"]): r for r in plat}
n = 0
for (w, b, pr, t), r in by.items():
    if t != "7": continue
    r45 = by[(w, b, pr, "45")]
    for k in ("energy_per_token_j", "area_mm2"):
        if not float(r[k]) < float(r45[k]): fail(f"{k} at 7 nm not below 45 nm ({w})")
    n += 1
if n < 8: fail(f"only {n} 7-vs-45 nm pairs")
print(f"workload-sweep: OK: {want} points in both modes (platform = SystemC), decode time per token within {worst:.1%}, "
      f"{n} pairs with 7 nm < 45 nm in energy and area")
P
