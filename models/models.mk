# models/: design-point config, analytical cycle/energy/area models (issue 9).
MODELS_SRCS += models/design_point.c models/arch_model.c models/workload.c models/tech_scale.c models/units.c $(sort $(wildcard models/unit_*.c))

# yosys transistor estimates behind models/arch_consts.h (not in `make test`: minutes).
.PHONY: models-calib
models-calib:
	models/calib.sh $(BUILD)/models-calib

# lpcs sweep: kill -9 + resume, truncated row, GNU parallel shards (tests/sweep_resume.sh).
.PHONY: test-sweep
test-sweep: $(BUILD)/lpcs
	LPCS_SHARED=$(abspath $(SHARED)) tests/sweep_resume.sh $(BUILD)/lpcs models/grids/ci_small.json $(BUILD)/sweep-test
TEST_STEPS += test-sweep

# `make dse`: the design-space exploration (not in `make test`): >= 100-point
# sweeps of both models (DSE_MODE=analytical or platform), Pareto plots
# (gnuplot: models/pareto.sh and `lpcs sweep --plot`: NLL vs tokens/s per
# mm^2 with the front labelled, per-op roofline), all under $(DSE_DIR)
# (build/dse). Resumable: re-running continues the sweeps. It never writes
# docs/dse/; `make dse-publish` copies an analytical run there on purpose.
DSE_DIR ?= $(BUILD)/dse
DSE_THREADS ?= 2
DSE_MODE ?= analytical
.PHONY: dse dse-publish
dse: $(BUILD)/lpcs
	@mkdir -p $(DSE_DIR)
	@for m in llama mmfree; do \
	  /usr/bin/time -f "dse $$m: %e s wall" $(BUILD)/lpcs sweep models/grids/dse_$$m.json -o $(DSE_DIR)/dse_$$m.csv \
	    --mode $(DSE_MODE) --threads $(DSE_THREADS) --plot --quiet || exit 1; \
	  models/pareto.sh $(DSE_DIR)/dse_$$m.csv $(DSE_DIR) dse_$$m "shakespeare-$$m ($(DSE_MODE))" || exit 1; \
	done
	@echo "dse: CSV and plots in $(DSE_DIR) (make dse-publish copies them to docs/dse/)"
dse-publish: dse
	@[ "$(DSE_MODE)" = analytical ] || { echo "dse-publish: docs/dse/ holds the analytical sweep (DSE_MODE=analytical)"; exit 1; }
	@for m in llama mmfree; do \
	  cp $(DSE_DIR)/dse_$$m.csv $(DSE_DIR)/dse_$${m}_front.csv $(DSE_DIR)/dse_$$m.front.csv \
	     $(DSE_DIR)/dse_$$m.pareto.png $(DSE_DIR)/dse_$$m.pareto.svg $(DSE_DIR)/dse_$$m.roofline.png \
	     $(DSE_DIR)/dse_$$m.roofline.svg $(DSE_DIR)/dse_$${m}_energy.png $(DSE_DIR)/dse_$${m}_energy.svg \
	     $(DSE_DIR)/dse_$${m}_area.png $(DSE_DIR)/dse_$${m}_area.svg \
	     $(DSE_DIR)/dse_$${m}_hw.png $(DSE_DIR)/dse_$${m}_hw.svg docs/dse/ || exit 1; \
	done
	@echo "dse-publish: docs/dse/ updated from $(DSE_DIR)"
UNIT_TESTS += test_arch_model test_units test_workload

# Whole tokens: every DSE grid point in analytical and platform mode (no NLL).
.PHONY: test-model-vs-platform
test-model-vs-platform: $(BUILD)/lpcs
	@echo "| model (grid) | points | cycles/token mean abs err | max | energy/token mean abs err | max |"
	@models/compare_modes.sh $(BUILD)/lpcs models/grids/dse_llama.json $(BUILD)/model-vs-platform llama 5
	@models/compare_modes.sh $(BUILD)/lpcs models/grids/dse_mmfree.json $(BUILD)/model-vs-platform mmfree 5
TEST_STEPS += test-model-vs-platform

# `make dse-7b` (issue 16, not in `make test`): the 10,000-point analytical
# sweep of models/grids/dse_7b.json (shape-only Llama-2-7B / Llama-3-8B) by
# `lpcs sweep`, its rate, and the formats grid dse_7b_fmt.json with decode /
# prefill Pareto plots (tokens/s per mm^2 vs energy per token vs the NLL
# proxy) in $(DSE_DIR); `make dse-7b-publish` copies plots and fronts to
# docs/dse/. DSE_MODE=platform runs them on the SystemC platform (minutes).
# Resumable: re-running continues after the last row.
.PHONY: dse-7b dse-7b-publish
dse-7b: $(BUILD)/lpcs
	@mkdir -p $(DSE_DIR)
	$(BUILD)/lpcs sweep models/grids/dse_7b.json -o $(DSE_DIR)/dse_7b_$(DSE_MODE).csv --mode $(DSE_MODE)
	$(BUILD)/lpcs sweep models/grids/dse_7b_fmt.json -o $(DSE_DIR)/dse_7b_fmt_$(DSE_MODE).csv --mode $(DSE_MODE) --plot
