#!/usr/bin/env bash
# Full-split runs on a machine with many cores, in one call (the GPU machine's
# CPUs): every evaluation is cut into window shards (`lpcs ppl --windows
# F:C --shard-out`), NPROC shards run at a time (1 thread each), and each
# evaluation is put back together with `lpcs ppl --combine` (the same nll
# digits as one unsharded run). Two tables:
#   accuracy: exact vs fake NLL of every unit plan of bench/exact_accuracy.sh
#             on both models over the whole validation split (--backend cpu);
#   equality: `--backend sim --strict` (the SystemC platform's own data path)
#             vs `--backend cpu`, whole split, one plan per platform unit.
# It stops cleanly at BUDGET_S seconds: shards not started are skipped, the
# ones running are stopped (timeout), and every table is still written with
# what finished ("incomplete k/n shards" for the rest). Run again with the
# same WORK, it resumes: shards finished before (a .json with its .time file)
# are not run again (delete WORK after changing lpcs: old shards would be reused).
# Usage: bench/fullsplit_device.sh BUILD SHARED NPROC OUTDIR [BUDGET_S]
# Env: DEBS=DIR (build $BUILD/lpcs first, against Debian packages unpacked
#      from DIR: see below), WINDOWS_PER_SHARD (default 16), PLANS (unit plans, as exact_accuracy.sh),
#      EQ_CASES ("model:plan ..."; lutgemv cases join only if sim takes them),
#      SKIP_ACCURACY=1 / SKIP_EQUALITY=1, MAX_BYTES (0 = whole split, default),
#      SIM_POINT=FILE (a design point JSON for every sim run, e.g. one with a
#      shift-MAC engine, which the default point lacks; cpu runs need none).
# Output in OUTDIR: progress.log, shards.csv (per shard: status, cpu and wall
# seconds), accuracy.csv/.md, equality.csv/.md, summary.txt (timings, load,
# what did not finish); shard files and scratch in WORK (default OUTDIR/work).
set -u
if [ $# -lt 4 ]; then sed -n '2,20p' "$0"; exit 2; fi
build=$1; shared=$2; nproc=$3; out=$4; budget=${5:-480}
lpcs=$build/lpcs; text=$shared/data/tinyshakespeare.txt
wps=${WINDOWS_PER_SHARD:-16}; max=${MAX_BYTES:-0}
# WORK (env): shards and scratch files (default OUTDIR/work; OUTDIR itself then
# holds 7 files: progress.log, shards.csv, accuracy/equality .csv/.md, summary.txt)
work=${WORK:-$out/work}
mkdir -p "$out" "$work/shards"; out=$(cd "$out" && pwd); work=$(cd "$work" && pwd)
t_start=$(date +%s); deadline=$((t_start + budget)) # the budget includes the build
log=$out/progress.log; : >"$log"
say() { echo "[$(( $(date +%s) - t_start ))s] $*" | tee -a "$log"; }
# DEBS=DIR: a machine without SystemC / libjansson (the GPU machine): the
# Debian packages of DIR (`make fullsplit-debs` puts them in .deps/debs) are
# unpacked into /tmp/lpcs-debs, the compilers, linker and loader pointed
# there, and $lpcs built with NPROC jobs (pkg-config may be missing: the
# platform's link flags are given on the make line).
if [ -n "${DEBS:-}" ]; then
  . "$(dirname "$0")/device_debs.sh"
  use_debs "$DEBS" || { say "fullsplit: cannot unpack the packages of $DEBS"; exit 1; }
  root=/tmp/lpcs-debs
  for t in make gcc g++ ar; do command -v $t >/dev/null || { say "fullsplit: no $t on this machine"; exit 1; }; done
  say "fullsplit: building $lpcs against $root ($(gcc --version | head -1))"
  make -j"$nproc" "$lpcs" BUILD="$build" SHARED="$shared" PLATFORM_LIBS="-lsystemc -lstdc++" >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log"; say "fullsplit: build failed ($work/build.log)"; exit 1; }
  say "fullsplit: built"
fi
[ -x "$lpcs" ] || { echo "fullsplit: no $lpcs (build it: make $lpcs, or give DEBS=DIR)"; exit 1; }
model_file() { case $1 in llama) echo "$shared/models/shakespeare-llama.bin";;
                          mmfree) echo "$shared/models/shakespeare-mmfree.safetensors";; esac; }
