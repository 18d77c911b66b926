# sim/rmmec: Verilator co-simulation of rtl/rmmec.v against golden/rmmec.
RMMEC_RTL := $(UNIT_RTL_rmmec)
REF_MACS_RTL := rtl/ref_macs/ref_mac_bank.v rtl/ref_macs/ref_mac_fp4.v rtl/ref_macs/ref_mac_p4.v \
             rtl/ref_macs/ref_mac_p8.v rtl/ref_macs/ref_mac_p16.v rtl/rmmec_posit_dec.v rtl/rmmec_fp4_dec.v \
             rtl/rmmec_readout.v rtl/rmmec_posit_enc.v
RMMEC_VDIR  := $(BUILD)/verilator/rmmec
RMMEC_COSIM := $(RMMEC_VDIR)/obj/Vrmmec
RMMEC_VFLAGS := -Wall -Irtl --x-assign fast --x-initial fast -O3 --trace

$(RMMEC_COSIM): $(RMMEC_RTL) sim/rmmec_cosim.cpp $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_VDIR)
	+verilator --cc --exe --build -j 2 $(RMMEC_VFLAGS) --top-module rmmec --Mdir $(RMMEC_VDIR)/obj \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim" -LDFLAGS "$(abspath $(GOLDEN_LIB)) -lm" \
	  $(RMMEC_RTL) $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(RMMEC_VDIR)/build.log 2>&1 \
	  || { tail -30 $(RMMEC_VDIR)/build.log; exit 1; }

.PHONY: rmmec-lint rmmec-cosim rmmec-cosim-fault rmmec-cosim-long
rmmec-lint:
	verilator --lint-only -Wall -Irtl --top-module rmmec $(RMMEC_RTL)
	verilator --lint-only -Wall -Irtl --top-module ref_mac_bank $(REF_MACS_RTL)

# The separate-units comparison design (same ports) through the same harness.
RMMEC_BANK := $(RMMEC_VDIR)/bank/Vrmmec
$(RMMEC_BANK): $(REF_MACS_RTL) sim/rmmec_cosim.cpp $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_VDIR)/bank
	+verilator --cc --exe --build -j 2 $(RMMEC_VFLAGS) --top-module ref_mac_bank --prefix Vrmmec \
	  --Mdir $(RMMEC_VDIR)/bank -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim" -LDFLAGS "$(abspath $(GOLDEN_LIB)) -lm" \
	  $(REF_MACS_RTL) $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(RMMEC_VDIR)/bank/build.log 2>&1 \
	  || { tail -30 $(RMMEC_VDIR)/bank/build.log; exit 1; }

.PHONY: rmmec-bank-cosim
rmmec-bank-cosim: $(RMMEC_BANK)
	$(RMMEC_BANK) --suite quick --vcd $(RMMEC_VDIR)/bank/mismatch.vcd

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

# The design under test can fail: the same co-simulation against a second
# Verilated model built with -DRMMEC_FAULT_PP (one partial-product bit of the
# shared multiplier stuck at 0, rtl/rmmec_mul_array.v) must report a mismatch.
RMMEC_FAULT_COSIM := $(RMMEC_VDIR)/fault_pp/Vrmmec
$(RMMEC_FAULT_COSIM): $(RMMEC_RTL) sim/rmmec_cosim.cpp sim/stimulus.h $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_VDIR)/fault_pp
	+verilator --cc --exe --build -j 2 $(RMMEC_VFLAGS) -DRMMEC_FAULT_PP --top-module rmmec --Mdir $(RMMEC_VDIR)/fault_pp \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim" -LDFLAGS "$(abspath $(GOLDEN_LIB)) -lm" \
	  $(RMMEC_RTL) $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(RMMEC_VDIR)/fault_pp/build.log 2>&1 \
	  || { tail -30 $(RMMEC_VDIR)/fault_pp/build.log; exit 1; }
.PHONY: rmmec-cosim-rtl-fault
rmmec-cosim-rtl-fault: $(RMMEC_FAULT_COSIM)
	@rm -f $(RMMEC_VDIR)/fault_pp/mismatch.vcd
	@if $(RMMEC_FAULT_COSIM) --mode p8 --vcd $(RMMEC_VDIR)/fault_pp/mismatch.vcd >/dev/null 2>$(RMMEC_VDIR)/fault_pp/run.log; then \
	  echo "rmmec-cosim-rtl-fault: the faulty RTL PASSED the co-simulation"; exit 1; fi
	@grep -q MISMATCH $(RMMEC_VDIR)/fault_pp/run.log || { cat $(RMMEC_VDIR)/fault_pp/run.log; exit 1; }
	@echo "rmmec-cosim-rtl-fault: stuck partial-product bit caught: $$(grep -m1 MISMATCH $(RMMEC_VDIR)/fault_pp/run.log)"

# A misspelt --mode is a usage error (exit 2), not an empty PASS.
.PHONY: rmmec-cosim-badmode
rmmec-cosim-badmode: $(RMMEC_COSIM)
	@$(RMMEC_COSIM) --mode p88 >/dev/null 2>&1; rc=$$?; test $$rc -eq 2 || { echo "rmmec-cosim --mode p88: rc=$$rc, want 2"; exit 1; }
	@echo "rmmec-cosim-badmode: --mode p88 rejected (exit 2)"

