# sim/rmmec: Verilator co-simulation of rtl/rmmec.v against golden/rmmec.
RMMEC_RTL := rtl/rmmec.v rtl/rmmec_operand_dec.v rtl/rmmec_posit_dec.v rtl/rmmec_fp4_dec.v \
             rtl/rmmec_mul_array.v rtl/rmmec_readout.v rtl/rmmec_posit_enc.v
RMMEC_VDIR  := $(BUILD)/verilator/rmmec
RMMEC_COSIM := $(RMMEC_VDIR)/obj/Vrmmec
RMMEC_VFLAGS := -Wall -Irtl --x-assign fast --x-initial fast -O3 --trace

$(RMMEC_COSIM): $(RMMEC_RTL) sim/rmmec_cosim.cpp $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_VDIR)
	+verilator --cc --exe --build -j 2 $(RMMEC_VFLAGS) --top-module rmmec --Mdir $(RMMEC_VDIR)/obj \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden" -LDFLAGS "$(abspath $(GOLDEN_LIB)) -lm" \
	  $(RMMEC_RTL) $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(RMMEC_VDIR)/build.log 2>&1 \
	  || { tail -30 $(RMMEC_VDIR)/build.log; exit 1; }

.PHONY: rmmec-lint rmmec-cosim rmmec-cosim-fault rmmec-cosim-long
rmmec-lint:
	verilator --lint-only -Wall -Irtl --top-module rmmec $(RMMEC_RTL)

# Bit-exact co-simulation: exhaustive lane pairs (FP4/P4/P8), sampled P16
# pairs, random long accumulations with back-pressure.
rmmec-cosim: $(RMMEC_COSIM) rmmec-lint
	$(RMMEC_COSIM) --suite quick --vcd $(RMMEC_VDIR)/mismatch.vcd

# The check can fail: a corrupted expected value must be caught, with a waveform.
rmmec-cosim-fault: $(RMMEC_COSIM)
	@rm -f $(RMMEC_VDIR)/fault.vcd
	@if $(RMMEC_COSIM) --mode p8 --inject-fault 1000 --vcd $(RMMEC_VDIR)/fault.vcd >/dev/null 2>$(RMMEC_VDIR)/fault.log; then \
	  echo "rmmec-cosim-fault: injected fault NOT detected"; exit 1; fi
	@grep -q MISMATCH $(RMMEC_VDIR)/fault.log && test -s $(RMMEC_VDIR)/fault.vcd
	@echo "rmmec-cosim-fault: injected fault detected, waveform $(RMMEC_VDIR)/fault.vcd"

# Every 16-bit pair product in P16 mode (2^32).
rmmec-cosim-long: $(RMMEC_COSIM)
	$(RMMEC_COSIM) --suite long --vcd $(RMMEC_VDIR)/mismatch.vcd

TEST_STEPS += rmmec-cosim rmmec-cosim-fault
LONG_STEPS += rmmec-cosim-long

# SystemC: the unit as a SystemC module (verilator --sc) and an sc_main
# testbench that drives it and checks golden.
RMMEC_SC_DIR := $(BUILD)/verilator/rmmec_sc
RMMEC_SC     := $(RMMEC_SC_DIR)/Vrmmec_sc
$(RMMEC_SC): $(RMMEC_RTL) sim/rmmec_sc_main.cpp $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_SC_DIR)
	+verilator --sc --exe --build -j 2 -Wall -Irtl --x-assign fast --x-initial fast -O3 --top-module rmmec \
	  --Mdir $(RMMEC_SC_DIR) -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden $$(pkg-config --cflags systemc)" \
	  -LDFLAGS "$(abspath $(GOLDEN_LIB)) $$(pkg-config --libs systemc) -lm" \
	  $(RMMEC_RTL) $(abspath sim/rmmec_sc_main.cpp) -o Vrmmec_sc >$(RMMEC_SC_DIR)/build.log 2>&1 \
	  || { tail -30 $(RMMEC_SC_DIR)/build.log; exit 1; }

.PHONY: rmmec-systemc
rmmec-systemc: $(RMMEC_SC)
	SC_COPYRIGHT_MESSAGE=DISABLE $(RMMEC_SC)
	@if SC_COPYRIGHT_MESSAGE=DISABLE $(RMMEC_SC) --inject-fault >/dev/null 2>&1; then \
	  echo "rmmec-systemc: injected fault NOT detected"; exit 1; fi
	@echo "rmmec-systemc: injected fault detected"

TEST_STEPS += rmmec-systemc
