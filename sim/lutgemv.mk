# LUT-GEMV PIM bank: lint, Verilator co-simulation against golden, RTL-vs-model
# cycle table, SystemC wrapper (issue 5). Builds under $(BUILD)/verilator/lutgemv.
LUTGEMV_VDIR := $(BUILD)/verilator/lutgemv
# One bank configuration per build: name:G:ROWS:GROUPS:NB:AB:WB:E:ACC
LUTGEMV_CFG_g4 := 4 16 8 8 8 9 11 24
LUTGEMV_CFG_g8 := 8 4 2 4 8 9 12 24
LUTGEMV_CFG_g3 := 3 8 8 8 8 9 11 24
lutgemv_gparams = $(shell set -- $(LUTGEMV_CFG_$(1)); echo -GG=$$1 -GROWS=$$2 -GGROUPS=$$3 -GNB=$$4 -GAB=$$5 -GWB=$$6 -GE=$$7 -GACC=$$8)
lutgemv_defs = $(shell set -- $(LUTGEMV_CFG_$(1)); echo -DPB_G=$$1 -DPB_ROWS=$$2 -DPB_GROUPS=$$3 -DPB_NB=$$4 -DPB_AB=$$5 -DPB_WB=$$6 -DPB_E=$$7 -DPB_ACC=$$8)
LUTGEMV_VFLAGS := --cc --exe --build -j 2 --trace --top-module pim_bank -Wno-fatal

$(LUTGEMV_VDIR)/cosim_%/lutgemv_cosim: $(UNIT_RTL_lutgemv) sim/lutgemv_cosim.cpp sim/stimulus.h $(BUILD)/libgolden.a $(BUILD)/libmodels.a
	@mkdir -p $(dir $@)
	verilator $(LUTGEMV_VFLAGS) $(call lutgemv_gparams,$*) --Mdir $(dir $@) -o lutgemv_cosim \
	  -CFLAGS "-O1 -I$(abspath golden) -I$(abspath models) $(call lutgemv_defs,$*)" \
	  $(UNIT_RTL_lutgemv) $(abspath sim/lutgemv_cosim.cpp) $(abspath $(MODELS_LIB)) $(abspath $(GOLDEN_LIB)) >$(dir $@)build.log 2>&1 \
	  || { tail -30 $(dir $@)build.log; exit 1; }

TEST_STEPS += test-lutgemv-lint test-lutgemv-cosim test-lutgemv-model
.PHONY: test-lutgemv-lint test-lutgemv-cosim test-lutgemv-model
test-lutgemv-lint:
	verilator --lint-only -Wall $(call lutgemv_gparams,g4) $(UNIT_RTL_lutgemv)
	verilator --lint-only -Wall $(call lutgemv_gparams,g8) $(UNIT_RTL_lutgemv)
	verilator --lint-only -Wall $(call lutgemv_gparams,g3) $(UNIT_RTL_lutgemv)
	verilator --lint-only -Wall $(UNIT_RTL_lutgemv)

