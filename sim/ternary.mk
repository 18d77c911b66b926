# sim/ternary.mk: the Verilated ternary GEMV engine, its C API library, the
# bit-exact co-simulation against golden, the SystemC testbench.
#
#   make build/verilator/ternary/libternary_rtl.a   C API for sw_runtime (sim/ternary_rtl.h)
#   make ternary-cosim          edge + random tiles, bit for bit vs golden
#   make ternary-cosim-fault    the check catches an injected fault
#   make ternary-rtl-real       real HGRN-Bit weights through the C API
#   make ternary-systemc        verilator --sc model + sc_main testbench
# Engine parameters of these builds (LANES x KTILE weights per cycle):
TERNARY_LANES  ?= 8
TERNARY_KTILE  ?= 16
TERNARY_WDEPTH ?= 4096
TERNARY_XDEPTH ?= 64

TERNARY_VDIR   := $(BUILD)/verilator/ternary
TERNARY_MDIR   := $(TERNARY_VDIR)/model
TERNARY_RTL    := $(UNIT_RTL_ternary)
TERNARY_GFLAGS := -GLANES=$(TERNARY_LANES) -GKTILE=$(TERNARY_KTILE) -GWDEPTH=$(TERNARY_WDEPTH) -GXDEPTH=$(TERNARY_XDEPTH)
TERNARY_DFLAGS := -DTERNARY_LANES=$(TERNARY_LANES) -DTERNARY_KTILE=$(TERNARY_KTILE) \
                  -DTERNARY_WDEPTH=$(TERNARY_WDEPTH) -DTERNARY_XDEPTH=$(TERNARY_XDEPTH)
