#!/usr/bin/env bash
# Yosys generic-gate cell counts of rtl/shiftmac_gemv.v per lane count.
#   rtl/shiftmac_yosys.sh OUTDIR [LANES...]   (default lanes: 4 8 16)
# Writes OUTDIR/shiftmac_cells.csv and .json. Same flow as rtl/ternary_yosys.sh
# (synth -flatten up to memory_map, then techmap + abc), so the two buffers stay
# $mem_v2 cells and the counts are the datapath + control logic.
set -euo pipefail
# the unit's sources (rtl/units.mk UNIT_RTL_shiftmac; make passes them)
rtl=${SHIFTMAC_RTL:-rtl/shiftmac_gemv.v rtl/shiftmac_dot_tile.v}
out=$1; shift
lanes=${*:-4 8 16}
KTILE=${KTILE:-16}; WDEPTH=${WDEPTH:-2048}; XDEPTH=${XDEPTH:-64}
mkdir -p "$out"
csv=$out/shiftmac_cells.csv
echo "lanes,ktile,wdepth,xdepth,cells,ff_cells,logic_cells,xor_xnor,mux,mem_cells,buffer_bits" >"$csv"
for L in $lanes; do
  echo "shiftmac-yosys: LANES=$L KTILE=$KTILE ..." >&2
  log=$out/shiftmac_yosys_L$L.log
  yosys -q -p "read_verilog $rtl; \
    chparam -set LANES $L -set KTILE $KTILE -set WDEPTH $WDEPTH -set XDEPTH $XDEPTH shiftmac_gemv; \
    synth -top shiftmac_gemv -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
    tee -o $out/shiftmac_stat_L$L.txt stat" >"$log" 2>&1
  awk -v L=$L -v K=$KTILE -v W=$WDEPTH -v X=$XDEPTH '
    /Number of cells:/ {cells=$4}
    /\$_.*DFF/ {ff+=$2}
    /\$_X(N)?OR_/ {x+=$2}
    /\$_MUX_/ {m+=$2}
    /\$mem/ {mem+=$2}
    END {printf "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", L, K, W, X, cells, ff, cells-ff-mem, x, m, mem, W*4*L*K + X*8*K}
  ' "$out/shiftmac_stat_L$L.txt" >>"$csv"
done
awk -F, 'NR==1 {split($0,h,","); next}
  {printf "%s{", (NR>2?",\n ":"[\n "); for (i=1;i<=NF;i++) printf "\"%s\": %s%s", h[i], $i, (i<NF?", ":""); printf "}"}
  END {print "\n]"}' "$csv" >"$out/shiftmac_cells.json"
cat "$csv"
