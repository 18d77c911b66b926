#!/usr/bin/env bash
# lpcs ppl window shards: shards combined (`ppl --combine`) print the same
# nll line as the unsharded run, bit for bit, and each shard's per-window
# sums equal the unsharded run's (its own --shard-out of every window).
# The combiner must refuse a window missing, a window twice, shards of
# another plan and sums written in decimal.
# Usage: tests/ppl_shard_check.sh BUILD SHARED
set -u
build=$1; shared=$2
lpcs=$build/lpcs; text=$shared/data/tinyshakespeare.txt
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppl-shard.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
fail=0; compared=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# CASE: name model bytes backend plan (5 windows at 1100 bytes: shards 0:2, 2:1, 3:0)
run_case() {
  local name=$1 model=$2 bytes=$3 backend=$4 plan=$5
  local common=("$model" "$text" --split val --max-bytes "$bytes" --quiet --backend "$backend" --plan "$plan")
  local full s1 s2 s3 comb
  full=$("$lpcs" ppl "${common[@]}" --threads 2 --shard-out "$tmp/$name.all.json" | tail -1)
  "$lpcs" ppl "${common[@]}" --windows 0:2 --shard-out "$tmp/$name.a.json" >/dev/null || bad "$name shard 0:2"
  "$lpcs" ppl "${common[@]}" --windows 2:1 --shard-out "$tmp/$name.b.json" >/dev/null || bad "$name shard 2:1"
  "$lpcs" ppl "${common[@]}" --windows 3:0 --shard-out "$tmp/$name.c.json" >/dev/null || bad "$name shard 3:0"
  comb=$("$lpcs" ppl --combine "$tmp/$name.c.json" "$tmp/$name.a.json" "$tmp/$name.b.json" | tail -1)
  case "$full" in nll=*) ;; *) bad "$name: unsharded run printed '$full'"; return;; esac
  if [ "$full" = "$comb" ]; then ok "$name: combined '$comb' = unsharded"; else bad "$name: combined '$comb' vs unsharded '$full'"; fi
  # per-window sums: the shards' hex strings, in window order, = the unsharded run's
  /usr/bin/python3 - "$tmp/$name" <<'EOF' || bad "$name: per-window sums differ"
import json, sys
p = sys.argv[1]
full = json.load(open(p + ".all.json"))
parts = [json.load(open(p + s)) for s in (".a.json", ".b.json", ".c.json")]
cat = [x for s in parts for x in s["window_nll"]]
assert full["first"] == 0 and len(full["window_nll"]) == full["windows_total"] >= 5, "too few windows"
assert cat == full["window_nll"], "window sums differ"
print("ok: %d window sums equal" % len(cat))
EOF
  compared=$((compared + 1))
}

run_case llama-p8-cpu "$shared/models/shakespeare-llama.bin" 1100 cpu w=p8e0
run_case mmfree-sim "$shared/models/shakespeare-mmfree.safetensors" 1100 sim fp32

# the combiner refuses what is not one whole evaluation
n=llama-p8-cpu
refuse() { # WHAT FILES...
  local what=$1; shift
  if "$lpcs" ppl --combine "$@" >/dev/null 2>"$tmp/err"; then bad "combine accepted $what"
  else ok "refused $what: $(tail -1 "$tmp/err")"; fi
}
refuse "a missing window" "$tmp/$n.a.json" "$tmp/$n.c.json"
refuse "a window twice" "$tmp/$n.a.json" "$tmp/$n.b.json" "$tmp/$n.c.json" "$tmp/$n.b.json"
refuse "shards of two evaluations" "$tmp/$n.a.json" "$tmp/$n.b.json" "$tmp/mmfree-sim.c.json"
sed 's/"0x[^"]*"/"1.5"/' "$tmp/$n.b.json" >"$tmp/dec.json"
refuse "decimal sums" "$tmp/$n.a.json" "$tmp/dec.json" "$tmp/$n.c.json"
refuse "a non-shard file" "$text"
# a damaged window count (the fuzzer's find: it once asked for 3.5 GB before checking)
for f in a b; do sed 's/"windows_total": *[0-9]*/"windows_total": 444444444/' "$tmp/$n.$f.json" >"$tmp/big.$f.json"; done
refuse "an inflated window count" "$tmp/big.a.json" "$tmp/big.b.json" # (c ends with a short window: its parse would refuse it first)
grep -q 'the shards hold' "$tmp/err" || bad "the inflated count was not refused by the window check: $(tail -1 "$tmp/err")"

[ "$compared" -ge 2 ] || bad "compared only $compared cases"
[ $fail = 0 ] && echo "ppl shards: $compared cases, combined = unsharded" && exit 0
exit 1
