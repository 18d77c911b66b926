# sim/shiftmac.mk: the Verilated shift-MAC engine (rtl/shiftmac_gemv.v) against
# golden, cycles against models/shiftmac_model.h, and the mutated-RTL runs
# that must fail. Builds under $(BUILD)/verilator/shiftmac/<config>.
#
#   make shiftmac-cosim         main + odd configuration, random and edge GEMVs
#   make shiftmac-cosim-fault   RTL built with FAULT=1 and FAULT=2 must fail
#   make shiftmac-model-table   RTL-vs-model cycle table ($(SHIFTMAC_VDIR)/model_table_*.md)
SHIFTMAC_VDIR := $(BUILD)/verilator/shiftmac
SHIFTMAC_RTL  := $(UNIT_RTL_shiftmac)
# One engine configuration per build: LANES KTILE WDEPTH XDEPTH FAULT
SHIFTMAC_CFG_main   := 8 16 256 64 0
SHIFTMAC_CFG_odd    := 3 4 64 8 0
SHIFTMAC_CFG_fault1 := 3 4 64 8 1
SHIFTMAC_CFG_fault2 := 8 16 256 64 2
shiftmac_gparams = $(shell set -- $(SHIFTMAC_CFG_$(1)); echo -GLANES=$$1 -GKTILE=$$2 -GWDEPTH=$$3 -GXDEPTH=$$4 -GFAULT=$$5)
shiftmac_defs    = $(shell set -- $(SHIFTMAC_CFG_$(1)); echo -DSM_LANES=$$1 -DSM_KTILE=$$2 -DSM_WDEPTH=$$3 -DSM_XDEPTH=$$4)
SHIFTMAC_MODEL_OBJ := $(BUILD)/obj/models/shiftmac_model.o

$(SHIFTMAC_VDIR)/%/shiftmac_cosim: $(SHIFTMAC_RTL) sim/shiftmac_cosim.cpp sim/stimulus.h sim/verilated_ports.h golden/shiftmac.h models/shiftmac_model.h \
    $(SHIFTMAC_MODEL_OBJ) $(GOLDEN_LIB) sim/shiftmac.mk
	@mkdir -p $(dir $@)
	+verilator --cc --exe --build -j 2 --trace -Wall $(call shiftmac_gparams,$*) --top-module shiftmac_gemv \
	  --Mdir $(dir $@) -o shiftmac_cosim \
	  -CFLAGS "-O2 -std=c++17 -I$(abspath golden) -I$(abspath models) $(call shiftmac_defs,$*)" \
	  -LDFLAGS "$(abspath $(SHIFTMAC_MODEL_OBJ)) $(abspath $(GOLDEN_LIB)) -lm" \
	  $(SHIFTMAC_RTL) $(abspath sim/shiftmac_cosim.cpp) >$(dir $@)build.log 2>&1 \
	  || { tail -30 $(dir $@)build.log; exit 1; }

.PHONY: shiftmac-lint shiftmac-cosim shiftmac-cosim-fault shiftmac-model-table shiftmac-yosys
shiftmac-lint:
	verilator --lint-only -Wall --top-module shiftmac_gemv $(SHIFTMAC_RTL)
	verilator --lint-only -Wall --top-module shiftmac_gemv -GLANES=1 -GKTILE=2 -GWDEPTH=2 -GXDEPTH=2 $(SHIFTMAC_RTL)
	verilator --lint-only -Wall --top-module shiftmac_gemv -GLANES=16 -GKTILE=32 -GWDEPTH=64 -GXDEPTH=8 $(SHIFTMAC_RTL)
	verilator --lint-only -Wall --top-module shiftmac_gemv -GLANES=3 -GKTILE=4 -GFAULT=1 $(SHIFTMAC_RTL)

# Bit-exact and cycle-exact; each run states its minimum number of compared outputs.
shiftmac-cosim: $(SHIFTMAC_VDIR)/main/shiftmac_cosim $(SHIFTMAC_VDIR)/odd/shiftmac_cosim
	$(SHIFTMAC_VDIR)/main/shiftmac_cosim --random 3000 --min-outputs 50000 --vcd-dir $(SHIFTMAC_VDIR)/main
	$(SHIFTMAC_VDIR)/odd/shiftmac_cosim --random 5000 --seed 7 --min-outputs 40000 --vcd-dir $(SHIFTMAC_VDIR)/odd