dse-7b-publish: dse-7b
	for f in decode.png decode.svg prefill.png prefill.svg decode_front.csv prefill_front.csv; do \
	  cp $(DSE_DIR)/dse_7b_fmt_$(DSE_MODE)_$$f docs/dse/dse_7b_$$f || exit 1; done

# Rate of the 10,000-point grid in platform mode and its kill -9 / resume
# (models/sweep_rate.sh; not in `make test`: ~4 x RATE_S seconds): the rate
# is measured on a few hundred points and extrapolated (docs/dse/README-7b.md).
RATE_S ?= 60
.PHONY: dse-7b-platform-rate
dse-7b-platform-rate: $(BUILD)/lpcs
	models/sweep_rate.sh $(BUILD)/lpcs models/grids/dse_7b.json platform $(RATE_S) $(BUILD)/sweep-rate

# The whole 10,000-point grid, run for real (models/sweep_full.sh): killed with SIGKILL at
# KILL_AT rows, resumed to the end, checked against an uninterrupted reference shard (0/20);
# prints the measured wall / CPU seconds (docs/dse/sweep_rate_platform.csv). Platform mode
# takes ~270 CPU-s (~20 min of wall time at load 12-14 on the 2-core machine); analytical ~3 CPU-s.
KILL_AT ?= 3000
.PHONY: dse-7b-full
dse-7b-full: $(BUILD)/lpcs
	nice models/sweep_full.sh $(BUILD)/lpcs models/grids/dse_7b.json $(DSE_MODE) $(KILL_AT) $(BUILD)/sweep-full-$(DSE_MODE)

# docs/dse/model-vs-platform.md: analytical model vs SystemC platform per op / class / phase at 7B and 70B.
.PHONY: dse-error-table
dse-error-table: $(BUILD)/lpcs
	models/error_table.sh $(BUILD)/lpcs docs/dse/model-vs-platform.md

# models/nll_proxy.csv: the shipped models' NLL per weight format (accuracy proxy of workload sweeps; ~3 CPU-min).
.PHONY: nll-proxy
nll-proxy: $(BUILD)/lpcs
	models/nll_proxy.sh $(BUILD) $(SHARED) 4096 > models/nll_proxy.csv.tmp && mv models/nll_proxy.csv.tmp models/nll_proxy.csv

# The proxy rows that have a full-validation-split exact NLL take it (models/nll_proxy_fullsplit.py):
#   make nll-proxy-fullsplit ACCURACY=DIR/accuracy.csv PROVENANCE="what run made it"
# (ACCURACY: bench/fullsplit_device.sh's accuracy.csv; the split is 111,540 bytes, 436 windows).
SPLIT_BYTES ?= 111540
.PHONY: nll-proxy-fullsplit
nll-proxy-fullsplit:
	@test -n "$(ACCURACY)" -a -n "$(PROVENANCE)" || { echo "nll-proxy-fullsplit: set ACCURACY=FILE and PROVENANCE=TEXT"; exit 1; }
	models/nll_proxy_fullsplit.py $(ACCURACY) $(SPLIT_BYTES) "$(PROVENANCE)" < models/nll_proxy.csv > models/nll_proxy.csv.tmp
	mv models/nll_proxy.csv.tmp models/nll_proxy.csv

# lpcs sweep over workloads: kill -9 / truncated last row + resume gives the
# same CSV as one run; both modes on 7B/70B with prefill and batch > 1.
.PHONY: test-workload-sweep
test-workload-sweep: $(BUILD)/lpcs
	tests/workload_sweep.sh $(BUILD)/lpcs models/grids/dse_7b.json models/grids/ci_workload.json $(BUILD)/workload-sweep-test
TEST_STEPS += test-workload-sweep

# SRAM port bandwidth in the platform's timing: slower than unlimited, equal to the model's SRAM bound.
.PHONY: test-platform-sram
test-platform-sram: $(BUILD)/lpcs
	tests/platform_sram.sh $(BUILD)/lpcs $(BUILD)/platform-sram
TEST_STEPS += test-platform-sram

# Prefill K/V staging (arch_prefill_kv_rows): platform and model against the byte formulas,
# staged once and per query block (tests/platform_kv.sh; ~3 s).
.PHONY: test-platform-kv
test-platform-kv: $(BUILD)/lpcs
	tests/platform_kv.sh $(BUILD)/lpcs $(BUILD)/platform-kv
TEST_STEPS += test-platform-kv

# models/nll_proxy_fullsplit.py against rows written out by hand (<1 s).
.PHONY: test-nll-proxy-fullsplit
test-nll-proxy-fullsplit:
	tests/nll_proxy_fullsplit.sh $(BUILD)/nll-proxy-fullsplit
TEST_STEPS += test-nll-proxy-fullsplit

