# The one list of each unit's RTL sources (top module first), named by the
# unit's one name (models/units.c). Lint, Verilator co-sims, SystemC models,
# the RTL-cycles check and the FPGA flow all take their file lists from here;
# a new unit adds its line. Read by the top-level Makefile before every other
# fragment, so any fragment may use these with := .
UNIT_RTL_rmmec   := rtl/rmmec.v rtl/rmmec_operand_dec.v rtl/rmmec_posit_dec.v rtl/rmmec_fp4_dec.v \
                    rtl/rmmec_mul_array.v rtl/rmmec_readout.v rtl/rmmec_posit_enc.v
UNIT_RTL_ternary := rtl/ternary_gemv.v rtl/ternary_dot_tile.v
UNIT_RTL_ternary_act_quant := rtl/ternary_act_quant.v
UNIT_RTL_lutgemv := rtl/pim_bank.v
