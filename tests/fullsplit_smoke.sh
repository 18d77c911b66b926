#!/usr/bin/env bash
# test-fullsplit-smoke: bench/fullsplit_device.sh on the first 512 validation
# bytes (2 windows, 1 per shard) with one unit plan: the accuracy and
# equality tables must be written with combined nll values, cpu = sim on the
# vector unit, and a plan sim --strict refuses reported as not run; then with
# a budget of 0 seconds (spent before the first shard, on any machine) the run
# must start no shard and mark every evaluation unfinished (a partial table,
# never a made-up value). A short non-zero budget would depend on how fast the
# machine runs a shard. In between, a resumed run (one shard file deleted)
# must run only that shard and give the same tables.
# Usage: tests/fullsplit_smoke.sh BUILD SHARED
set -u
build=$1 shared=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fullsplit.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "test-fullsplit-smoke: FAIL: $*"; fail=1; }
MAX_BYTES=512 WINDOWS_PER_SHARD=1 PLANS=w=p8e0 EQ_CASES="llama:fp32 llama:w=int8,intdot" \
  bench/fullsplit_device.sh "$build" "$shared" 2 "$tmp/a" 300 >"$tmp/a.log" 2>&1 || bad "run 1 exit status $?"
a=$tmp/a
n=$(grep -c '|ok|' "$a/shards.csv" 2>/dev/null); [ "${n:-0}" -ge 12 ] || bad "only ${n:-0} shards ran (>= 12 expected)"
grep -q '| llama | `fp32` | `nll=[0-9.]* bytes=512` | `nll=[0-9.]* bytes=512` | yes |' "$a/equality.md" || bad "no cpu = sim row"
grep -q 'w=int8,intdot` | - | refused by sim --strict | not run |' "$a/equality.md" || bad "refused unit not reported"
grep -Eq '^\| `w=p8e0` \| [0-9]+\.[0-9]{10} \| [0-9]+\.[0-9]{10} \|' "$a/accuracy.md" || bad "no accuracy row for w=p8e0"
# the combined table value = one unsharded run
want=$("$build/lpcs" ppl "$shared/models/shakespeare-llama.bin" "$shared/data/tinyshakespeare.txt" --split val \
       --max-bytes 512 --plan w=p8e0 --exec fake --backend cpu --quiet | tail -1 | sed 's/nll=\([0-9.]*\).*/\1/')
grep -q "^llama,\"w=p8e0\",fake,$want," "$a/accuracy.csv" || bad "accuracy.csv llama w=p8e0 fake is not the unsharded $want"
# resume: one shard lost (as after a kill); the same command again runs only
# that shard (counted through a wrapper of lpcs) and gives the same tables
mkdir -p "$tmp/wrap"; printf '#!/bin/sh\necho "$*" >>"%s/calls"\nexec "%s/lpcs" "$@"\n' "$tmp" "$(cd "$build" && pwd)" >"$tmp/wrap/lpcs"
chmod +x "$tmp/wrap/lpcs"; cp "$a/accuracy.md" "$tmp/acc1.md"
lost=$(ls "$a"/work/shards/*.json | head -1); rm -f "$lost" "$lost.time"
MAX_BYTES=512 WINDOWS_PER_SHARD=1 PLANS=w=p8e0 EQ_CASES="llama:fp32 llama:w=int8,intdot" \
  bench/fullsplit_device.sh "$tmp/wrap" "$shared" 2 "$a" 300 >"$tmp/a2.log" 2>&1 || bad "resumed run exit status $?"
r=$(grep -c -- '--shard-out' "$tmp/calls" 2>/dev/null); [ "${r:-0}" = 1 ] || bad "the resumed run ran ${r:-0} shards, not the 1 lost"
[ "$(grep -c '|ok|' "$a/shards.csv")" = "$n" ] || bad "the resumed run does not report all $n shards ok"
diff <(grep -v '^<!--' "$tmp/acc1.md") <(grep -v '^<!--' "$a/accuracy.md") >/dev/null || bad "the resumed run's accuracy table differs"
MAX_BYTES=512 WINDOWS_PER_SHARD=1 PLANS=w=p8e0 EQ_CASES="llama:fp32" \
  bench/fullsplit_device.sh "$build" "$shared" 2 "$tmp/b" 0 >"$tmp/b.log" 2>&1
b=$tmp/b
[ "$(grep -c '|ok|' "$b/shards.csv")" = 0 ] || bad "a 0-second budget ran a shard"
[ "$(grep -c '|skipped|' "$b/shards.csv")" -ge 6 ] || bad "a 0-second budget did not report its shards as skipped"
grep -q 'incomplete' "$b/accuracy.md" || bad "unfinished evaluations not marked in the accuracy table"
grep -q 'not finished' "$b/summary.txt" || bad "summary does not list what did not finish"
[ $fail = 0 ] || { cat "$tmp/a.log"; exit 1; }
echo "test-fullsplit-smoke: $n shards, tables written, cpu = sim (fp32), resume ran only the lost shard, budget stop reported"
