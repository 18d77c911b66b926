# Issue 19 regressions: results that were wrong or hidden (tests/trust/).
TEST_STEPS += test-trust
.PHONY: test-trust
test-trust: $(BUILD)/lpcs
	tests/trust/trust_checks.sh $(BUILD)/lpcs $(abspath $(SHARED)) $(BUILD)/trust-test

# build/lpcs-rtl: build/lpcs with the Verilated ternary engine as its rtl
# backend (as `make LPCS_RTL=1 build/lpcs`, without replacing build/lpcs):
# --check against a corrupted weight tile inside the rtl path, --vcd-window;
# lpcs cosim on the ternary harness.
TRUST_RTL_OBJ = $(RTLB_OBJS)
$(BUILD)/lpcs-rtl: $(BUILD)/lpcs $(TRUST_RTL_OBJ) $(RT_RTL_LIB) $(RTLB_LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(TRUST_RTL_OBJ) $(call obj,$(LPCS_SRCS)) $(RUNTIME_LIB) $(LPCS_LDLIBS) $(MODELS_LIB) \
	  $(GOLDEN_LIB) $(RT_RTL_LIB) $(RTLB_LIBS) -lstdc++ -ljansson -lm -lpthread
TEST_STEPS += test-trust-rtl
.PHONY: test-trust-rtl
test-trust-rtl: $(BUILD)/lpcs-rtl $(BUILD)/verilator/ternary/ternary_cosim
	tests/trust/trust_checks.sh $(BUILD)/lpcs-rtl $(abspath $(SHARED)) $(BUILD)/trust-rtl-test rtl-check cosim
