#!/bin/sh
# lpcs workload --sweep resumes: (1) one uninterrupted run = reference;
# (2) a run killed with SIGKILL part-way, then resumed; (3) the reference cut
# in the middle of a row, then resumed. Both must equal the reference byte
# for byte, and the reference must hold every point of the grid.
set -eu
lpcs=$1 grid=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
"$lpcs" workload --sweep "$grid" -o "$out/ref.csv" --quiet
rows=$(($(wc -l < "$out/ref.csv") - 1))
want=$(python3 -c "import json,math,sys; g=json.load(open(sys.argv[1]))['grid']; print(math.prod(len(v) for v in g.values()))" "$grid")
[ "$rows" -eq "$want" ] || { echo "workload-sweep: FAIL: $rows rows, grid has $want points"; exit 1; }
"$lpcs" workload --sweep "$grid" -o "$out/killed.csv" --quiet & pid=$!
sleep 1; kill -9 "$pid" 2>/dev/null && killed=yes || killed="no (finished first)"
wait "$pid" 2>/dev/null || true
part=$(($(wc -l < "$out/killed.csv") - 1))
"$lpcs" workload --sweep "$grid" -o "$out/killed.csv" --quiet
cmp "$out/ref.csv" "$out/killed.csv" || { echo "workload-sweep: FAIL: killed + resumed differs"; exit 1; }
size=$(wc -c < "$out/ref.csv")
head -c $((size / 2)) "$out/ref.csv" > "$out/cut.csv"
"$lpcs" workload --sweep "$grid" -o "$out/cut.csv" --quiet
cmp "$out/ref.csv" "$out/cut.csv" || { echo "workload-sweep: FAIL: truncated + resumed differs"; exit 1; }
echo "workload-sweep: OK: $rows points; killed: $killed after $part rows, resumed identical; half-cut file resumed identical"
