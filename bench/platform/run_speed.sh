#!/bin/sh
# Speed of the SystemC platform (`--backend sim`) on whole tokens: simulated
# cycles per host second, per unit plan of both shipped models, beside the
# cpu backend on the same window (same bits: the run checks the nll lines
# are equal). Alternating rounds (cpu, sim, cpu, sim, ...), median of the
# rounds. Writes bench/platform/RESULTS-speed.{csv,md} (or OUT).
# Usage: bench/platform/run_speed.sh [BUILD] [SHARED] [BYTES] [ROUNDS] [OUT]
#   env PLANS: an extended regex; only the cases whose plan matches it run
#   (give another OUT then: OUT's tables are rewritten).
set -eu
build=${1:-build} shared=${2:-../shared} bytes=${3:-64} rounds=${4:-3} out=${5:-bench/platform/RESULTS-speed}
text=$shared/data/tinyshakespeare.txt
tmp=$build/platform_speed
mkdir -p "$tmp"
# the shift-MAC case needs a design point with the engine (the default has none)
printf '{"id": "shiftmac8", "shiftmac_lanes": 8}\n' > "$tmp/dp_shiftmac8.json"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "model,plan,unit,bytes,rounds,sim_cycles_per_token,sim_host_s_per_token,sim_Mcycles_per_s,cpu_host_s_per_token,sim_over_cpu,unit_ms_per_token,vector_ms_per_token,nll" > "$out.csv"
for c in "shakespeare-llama.bin w=p8e0,a=p8e0 rmmec" "shakespeare-llama.bin w=p16e1,a=p16e1 rmmec" \
         "shakespeare-llama.bin w=p4e1 rmmec" "shakespeare-llama.bin w=fp4e2m1 rmmec" \
         "shakespeare-llama.bin fp32 vector" "shakespeare-mmfree.safetensors fp32 ternary" \
         "shakespeare-llama.bin w=int4,a=int8 lutgemv" "shakespeare-llama.bin w=ternary,a=int8 lutgemv" \
         "shakespeare-llama.bin w=shiftmac shiftmac --design-point $tmp/dp_shiftmac8.json"; do
    set -- $c
    model=$1 plan=$2 unit=$3
    shift 3
    [ -z "${PLANS:-}" ] || echo "$plan" | grep -Eq "^(${PLANS:-})\$" || continue
    args="$shared/models/$model $text --split val --max-bytes $bytes --plan $plan --quiet"
    r=1
    while [ "$r" -le "$rounds" ]; do
        for b in cpu sim; do
            # shellcheck disable=SC2086
            "$build/lpcs" ppl $args "$@" --backend $b --strict --report "$tmp/$b.$r.json" | tail -1 > "$tmp/$b.$r.nll"
            echo "run_speed: $model $plan round $r $b: $(cat "$tmp/$b.$r.nll")" >&2
        done
        cmp -s "$tmp/cpu.$r.nll" "$tmp/sim.$r.nll" || { echo "run_speed: $model $plan: cpu and sim nll differ" >&2; exit 1; }
        r=$((r + 1))
    done
    python3 - "$tmp" "$rounds" "$model" "$plan" "$unit" "$bytes" >> "$out.csv" <<'PY'
import json, statistics, sys
tmp, rounds, model, plan, unit, nbytes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def load(b, r): return json.load(open("%s/%s.%d.json" % (tmp, b, r)))
sim = [load("sim", r) for r in range(1, rounds + 1)]
cpu = [load("cpu", r) for r in range(1, rounds + 1)]
tok = sim[0]["tokens"]
cyc = sim[0]["simulated"]["cycles_per_token"]
s_sim = statistics.median(x["seconds"] for x in sim) / tok
s_cpu = statistics.median(x["seconds"] for x in cpu) / tok
# host time by where the op ran on the platform: its unit vs the vector unit
u_ms = statistics.median(sum(o["time_ms"] for o in x["ops"] if o["unit"] != "vector") for x in sim) / tok
v_ms = statistics.median(sum(o["time_ms"] for o in x["ops"] if o["unit"] == "vector") for x in sim) / tok
print("%s,\"%s\",%s,%s,%d,%.0f,%.5f,%.3f,%.5f,%.2f,%.3f,%.3f,%.10f" % (model, plan, unit, nbytes, rounds, cyc, s_sim,
      cyc / s_sim * 1e-6, s_cpu, s_sim / s_cpu, u_ms, v_ms, sim[0]["nll"]))
PY
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# SystemC platform speed (\`--backend sim\`, whole tokens)"
    echo
    echo "Command: \`${PLANS:+PLANS='$PLANS' }bench/platform/run_speed.sh $build ../shared $bytes $rounds${PLANS:+ $out}\` ($(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d))."
    echo "Machine: $(nproc) cores, shared with other engineers' builds and tests: load average $load0 at the start, $load1 at the end (numbers taken under load)."
    echo "\`lpcs ppl\` over the first $bytes bytes of the validation split, $rounds alternating rounds cpu/sim, medians; the two backends' nll= lines are equal in every round."
    echo "sim_Mcycles_per_s = simulated cycles per token / host seconds per token (target >= 1 M); unit_ms / vector_ms: host time of the ops on the plan's unit / on the vector unit, per token."
    echo
    echo "| model | plan | unit | sim cycles/token | sim host s/token | M simulated cycles/s | cpu host s/token | sim/cpu time | unit ms/token | vector ms/token |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
    python3 -c 'import csv, sys
for r in list(csv.reader(open(sys.argv[1])))[1:]:
    print("| " + " | ".join(r[i] for i in (0, 1, 2, 5, 6, 7, 8, 9, 10, 11)) + " |")' "$out.csv"
} > "$out.md"
cat "$out.md"
