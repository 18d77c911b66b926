#!/bin/sh
# Yosys figures behind docs/seed-claims.md's XR-NPE rows (`make seed-claims-yosys`;
# ~3-6 CPU-minutes, the two 100k-transistor syntheses dominate): for rtl/rmmec.v,
# the separate-MAC bank rtl/ref_macs/ref_mac_bank.v and each of its four MACs,
# the CMOS transistor estimate (the flow of models/calib.sh: `synth -flatten`,
# DFFs legalized to costed cells, `stat -tech cmos`) and the longest
# combinational path in generic gates (`ltp -noff`: paths start and end at
# flip-flops or ports). Writes OUTDIR/yosys.csv: design,transistors,async_dffs,ltp_gates
# Usage: models/seed_yosys.sh OUTDIR
set -eu
out=${1:-build/seed_claims}
mkdir -p "$out"
. "$(dirname "$0")/yosys_flow.sh"
refs="$(ls rtl/rmmec_*.v | tr '\n' ' ') rtl/ref_macs/ref_mac_bank.v rtl/ref_macs/ref_mac_fp4.v rtl/ref_macs/ref_mac_p4.v rtl/ref_macs/ref_mac_p8.v rtl/ref_macs/ref_mac_p16.v"
one() { # name files
    yosys_cmos "read_verilog -sv $2; synth -flatten -top $1" "$out/$1.stat" "tee -q -o $out/$1.ltp ltp -noff"
    t=$(awk '/transistors/ {print $NF}' "$out/$1.stat" | tr -d '+')
    a=$(awk '$1 == "$_DFF_PP0_" || $1 == "$_DFF_PP1_" {s += $2} END {print s + 0}' "$out/$1.stat")
    l=$(sed -n 's/.*(length=\([0-9]*\)).*/\1/p' "$out/$1.ltp" | head -1)
    [ -n "$t" ] && [ -n "$l" ] || { echo "seed_yosys: no figures for $1 (see $out/$1.*)" >&2; exit 1; }
    echo "$1,$t,$a,$l"
}
{
echo "design,transistors,async_dffs,ltp_gates"
one rmmec "$(ls rtl/rmmec*.v | tr '\n' ' ')"
for d in ref_mac_bank ref_mac_fp4 ref_mac_p4 ref_mac_p8 ref_mac_p16; do one $d "$refs"; done
} > "$out/yosys.csv.tmp"
mv "$out/yosys.csv.tmp" "$out/yosys.csv"
cat "$out/yosys.csv"
