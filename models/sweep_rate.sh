#!/bin/sh
# Rate and kill/resume of a long `lpcs sweep` (issue 16: the 10,000-point
# platform sweep, which takes too long to run whole on the shared machine):
# run A for S seconds, kill -9, resume it for S more seconds, kill -9 again;
# run B uninterrupted (fresh file) for 2S seconds, kill -9. Then the rows
# both files hold complete must be byte-identical (resume = one run), and
# the rate (rows per second of B) is extrapolated to the whole grid, stated
# as an extrapolation. Prints one CSV line:
#   grid,mode,points,rows_measured,seconds,points_per_s,projected_s,resume_rows_equal,load_avg
# Usage: models/sweep_rate.sh LPCS GRID.json MODE SECONDS OUTDIR
set -eu
lpcs=$1 grid=$2 mode=$3 s=$4 out=$5
rm -rf "$out" && mkdir -p "$out"
cpu=0
run_for() { # FILE SECONDS: run the sweep on FILE for SECONDS, then kill -9 (cpu = its CPU seconds)
  "$lpcs" sweep "$grid" -o "$1" --mode "$mode" --quiet & pid=$!
  sleep "$2"
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' /proc/$pid/stat 2>/dev/null || echo 0)
  kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
rows() { echo $(($(wc -l < "$1") - 1)); }
run_for "$out/a.csv" "$s"; a1=$(rows "$out/a.csv")
run_for "$out/a.csv" "$s"; a2=$(rows "$out/a.csv")
t0=$(date +%s.%N); run_for "$out/b.csv" $((2 * s)); t1=$(date +%s.%N); b=$(rows "$out/b.csv")
points=$(python3 -c "import json,math,sys; g=json.load(open(sys.argv[1]))['grid']; print(math.prod(len(v) for v in g.values()))" "$grid")
# complete rows of both (a killed writer may leave a partial last line: leave the last row out)
n=$(( (a2 < b ? a2 : b) - 1 ))
[ "$n" -ge 1 ] || { echo "sweep-rate: FAIL: too few rows ($a2, $b) in ${s} s" >&2; exit 1; }
if [ "$(head -n $((n + 1)) "$out/a.csv" | md5sum)" = "$(head -n $((n + 1)) "$out/b.csv" | md5sum)" ]; then eq=yes; else eq=no; fi
[ "$a2" -gt "$a1" ] || { echo "sweep-rate: FAIL: the resumed run added no rows ($a1 -> $a2)" >&2; exit 1; }
python3 - "$grid" "$mode" "$points" "$b" "$t0" "$t1" "$n" "$eq" "$a1" "$a2" "$cpu" <<'P'
import os, sys
grid, mode, points, b, t0, t1, n, eq, a1, a2, cpu = sys.argv[1:]
dt, cpu = float(t1) - float(t0), float(cpu)
rate, crate = int(b) / dt, int(b) / cpu if cpu > 0 else float("nan")
print("grid,mode,points,rows_measured,wall_s,cpu_s,points_per_wall_s,points_per_cpu_s,projected_wall_s,"
      "projected_cpu_s,resume_rows_equal,load_avg")
la = os.getloadavg()
print(f"{os.path.basename(grid)},{mode},{points},{b},{dt:.1f},{cpu:.1f},{rate:.2f},{crate:.2f},{int(points) / rate:.0f},"
      f"{int(points) / crate:.0f},{eq} ({n} rows; killed at {a1}; resumed to {a2}),\"{la[0]:.1f} {la[1]:.1f} {la[2]:.1f}\"")
P
[ "$eq" = yes ] || { echo "sweep-rate: FAIL: killed + resumed rows differ from an uninterrupted run" >&2; exit 1; }
