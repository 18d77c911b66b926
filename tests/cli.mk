# `lpcs num` end to end: SoftPosit vectors and hand-derived float conversions
# through the CLI (python3 from Debian only drives the binary).
TEST_STEPS += test-num-cli
.PHONY: test-num-cli
test-num-cli: $(BUILD)/lpcs
	/usr/bin/python3 tests/cli/num_cli_check.py $(BUILD)/lpcs $(SHARED)
