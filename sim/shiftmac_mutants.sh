#!/usr/bin/env bash
# RTL mutation testing of the shift-MAC engine (yosys `mutate`, the engine of
# YosysHQ's mcy). All mutants live in one netlist behind an added `mutsel`
# input (`mutate -ctrl`, built by sim/shiftmac.mk), so Verilator builds once;
# mutant N runs through the co-sim (`shiftmac_cosim --mutant N`) and is
# killed when the co-sim exits non-zero: a wrong output, a wrong cycle count,
# a broken busy/done protocol or a hang (timeout).
#   sim/shiftmac_mutants.sh COSIM LIST OUT.csv TIMEOUT_S (all | ID...)
# Mutant 0 (none active) must pass first, or nothing counts. Writes
# id,mode,result,first_failure,src per mutant; prints the kill count.
set -u
cosim=$1 list=$2 out=$3 tmo=$4; shift 4
args="--random 1500 --min-outputs 10000 --vcd-dir $(dirname "$out")"
if ! timeout "$tmo" "$cosim" $args --mutant 0 >"$out.m0.log" 2>&1; then
  echo "shiftmac-mutants: the netlist with no mutant active FAILS the co-sim:"; tail -3 "$out.m0.log"; exit 1
fi
n=$(grep -c '^mutate' "$list")
if [ "$1" = all ]; then ids=$(seq 1 "$n"); else ids="$*"; fi
echo "id,mode,result,first_failure,src" >"$out"
total=0 killed=0
for id in $ids; do
  line=$(grep '^mutate' "$list" | sed -n "${id}p")
  [ -n "$line" ] || { echo "shiftmac-mutants: no mutant $id in $list"; exit 1; }
  mode=$(sed -n 's/.*-mode \([a-z0-9]*\).*/\1/p' <<<"$line")
  src=$(grep -o -- '-src [^ ]*' <<<"$line" | tail -1 | cut -d' ' -f2)
  timeout "$tmo" "$cosim" $args --mutant "$id" >"$out.m.log" 2>&1; rc=$?
  total=$((total + 1))
  if [ $rc -eq 0 ]; then result=survived why=
  else
    result=killed killed=$((killed + 1))
    if [ $rc -eq 124 ]; then why="timeout"; else why=$(grep -m1 -o 'MISMATCH\|CYCLES\|engine status -[0-9]\|only [0-9]* outputs' "$out.m.log"); fi
  fi
  echo "$id,$mode,$result,$why,$src" >>"$out"
  [ $((total % 20)) -ne 0 ] || echo "shiftmac-mutants: $total done, $killed killed" >&2
done
rm -f "$out.m.log"
echo "shiftmac-mutants: $killed of $total mutants killed ($out)"
