#!/usr/bin/env bash
# Yosys generic-gate cell counts of rtl/ternary_gemv.v per lane count.
#   rtl/ternary_yosys.sh OUTDIR [LANES...]   (default lanes: 4 8 16)
# Writes OUTDIR/ternary_cells.csv and .json (flow: rtl/yosys_cells.sh; 2-bit
# weights), and the cell count of the activation quantizer.
set -euo pipefail
out=$1; shift
export KTILE=${KTILE:-16} WDEPTH=${WDEPTH:-4096} XDEPTH=${XDEPTH:-64}
"$(dirname "$0")/yosys_cells.sh" ternary ternary_gemv 2 "rtl/ternary_dot_tile.v rtl/ternary_gemv.v" "$out" "$@"
# the fixed-point absmax quantizer (XW=16, DEPTH=1024; buffer kept as one $mem_v2)
yosys -q -p "read_verilog rtl/ternary_act_quant.v; chparam -set XW 16 -set DEPTH 1024 ternary_act_quant; \
  synth -top ternary_act_quant -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
  tee -o $out/ternary_act_quant_stat.txt stat" >"$out/ternary_act_quant_yosys.log" 2>&1
echo "act_quant XW=16: $(awk '/Number of cells:/ {print $4}' "$out/ternary_act_quant_stat.txt") cells" | tee "$out/ternary_act_quant_cells.txt"
cat "$out/ternary_cells.csv"