VERILATOR_INC  := /usr/share/verilator/include
TERNARY_CXX    := $(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -faligned-new \
                  -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=1 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=1 \
                  -isystem $(TERNARY_MDIR) -isystem $(VERILATOR_INC) -isystem $(VERILATOR_INC)/vltstd -Igolden -Isim $(TERNARY_DFLAGS)
TERNARY_VOBJS  := $(addprefix $(TERNARY_MDIR)/,Vternary_gemv__ALL.o verilated.o verilated_vcd_c.o verilated_threads.o)

# Verilate (C++ model with VCD tracing) and compile the model + Verilator runtime objects.
$(TERNARY_MDIR)/Vternary_gemv.h: $(TERNARY_RTL) sim/ternary.mk
	@mkdir -p $(TERNARY_MDIR)
	verilator --cc --trace -Wall $(TERNARY_GFLAGS) --top-module ternary_gemv --Mdir $(TERNARY_MDIR) $(TERNARY_RTL)
$(TERNARY_VOBJS) &: $(TERNARY_MDIR)/Vternary_gemv.h
	$(MAKE) --no-print-directory -s -C $(TERNARY_MDIR) -f Vternary_gemv.mk OPT_FAST=-O2 Vternary_gemv__ALL.o verilated.o verilated_vcd_c.o verilated_threads.o

$(TERNARY_VDIR)/obj/%.o: sim/%.cpp $(TERNARY_MDIR)/Vternary_gemv.h sim/ternary_engine.h sim/verilated_ports.h sim/stimulus.h sim/ternary_rtl.h
	@mkdir -p $(dir $@)
	$(TERNARY_CXX) -c $< -o $@

$(TERNARY_VDIR)/libternary_rtl.a: $(TERNARY_VOBJS) $(TERNARY_VDIR)/obj/ternary_engine.o $(TERNARY_VDIR)/obj/ternary_rtl.o
	rm -f $@ && ar rcs $@ $^

$(TERNARY_VDIR)/ternary_cosim: $(TERNARY_VDIR)/obj/ternary_cosim.o $(TERNARY_VDIR)/libternary_rtl.a $(BUILD)/libgolden.a
	$(CXX) -o $@ $^ -lpthread -lm

.PHONY: ternary-cosim ternary-cosim-fault
ternary-cosim: $(TERNARY_VDIR)/ternary_cosim
	$(TERNARY_VDIR)/ternary_cosim --random 3000 --vcd-dir $(TERNARY_VDIR)
# The harness must fail (exit 1) and leave a waveform when one result is corrupted.
ternary-cosim-fault: $(TERNARY_VDIR)/ternary_cosim
	@rm -f $(TERNARY_VDIR)/fault/ternary_fail.vcd; mkdir -p $(TERNARY_VDIR)/fault
	@if $(TERNARY_VDIR)/ternary_cosim --random 0 --inject-fault --vcd-dir $(TERNARY_VDIR)/fault 2>$(TERNARY_VDIR)/fault/log; \
	  then echo "injected fault NOT detected"; exit 1; fi
	@grep -q MISMATCH $(TERNARY_VDIR)/fault/log && test -s $(TERNARY_VDIR)/fault/ternary_fail.vcd
	@head -3 $(TERNARY_VDIR)/fault/log; echo "ternary-cosim-fault: injected fault detected, waveform written"

TEST_STEPS += ternary-cosim ternary-cosim-fault

# Real HGRN-Bit weights and captured activations through the C API (a C program).
$(TERNARY_VDIR)/test_ternary_rtl_real: $(BUILD)/obj/tests/test_ternary_rtl_real.o $(TERNARY_VDIR)/libternary_rtl.a $(BUILD)/libgolden.a
	$(CC) -o $@ $^ -lcmocka -ljansson -lstdc++ -lpthread -lm
.PHONY: ternary-rtl-real
ternary-rtl-real: $(TERNARY_VDIR)/test_ternary_rtl_real
	LPCS_SHARED=$(abspath $(SHARED)) $(TERNARY_VDIR)/test_ternary_rtl_real
TEST_STEPS += ternary-rtl-real

# SystemC: the engine as a SystemC module (verilator --sc) + sc_main testbench.
TERNARY_SC_DIR   := $(TERNARY_VDIR)/systemc
TERNARY_SC_PARAM := LANES=4 KTILE=8 WDEPTH=256 XDEPTH=16
$(TERNARY_SC_DIR)/Vternary_sc: $(TERNARY_RTL) sim/ternary_sc_main.cpp sim/gemv_sc_tb.h sim/stimulus.h $(BUILD)/libgolden.a golden/ternary.h
	@mkdir -p $(TERNARY_SC_DIR)
	+verilator --sc --exe --build -j 2 -Wall $(addprefix -G,$(TERNARY_SC_PARAM)) --top-module ternary_gemv \
	  --Mdir $(TERNARY_SC_DIR) -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden $(addprefix -DTERNARY_SC_,$(TERNARY_SC_PARAM)) $$(pkg-config --cflags systemc)" \
	  -LDFLAGS "$(abspath $(BUILD)/libgolden.a) $$(pkg-config --libs systemc) -lm" \
	  $(TERNARY_RTL) $(abspath sim/ternary_sc_main.cpp) -o Vternary_sc >$(TERNARY_SC_DIR)/build.log 2>&1 \
	  || { tail -30 $(TERNARY_SC_DIR)/build.log; exit 1; }
.PHONY: ternary-systemc
ternary-systemc: $(TERNARY_SC_DIR)/Vternary_sc
	SC_COPYRIGHT_MESSAGE=DISABLE $(TERNARY_SC_DIR)/Vternary_sc
	@if SC_COPYRIGHT_MESSAGE=DISABLE $(TERNARY_SC_DIR)/Vternary_sc --inject-fault >/dev/null 2>&1; then \
	  echo "ternary-systemc: injected fault NOT detected"; exit 1; fi
	@echo "ternary-systemc: injected fault detected"
TEST_STEPS += ternary-systemc

# The fixed-point absmax int8 quantizer (rtl/ternary_act_quant.v) vs golden.
TERNARY_AQ_DIR := $(TERNARY_VDIR)/aq
$(TERNARY_AQ_DIR)/ternary_aq_cosim: $(UNIT_RTL_ternary_act_quant) sim/ternary_aq_cosim.cpp sim/stimulus.h $(BUILD)/libgolden.a golden/ternary.h
	@mkdir -p $(TERNARY_AQ_DIR)
	+verilator --cc --exe --build -j 2 --trace -Wall -GXW=16 -GDEPTH=1024 --top-module ternary_act_quant \
	  --Mdir $(TERNARY_AQ_DIR) -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -DTERNARY_AQ_XW=16 -DTERNARY_AQ_DEPTH=1024" \
	  -LDFLAGS "$(abspath $(BUILD)/libgolden.a) -lm" \
	  $(UNIT_RTL_ternary_act_quant) $(abspath sim/ternary_aq_cosim.cpp) -o ternary_aq_cosim >$(TERNARY_AQ_DIR)/build.log 2>&1 \
	  || { tail -30 $(TERNARY_AQ_DIR)/build.log; exit 1; }
.PHONY: ternary-aq-cosim
ternary-aq-cosim: $(TERNARY_AQ_DIR)/ternary_aq_cosim
	$(TERNARY_AQ_DIR)/ternary_aq_cosim --random 500 --vcd-dir $(TERNARY_AQ_DIR)
	@if $(TERNARY_AQ_DIR)/ternary_aq_cosim --random 0 --inject-fault --vcd-dir $(TERNARY_AQ_DIR) 2>$(TERNARY_AQ_DIR)/fault.log; then \
	  echo "ternary-aq-cosim: injected fault NOT detected"; exit 1; fi
	@grep -q MISMATCH $(TERNARY_AQ_DIR)/fault.log && test -s $(TERNARY_AQ_DIR)/ternary_aq_fail.vcd && echo "ternary-aq-cosim: injected fault detected"
TEST_STEPS += ternary-aq-cosim

# A second, odd configuration of the same co-simulation: LANES=3 (not a power
# of two), KTILE=4, small buffers (K max 32, tall matrices run in chunks);
# 24-bit weight and 32-bit activation ports exercise the integral port path.
TERNARY_SMALL_DIR := $(TERNARY_VDIR)/small
TERNARY_SMALL_P   := LANES=3 KTILE=4 WDEPTH=64 XDEPTH=8
$(TERNARY_SMALL_DIR)/model/Vternary_gemv.h: $(TERNARY_RTL) sim/ternary.mk
	@mkdir -p $(TERNARY_SMALL_DIR)/model
	verilator --cc --trace -Wall $(addprefix -G,$(TERNARY_SMALL_P)) --top-module ternary_gemv --Mdir $(TERNARY_SMALL_DIR)/model $(TERNARY_RTL)
$(TERNARY_SMALL_DIR)/model/Vternary_gemv__ALL.o: $(TERNARY_SMALL_DIR)/model/Vternary_gemv.h
	$(MAKE) --no-print-directory -s -C $(TERNARY_SMALL_DIR)/model -f Vternary_gemv.mk OPT_FAST=-O2 Vternary_gemv__ALL.o
$(TERNARY_SMALL_DIR)/ternary_cosim: sim/ternary_cosim.cpp sim/ternary_engine.cpp sim/ternary_engine.h sim/verilated_ports.h sim/stimulus.h \
    $(TERNARY_SMALL_DIR)/model/Vternary_gemv__ALL.o $(TERNARY_VOBJS) $(BUILD)/libgolden.a
	$(subst -isystem $(TERNARY_MDIR),-isystem $(TERNARY_SMALL_DIR)/model,$(filter-out -DTERNARY_%,$(TERNARY_CXX))) \
	  $(addprefix -DTERNARY_,$(TERNARY_SMALL_P)) -o $@ sim/ternary_cosim.cpp sim/ternary_engine.cpp \
	  $(TERNARY_SMALL_DIR)/model/Vternary_gemv__ALL.o $(filter-out %Vternary_gemv__ALL.o,$(TERNARY_VOBJS)) $(BUILD)/libgolden.a -lpthread -lm
.PHONY: ternary-cosim-small
ternary-cosim-small: $(TERNARY_SMALL_DIR)/ternary_cosim
	$(TERNARY_SMALL_DIR)/ternary_cosim --random 1000 --seed 7 --vcd-dir $(TERNARY_SMALL_DIR)
TEST_STEPS += ternary-cosim-small

# The design under test can fail: the small configuration Verilated with
# -DTERNARY_FAULT_NEG (rtl/ternary_dot_tile.v: the last tile position adds x
# for a -1 weight) must fail the same co-simulation with a mismatch.
TERNARY_FAULT_DIR := $(TERNARY_VDIR)/fault_neg
$(TERNARY_FAULT_DIR)/model/Vternary_gemv.h: $(TERNARY_RTL) sim/ternary.mk
	@mkdir -p $(TERNARY_FAULT_DIR)/model
	verilator --cc --trace -Wall -DTERNARY_FAULT_NEG $(addprefix -G,$(TERNARY_SMALL_P)) --top-module ternary_gemv --Mdir $(TERNARY_FAULT_DIR)/model $(TERNARY_RTL)
$(TERNARY_FAULT_DIR)/model/Vternary_gemv__ALL.o: $(TERNARY_FAULT_DIR)/model/Vternary_gemv.h
	$(MAKE) --no-print-directory -s -C $(TERNARY_FAULT_DIR)/model -f Vternary_gemv.mk OPT_FAST=-O2 Vternary_gemv__ALL.o
$(TERNARY_FAULT_DIR)/ternary_cosim: sim/ternary_cosim.cpp sim/ternary_engine.cpp sim/ternary_engine.h sim/verilated_ports.h sim/stimulus.h \
    $(TERNARY_FAULT_DIR)/model/Vternary_gemv__ALL.o $(TERNARY_VOBJS) $(BUILD)/libgolden.a
	$(subst -isystem $(TERNARY_MDIR),-isystem $(TERNARY_FAULT_DIR)/model,$(filter-out -DTERNARY_%,$(TERNARY_CXX))) \
	  $(addprefix -DTERNARY_,$(TERNARY_SMALL_P)) -o $@ sim/ternary_cosim.cpp sim/ternary_engine.cpp \
	  $(TERNARY_FAULT_DIR)/model/Vternary_gemv__ALL.o $(filter-out %Vternary_gemv__ALL.o,$(TERNARY_VOBJS)) $(BUILD)/libgolden.a -lpthread -lm
.PHONY: ternary-cosim-rtl-fault
ternary-cosim-rtl-fault: $(TERNARY_FAULT_DIR)/ternary_cosim
	@if $(TERNARY_FAULT_DIR)/ternary_cosim --random 1000 --seed 7 --vcd-dir $(TERNARY_FAULT_DIR) 2>$(TERNARY_FAULT_DIR)/log; \
	  then echo "ternary-cosim-rtl-fault: the faulty RTL PASSED the co-simulation"; exit 1; fi
	@grep -q MISMATCH $(TERNARY_FAULT_DIR)/log || { cat $(TERNARY_FAULT_DIR)/log; exit 1; }
	@echo "ternary-cosim-rtl-fault: faulty negation caught: $$(grep -m1 MISMATCH $(TERNARY_FAULT_DIR)/log)"
TEST_STEPS += ternary-cosim-rtl-fault
