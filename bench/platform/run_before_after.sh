#!/usr/bin/env bash
# Platform speed before/after a change: two lpcs binaries, `lpcs ppl
# --backend sim --strict` per unit plan of both models, alternating rounds
# (before, after, before, ...), median CPU seconds (user + system, less
# sensitive than wall time on a loaded machine); the two binaries' nll= lines
# must be equal (a speed change may not change a bit).
# Usage: bench/platform/run_before_after.sh BEFORE AFTER SHARED [BYTES] [ROUNDS] [OUT]
# Writes OUT.csv and OUT.md (default bench/platform/RESULTS-before-after).
set -u
before=$1 after=$2 shared=$3 bytes=${4:-256} rounds=${5:-3} out=${6:-bench/platform/RESULTS-before-after}
text=$shared/data/tinyshakespeare.txt
load0=$(cut -d' ' -f1-3 /proc/loadavg)
fail=0
echo "model,plan,unit,bytes,rounds,before_cpu_s,after_cpu_s,speedup,nll" >"$out.csv"
TIMEFORMAT='%3U %3S'
# CASES (env): "model plan unit;..." to run fewer
IFS=';' read -ra cases <<<"${CASES:-shakespeare-llama.bin w=p8e0,a=p8e0 rmmec;shakespeare-llama.bin w=p16e1,a=p16e1 rmmec;shakespeare-llama.bin w=p4e1 rmmec;shakespeare-llama.bin w=fp4e2m1 rmmec;shakespeare-llama.bin fp32 vector;shakespeare-mmfree.safetensors fp32 ternary}"
for c in "${cases[@]}"; do
    set -- $c
    model=$1 plan=$2 unit=$3
    tb=() ta=() nb="" na=""
    for ((r = 0; r < rounds; r++)); do
        for which in before after; do
            bin=$before; [ $which = after ] && bin=$after
            t=$( { time "$bin" ppl "$shared/models/$model" "$text" --split val --max-bytes "$bytes" --plan "$plan" \
                     --quiet --backend sim --strict >"$out.$which.nll" 2>/dev/null; } 2>&1 )
            s=$(awk '{ printf "%.3f", $1 + $2 }' <<<"$t")
            if [ $which = before ]; then tb+=("$s"); nb=$(tail -1 "$out.$which.nll"); else ta+=("$s"); na=$(tail -1 "$out.$which.nll"); fi
        done
        echo "before_after: $model $plan round $((r + 1)): before ${tb[-1]} s, after ${ta[-1]} s" >&2
    done
    rm -f "$out.before.nll" "$out.after.nll"
    if [ "$nb" != "$na" ] || [ "${nb#nll=}" = "$nb" ]; then echo "before_after: $model $plan: '$nb' vs '$na'" >&2; fail=1; fi
    med() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
    mb=$(med "${tb[@]}") ma=$(med "${ta[@]}")
    echo "$model,\"$plan\",$unit,$bytes,$rounds,$mb,$ma,$(awk -v a="$mb" -v b="$ma" 'BEGIN { printf "%.2f", a / b }'),$na" >>"$out.csv"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# SystemC platform: CPU seconds before / after"
    echo
    echo "Command: \`bench/platform/run_before_after.sh BEFORE AFTER ../shared $bytes $rounds\` ($(date -u +%Y-%m-%d))."
    echo "\`lpcs ppl MODEL tinyshakespeare.txt --split val --max-bytes $bytes --plan PLAN --backend sim --strict\`, $rounds alternating rounds, median CPU seconds (user + system) of the whole process (model load included); the two binaries' nll= lines are equal in every case."
    echo "Machine: $(nproc) cores shared with other engineers' jobs, load average $load0 at the start, $load1 at the end (taken under load)."
    echo
    echo "| model | plan | unit | before cpu s | after cpu s | speedup | nll (both) |"
    echo "|---|---|---|---:|---:|---:|---|"
    python3 -c 'import csv, sys
for r in list(csv.reader(open(sys.argv[1])))[1:]:
    print("| %s | `%s` | %s | %s | %s | %sx | `%s` |" % (r[0], r[1], r[2], r[5], r[6], r[7], r[8]))' "$out.csv"
} >"$out.md"
cat "$out.md"
exit $fail