# Bit-exact random cases for g=4, g=8 and g=3 (not a power of 2), then the fault-injected run must fail.
test-lutgemv-cosim: $(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim $(LUTGEMV_VDIR)/cosim_g8/lutgemv_cosim $(LUTGEMV_VDIR)/cosim_g3/lutgemv_cosim
	$(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim --cases 400 --vcd-dir $(LUTGEMV_VDIR)
	$(LUTGEMV_VDIR)/cosim_g8/lutgemv_cosim --cases 150 --vcd-dir $(LUTGEMV_VDIR)
	$(LUTGEMV_VDIR)/cosim_g3/lutgemv_cosim --cases 300 --vcd-dir $(LUTGEMV_VDIR)
	@rm -f $(LUTGEMV_VDIR)/lutgemv_fail.vcd
	@if $(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim --cases 1 --fault --vcd-dir $(LUTGEMV_VDIR) \
	    >$(LUTGEMV_VDIR)/fault.log 2>&1; then echo "fault injection NOT detected"; exit 1; fi
	@grep -q MISMATCH $(LUTGEMV_VDIR)/fault.log && test -s $(LUTGEMV_VDIR)/lutgemv_fail.vcd
	@head -2 $(LUTGEMV_VDIR)/fault.log; echo "fault injection detected, waveform written"
	@if $(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim --cases 3 --drop-read --vcd-dir $(LUTGEMV_VDIR) \
	    >$(LUTGEMV_VDIR)/drop_read.log 2>&1; then echo "a missing RTL response was NOT detected"; exit 1; fi
	@grep -q 'RESPONSE COUNT' $(LUTGEMV_VDIR)/drop_read.log || { cat $(LUTGEMV_VDIR)/drop_read.log; exit 1; }
	@echo "missing response detected: $$(grep -m1 'RESPONSE COUNT' $(LUTGEMV_VDIR)/drop_read.log)"

# Cycle counts measured on the RTL equal models/lutgemv_model.h.
test-lutgemv-model: $(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim $(LUTGEMV_VDIR)/cosim_g8/lutgemv_cosim $(LUTGEMV_VDIR)/cosim_g3/lutgemv_cosim
	$(LUTGEMV_VDIR)/cosim_g4/lutgemv_cosim --model-table $(LUTGEMV_VDIR)/model_table_g4.md --vcd-dir $(LUTGEMV_VDIR)
	$(LUTGEMV_VDIR)/cosim_g8/lutgemv_cosim --model-table $(LUTGEMV_VDIR)/model_table_g8.md --vcd-dir $(LUTGEMV_VDIR)
	$(LUTGEMV_VDIR)/cosim_g3/lutgemv_cosim --model-table $(LUTGEMV_VDIR)/model_table_g3.md --vcd-dir $(LUTGEMV_VDIR)
	@cat $(LUTGEMV_VDIR)/model_table_g4.md $(LUTGEMV_VDIR)/model_table_g8.md $(LUTGEMV_VDIR)/model_table_g3.md

# SystemC: the same bank through verilator --sc, driven by an sc_main testbench.
$(LUTGEMV_VDIR)/sc_g4/lutgemv_sc: $(UNIT_RTL_lutgemv) sim/lutgemv_sc.h sim/lutgemv_sc_main.cpp sim/stimulus.h $(BUILD)/libgolden.a $(BUILD)/libmodels.a
	@mkdir -p $(dir $@)
	SYSTEMC_INCLUDE=$$(pkg-config --variable=includedir systemc) SYSTEMC_LIBDIR=$$(pkg-config --variable=libdir systemc) \
	verilator --sc --exe --build -j 2 --top-module pim_bank -Wno-fatal $(call lutgemv_gparams,g4) --Mdir $(dir $@) -o lutgemv_sc \
	  -CFLAGS "-O1 $$(pkg-config --cflags systemc) -I$(abspath sim) -I$(abspath golden) -I$(abspath models) $(call lutgemv_defs,g4)" \
	  -LDFLAGS "$$(pkg-config --libs systemc)" \
	  $(UNIT_RTL_lutgemv) $(abspath sim/lutgemv_sc_main.cpp) $(abspath $(MODELS_LIB)) $(abspath $(GOLDEN_LIB)) >$(dir $@)build.log 2>&1 \
	  || { tail -30 $(dir $@)build.log; exit 1; }

TEST_STEPS += test-lutgemv-systemc
.PHONY: test-lutgemv-systemc
test-lutgemv-systemc: $(LUTGEMV_VDIR)/sc_g4/lutgemv_sc
	SC_COPYRIGHT_MESSAGE=DISABLE $(LUTGEMV_VDIR)/sc_g4/lutgemv_sc 60
	@if SC_COPYRIGHT_MESSAGE=DISABLE $(LUTGEMV_VDIR)/sc_g4/lutgemv_sc 5 fault >$(LUTGEMV_VDIR)/sc_fault.log 2>&1; \
	  then echo "SystemC: fault injection NOT detected"; exit 1; fi
	@grep -m1 MISMATCH $(LUTGEMV_VDIR)/sc_fault.log; echo "SystemC: fault injection detected"
