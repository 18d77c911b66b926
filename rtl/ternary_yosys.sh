#!/usr/bin/env bash
# Yosys generic-gate cell counts of rtl/ternary_gemv.v per lane count.
#   rtl/ternary_yosys.sh OUTDIR [LANES...]   (default lanes: 4 8 16)
# Writes OUTDIR/ternary_cells.csv and .json. Flow: synth -flatten up to (not
# including) memory_map, then techmap + abc, so the two buffers stay single
# $mem_v2 cells (their bits are listed separately) and the counts are the
# datapath + control logic.
set -euo pipefail
out=$1; shift
lanes=${*:-4 8 16}
KTILE=${KTILE:-16}; WDEPTH=${WDEPTH:-4096}; XDEPTH=${XDEPTH:-64}
mkdir -p "$out"
csv=$out/ternary_cells.csv
echo "lanes,ktile,wdepth,xdepth,cells,ff_cells,logic_cells,xor_xnor,mux,mem_cells,buffer_bits" >"$csv"
for L in $lanes; do
  log=$out/ternary_yosys_L$L.log
  yosys -q -p "read_verilog rtl/ternary_dot_tile.v rtl/ternary_gemv.v; \
    chparam -set LANES $L -set KTILE $KTILE -set WDEPTH $WDEPTH -set XDEPTH $XDEPTH ternary_gemv; \
    synth -top ternary_gemv -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
    tee -o $out/ternary_stat_L$L.txt stat" >"$log" 2>&1
  awk -v L=$L -v K=$KTILE -v W=$WDEPTH -v X=$XDEPTH '
    /Number of cells:/ {cells=$4}
    /\$_.*DFF/ {ff+=$2}
    /\$_X(N)?OR_/ {x+=$2}
    /\$_MUX_/ {m+=$2}
    /\$mem/ {mem+=$2}
    END {printf "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", L, K, W, X, cells, ff, cells-ff-mem, x, m, mem, W*2*L*K + X*8*K}
  ' "$out/ternary_stat_L$L.txt" >>"$csv"
done
# the fixed-point absmax quantizer (XW=16, DEPTH=1024; buffer kept as one $mem_v2)
yosys -q -p "read_verilog rtl/ternary_act_quant.v; chparam -set XW 16 -set DEPTH 1024 ternary_act_quant; \
  synth -top ternary_act_quant -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
  tee -o $out/ternary_act_quant_stat.txt stat" >"$out/ternary_act_quant_yosys.log" 2>&1
echo "act_quant XW=16: $(awk '/Number of cells:/ {print $4}' "$out/ternary_act_quant_stat.txt") cells" | tee "$out/ternary_act_quant_cells.txt"
awk -F, 'NR==1 {split($0,h,","); next}
  {printf "%s{", (NR>2?",\n ":"[\n "); for (i=1;i<=NF;i++) printf "\"%s\": %s%s", h[i], $i, (i<NF?", ":""); printf "}"}
  END {print "\n]"}' "$csv" >"$out/ternary_cells.json"
cat "$csv"
