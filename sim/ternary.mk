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
TERNARY_RTL    := rtl/ternary_gemv.v rtl/ternary_dot_tile.v
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
	$(MAKE) --no-print-directory -s -C $(TERNARY_MDIR) -f Vternary_gemv.mk Vternary_gemv__ALL.o verilated.o verilated_vcd_c.o verilated_threads.o

$(TERNARY_VDIR)/obj/%.o: sim/%.cpp $(TERNARY_MDIR)/Vternary_gemv.h sim/ternary_engine.h sim/ternary_rtl.h
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
