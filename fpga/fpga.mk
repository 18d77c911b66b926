# fpga/: iCE40 flow and bitstream validation (see fpga/README.md).
#
# Per unit U (listed in FPGA_UNITS):
#   FPGA_U_SRCS   RTL files        FPGA_U_TOP    module     FPGA_U_CLK  clock port
#   FPGA_U_PARAMS NAME=VALUE ...   FPGA_U_TRACE  C trace generator (links libgolden.a)
#   FPGA_U_TRACE_ARGS  its arguments
# Outputs under $(BUILD)/fpga/U/: U.bin (bitstream), netlist.v (recovered from
# the bitstream), reports (*_stat.json, pnr_report.json), validation logs.
#
#   make fpga                 every unit: build, validate RTL + bitstream, corrupt test, report
#   make fpga-U               one unit: validate the RTL wrapper and the bitstream
#   make fpga-U-corrupt       one unit: a flipped LUT bit must fail the validation
#   make fpga-publish         copy the report to fpga/report.json and the table into fpga/README.md

FPGA_DIR    := $(BUILD)/fpga
FPGA_PY     := /usr/bin/python3
FPGA_PCF    := fpga/fpga_top.pcf
FPGA_W      := 8
FPGA_SEED   := 1
FPGA_CORRUPT_PICK ?= 0
FPGA_NEXTPNR_FLAGS := --hx8k --package ct256 --seed $(FPGA_SEED) --freq 12
YOSYS_DATDIR := $(shell yosys-config --datdir 2>/dev/null || echo $$(dirname $$(command -v yosys))/../share/yosys)
FPGA_CELLS_SIM := $(YOSYS_DATDIR)/ice40/cells_sim.v

# The flow's self-test design: a tiny int8 MAC (no golden unit needed).
FPGA_UNITS += mac8
FPGA_mac8_SRCS   := fpga/demo/mac8.v
FPGA_mac8_TOP    := mac8
FPGA_mac8_CLK    := clk
FPGA_mac8_PARAMS := ACC_W=20
FPGA_mac8_TRACE  := fpga/trace/mac8_trace.c
FPGA_mac8_TRACE_ARGS := 400

# A second self-test design: block RAM table + accumulate (the BRAM path).
FPGA_UNITS += ramacc
FPGA_ramacc_SRCS  := fpga/demo/ramacc.v
FPGA_ramacc_TOP   := ramacc
FPGA_ramacc_TRACE := fpga/trace/ramacc_trace.c
FPGA_ramacc_TRACE_ARGS := 1500

# The project's units, each listed once its RTL is in the tree (so the flow
# never breaks on a missing unit).
# RMMEC (rtl/rmmec.v): full size, P16 quire included.
ifneq ($(wildcard rtl/rmmec.v),)
FPGA_UNITS += rmmec
FPGA_rmmec_SRCS  := $(UNIT_RTL_rmmec)
FPGA_rmmec_TOP   := rmmec
FPGA_rmmec_TRACE := fpga/trace/rmmec_trace.c
FPGA_rmmec_TRACE_ARGS := 1500 12 200
endif

# Ternary GEMV engine (rtl/ternary_gemv.v): the default's 16-weight tile
# (its adder-tree depth, hence its critical path) on 4 lanes instead of 8
# (8 x 16 needs 9547 logic cells of 7680), buffers cut to fit the HX8K's 32
# BRAMs (WDEPTH 4096 -> 256, XDEPTH 64 -> 16); and a 2 x 4 engine for CI.
ifneq ($(wildcard rtl/ternary_gemv.v),)
FPGA_UNITS += ternary ternary_small
FPGA_ternary_SRCS   := $(UNIT_RTL_ternary)
FPGA_ternary_TOP    := ternary_gemv
FPGA_ternary_PARAMS := LANES=4 KTILE=16 WDEPTH=256 XDEPTH=16
FPGA_ternary_TRACE  := fpga/trace/ternary_trace.c
FPGA_ternary_TRACE_ARGS := 6 1
FPGA_ternary_small_SRCS   := $(FPGA_ternary_SRCS)
FPGA_ternary_small_TOP    := ternary_gemv
FPGA_ternary_small_PARAMS := LANES=2 KTILE=4 WDEPTH=32 XDEPTH=8
FPGA_ternary_small_TRACE  := fpga/trace/ternary_trace.c
FPGA_ternary_small_TRACE_ARGS := 8 1
endif