VAL=1003854 # tinyshakespeare's validation split (lpcs ppl --split val)
bytes=$(( $(stat -c %s "$text") - VAL )); [ "$max" != 0 ] && [ "$max" -lt "$bytes" ] && bytes=$max
windows=$(( (bytes + 255) / 256 ))
lim=""; [ "$max" != 0 ] && lim="--max-bytes $max"
plans=${PLANS:-w=p8e0 w=p8e0,a=p8e0 w=p16e1,a=p16e1 w=p4e1,a=p4e1 w=fp4e2m1,a=fp4e2m1 \
       w=int8,a=int8 w=int4,a=int8 w=int8,a=int4 w=ternary,a=int8}
eq_cases=${EQ_CASES:-llama:w=p8e0,a=p8e0 llama:fp32 mmfree:fp32 llama:w=int4,a=int8}
simargs=${SIM_POINT:+--design-point $SIM_POINT}

# evaluations: id|model|plan|exec|backend, in priority order
evals=$work/evals.txt; : >"$evals"
eid() { echo "$1.$2.$3.$4" | tr -c 'A-Za-z0-9.\n' '_'; }
add() { echo "$(eid "$@")|$1|$2|$3|$4" >>"$evals"; }
if [ "${SKIP_EQUALITY:-0}" != 1 ]; then
  for c in $eq_cases; do
    m=${c%%:*} p=${c#*:}
    # a unit the platform does not implement yet: sim --strict refuses it
    if ! "$lpcs" ppl "$(model_file "$m")" "$text" --split val --max-bytes 16 --quiet --plan "$p" \
         --backend sim --strict $simargs >/dev/null 2>"$work/probe.err"; then
      say "equality: $m $p: sim --strict refuses it ($(tail -1 "$work/probe.err" | cut -c1-160)): not run"
      echo "$m|$p|refused by sim --strict" >>"$work/eq_refused.txt"; continue
    fi
    add "$m" "$p" exact sim
    [ "${SKIP_ACCURACY:-0}" = 1 ] && add "$m" "$p" exact cpu # else the accuracy table has it
  done
fi
if [ "${SKIP_ACCURACY:-0}" != 1 ]; then
  for m in llama mmfree; do
    add "$m" fp32 exact cpu
    for p in $plans; do add "$m" "$p" exact cpu; [ "$m" = llama ] && add "$m" "$p" fake cpu; done
  done
  for p in $plans; do add mmfree "$p" fake cpu; done # mmfree: BitLinear in both modes, last
fi
awk -F'|' '!seen[$1]++' "$evals" >"$evals.u" # first of duplicates (eq + accuracy)
mv "$evals.u" "$evals"

# shards: sim evaluations first (the slowest per window), then the rest in order
tasks=$work/tasks.txt; : >"$tasks"
for pass in sim cpu; do
  while IFS='|' read -r id m p x be; do
    [ "$be" = "$pass" ] || continue
    for ((f = 0; f < windows; f += wps)); do echo "$id|$m|$p|$x|$be|$f|$wps" >>"$tasks"; done
  done <"$evals"
done
ntasks=$(wc -l <"$tasks")
say "fullsplit: $(wc -l <"$evals") evaluations x $windows windows ($bytes bytes), $ntasks shards of $wps windows on $nproc processes, budget ${budget}s; load $(cut -d' ' -f1-3 /proc/loadavg)"

# one shard: skipped past the deadline, stopped at it
run_shard() {
  IFS='|' read -r id m p x be f c <<<"$1"
  local now left shard=$work/shards/$id.$f.json rc st
  now=$(date +%s); left=$((deadline - now))
  if [ -f "$shard" ] && [ -f "$shard.time" ]; then # finished by an earlier run with this WORK: resume
    echo "$id|$f|ok|$(cat "$shard.time")" >>"$out/shards.csv"; return 0; fi
  if [ $left -le 0 ]; then echo "$id|$f|skipped|0|0" >>"$out/shards.csv"; return 0; fi
  local TIMEFORMAT='%3U %3S %3R' tm # CPU seconds (user, system) and wall of the shard
  tm=$( { time timeout "$left" "$lpcs" ppl "$(model_file "$m")" "$text" --split val $lim --quiet --threads 1 \
    --plan "$p" --exec "$x" --backend "$be" $( [ "$be" = sim ] && echo --strict $simargs ) --windows "$f:$c" \
    --shard-out "$shard.tmp" >/dev/null 2>"$shard.err"; echo "rc $?" >"$shard.rc"; } 2>&1 )
  rc=$(sed -n 's/^rc //p' "$shard.rc"); rm -f "$shard.rc"
  st=ok; [ "$rc" = 124 ] && st=timeout; [ "$rc" != 0 ] && [ "$rc" != 124 ] && st="error rc=$rc"
  if [ $st = ok ]; then mv "$shard.tmp" "$shard"; rm -f "$shard.err"; else rm -f "$shard.tmp"; fi
  local s w line # cpu seconds (user + system), wall seconds
  s=$(awk '{ printf "%.3f", $1 + $2 }' <<<"$tm"); w=$(awk '{ print $3 }' <<<"$tm")
  [ $st = ok ] && echo "$s|$w" >"$shard.time"
  echo "$id|$f|$st|$s|$w" >>"$out/shards.csv"
  line="[$(( $(date +%s) - t_start ))s] $(wc -l <"$out/shards.csv")/$ntasks $id windows $f+$c: $st, ${s} cpu-s, ${w} s"
  echo "$line" >>"$log"; echo "$line" >&2
}
export -f run_shard model_file
export out work lpcs text lim deadline ntasks t_start shared log simargs
: >"$out/shards.csv"
tr '\n' '\0' <"$tasks" | xargs -0 -P "$nproc" -I{} bash -c 'run_shard "$1"' _ {}
say "shards done: $(grep -c '|ok|' "$out/shards.csv") ok, $(grep -c '|skipped|' "$out/shards.csv") skipped, $(grep -c '|timeout|' "$out/shards.csv") stopped at the deadline, $(grep -c '|error' "$out/shards.csv") failed"

# put each evaluation together
nll_of() { # ID -> "nll=... bytes=..." or "incomplete k/n shards" / "error ..."
  local id=$1 files n=0 have=0
  for ((f = 0; f < windows; f += wps)); do
    n=$((n + 1)); [ -f "$work/shards/$id.$f.json" ] && have=$((have + 1))
  done
  if [ $have -lt $n ]; then
    local e; e=$(cat "$work/shards/$id".*.err 2>/dev/null | grep -v '^$' | tail -1 | cut -c1-120)
    echo "incomplete $have/$n shards${e:+ ($e)}"; return
  fi
  files=$(ls "$work/shards/$id".*.json)
  # shellcheck disable=SC2086
  "$lpcs" ppl --combine $files 2>&1 | tail -1
}
cpu_s() { awk -F'|' -v id="$1" '$1 == id { s += $4 } END { printf "%.0f", s }' "$out/shards.csv"; }
declare -A R
while IFS='|' read -r id m p x be; do R[$id]=$(nll_of "$id"); done <"$evals"
val() { local r=${R[$(eid "$@")]:-not run}; case $r in nll=*) echo "$r" | sed 's/nll=\([0-9.]*\).*/\1/';; *) echo "$r";; esac; }
stamp="$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $nproc processes, load $(cut -d' ' -f1-3 /proc/loadavg), bytes=$bytes ($windows windows, $wps per shard)${SIM_POINT:+, sim design point $(tr -d '\n' <"$SIM_POINT")}, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ "${SKIP_ACCURACY:-0}" != 1 ]; then
  echo "model,plan,exec,nll,cpu_seconds" >"$out/accuracy.csv"
  {
    echo "<!-- bench/fullsplit_device.sh: $stamp -->"
    echo "| plan | llama exact | llama fake | exact - fake | mmfree exact | mmfree fake |"
    echo "|---|---|---|---|---|---|"
    echo "| fp32 | $(val llama fp32 exact cpu) | = | 0 | $(val mmfree fp32 exact cpu) | = |"
    for p in $plans; do
      le=$(val llama "$p" exact cpu) lf=$(val llama "$p" fake cpu)
      d=$(awk -v a="$le" -v b="$lf" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3g", a - b; else print "-" }')
      echo "| \`$p\` | $le | $lf | $d | $(val mmfree "$p" exact cpu) | $(val mmfree "$p" fake cpu) |"
    done
  } >"$out/accuracy.md"
  while IFS='|' read -r id m p x be; do
    [ "$be" = cpu ] && echo "$m,\"$p\",$x,$(val "$m" "$p" "$x" cpu),$(cpu_s "$id")" >>"$out/accuracy.csv"
  done <"$evals"
  cat "$out/accuracy.md"
fi
if [ "${SKIP_EQUALITY:-0}" != 1 ]; then
  echo "model,plan,cpu,sim,equal,cpu_seconds,sim_seconds" >"$out/equality.csv"
  {
    echo "<!-- bench/fullsplit_device.sh: $stamp -->"
    echo "| model | plan | cpu | sim --strict | equal |"
    echo "|---|---|---|---|---|"
    for c in $eq_cases; do
      m=${c%%:*} p=${c#*:}
      grep -q "^$m|$p|" "$work/eq_refused.txt" 2>/dev/null && { echo "| $m | \`$p\` | - | refused by sim --strict | not run |"; continue; }
      cn=${R[$(eid "$m" "$p" exact cpu)]:-not run} sn=${R[$(eid "$m" "$p" exact sim)]:-not run}
      eq=NO; [ "$cn" = "$sn" ] && eq=yes
      case "$cn$sn" in *incomplete*|*"not run"*|*rror*) eq="not complete";; esac
      echo "| $m | \`$p\` | \`$cn\` | \`$sn\` | $eq |"
      echo "$m,\"$p\",$cn,$sn,$eq,$(cpu_s "$(eid "$m" "$p" exact cpu)"),$(cpu_s "$(eid "$m" "$p" exact sim)")" >>"$out/equality.csv"
    done
  } >"$out/equality.md"
  cat "$out/equality.md"
fi
{
  echo "fullsplit: $stamp"
  echo "wall seconds: $(( $(date +%s) - t_start )) of a ${budget} s budget"
  echo "shard cpu-seconds: $(awk -F'|' '{ s += $4 } END { printf "%.0f", s }' "$out/shards.csv")"
  echo "shards: $(grep -c '|ok|' "$out/shards.csv") ok, $(grep -c '|skipped|' "$out/shards.csv") skipped, $(grep -c '|timeout|' "$out/shards.csv") stopped, $(grep -c '|error' "$out/shards.csv") failed of $ntasks"
  for id in "${!R[@]}"; do case ${R[$id]} in nll=*) ;; *) echo "not finished: $id: ${R[$id]}";; esac; done | sort
} | tee "$out/summary.txt"
grep -q '| NO |' "$out/equality.md" 2>/dev/null && exit 1
exit 0
