#!/usr/bin/env bash
# RTL mutation testing of the shift-MAC engine with yosys `mutate` (the engine
# of YosysHQ's mcy): N mutants of shiftmac_gemv (LANES=3 KTILE=4 WDEPTH=64
# XDEPTH=8, flattened, constants folded so the FAULT hooks are gone), each Verilated with sim/shiftmac_cosim.cpp and run; a
# mutant is killed when the co-sim exits non-zero (wrong output, wrong cycle
# count or protocol error). A mutant that fails to build is a flow error
# (reported, never counted as killed; the script then exits 1).
#   sim/shiftmac_mutants.sh OUTDIR N [SEED] [GOLDEN_LIB MODEL_OBJ]
# Writes OUTDIR/mutants.csv (index, mode, killed, reason, the mutate command)
# and prints the kill rate. Survivors are candidates for equivalence checks
# or better stimulus.
set -euo pipefail
# the unit's sources (rtl/units.mk UNIT_RTL_shiftmac; make passes them)
rtl=${SHIFTMAC_RTL:-rtl/shiftmac_gemv.v rtl/shiftmac_dot_tile.v}
out=$1; n=$2; seed=${3:-1}
golden=${4:-build/libgolden.a}; model=${5:-build/obj/models/shiftmac_model.o}
root=$(pwd)
mkdir -p "$out"
pre="read_verilog $rtl; \
chparam -set LANES 3 -set KTILE 4 -set WDEPTH 64 -set XDEPTH 8 shiftmac_gemv; \
hierarchy -top shiftmac_gemv; proc; flatten; opt -fast"
yosys -q -p "$pre; mutate -list $n -seed $seed -o $out/list.txt" >"$out/list.log" 2>&1
echo "index,mode,killed,reason,command" >"$out/mutants.csv"
killed=0; total=0; errors=0
while IFS= read -r cmd; do
  total=$((total + 1)); i=$total; d=$out/m$i
  mkdir -p "$d"
  mode=$(sed -n 's/.*-mode \([a-z0-9]*\).*/\1/p' <<<"$cmd")
  printf 'shiftmac-mutants: %d/%d %s\n' "$i" "$n" "$mode" >&2
  yosys -q -p "$pre; $cmd; opt_clean; write_verilog -noattr $d/mutant.v" >"$d/yosys.log" 2>&1
  reason=survived
  if ! verilator --cc --exe --build -j 2 --trace -Wno-fatal -Wno-lint -Wno-style --top-module shiftmac_gemv --Mdir "$d" \
       -o shiftmac_cosim -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" -CFLAGS "-O0 -std=c++17 -I$root/golden -I$root/models -DSM_LANES=3 -DSM_KTILE=4 -DSM_WDEPTH=64 -DSM_XDEPTH=8" \
       -LDFLAGS "$root/$model $root/$golden -lm" "$d/mutant.v" "$root/sim/shiftmac_cosim.cpp" >"$d/build.log" 2>&1; then
    reason=build-error   # not a kill: the flow failed, see $d/build.log
    errors=$((errors + 1))
  elif ! timeout 60 "$d/shiftmac_cosim" --random 2000 --min-outputs 10000 --vcd-dir "$d" >"$d/run.log" 2>&1; then
    reason=$(grep -o 'MISMATCH\|CYCLES\|status\|only' "$d/run.log" | head -1)
    [ -n "$reason" ] || reason=fail
  fi
  k=1; case $reason in survived|build-error) k=0 ;; esac
  killed=$((killed + k))
  echo "$i,$mode,$k,$reason,\"$cmd\"" >>"$out/mutants.csv"
  rm -rf "$d"/*.o "$d"/*.cpp "$d"/*.a "$d"/shiftmac_cosim
done <"$out/list.txt"
echo "shiftmac-mutants: $killed of $total mutants killed, $errors flow errors (seed $seed); table $out/mutants.csv"
[ "$errors" -eq 0 ]