# Every 16-bit pair product in P16 mode (2^32), as two shards on two cores
# (for a cluster: run `Vrmmec --suite long --mode p16 --shard k/n` per job).
rmmec-cosim-long: $(RMMEC_COSIM)
	$(RMMEC_COSIM) --suite long --mode p16 --shard 1/2 --vcd $(RMMEC_VDIR)/mismatch1.vcd & pid=$$!; \
	$(RMMEC_COSIM) --suite long --shard 0/2 --vcd $(RMMEC_VDIR)/mismatch0.vcd; rc=$$?; \
	wait $$pid && test $$rc -eq 0

TEST_STEPS += rmmec-cosim rmmec-cosim-fault rmmec-cosim-rtl-fault rmmec-cosim-badmode rmmec-bank-cosim
LONG_STEPS += rmmec-cosim-long

# SystemC: the unit as a SystemC module (verilator --sc) and an sc_main
# testbench that drives it and checks golden.
RMMEC_SC_DIR := $(BUILD)/verilator/rmmec_sc
RMMEC_SC     := $(RMMEC_SC_DIR)/Vrmmec_sc
$(RMMEC_SC): $(RMMEC_RTL) sim/rmmec_sc_main.cpp $(GOLDEN_LIB) golden/rmmec.h
	@mkdir -p $(RMMEC_SC_DIR)
	+verilator --sc --exe --build -j 2 -Wall -Irtl --x-assign fast --x-initial fast -O3 --top-module rmmec \
	  --Mdir $(RMMEC_SC_DIR) -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim $$(pkg-config --cflags systemc)" \
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

# Measured design result: yosys area of the shared-multiplier RMMEC vs the
# separate single-format MACs (rtl/ref_macs). Writes area.csv and area.json.
RMMEC_AREA_DIR := $(BUILD)/rmmec_area
RMMEC_AREA_CORE := rtl/rmmec_posit_dec.v rtl/rmmec_fp4_dec.v rtl/rmmec_readout.v rtl/rmmec_posit_enc.v
RMMEC_AREA_DESIGNS := rmmec rmmec_sepmul ref_mac_fp4 ref_mac_p4 ref_mac_p8 ref_mac_p16 ref_mac_bank
$(RMMEC_AREA_DIR)/rmmec.row: $(RMMEC_RTL) rtl/synth_area.sh
	@mkdir -p $(RMMEC_AREA_DIR)
	rtl/synth_area.sh $(RMMEC_AREA_DIR) rmmec $(RMMEC_RTL) > $@.tmp && mv $@.tmp $@
$(RMMEC_AREA_DIR)/rmmec_sepmul.row: $(RMMEC_RTL) rtl/synth_area.sh
	@mkdir -p $(RMMEC_AREA_DIR)
	LABEL=rmmec_sepmul CHPARAM="SHARED_MUL 0" rtl/synth_area.sh $(RMMEC_AREA_DIR) rmmec $(RMMEC_RTL) > $@.tmp && mv $@.tmp $@
$(RMMEC_AREA_DIR)/ref_mac_bank.row: $(REF_MACS_RTL) rtl/synth_area.sh
	@mkdir -p $(RMMEC_AREA_DIR)
	rtl/synth_area.sh $(RMMEC_AREA_DIR) ref_mac_bank $(REF_MACS_RTL) > $@.tmp && mv $@.tmp $@
$(RMMEC_AREA_DIR)/ref_mac_%.row: rtl/ref_macs/ref_mac_%.v $(RMMEC_AREA_CORE) rtl/synth_area.sh
	@mkdir -p $(RMMEC_AREA_DIR)
	rtl/synth_area.sh $(RMMEC_AREA_DIR) ref_mac_$* $< $(RMMEC_AREA_CORE) > $@.tmp && mv $@.tmp $@

.PHONY: rmmec-area
rmmec-area: $(addprefix $(RMMEC_AREA_DIR)/,$(addsuffix .row,$(RMMEC_AREA_DESIGNS)))
	@{ echo "design,generic_cells,generic_ffs,generic_logic,ice40_lut4,ice40_carry,ice40_ff,ice40_ram,ice40_dsp,xilinx_lut,xilinx_lut6,xilinx_carry,xilinx_ff"; \
	   cat $^; \
	   cat $(addprefix $(RMMEC_AREA_DIR)/ref_mac_,fp4.row p8.row p16.row) | \
	     awk -F, '{for(i=2;i<=NF;i++)s[i]+=$$i} END{printf "sum_fp4_p8_p16"; for(i=2;i<=13;i++)printf ",%d",s[i]; print ""}'; \
	   cat $(addprefix $(RMMEC_AREA_DIR)/ref_mac_,fp4.row p4.row p8.row p16.row) | \
	     awk -F, '{for(i=2;i<=NF;i++)s[i]+=$$i} END{printf "sum_fp4_p4_p8_p16"; for(i=2;i<=13;i++)printf ",%d",s[i]; print ""}'; \
	 } > $(RMMEC_AREA_DIR)/area.csv
	@awk -F, 'NR==1{for(i=1;i<=NF;i++)h[i]=$$i; print "["; next} \
	  {printf "%s  {\"%s\": \"%s\"", (NR>2?",\n":""), h[1], $$1; for(i=2;i<=NF;i++)printf ", \"%s\": %s", h[i], $$i; printf "}"} \
	  END{print "\n]"}' $(RMMEC_AREA_DIR)/area.csv > $(RMMEC_AREA_DIR)/area.json
	@column -s, -t $(RMMEC_AREA_DIR)/area.csv
	@echo "written: $(RMMEC_AREA_DIR)/area.csv $(RMMEC_AREA_DIR)/area.json"

BENCH_STEPS += rmmec-area
