#!/bin/sh
# The rtl backend's simulated clock cycles per second, per unit (issue 13):
# runs tests/test_runtime_rtl_exact (every case, P16 included) ROUNDS times;
# each case is a 16-token window through every layer with every unit op on
# its Verilated model (and checked bit for bit against cpu). The time is the
# rtl engine's steps only (Verilated unit + golden's fp32 steps around it +
# the vector ops on cpu), so cycles/s is the backend's, not Verilator's
# alone. Wall and thread-CPU seconds are both recorded (the machine may be
# loaded; cycles per cpu-second is the comparable number). The PIM bank is
# timed at model level (llama w=int4,a=int8 / w=ternary,a=int8 cases) and by
# tests/test_pim_rtl_tiles on whole llama matrices (bank + host tile loop).
# Median over rounds; CSV + Markdown + gnuplot bar chart (PNG, SVG).
# usage: bench/rtl/run_rtl_bench.sh TEST_BINARY PIM_TEST_BINARY OUTDIR [ROUNDS]
set -eu
bin=$1 pim=$2 out=$3 rounds=${4:-3}
mkdir -p "$out"
raw=$out/rtl_rounds.txt
: >"$raw"
load0=$(uptime | sed 's/.*load average: //')
r=1
while [ "$r" -le "$rounds" ]; do
    echo "round $r of $rounds" >&2
    LPCS_RTL_CASES=all "$bin" | grep '^rtl ' | sed "s/^/round=$r /" | tee -a "$raw" >&2
    "$pim" | grep '^pim rtl: ' | sed "s/^/round=$r /" | tee -a "$raw" >&2
    r=$((r + 1))
done
load1=$(uptime | sed 's/.*load average: //')
python3 - "$raw" "$out" "$load0" "$load1" "$rounds" <<'PY'
import re, statistics, sys, os
raw, out, l0, l1, rounds = sys.argv[1:]
rows = {}
pim = re.compile(r"round=(\d+) pim rtl: (\d+) exact sums, (\d+) simulated cycles in ([\d.]+) s.*\(cpu ([\d.]+) s")
pat = re.compile(r"round=(\d+) rtl (\S+)\s+(\S+)\s+(\S+)\s+(\d+) tokens x (\d+) layers: (\d+) of (\d+) logits differ.*; (\d+) cycles in ([\d.]+) s.*\(cpu ([\d.]+) s")
for line in open(raw):
    m, mp = pat.match(line), pim.match(line)
    if mp:  # whole llama matrices, not a model window: tokens/layers 0
        _, sums, cyc, s, cs = mp.groups()
        unit, mode, plan, tok, layers, diff, cyc = "lutgemv", "g4", f"llama-matrices({sums}-sums)", "0", "0", "0", cyc
    elif not m: continue
    else:
        _, unit, mode, plan, tok, layers, diff, n, cyc, s, cs = m.groups()
    key = (unit, mode, plan)
    rows.setdefault(key, {"tokens": int(tok), "layers": int(layers), "cycles": int(cyc), "diff": int(diff), "s": [], "cs": []})
    rows[key]["s"].append(float(s))
    rows[key]["cs"].append(float(cs))
    rows[key]["diff"] = max(rows[key]["diff"], int(diff))
csv = open(os.path.join(out, "rtl_cycles_per_s.csv"), "w")
md = open(os.path.join(out, "rtl_cycles_per_s.md"), "w")
dat = open(os.path.join(out, "rtl_cycles_per_s.dat"), "w")
csv.write("unit,mode,plan,tokens,layers,sim_cycles,host_s_median,sim_cycles_per_s,cpu_s_median,sim_cycles_per_cpu_s,"
          "cycles_per_token,logits_differing\n")
md.write(f"Median of {rounds} rounds; machine shared by 8 engineers, load average before {l0}, after {l1}.\n\n"
         "| unit | mode | plan | tokens x layers | simulated cycles | cycles/token | wall s | simulated cycles/s (wall) "
         "| cpu s | simulated cycles per cpu-second | logits != cpu |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
for (u, mo, p), v in rows.items():
    med, cmed = statistics.median(v["s"]), statistics.median(v["cs"])
    per_tok = v["cycles"] // max(v["tokens"], 1)
    csv.write(f"{u},{mo},{p},{v['tokens']},{v['layers']},{v['cycles']},{med:.3f},{v['cycles']/med:.0f},{cmed:.3f},{v['cycles']/cmed:.0f},{per_tok},{v['diff']}\n")
    md.write(f"| {u} | {mo} | {p} | {v['tokens']} x {v['layers']} | {v['cycles']} | {per_tok} | {med:.2f} | "
             f"{v['cycles']/med:,.0f} | {cmed:.2f} | {v['cycles']/cmed:,.0f} | {v['diff']} |\n")
    dat.write(f"\"{u}/{mo}\" {v['cycles']/cmed:.0f}\n")
PY
for term in png svg; do
    gnuplot -e "set terminal $term size 1000,450; set output '$out/rtl_cycles_per_s.$term';
      set title 'rtl backend: simulated clock cycles per host cpu-second (16 tokens, every layer)';
      set ylabel 'simulated cycles / cpu-second'; set style fill solid 0.6; set boxwidth 0.6; set yrange [0:*]; unset key;
      plot '$out/rtl_cycles_per_s.dat' using 0:2:xtic(1) with boxes"
done
cat "$out/rtl_cycles_per_s.md"