# One SRAM-PIM LUT-GEMV bank (rtl/pim_bank.v): the co-simulation's g4
# configuration (g 4, 16 rows, 8 groups = K 32, 8-bit activations, 11-bit
# entries, 24-bit accumulators) with batch 4 instead of 8: at batch 8 it
# needs 34 BRAMs (the HX8K has 32), at batch 4 it needs 20.
ifneq ($(wildcard rtl/pim_bank.v),)
FPGA_UNITS += lutgemv
FPGA_lutgemv_SRCS   := $(UNIT_RTL_lutgemv)
FPGA_lutgemv_TOP    := pim_bank
FPGA_lutgemv_PARAMS := G=4 ROWS=16 GROUPS=8 NB=4 AB=8 WB=9 E=11 ACC=24
FPGA_lutgemv_TRACE  := fpga/trace/lutgemv_trace.c
FPGA_lutgemv_TRACE_ARGS := 12 1
endif

# CI (`make test`) validates the smallest real unit (the 2 x 4 ternary
# engine; the demo MAC when that RTL is absent); `make test-long` runs
# `make fpga`, i.e. everything.
FPGA_CI_UNITS ?= $(if $(wildcard rtl/ternary_gemv.v),ternary_small,mac8)
TEST_STEPS += $(foreach u,$(FPGA_CI_UNITS),fpga-$(u) fpga-$(u)-corrupt fpga-$(u)-xz)
LONG_STEPS += fpga

.PHONY: fpga fpga-publish fpga-report FORCE
FORCE:

# $(1) = unit name
define FPGA_UNIT_RULES
FPGA_$(1)_CLK ?= clk
FPGA_$(1)_D := $(FPGA_DIR)/$(1)
FPGA_$(1)_CHPARAM := $$(foreach p,$$(FPGA_$(1)_PARAMS),chparam -set $$(subst =, ,$$(p)) $$(FPGA_$(1)_TOP);)
FPGA_$(1)_SRCBASES := $$(foreach s,$$(FPGA_$(1)_SRCS),--src $$(notdir $$(s)))

# the unit's configuration; rewritten only when it changes, so that a new
# parameterization rebuilds everything downstream
$$(FPGA_$(1)_D)/config.stamp: FORCE
	@mkdir -p $$(@D)
	@echo '$$(FPGA_$(1)_SRCS) top=$$(FPGA_$(1)_TOP) clk=$$(FPGA_$(1)_CLK) $$(FPGA_$(1)_PARAMS)' > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm -f $$@.tmp || mv $$@.tmp $$@

# elaborated port list -> scan wrapper, layouts
$$(FPGA_$(1)_D)/fpga_top.v: $$(FPGA_$(1)_SRCS) fpga/scripts/gen_wrapper.py $$(FPGA_$(1)_D)/config.stamp
	@mkdir -p $$(@D)
	yosys -q -p "read_verilog -sv $$(FPGA_$(1)_SRCS); $$(FPGA_$(1)_CHPARAM) hierarchy -top $$(FPGA_$(1)_TOP); proc; write_json $$(@D)/ports.json"
	$(FPGA_PY) fpga/scripts/gen_wrapper.py --ports $$(@D)/ports.json --top $$(FPGA_$(1)_TOP) \
	  --clock $$(FPGA_$(1)_CLK) --width $(FPGA_W) $$(addprefix --param ,$$(FPGA_$(1)_PARAMS)) \
	  --out-v $$@ --out-json $$(@D)/layout.json --out-h $$(@D)/layout.h --out-vh $$(@D)/layout.vh
$$(FPGA_$(1)_D)/layout.h $$(FPGA_$(1)_D)/layout.vh: $$(FPGA_$(1)_D)/fpga_top.v

