#!/bin/bash
# Runs mutants of a mutated netlist (yosys `mutate -ctrl`, all mutants in one
# Verilated model, selected by the mutsel input) through the unit's
# co-simulation and writes one CSV row per mutant:
#   id,mode,result,seconds,first_failure,src
# result: killed (the co-sim failed: a mismatch, a hang, a count check) or
# survived (it passed). Mutant 0 (none active) must pass first, or nothing
# counts. Progress on stderr.
# Usage: run_mutants.sh COSIM MUTATIONS.txt OUT.csv TIMEOUT_S ID... | all
#   COSIM      the co-sim command line (words; takes --mutant N, exits 0 = pass)
#   MUTATIONS  the `mutate -list` output (line i = mutant i)
set -u
cosim=$1 list=$2 out=$3 tmo=$4; shift 4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if ! timeout "$tmo" $cosim --mutant 0 >"$work/m0.log" 2>&1; then
    echo "run_mutants: the netlist with no mutant active FAILS the co-simulation:"; tail -5 "$work/m0.log"; exit 1
fi
n=$(grep -c '^mutate' "$list")
if [ "$1" = all ]; then ids=$(seq 1 "$n"); else ids="$*"; fi
echo "id,mode,result,seconds,first_failure,src" > "$out"
total=$(echo $ids | wc -w) done=0 killed=0
for id in $ids; do
    line=$(grep '^mutate' "$list" | sed -n "${id}p")
    [ -n "$line" ] || { echo "run_mutants: no mutant $id in $list"; exit 1; }
    mode=$(echo "$line" | sed -n 's/.*-mode \([a-z0-9]*\).*/\1/p')
    src=$(echo "$line" | grep -o -- '-src [^ ]*' | head -1 | cut -d' ' -f2)
    t0=$(date +%s.%N)
    timeout "$tmo" $cosim --mutant "$id" >"$work/m.log" 2>&1; rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b - a}')
    if [ $rc -eq 0 ]; then result=survived why=""
    else
        result=killed; killed=$((killed + 1))
        if [ $rc -eq 124 ]; then why="timeout ${tmo}s"
        else why=$(grep -m1 -E 'MISMATCH|FAIL|RESPONSE|HANG|CYCLES|engine status|only [0-9]* outputs|status' "$work/m.log" | tr -d ',"' | cut -c1-100); fi
    fi
    printf '%s,%s,%s,%.2f,"%s",%s\n' "$id" "$mode" "$result" "$secs" "$why" "$src" >> "$out"
    done=$((done + 1))
    echo "mutant $id ($mode, $src): $result ($done/$total, $killed killed)" >&2
done
echo "run_mutants: $killed of $total mutants killed"
