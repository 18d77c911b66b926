# Issue 19 regressions: results that were wrong or hidden (tests/trust/).
TEST_STEPS += test-trust
.PHONY: test-trust
test-trust: $(BUILD)/lpcs
	tests/trust/trust_checks.sh $(BUILD)/lpcs $(abspath $(SHARED)) $(BUILD)/trust-test