# unit alone: iCE40 cells; generic cells and CMOS transistor estimate of the
# logic (yosys `synth -flatten` without memory_map: memories stay $mem_v2
# macros, as SRAM would on an ASIC, and their bits are reported separately;
# flattened also because yosys 0.23's `stat -json` of a hierarchy is not JSON)
$$(FPGA_$(1)_D)/unit_ice40_stat.json: $$(FPGA_$(1)_SRCS) $$(FPGA_$(1)_D)/config.stamp
	@mkdir -p $$(@D)
	yosys -q -l $$(@D)/unit_synth.log -p "read_verilog -sv $$(FPGA_$(1)_SRCS); $$(FPGA_$(1)_CHPARAM) \
	  hierarchy -top $$(FPGA_$(1)_TOP); design -save rtl; \
	  synth_ice40 -top $$(FPGA_$(1)_TOP); tee -q -o $$(@D)/unit_ice40_stat.json.tmp stat -json; \
	  design -load rtl; proc; flatten; tee -q -o $$(@D)/unit_memory_stat.json stat -json; \
	  synth -flatten -top $$(FPGA_$(1)_TOP) -run begin:fine; opt -fast -full; opt -full; techmap; opt -fast; abc -fast; opt -fast; \
	  tee -q -o $$(@D)/unit_generic_stat.json stat -json; \
	  dfflegalize -cell \$$$$_DFF_P_ 01 -cell \$$$$_DFF_PP0_ 01 -cell \$$$$_DFF_PP1_ 01; techmap; opt_clean; \
	  tee -q -o $$(@D)/unit_cmos_stat.json stat -tech cmos -json"
	mv $$@.tmp $$@

# wrapped top: synth_ice40 (DSPs are only used with -dsp) -> nextpnr -> icepack
$$(FPGA_$(1)_D)/synth.json: $$(FPGA_$(1)_D)/fpga_top.v $$(FPGA_$(1)_SRCS)
	yosys -q -l $$(@D)/synth.log -p "read_verilog -sv $$(FPGA_$(1)_SRCS) $$<; \
	  synth_ice40 -top fpga_top -json $$@.tmp; tee -q -o $$(@D)/top_ice40_stat.json stat -json"
	mv $$@.tmp $$@
$$(FPGA_$(1)_D)/pnr.asc: $$(FPGA_$(1)_D)/synth.json $(FPGA_PCF)
	nextpnr-ice40 -q -l $$(@D)/pnr.log $(FPGA_NEXTPNR_FLAGS) --json $$< --pcf $(FPGA_PCF) \
	  --asc $$@.tmp --report $$(@D)/pnr_report.json --write $$(@D)/routed.json
	mv $$@.tmp $$@
$$(FPGA_$(1)_D)/$(1).bin: $$(FPGA_$(1)_D)/pnr.asc
	icepack $$< $$@

# bitstream -> .asc -> netlist (icebox_vlog needs the PCF for port names)
$$(FPGA_$(1)_D)/netlist.v: $$(FPGA_$(1)_D)/$(1).bin fpga/scripts/fix_netlist.py
	iceunpack $$< $$(@D)/unpacked.asc
	icebox_vlog -n fpga_top -p $(FPGA_PCF) $$(@D)/unpacked.asc > $$(@D)/netlist_raw.v
	$(FPGA_PY) fpga/scripts/fix_netlist.py $$(@D)/netlist_raw.v $$@

# golden trace (expected values from the golden model)
$$(FPGA_$(1)_D)/trace_gen: $$(FPGA_$(1)_TRACE) fpga/trace/scan_trace.h $$(FPGA_$(1)_D)/layout.h $(BUILD)/libgolden.a
	$(CC) $(CSTD) $(WARN) -O2 $(CPPFLAGS_BASE) $(INC_fpga) -I$$(FPGA_$(1)_D) -Ifpga/trace -o $$@ $$< $(BUILD)/libgolden.a -lm
$$(FPGA_$(1)_D)/trace.txt: $$(FPGA_$(1)_D)/trace_gen
	$$< $$(FPGA_$(1)_TRACE_ARGS) > $$@.tmp
	mv $$@.tmp $$@

# simulations: the RTL wrapper (checks the trace itself), then the bitstream's netlist
$$(FPGA_$(1)_D)/rtl_tb.vvp: fpga/tb/scan_tb.v $$(FPGA_$(1)_D)/fpga_top.v $$(FPGA_$(1)_D)/layout.vh $$(FPGA_$(1)_SRCS)
	iverilog -g2012 -I$$(FPGA_$(1)_D) -s scan_tb -o $$@ fpga/tb/scan_tb.v $$(FPGA_$(1)_D)/fpga_top.v $$(FPGA_$(1)_SRCS)
