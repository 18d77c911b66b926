#!/usr/bin/env bash
# Yosys generic-gate cell counts of one GEMV unit per lane count, the flow
# shared by rtl/ternary_yosys.sh and rtl/shiftmac_yosys.sh: synth -flatten up
# to (not including) memory_map, then techmap + abc, so the unit's two buffers
# stay single $mem_v2 cells (their bits are listed separately) and the counts
# are the datapath + control logic.
#   rtl/yosys_cells.sh NAME TOP WBITS "SOURCES" OUTDIR [LANES...]   (default lanes: 4 8 16)
# WBITS: bits per stored weight (the weight buffer holds WDEPTH x LANES x KTILE
# of them). KTILE, WDEPTH, XDEPTH from the environment. Writes
# OUTDIR/NAME_cells.csv (one row per lane count) and .json; logs and yosys
# stat reports as OUTDIR/NAME_yosys_L<lanes>.log, NAME_stat_L<lanes>.txt.
set -euo pipefail
name=$1 top=$2 wbits=$3 rtl=$4 out=$5
shift 5
lanes=${*:-4 8 16}
mkdir -p "$out"
csv=$out/${name}_cells.csv
echo "lanes,ktile,wdepth,xdepth,cells,ff_cells,logic_cells,xor_xnor,mux,mem_cells,buffer_bits" >"$csv"
for L in $lanes; do
  echo "$name-yosys: LANES=$L KTILE=$KTILE ..." >&2
  log=$out/${name}_yosys_L$L.log
  yosys -q -p "read_verilog $rtl; \
    chparam -set LANES $L -set KTILE $KTILE -set WDEPTH $WDEPTH -set XDEPTH $XDEPTH $top; \
    synth -top $top -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
    tee -o $out/${name}_stat_L$L.txt stat" >"$log" 2>&1
  awk -v L=$L -v K=$KTILE -v W=$WDEPTH -v X=$XDEPTH -v B=$wbits '
    /Number of cells:/ {cells=$4}
    /\$_.*DFF/ {ff+=$2}
    /\$_X(N)?OR_/ {x+=$2}
    /\$_MUX_/ {m+=$2}
    /\$mem/ {mem+=$2}
    END {printf "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", L, K, W, X, cells, ff, cells-ff-mem, x, m, mem, W*B*L*K + X*8*K}
  ' "$out/${name}_stat_L$L.txt" >>"$csv"
done
awk -F, 'NR==1 {split($0,h,","); next}
  {printf "%s{", (NR>2?",\n ":"[\n "); for (i=1;i<=NF;i++) printf "\"%s\": %s%s", h[i], $i, (i<NF?", ":""); printf "}"}
  END {print "\n]"}' "$csv" >"$out/${name}_cells.json"
