# rtl/ternary.mk: lint and yosys cell counts of the ternary GEMV engine.
TERNARY_RTL_SRCS := $(UNIT_RTL_ternary)

.PHONY: ternary-lint ternary-yosys
# verilator -Wall lint at the default and at corner parameters.
ternary-lint:
	verilator --lint-only -Wall --top-module ternary_gemv $(TERNARY_RTL_SRCS)
	verilator --lint-only -Wall --top-module ternary_gemv -GLANES=1 -GKTILE=2 -GWDEPTH=2 -GXDEPTH=2 $(TERNARY_RTL_SRCS)
	verilator --lint-only -Wall --top-module ternary_gemv -GLANES=16 -GKTILE=32 -GWDEPTH=64 -GXDEPTH=8 $(TERNARY_RTL_SRCS)
	verilator --lint-only -Wall $(UNIT_RTL_ternary_act_quant)
	verilator --lint-only -Wall -GXW=32 -GDEPTH=2 $(UNIT_RTL_ternary_act_quant)
# Cell counts per lane count -> $(BUILD)/yosys/ternary_cells.{csv,json} (about a minute per config).
ternary-yosys:
	rtl/ternary_yosys.sh $(BUILD)/yosys $(or $(TERNARY_YOSYS_LANES),4 8 16)

TEST_STEPS += ternary-lint
