#!/bin/sh
# The whole of a long `lpcs sweep`, measured (issue 16: the 10,000-point
# platform sweep, run for real rather than extrapolated from sweep_rate.sh):
#   1. run the grid until the CSV holds KILL_AT rows, kill -9 it;
#   2. resume the same CSV to the end (progress every 1000 points on stderr);
#   3. run shard 0/REF_N of the grid uninterrupted into another file: its rows
#      must equal rows i % REF_N == 0 of the killed-and-resumed file (rows on
#      both sides of the kill, compared field by field).
# Wall and CPU seconds of steps 1+2 (CPU: /proc of the killed process, sampled
# each second until the kill; /usr/bin/time of the resumed one),
# the rate and the machine load. Prints one CSV line (header first):
#   grid,mode,points,rows,wall_s,cpu_s,points_per_wall_s,points_per_cpu_s,killed_at,ref_rows_equal,load_avg
# Usage: models/sweep_full.sh LPCS GRID.json MODE KILL_AT OUTDIR [REF_N]
set -eu
lpcs=$1 grid=$2 mode=$3 kill_at=$4 out=$5 ref_n=${6:-20}
rm -rf "$out" && mkdir -p "$out"
rows() { [ -f "$1" ] && echo $(($(wc -l < "$1") - 1)) || echo 0; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
now() { date +%s.%N; }

t0=$(now)
"$lpcs" sweep "$grid" -o "$out/full.csv" --mode "$mode" 2>> "$out/progress.log" & pid=$!
cpu1=0
while kill -0 "$pid" 2>/dev/null; do
  c=$(cpu_of "$pid"); [ "$c" = 0 ] || cpu1=$c
  [ "$(rows "$out/full.csv")" -ge "$kill_at" ] && break
  sleep 1
done
kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
t1=$(now); killed=$(rows "$out/full.csv")
echo "sweep-full: killed at $killed rows (after $(echo "$t1 - $t0" | bc) s, $cpu1 CPU-s); resuming" >> "$out/progress.log"

# the resumed run to the end: its CPU seconds from /usr/bin/time
/usr/bin/time -f "%U %S" -o "$out/time.txt" "$lpcs" sweep "$grid" -o "$out/full.csv" --mode "$mode" \
  2>> "$out/progress.log"
t2=$(now)
cpu2=$(awk '{ print $1 + $2 }' "$out/time.txt")

"$lpcs" sweep "$grid" -o "$out/ref.csv" --mode "$mode" --shard "0/$ref_n" --quiet
python3 - "$grid" "$mode" "$out" "$ref_n" "$t0" "$t2" "$cpu1" "$cpu2" "$killed" <<'P'
import csv, json, math, os, sys
grid, mode, out, ref_n, t0, t2, cpu1, cpu2, killed = sys.argv[1:]
ref_n, killed = int(ref_n), int(killed)
points = math.prod(len(v) for v in json.load(open(grid))["grid"].values())
full = list(csv.DictReader(open(f"{out}/full.csv")))
ref = list(csv.DictReader(open(f"{out}/ref.csv")))
def fail(m): print("sweep-full: FAIL:", m, file=sys.stderr); sys.exit(1)
if len(full) != points: fail(f"{len(full)} rows, want {points}")
if [int(r["index"]) for r in full] != list(range(points)): fail("rows not in grid order")
want = [r for r in full if int(r["index"]) % ref_n == 0]
if len(ref) != len(want) or len(ref) < 2: fail(f"reference shard has {len(ref)} rows, want {len(want)}")
if not any(int(r["index"]) >= killed for r in ref) or not any(int(r["index"]) < killed for r in ref):
    fail("the reference rows do not straddle the kill")
if ref != want: fail("a resumed row differs from the uninterrupted reference row")
wall, cpu = float(t2) - float(t0), float(cpu1) + float(cpu2)
la = os.getloadavg()
print("grid,mode,points,rows,wall_s,cpu_s,points_per_wall_s,points_per_cpu_s,killed_at,ref_rows_equal,load_avg")
print(f"{os.path.basename(grid)},{mode},{points},{len(full)},{wall:.1f},{cpu:.1f},{points / wall:.2f},"
      f"{points / cpu:.2f},{killed},yes ({len(ref)} rows of shard 0/{ref_n}),\"{la[0]:.1f} {la[1]:.1f} {la[2]:.1f}\"")
P
