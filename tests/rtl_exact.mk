# rtl backend = cpu backend in exact mode, whole models, 16 tokens through
# every layer, per unit (tests/test_runtime_rtl_exact.c), and the same test
# against units Verilated with a DUT-side fault, which must see the logits
# differ. Libraries: sim/ternary.mk, sim/rtl_backend.mk.
RTLX_TERNARY_LIB = $(BUILD)/verilator/ternary/libternary_rtl.a
RTLX_OBJ = $(RTLB_OBJS)
RTLX_LINK = $(CC) $(LDFLAGS_ALL) -o $@ $(1) $(RTLX_OBJ) $(RUNTIME_LIB) $(2) $(MODELS_LIB) $(GOLDEN_LIB) \
            -lstdc++ -lcmocka -ljansson -lm -lpthread

$(BUILD)/tests/test_runtime_rtl_exact: $(BUILD)/obj/tests/test_runtime_rtl_exact.o $(RTLX_OBJ) \
    $(BUILD)/liblpcsrt.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a $(BUILD)/verilator/ternary/libternary_rtl.a $(RTLB_LIBS)
	@mkdir -p $(dir $@)
	$(call RTLX_LINK,$<,$(RTLX_TERNARY_LIB) $(RTLB_LIBS))

$(BUILD)/obj/tests/test_runtime_rtl_exact_fault.o: tests/test_runtime_rtl_exact.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DRTL_FAULT_BUILD -c $< -o $@
$(BUILD)/tests/test_runtime_rtl_exact_fault: $(BUILD)/obj/tests/test_runtime_rtl_exact_fault.o \
    $(RTLX_OBJ) $(BUILD)/liblpcsrt.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a \
    $(RTLB_TERNARY_FAULT_DIR)/libternary_rtl.a $(RTLB_FAULT_LIBS)
	@mkdir -p $(dir $@)
	$(call RTLX_LINK,$<,$(RTLB_TERNARY_FAULT_DIR)/libternary_rtl.a $(RTLB_FAULT_LIBS))

TEST_STEPS += test-rtl-exact test-rtl-exact-fault
.PHONY: test-rtl-exact test-rtl-exact-fault
test-rtl-exact: $(BUILD)/tests/test_runtime_rtl_exact
	$(BUILD)/tests/test_runtime_rtl_exact
test-rtl-exact-fault: $(BUILD)/tests/test_runtime_rtl_exact_fault
	$(BUILD)/tests/test_runtime_rtl_exact_fault

# The same equality through the CLI and its run report (tests/rtl_exact_report.sh).
TEST_STEPS += test-rtl-exact-report
.PHONY: test-rtl-exact-report
test-rtl-exact-report: $(BUILD)/lpcs-rtl
	tests/rtl_exact_report.sh $(BUILD)/lpcs-rtl $(abspath $(SHARED)) $(BUILD)/rtl-exact-report

# make test-long: every case of test-rtl-exact (P16, both PIM plans) and the
# CLI's extra PIM plans with a fault given to the bank (--inject-fault).
LONG_STEPS += test-rtl-exact-long
.PHONY: test-rtl-exact-long
test-rtl-exact-long: $(BUILD)/tests/test_runtime_rtl_exact $(BUILD)/lpcs-rtl
	LPCS_RTL_CASES=all $(BUILD)/tests/test_runtime_rtl_exact
	tests/rtl_exact_report.sh $(BUILD)/lpcs-rtl $(abspath $(SHARED)) $(BUILD)/rtl-exact-long long

# The Verilated PIM bank tile by tile on whole llama matrices vs golden, and
# its unit_matmul.h implementation (sw_runtime/rtl/unit_mm_pim_rtl.c) vs
# golden's (tests/test_pim_rtl_tiles.c).
$(BUILD)/tests/test_pim_rtl_tiles: $(BUILD)/obj/tests/test_pim_rtl_tiles.o $(BUILD)/obj/sw_runtime/rtl/unit_mm_pim_rtl.o \
    $(BUILD)/liblpcsrt.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a $(RTLB_PIM_DIR)/libpim_rtl.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/obj/sw_runtime/rtl/unit_mm_pim_rtl.o $(BUILD)/liblpcsrt.a $(RTLB_PIM_DIR)/libpim_rtl.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a \
	  -lstdc++ -lcmocka -ljansson -lm -lpthread
TEST_STEPS += test-pim-rtl-tiles
.PHONY: test-pim-rtl-tiles
test-pim-rtl-tiles: $(BUILD)/tests/test_pim_rtl_tiles
	$(BUILD)/tests/test_pim_rtl_tiles

# Simulated cycles per second of the rtl backend per unit (bench/rtl/).
BENCH_STEPS += bench-rtl
.PHONY: bench-rtl
bench-rtl: $(BUILD)/tests/test_runtime_rtl_exact $(BUILD)/tests/test_pim_rtl_tiles
	bench/rtl/run_rtl_bench.sh $(BUILD)/tests/test_runtime_rtl_exact $(BUILD)/tests/test_pim_rtl_tiles $(BUILD)/bench-rtl