# libFuzzer harness of the workload-shape parser (tests/fuzz.mk runs it in fuzz-smoke).
FUZZ_HARNESSES += fuzz_workload

# Switching activity of the RMMEC RTL on real operands (issue 16; not in
# `make test`: the --coverage-toggle build takes minutes): writes
# $(BUILD)/rmmec_activity/activity.jsonl, the numbers behind RMMEC_ACTIVITY_*
# in models/arch_consts.h (docs/dse/energy.md).
RMMEC_ACT_DIR := $(BUILD)/verilator/rmmec_act
RMMEC_ACT_BIN := $(RMMEC_ACT_DIR)/obj/Vrmmec_act
$(RMMEC_ACT_BIN): $(UNIT_RTL_rmmec) sim/rmmec_activity.cpp sim/stimulus.h $(BUILD)/libgolden.a
	@mkdir -p $(RMMEC_ACT_DIR)
	+verilator --cc --exe --build -j 2 -Wall -Irtl --x-assign fast --x-initial fast -O3 --coverage-toggle \
	  --top-module rmmec --Mdir $(RMMEC_ACT_DIR)/obj -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim" \
	  -LDFLAGS "$(abspath $(BUILD)/libgolden.a) -lm" $(UNIT_RTL_rmmec) $(abspath sim/rmmec_activity.cpp) -o Vrmmec_act \
	  >$(RMMEC_ACT_DIR)/build.log 2>&1 || { tail -30 $(RMMEC_ACT_DIR)/build.log; exit 1; }
.PHONY: rmmec-activity
rmmec-activity: $(RMMEC_ACT_BIN)
	@mkdir -p $(BUILD)/rmmec_activity
	@for m in p8 p16 fp4; do for s in model random; do \
	  $(RMMEC_ACT_BIN) --mode $$m --source $$s --model $(SHARED)/models/shakespeare-llama.bin \
	    --text $(SHARED)/data/tinyshakespeare.txt --rows 32 --tokens 8 --cov $(BUILD)/rmmec_activity/$$m-$$s.dat || exit 1; \
	done; done | tee $(BUILD)/rmmec_activity/activity.jsonl

# Switching activity of the ternary engine on the shipped HGRN-Bit's real
# weights (tests/ternary_activity.c; not in `make test`): the engine verilated
# again with --coverage-toggle, the same C API (sim/ternary_rtl.h).
TCOV_DIR  := $(BUILD)/verilator/ternary_cov
TCOV_MDIR := $(TCOV_DIR)/model
TCOV_VOBJS := $(addprefix $(TCOV_MDIR)/,Vternary_gemv__ALL.a verilated.o verilated_vcd_c.o verilated_threads.o verilated_cov.o)
TCOV_CXX   = $(subst -DVM_COVERAGE=0,-DVM_COVERAGE=1,$(subst $(TERNARY_MDIR),$(TCOV_MDIR),$(TERNARY_CXX)))
$(TCOV_MDIR)/Vternary_gemv.h: $(UNIT_RTL_ternary)
	@mkdir -p $(TCOV_MDIR)
	verilator --cc --trace --coverage-toggle -Wall $(TERNARY_GFLAGS) --top-module ternary_gemv --Mdir $(TCOV_MDIR) $(UNIT_RTL_ternary)
$(TCOV_VOBJS) &: $(TCOV_MDIR)/Vternary_gemv.h
	$(MAKE) --no-print-directory -s -C $(TCOV_MDIR) -f Vternary_gemv.mk OPT_FAST=-O2 $(notdir $(TCOV_VOBJS))
$(TCOV_DIR)/obj/%.o: sim/%.cpp $(TCOV_MDIR)/Vternary_gemv.h sim/ternary_engine.h sim/ternary_rtl.h
	@mkdir -p $(dir $@)
	$(TCOV_CXX) -c $< -o $@
$(TCOV_DIR)/ternary_activity: tests/ternary_activity.c $(TCOV_VOBJS) $(TCOV_DIR)/obj/ternary_engine.o $(TCOV_DIR)/obj/ternary_rtl.o \
    $(TCOV_DIR)/obj/vl_coverage.o $(BUILD)/libgolden.a
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Igolden -Itests -o $@ $< $(TCOV_DIR)/obj/ternary_engine.o $(TCOV_DIR)/obj/ternary_rtl.o \
	  $(TCOV_DIR)/obj/vl_coverage.o $(TCOV_VOBJS) \
	  $(BUILD)/libgolden.a -ljansson -lstdc++ -lpthread -lm
.PHONY: ternary-activity
ternary-activity: $(TCOV_DIR)/ternary_activity
	@mkdir -p $(BUILD)/ternary_activity
	@for s in model random; do \
	  $(TCOV_DIR)/ternary_activity $(SHARED)/models/shakespeare-mmfree.safetensors $(SHARED)/data/tinyshakespeare.txt \
	    $$s 8 $(BUILD)/ternary_activity/$$s.dat || exit 1; \
	done | tee $(BUILD)/ternary_activity/activity.jsonl
