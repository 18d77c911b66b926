# sim/platform/: the SystemC TLM-2.0 accelerator platform (issue 9).
#   build/platform/libplatform.a   C API (sim/platform/platform_api.h)
PLATFORM_DIR  := $(BUILD)/platform
PLATFORM_LIB  := $(PLATFORM_DIR)/libplatform.a
PLATFORM_CXX  := $(CXX) -std=c++17 $(WARN) $(FPFLAGS) $(OPT) $(SANFLAGS) $(CPPFLAGS_BASE) $(INC_sim) $(shell pkg-config --cflags systemc) -MMD -MP
PLATFORM_LIBS := $(shell pkg-config --libs systemc) -lstdc++

$(PLATFORM_DIR)/obj/%.o: sim/platform/%.cpp
	@mkdir -p $(dir $@)
	$(PLATFORM_CXX) -c $< -o $@
$(PLATFORM_LIB): $(PLATFORM_DIR)/obj/platform.o $(BUILD)/obj/sim/platform/vector_unit.o $(BUILD)/obj/sim/platform/pim_bank.o
	rm -f $@ && ar rcs $@ $^
-include $(wildcard $(PLATFORM_DIR)/obj/*.d)

# Model vs platform vs RTL validation (tables in models/README.md).
TERNARY_RTL_LIB := $(BUILD)/verilator/ternary/libternary_rtl.a
$(PLATFORM_DIR)/obj/platform_validate.o: sim/platform/platform_validate.cpp
	@mkdir -p $(dir $@)
	$(PLATFORM_CXX) -Isim -DWITH_TERNARY_RTL -c $< -o $@
$(PLATFORM_DIR)/platform_validate: $(PLATFORM_DIR)/obj/platform_validate.o $(PLATFORM_LIB) $(TERNARY_RTL_LIB) $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(PLATFORM_LIBS) -ljansson -lpthread -lm
.PHONY: test-platform-validate
test-platform-validate: $(PLATFORM_DIR)/platform_validate
	$(PLATFORM_DIR)/platform_validate --max-err 5
TEST_STEPS += test-platform-validate

# build/lpcs drives the platform: the CLI registers sw_runtime/backend_platform.c
# as its `sim` backend and `lpcs sweep --mode platform` takes its timing.
# (liblpcsrt.a holds that module; binaries that do not register it do not
# pull it in, so the unit tests do not need SystemC.)
LPCS_LDLIBS += $(PLATFORM_LIB) $(PLATFORM_LIBS)
$(BUILD)/lpcs: $(PLATFORM_LIB)

# Tokens of both models: platform (sim backend) logits bit-identical to cpu.
$(PLATFORM_DIR)/platform_token_check: $(BUILD)/obj/tests/platform_token_check.o \
    $(BUILD)/liblpcsrt.a $(PLATFORM_LIB) $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(BUILD)/liblpcsrt.a $(PLATFORM_LIB) $(BUILD)/libmodels.a $(BUILD)/libgolden.a $(PLATFORM_LIBS) -ljansson -lm -lpthread
.PHONY: test-platform-token
test-platform-token: $(PLATFORM_DIR)/platform_token_check
	$< $(SHARED)/models/shakespeare-llama.bin -n 3 --report $(PLATFORM_DIR)/token_llama.json
	$< $(SHARED)/models/shakespeare-llama.bin -n 2 --plan w=int4,a=fp8e4m3,kv=bf16
	$< $(SHARED)/models/shakespeare-mmfree.safetensors -n 3 --report $(PLATFORM_DIR)/token_mmfree.json
	$< $(SHARED)/models/shakespeare-mmfree.safetensors -n 2 --plan kv=p8e0
	$< $(SHARED)/models/shakespeare-llama.bin -n 2 --plan w=p8e0
	$< $(SHARED)/models/shakespeare-llama.bin -n 2 --plan w=ternary,a=int8
	@set -e; for f in "shakespeare-mmfree.safetensors --fault L3.down_proj" \
	  "shakespeare-llama.bin --plan w=p8e0 --fault L1.wq" "shakespeare-llama.bin --plan w=ternary,a=int8 --fault L2.w2" "shakespeare-llama.bin --plan w=fp4e2m1 --fault lm_head" \
	  "shakespeare-llama.bin --fault L0.attn"; do \
	  if $< $(SHARED)/models/$$f -n 2 >/dev/null; then echo "test-platform-token: $$f NOT detected"; exit 1; fi; \
	  echo "test-platform-token: $$f detected (logits differ)"; done
TEST_STEPS += test-platform-token

# RMMEC RTL cycles vs the model (own Verilator build of rtl/rmmec.v).
RMMEC_CYC_DIR := $(BUILD)/verilator/rmmec_cycles
RMMEC_CYC_RTL := $(UNIT_RTL_rmmec)
$(RMMEC_CYC_DIR)/Vrmmec: $(RMMEC_CYC_RTL) sim/platform/rmmec_cycles.cpp $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	@mkdir -p $(RMMEC_CYC_DIR) && rm -f $@
	+verilator --cc --exe --build -j 2 -Wall -Irtl --x-assign fast --x-initial fast -O3 --top-module rmmec \
	  --Mdir $(RMMEC_CYC_DIR) -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/models" \
	  -LDFLAGS "$(abspath $(BUILD)/libmodels.a) $(abspath $(BUILD)/libgolden.a) -lm" \
	  $(RMMEC_CYC_RTL) $(abspath sim/platform/rmmec_cycles.cpp) -o Vrmmec >$(RMMEC_CYC_DIR)/build.log 2>&1 \
	  || { tail -30 $(RMMEC_CYC_DIR)/build.log; exit 1; }
.PHONY: test-rmmec-model
test-rmmec-model: $(RMMEC_CYC_DIR)/Vrmmec
	$<
TEST_STEPS += test-rmmec-model

# lpcs ppl --backend sim = --backend cpu (nll= line) on a short window for
# each unit of the platform (RMMEC p8/p16/p4/fp4, ternary engine, vector
# unit), every op on the platform on its planned unit, and a DUT-side fault
# (a weight tile bit in the unit's buffer) that must change the nll.
PLATFORM_PPL_BYTES ?= 32
.PHONY: test-platform-ppl
test-platform-ppl: $(BUILD)/lpcs
	tests/platform_ppl_check.sh $(BUILD) $(SHARED) $(PLATFORM_PPL_BYTES)
TEST_STEPS += test-platform-ppl

# The same on longer texts, without the fault runs (make test-long).
.PHONY: test-platform-ppl-long
test-platform-ppl-long: $(BUILD)/lpcs
	tests/platform_ppl_check.sh $(BUILD) $(SHARED) 2048 nofault
LONG_STEPS += test-platform-ppl-long
