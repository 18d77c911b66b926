#!/usr/bin/env bash
# Yosys generic-gate cell counts of rtl/shiftmac_gemv.v per lane count.
#   rtl/shiftmac_yosys.sh OUTDIR [LANES...]   (default lanes: 4 8 16)
# Writes OUTDIR/shiftmac_cells.csv and .json. Same flow as rtl/ternary_yosys.sh
# (rtl/yosys_cells.sh; 4-bit weight codes), so the two buffers stay $mem_v2
# cells and the counts are the datapath + control logic.
set -euo pipefail
# the unit's sources (rtl/units.mk UNIT_RTL_shiftmac; make passes them)
rtl=${SHIFTMAC_RTL:-rtl/shiftmac_gemv.v rtl/shiftmac_dot_tile.v}
out=$1; shift
export KTILE=${KTILE:-16} WDEPTH=${WDEPTH:-2048} XDEPTH=${XDEPTH:-64}
"$(dirname "$0")/yosys_cells.sh" shiftmac shiftmac_gemv 4 "$rtl" "$out" "$@"
cat "$out/shiftmac_cells.csv"