$$(FPGA_$(1)_D)/net_tb.vvp: fpga/tb/scan_tb.v $$(FPGA_$(1)_D)/netlist.v $$(FPGA_$(1)_D)/layout.vh
	iverilog -g2012 -DNO_ICE40_DEFAULT_ASSIGNMENTS -I$$(FPGA_$(1)_D) -s scan_tb -o $$@ fpga/tb/scan_tb.v $$(FPGA_$(1)_D)/netlist.v \
	  $$$$(grep -q SB_RAM40 $$(FPGA_$(1)_D)/netlist.v && echo $(FPGA_CELLS_SIM))

.PHONY: fpga-$(1) fpga-$(1)-corrupt
fpga-$(1): $$(FPGA_$(1)_D)/rtl_tb.vvp $$(FPGA_$(1)_D)/net_tb.vvp $$(FPGA_$(1)_D)/trace.txt $$(FPGA_$(1)_D)/unit_ice40_stat.json
	@echo "fpga-$(1): RTL wrapper vs golden"
	@vvp -n $$(FPGA_$(1)_D)/rtl_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt > $$(FPGA_$(1)_D)/validate_rtl.log 2>&1 || \
	  { cat $$(FPGA_$(1)_D)/validate_rtl.log; vvp -n $$(FPGA_$(1)_D)/rtl_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt \
	    +vcd=$$(FPGA_$(1)_D)/validate_rtl.vcd >/dev/null 2>&1; echo "waveform: $$(FPGA_$(1)_D)/validate_rtl.vcd"; exit 1; }
	@tail -1 $$(FPGA_$(1)_D)/validate_rtl.log
	@echo "fpga-$(1): bitstream netlist vs golden"
	@vvp -n $$(FPGA_$(1)_D)/net_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt > $$(FPGA_$(1)_D)/validate_netlist.log 2>&1 || \
	  { cat $$(FPGA_$(1)_D)/validate_netlist.log; vvp -n $$(FPGA_$(1)_D)/net_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt \
	    +vcd=$$(FPGA_$(1)_D)/validate_netlist.vcd >/dev/null 2>&1; echo "waveform: $$(FPGA_$(1)_D)/validate_netlist.vcd"; exit 1; }
	@tail -1 $$(FPGA_$(1)_D)/validate_netlist.log

# negative test of the testbench itself: the DUT's output pins forced to X, to
# Z, and one cared-for output bit forced to X must each fail the validation,
# in the RTL-wrapper and the bitstream-netlist simulations
.PHONY: fpga-$(1)-xz
fpga-$(1)-xz: $$(FPGA_$(1)_D)/rtl_tb.vvp $$(FPGA_$(1)_D)/net_tb.vvp $$(FPGA_$(1)_D)/trace.txt
	@n=0; for sim in rtl net; do for m in x z x1; do \
	  log=$$(FPGA_$(1)_D)/xz_$$$${sim}_$$$$m.log; \
	  vvp -n $$(FPGA_$(1)_D)/$$$${sim}_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt +inject=$$$$m > $$$$log 2>&1; rc=$$$$?; \
	  if [ $$$$rc -ne 0 ] && grep -q 'FPGA-VALIDATE X/Z' $$$$log; then \
	    echo "fpga-$(1)-xz: $$$$sim +inject=$$$$m rejected: $$$$(grep -m1 'FPGA-VALIDATE X/Z' $$$$log)"; n=$$$$((n+1)); \
	  else echo "fpga-$(1)-xz: $$$$sim +inject=$$$$m was NOT rejected (rc=$$$$rc):"; tail -5 $$$$log; exit 1; fi; \
	done; done; test $$$$n -eq 6 && echo "fpga-$(1)-xz: 6 of 6 X/Z injections rejected"

# the same netlist under Verilator (--binary --timing runs the testbench as is)
.PHONY: fpga-$(1)-verilator
fpga-$(1)-verilator: $$(FPGA_$(1)_D)/netlist.v $$(FPGA_$(1)_D)/trace.txt $$(FPGA_$(1)_D)/layout.vh
	verilator --binary --timing -Wno-fatal -Wno-lint -Wno-style -Wno-UNOPTFLAT -DNO_ICE40_DEFAULT_ASSIGNMENTS \
	  -I$$(FPGA_$(1)_D) --top-module scan_tb -Mdir $$(FPGA_$(1)_D)/verilator -o vtb \
	  fpga/tb/scan_tb.v $$(FPGA_$(1)_D)/netlist.v $$$$(grep -q SB_RAM40 $$(FPGA_$(1)_D)/netlist.v && echo $(FPGA_CELLS_SIM)) >$$(FPGA_$(1)_D)/verilator.log 2>&1 \
	  || { tail -30 $$(FPGA_$(1)_D)/verilator.log; exit 1; }
	$$(FPGA_$(1)_D)/verilator/vtb +trace=$$(FPGA_$(1)_D)/trace.txt | tee $$(FPGA_$(1)_D)/validate_netlist_verilator.log | grep -v '^- '
	grep -q '^PASS' $$(FPGA_$(1)_D)/validate_netlist_verilator.log

