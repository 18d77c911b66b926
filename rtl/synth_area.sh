#!/usr/bin/env bash
# Synthesizes one design with yosys (generic `synth -flatten`, `synth_ice40`
# and `synth_xilinx -family xcup` for UltraScale+ as XR-NPE's VCU129; no DSPs,
# no BRAM) and prints one CSV row:
#   design,generic_cells,generic_ffs,generic_logic,ice40_lut4,ice40_carry,ice40_ff,ice40_ram,ice40_dsp,
#   xilinx_lut,xilinx_lut6,xilinx_carry,xilinx_ff
# (xilinx_lut: LUT1..LUT6 cells; xilinx_carry: CARRY4/CARRY8.)
# usage: [LABEL=name] [CHPARAM="NAME VALUE"] synth_area.sh OUTDIR TOP FILE.v...
#   LABEL names the row and output files (default TOP); CHPARAM overrides one
#   parameter of TOP.
set -euo pipefail
out=$1; top=$2; shift 2
mkdir -p "$out"
files="$*"
label=${LABEL:-$top}
pre="read_verilog $files;"
[ -n "${CHPARAM:-}" ] && pre="$pre chparam -set $CHPARAM $top;"
yosys -q -l "$out/$label.generic.log" -p "$pre synth -flatten -top $top; tee -o $out/$label.generic.json stat -json" >/dev/null
yosys -q -l "$out/$label.ice40.log" -p "$pre synth_ice40 -top $top; tee -o $out/$label.ice40.json stat -json" >/dev/null
yosys -q -l "$out/$label.xilinx.log" -p "$pre synth_xilinx -flatten -nodsp -nobram -noiopad -family xcup -top $top; tee -o $out/$label.xilinx.json stat -json" >/dev/null
# Cell-type counts from the "design" section of the JSON stat (whole flattened design).
count() {   # file pattern -> sum of cells whose type matches the regex
  awk -v pat="$2" '
    /"design":/ { d = 1 }
    d && /"num_cells_by_type"/ { on = 1; next }
    on && /}/ { on = 0 }
    on { gsub(/[",:]/, " "); if ($1 ~ pat) s += $2 }
    END { print s + 0 }' "$1"
}
total() { awk '/"num_cells":/ { gsub(/[",:]/, " "); v = $2 } END { print v + 0 }' "$1"; }
g=$out/$label.generic.json; i=$out/$label.ice40.json; x=$out/$label.xilinx.json
gc=$(total "$g"); gff=$(count "$g" 'DFF'); gl=$((gc - gff))
echo "$label,$gc,$gff,$gl,$(count "$i" '^SB_LUT4$'),$(count "$i" '^SB_CARRY$'),$(count "$i" '^SB_DFF'),$(count "$i" '^SB_RAM'),$(count "$i" '^SB_MAC16$'),$(count "$x" '^LUT[1-6]$'),$(count "$x" '^LUT6$'),$(count "$x" '^CARRY[48]$'),$(count "$x" '^FD[RSCP]E$')"
