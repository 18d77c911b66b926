#!/bin/sh
# cpu = sim on longer texts: `lpcs ppl --backend cpu` and `--backend sim
# --strict` (every op on the SystemC platform's own data path) over the
# first BYTES bytes of tinyshakespeare's validation split, per unit plan;
# the nll= lines must be equal. Writes bench/platform/RESULTS-equality.md
# (or OUT). Usage: bench/platform/run_equality.sh [BUILD] [SHARED] [OUT] [PLANS]
#   PLANS: an extended regex; only the cases whose plan matches it run, and
#   their table is appended to OUT (the other cases' rows stay as they were).
set -eu
build=${1:-build} shared=${2:-../shared} out=${3:-bench/platform/RESULTS-equality.md} only=${4:-}
text=$shared/data/tinyshakespeare.txt
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows="" fail=0
# the shift-MAC case needs a design point with the engine (the default has none)
printf '{"id": "shiftmac8", "shiftmac_lanes": 8}\n' > "$build/dp_shiftmac8.json"
for c in "shakespeare-mmfree.safetensors fp32 4096" "shakespeare-llama.bin w=p8e0,a=p8e0 1024" \
         "shakespeare-llama.bin fp32 2048" "shakespeare-llama.bin w=fp4e2m1 1024" \
         "shakespeare-llama.bin w=p4e1 256" "shakespeare-llama.bin w=p16e1,a=p16e1 256" \
         "shakespeare-llama.bin w=int4,a=int8 4096" "shakespeare-llama.bin w=ternary,a=int8 4096" \
         "shakespeare-llama.bin w=shiftmac 4096 --design-point $build/dp_shiftmac8.json" \
         "shakespeare-llama.bin w=int8,a=int8 1024" "shakespeare-llama.bin w=int3,a=int4 1024"; do
    set -- $c
    model=$1 plan=$2 bytes=$3
    shift 3
    [ -z "$only" ] || echo "$plan" | grep -Eq "^($only)\$" || continue
    args="$shared/models/$model $text --split val --max-bytes $bytes --plan $plan --quiet"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    cn=$("$build/lpcs" ppl $args --backend cpu | tail -1)
    t1=$(date +%s)
    # shellcheck disable=SC2086
    sn=$("$build/lpcs" ppl $args "$@" --backend sim --strict | tail -1)
    t2=$(date +%s)
    same=yes
    [ "$cn" = "$sn" ] || { same=NO; fail=1; }
    echo "run_equality: $model $plan $bytes bytes: cpu $cn ($((t1 - t0)) s), sim $sn ($((t2 - t1)) s): equal $same" >&2
    rows="$rows| $model | \`$plan\` | $bytes | \`$cn\` | \`$sn\` | $same | $((t1 - t0)) | $((t2 - t1)) |
"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
table() {
    echo "Machine: $(nproc) cores shared with other engineers' jobs, load average $load0 at the start, $load1 at the end (times taken under load)."
    echo
    echo "| model | plan | bytes | cpu | sim | equal | cpu s | sim s |"
    echo "|---|---|---:|---|---|---|---:|---:|"
    printf "%s" "$rows"
}
rev="$(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d)"
if [ -n "$only" ]; then
    {
        echo
        echo "## Plans \`$only\`"
        echo
        echo "Command: \`bench/platform/run_equality.sh $build ../shared OUT '$only'\` ($rev)."
        echo "As above (w=shiftmac on a design point with \`shiftmac_lanes\` 8; the default point has no shift-MAC engine)."
        table
    } >> "$out"
else
    {
        echo "# cpu = SystemC platform on longer texts"
        echo
        echo "Command: \`bench/platform/run_equality.sh $build ../shared\` ($rev)."
        echo "\`lpcs ppl MODEL tinyshakespeare.txt --split val --max-bytes BYTES --plan PLAN\` with \`--backend cpu\` and with \`--backend sim --strict\` (every op on the platform's own data path, no fallback; w=shiftmac on a design point with \`shiftmac_lanes\` 8)."
        table
    } > "$out"
fi
cat "$out"
exit $fail