# negative test: flip LUT entry 0 of a used unit LUT in the bitstream; the
# same validation must now report a mismatch against golden
# (FPGA_CORRUPT_PICK=N picks another LUT of corrupt_lut.py's candidate list)
fpga-$(1)-corrupt: $$(FPGA_$(1)_D)/$(1).bin $$(FPGA_$(1)_D)/trace.txt fpga/scripts/corrupt_lut.py fpga/scripts/fix_netlist.py
	@D=$$(FPGA_$(1)_D)/corrupt; mkdir -p $$$$D; set -e; \
	iceunpack $$(FPGA_$(1)_D)/$(1).bin $$$$D/orig.asc; \
	$(FPGA_PY) fpga/scripts/corrupt_lut.py --routed $$(FPGA_$(1)_D)/routed.json --asc $$$$D/orig.asc \
	  --out $$$$D/corrupt.asc --pick $(FPGA_CORRUPT_PICK) $$(FPGA_$(1)_SRCBASES) > $$(FPGA_$(1)_D)/corrupt.log; cat $$(FPGA_$(1)_D)/corrupt.log; \
	icepack $$$$D/corrupt.asc $$$$D/$(1)_corrupt.bin; \
	iceunpack $$$$D/$(1)_corrupt.bin $$$$D/unpacked.asc; \
	icebox_vlog -n fpga_top -p $(FPGA_PCF) $$$$D/unpacked.asc > $$$$D/netlist_raw.v; \
	$(FPGA_PY) fpga/scripts/fix_netlist.py $$$$D/netlist_raw.v $$$$D/netlist.v; \
	iverilog -g2012 -DNO_ICE40_DEFAULT_ASSIGNMENTS -I$$(FPGA_$(1)_D) -s scan_tb -o $$$$D/net_tb.vvp fpga/tb/scan_tb.v $$$$D/netlist.v \
	  $$$$(grep -q SB_RAM40 $$$$D/netlist.v && echo $(FPGA_CELLS_SIM)); \
	set +e; vvp -n $$$$D/net_tb.vvp +trace=$$(FPGA_$(1)_D)/trace.txt > $$$$D/validate.log 2>&1; rc=$$$$?; set -e; \
	head -20 $$$$D/validate.log; \
	if [ $$$$rc -ne 0 ] && grep -q 'FPGA-VALIDATE MISMATCH' $$$$D/validate.log; then \
	  echo "CORRUPTION CAUGHT: the validation rejects the corrupted bitstream" | tee -a $$(FPGA_$(1)_D)/corrupt.log; \
	else echo "fpga-$(1)-corrupt: the corrupted bitstream PASSED the validation (rc=$$$$rc)"; exit 1; fi
endef
$(foreach u,$(FPGA_UNITS),$(eval $(call FPGA_UNIT_RULES,$(u))))

# The Verilator run of the netlist (a second simulator) for the small units;
# any unit can run it with `make fpga-<unit>-verilator`.
FPGA_VERILATOR_UNITS ?= mac8 ramacc $(filter ternary_small,$(FPGA_UNITS))
fpga: $(foreach u,$(FPGA_UNITS),fpga-$(u) fpga-$(u)-corrupt fpga-$(u)-xz) $(foreach u,$(FPGA_VERILATOR_UNITS),fpga-$(u)-verilator)
	@$(MAKE) --no-print-directory fpga-report

fpga-report:
	$(FPGA_PY) fpga/scripts/report.py --out $(FPGA_DIR)/report.json $(addprefix $(FPGA_DIR)/,$(FPGA_UNITS))

fpga-publish: fpga-report
	cp $(FPGA_DIR)/report.json fpga/report.json
	$(FPGA_PY) fpga/scripts/report.py --out $(FPGA_DIR)/report.json --readme fpga/README.md $(addprefix $(FPGA_DIR)/,$(FPGA_UNITS)) >/dev/null