# The design under test is mutated (FAULT parameter of rtl/shiftmac_dot_tile.v):
# the co-sim must fail with a MISMATCH and leave a waveform.
shiftmac-cosim-fault: $(SHIFTMAC_VDIR)/fault1/shiftmac_cosim $(SHIFTMAC_VDIR)/fault2/shiftmac_cosim
	@for f in fault1 fault2; do d=$(SHIFTMAC_VDIR)/$$f; rm -f $$d/shiftmac_fail.vcd; \
	  if $$d/shiftmac_cosim --random 50 --vcd-dir $$d >$$d/fault.log 2>&1; then \
	    echo "shiftmac-cosim-fault: RTL mutant $$f NOT detected"; exit 1; fi; \
	  grep -q MISMATCH $$d/fault.log && test -s $$d/shiftmac_fail.vcd || { cat $$d/fault.log; exit 1; }; \
	  head -1 $$d/fault.log; echo "shiftmac-cosim-fault: RTL mutant $$f detected, waveform written"; done

shiftmac-model-table: $(SHIFTMAC_VDIR)/main/shiftmac_cosim $(SHIFTMAC_VDIR)/odd/shiftmac_cosim
	$(SHIFTMAC_VDIR)/main/shiftmac_cosim --random 6 --min-outputs 1 --model-table $(SHIFTMAC_VDIR)/model_table_main.md
	$(SHIFTMAC_VDIR)/odd/shiftmac_cosim --random 6 --min-outputs 1 --model-table $(SHIFTMAC_VDIR)/model_table_odd.md
	@cat $(SHIFTMAC_VDIR)/model_table_main.md $(SHIFTMAC_VDIR)/model_table_odd.md

# Generic yosys cells per lane count -> $(BUILD)/yosys/shiftmac_cells.{csv,json} (minutes).
shiftmac-yosys:
	SHIFTMAC_RTL="$(SHIFTMAC_RTL)" rtl/shiftmac_yosys.sh $(BUILD)/yosys $(or $(SHIFTMAC_YOSYS_LANES),4 8 16)

TEST_STEPS += shiftmac-lint shiftmac-cosim shiftmac-cosim-fault

# SystemC: the engine as a SystemC module (verilator --sc) + sc_main testbench,
# built as is and with the RTL mutated (FAULT=1), which must fail.
SHIFTMAC_SC_PARAM := LANES=4 KTILE=4 WDEPTH=256 XDEPTH=16
$(SHIFTMAC_VDIR)/sc_fault%/Vshiftmac_sc: $(SHIFTMAC_RTL) sim/shiftmac_sc_main.cpp sim/gemv_sc_tb.h sim/stimulus.h $(GOLDEN_LIB) golden/shiftmac.h
	@mkdir -p $(dir $@)
	+verilator --sc --exe --build -j 2 -Wall $(addprefix -G,$(SHIFTMAC_SC_PARAM)) -GFAULT=$* --top-module shiftmac_gemv \
	  --Mdir $(dir $@) -CFLAGS "-O2 -std=c++17 -I$(abspath golden) $(addprefix -DSM_SC_,$(SHIFTMAC_SC_PARAM)) $$(pkg-config --cflags systemc)" \
	  -LDFLAGS "$(abspath $(GOLDEN_LIB)) $$(pkg-config --libs systemc) -lm" \
	  $(SHIFTMAC_RTL) $(abspath sim/shiftmac_sc_main.cpp) -o Vshiftmac_sc >$(dir $@)build.log 2>&1 \
	  || { tail -30 $(dir $@)build.log; exit 1; }
.PHONY: shiftmac-systemc
shiftmac-systemc: $(SHIFTMAC_VDIR)/sc_fault0/Vshiftmac_sc $(SHIFTMAC_VDIR)/sc_fault1/Vshiftmac_sc
	SC_COPYRIGHT_MESSAGE=DISABLE $(SHIFTMAC_VDIR)/sc_fault0/Vshiftmac_sc
	@if SC_COPYRIGHT_MESSAGE=DISABLE $(SHIFTMAC_VDIR)/sc_fault1/Vshiftmac_sc >$(SHIFTMAC_VDIR)/sc_fault1/run.log 2>&1; then \
	  echo "shiftmac-systemc: RTL mutant FAULT=1 NOT detected"; exit 1; fi
	@grep -m1 MISMATCH $(SHIFTMAC_VDIR)/sc_fault1/run.log; echo "shiftmac-systemc: RTL mutant FAULT=1 detected"
TEST_STEPS += shiftmac-systemc

# RTL mutation testing of the engine: tests/mutation.mk (make mutation-shiftmac,
# test-mutation-shiftmac), the shared machinery of every unit.
