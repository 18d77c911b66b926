# Switching activity of the PIM LUT-GEMV bank and the shift-MAC engine on the
# shipped llama's real operands (issue 16; tests/unit_activity.c; not in
# `make test`: the --coverage-toggle builds take minutes). The same C APIs as
# the rtl backend (sim/pim_rtl.h, sim/shiftmac_rtl.h, same parameters) built
# again with toggle coverage, plus sim/vl_coverage.cpp to write the counters.
# Writes $(BUILD)/unit_activity/activity.jsonl, the numbers behind
# PIM_ACTIVITY / SHIFTMAC_ACTIVITY in models/arch_consts.h (docs/dse/energy.md).
# (After sim/rtl_backend.mk in the Makefile's sorted include list: uses its rtlb_lib.)
UACT_COV := --coverage-toggle --output-split 0 # one __ALL.o, as rtlb_lib links
UACT_CXX := -UVM_COVERAGE -DVM_COVERAGE=1
UACT_PIM_DIR := $(BUILD)/verilator/lutgemv/cov
UACT_SM_DIR := $(BUILD)/verilator/shiftmac/cov
$(eval $(call rtlb_lib,$(UACT_PIM_DIR),pim_bank,$(UNIT_RTL_lutgemv),$(RTLB_PIM_CFG) $(UACT_COV),pim_rtl vl_coverage,$(RTLB_PIM_DEFS) $(UACT_CXX),libpim_rtl.a,verilated_cov.o))
$(eval $(call rtlb_lib,$(UACT_SM_DIR),shiftmac_gemv,$(UNIT_RTL_shiftmac),$(RTLB_SM_CFG) -GFAULT=0 $(UACT_COV),shiftmac_rtl vl_coverage,$(RTLB_SM_DEFS) $(UACT_CXX),libshiftmac_rtl.a,verilated_cov.o))

# The driver's golden check must be able to fail: the same build of the
# shift-MAC engine with FAULT=2 (rtl/shiftmac_dot_tile.v) must be reported.
UACT_SM_FAULT_DIR := $(BUILD)/verilator/shiftmac/cov_fault
$(eval $(call rtlb_lib,$(UACT_SM_FAULT_DIR),shiftmac_gemv,$(UNIT_RTL_shiftmac),$(RTLB_SM_CFG) -GFAULT=2 $(UACT_COV),shiftmac_rtl vl_coverage,$(RTLB_SM_DEFS) $(UACT_CXX),libshiftmac_rtl.a,verilated_cov.o))

UACT_BIN := $(BUILD)/unit_activity/unit_activity
UACT_FAULT_BIN := $(BUILD)/unit_activity/unit_activity_fault
$(UACT_BIN): $(UACT_SM_DIR)/libshiftmac_rtl.a
$(UACT_FAULT_BIN): $(UACT_SM_FAULT_DIR)/libshiftmac_rtl.a
$(UACT_BIN) $(UACT_FAULT_BIN): $(BUILD)/obj/tests/unit_activity.o $(UACT_PIM_DIR)/libpim_rtl.a $(RUNTIME_LIB) $(MODELS_LIB) \
    $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(UACT_PIM_DIR)/libpim_rtl.a $(filter %/libshiftmac_rtl.a,$^) \
	  $(MODELS_LIB) $(GOLDEN_LIB) -lstdc++ -ljansson -lm -lpthread

.PHONY: unit-activity
# tokens per unit (unit:tokens): the PIM bank takes ~21 M cycles per token (tables built per tile)
UACT_RUNS := pim:2 shiftmac:8
unit-activity: $(UACT_BIN) $(UACT_FAULT_BIN)
	@mkdir -p $(BUILD)/unit_activity
	@if $(UACT_FAULT_BIN) shiftmac $(SHARED)/models/shakespeare-llama.bin $(SHARED)/data/tinyshakespeare.txt model 1 \
	    $(BUILD)/unit_activity/fault.dat; then echo "unit-activity: the FAULT=2 engine was NOT detected"; exit 1; fi
	@echo "unit-activity: the FAULT=2 shift-MAC engine was detected by the golden check"
	@for r in $(UACT_RUNS); do for s in model random; do \
	  $(UACT_BIN) $${r%:*} $(SHARED)/models/shakespeare-llama.bin $(SHARED)/data/tinyshakespeare.txt $$s $${r#*:} \
	    $(BUILD)/unit_activity/$${r%:*}-$$s.dat || exit 1; \
	done; done | tee $(BUILD)/unit_activity/activity.jsonl
