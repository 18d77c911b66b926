#!/usr/bin/env bash
# Exact vs fake mode on the cpu backend (issue 13's speed target: exact within
# 3x of fake for RMMEC P8 / P16 and the PIM LUT-GEMV path), in one run:
# `lpcs ppl` over the first BYTES validation bytes of the llama model, for each
# plan in exact and fake mode, programs alternating within every round;
# medians over ROUNDS. Per run: wall seconds of the evaluation ("seconds" of
# the report), the sum of the matmul ops' time (report time_ms), and process
# CPU seconds (user + sys: steadier on a shared machine).
#
#   bench/exact/run_bench.sh        (from the repository root, after `make`)
#   BUILD=build SHARED=../shared ROUNDS=5 BYTES=2048 THREADS=1 OUT=$BUILD/bench-exact
#
# Writes $OUT/results.csv (round,plan,exec,metric,value), $OUT/summary.csv and
# $OUT/summary.md (medians, exact/fake ratios) and $OUT/ratios.svg.
set -eu
BUILD=${BUILD:-build}; SHARED=${SHARED:-../shared}; ROUNDS=${ROUNDS:-5}; BYTES=${BYTES:-2048}
THREADS=${THREADS:-1}; OUT=${OUT:-$BUILD/bench-exact}
mkdir -p "$OUT"
M=$SHARED/models/shakespeare-llama.bin; TEXT=$SHARED/data/tinyshakespeare.txt
PLANS=${PLANS:-"w=p8e0 w=p8e0,a=p8e0 w=p16e1,a=p16e1 w=int4,a=int8 w=ternary,a=int8 w=int8,a=int8"}
csv=$OUT/results.csv
echo "round,plan,exec,metric,value" > "$csv"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load at start: $load0, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $BYTES bytes, $THREADS thread(s), $ROUNDS rounds" >&2
for r in $(seq 1 "$ROUNDS"); do
  for p in $PLANS; do
    for ex in fake exact; do
      rep=$OUT/report.json
      /usr/bin/time -f "%U %S" -o "$OUT/time.txt" "$BUILD/lpcs" ppl "$M" "$TEXT" --split val --max-bytes "$BYTES" \
        --threads "$THREADS" --backend cpu --quiet --plan "$p" --exec "$ex" --report "$rep" > "$OUT/nll.txt"
      python3 - "$rep" "$OUT/time.txt" "$r" "$p" "$ex" >> "$csv" <<'PY'
import json, sys
rep, tim, r, p, ex = sys.argv[1:]
j = json.load(open(rep))
mm = sum(o.get("time_ms", 0.0) for o in j["ops"] if o["type"] == "matmul") / 1e3
u, s = (float(v) for v in open(tim).read().split()[-2:])
for k, v in (("eval_s", j["seconds"]), ("matmul_s", mm), ("cpu_s", u + s), ("nll", j["nll"])):
    print('%s,"%s",%s,%s,%.6f' % (r, p, ex, k, v))
PY
    done
  done
  echo "round $r/$ROUNDS done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$csv" "$OUT" "$load0" "$load1" "$BYTES" "$THREADS" "$ROUNDS" <<'PY'
import csv, statistics, sys
path, out, l0, l1, nbytes, threads, rounds = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
plans = list(dict.fromkeys(r["plan"] for r in rows))
med = {}
for r in rows:
    med.setdefault((r["plan"], r["exec"], r["metric"]), []).append(float(r["value"]))
m = {k: statistics.median(v) for k, v in med.items()}
lines = ["plan,fake_eval_s,exact_eval_s,eval_ratio,fake_matmul_s,exact_matmul_s,matmul_ratio,fake_cpu_s,exact_cpu_s,cpu_ratio,fake_nll,exact_nll"]
md = ["Exact vs fake on the cpu backend: `lpcs ppl` on %s validation bytes of shakespeare-llama, %s thread(s), medians of %s alternating rounds; load average %s at start, %s at end (shared 2-core VM, 8 engineers)." % (nbytes, threads, rounds, l0, l1), "",
      "| plan | fake eval s | exact eval s | **exact/fake** | matmul ratio | CPU-s ratio | fake NLL | exact NLL |", "|---|---|---|---|---|---|---|---|"]
for p in plans:
    g = lambda e, k: m[(p, e, k)]
    rat = lambda k: g("exact", k) / g("fake", k) if g("fake", k) else float("nan")
    lines.append("%s,%.4f,%.4f,%.3f,%.4f,%.4f,%.3f,%.4f,%.4f,%.3f,%.10f,%.10f" % (p, g("fake", "eval_s"), g("exact", "eval_s"), rat("eval_s"), g("fake", "matmul_s"), g("exact", "matmul_s"), rat("matmul_s"), g("fake", "cpu_s"), g("exact", "cpu_s"), rat("cpu_s"), g("fake", "nll"), g("exact", "nll")))
    md.append("| `%s` | %.3f | %.3f | **%.2fx** | %.2fx | %.2fx | %.6f | %.6f |" % (p, g("fake", "eval_s"), g("exact", "eval_s"), rat("eval_s"), rat("matmul_s"), rat("cpu_s"), g("fake", "nll"), g("exact", "nll")))
open(out + "/summary.csv", "w").write("\n".join(lines) + "\n")
open(out + "/summary.md", "w").write("\n".join(md) + "\n")
# bar chart of the eval ratios with the 3x target
W, H, bw = 640, 300, 60
svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (W, H)]
top = max([3.5] + [m[(p, "exact", "eval_s")] / m[(p, "fake", "eval_s")] for p in plans])
y = lambda v: H - 60 - (H - 90) * v / top
svg.append('<text x="10" y="16">exact / fake time of lpcs ppl (cpu backend, medians); dashed: the 3x target</text>')
for i, p in enumerate(plans):
    v = m[(p, "exact", "eval_s")] / m[(p, "fake", "eval_s")]
    x = 40 + i * (bw + 40)
    svg.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="#4477aa"/>' % (x, y(v), bw, H - 60 - y(v)))
    svg.append('<text x="%d" y="%.1f">%.2fx</text>' % (x + 10, y(v) - 4, v))
    svg.append('<text x="%d" y="%d" font-size="9">%s</text>' % (x - 10, H - 42, p))
svg.append('<line x1="30" x2="%d" y1="%.1f" y2="%.1f" stroke="red" stroke-dasharray="5,4"/>' % (W - 10, y(3), y(3)))
svg.append('<line x1="30" x2="%d" y1="%d" y2="%d" stroke="black"/></svg>' % (W - 10, H - 60, H - 60))
open(out + "/ratios.svg", "w").write("\n".join(svg) + "\n")
print("\n".join(md))
PY
