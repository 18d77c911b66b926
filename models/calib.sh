#!/bin/sh
# Reproduces the yosys transistor estimates in models/arch_consts.h
# (`make models-calib`; ~3-5 minutes, the RMMEC synthesis dominates).
# Usage: models/calib.sh OUTDIR
set -e
out=${1:-build/models-calib}
mkdir -p "$out"
. "$(dirname "$0")/yosys_flow.sh"
cat > "$out/anchors.v" <<'V'
module mult8(input [7:0] a, input [7:0] b, output [15:0] p); assign p = a * b; endmodule
module add32(input [31:0] a, input [31:0] b, output [31:0] s); assign s = a + b; endmodule
module dff1(input clk, input d, output reg q); always @(posedge clk) q <= d; endmodule
V
run() { # name "yosys script" (without the legalization: yosys_cmos adds it)
    yosys_cmos "$2" "$out/$1.txt"
    printf '%-18s %s\n' "$1" "$(grep 'transistors' "$out/$1.txt" | awk '{print $NF}')"
}
run mult8 "read_verilog $out/anchors.v; synth -flatten -top mult8"
run add32 "read_verilog $out/anchors.v; synth -flatten -top add32"
run dff "read_verilog $out/anchors.v; synth -top dff1"
run ternary_tile16 "read_verilog -sv rtl/ternary_dot_tile.v; chparam -set KTILE 16 ternary_dot_tile; synth -flatten -top ternary_dot_tile"
run pim_bank_logic "read_verilog -sv rtl/pim_bank.v; hierarchy -top pim_bank; proc; flatten; opt; memory -nomap; opt; techmap; opt; abc; opt_clean"
run rmmec "read_verilog -sv $(ls rtl/rmmec*.v | tr '\n' ' '); synth -flatten -top rmmec"
grep -c DFF_PP0 "$out/rmmec.txt" >/dev/null && echo "rmmec async-reset DFFs (no CMOS cost): $(grep '\$_DFF_PP0_' "$out/rmmec.txt" | awk '{print $2}')"
