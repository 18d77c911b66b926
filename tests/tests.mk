# tests/: unit tests shared by every module. Module tests live in their own
# tests/<module>.mk fragments.
UNIT_TESTS += test_status

# The CLI answers --help and rejects unknown commands with exit status 2.
TEST_STEPS += test-cli-basics
.PHONY: test-cli-basics
test-cli-basics: $(BUILD)/lpcs
	$(BUILD)/lpcs --help | grep -q '^commands:'
	$(BUILD)/lpcs no-such-command 2>/dev/null; test $$? -eq 2

# run_steps.sh counts exit status 77 as skipped, never as passed.
TEST_STEPS += test-run-steps-selftest
.PHONY: test-run-steps-selftest
test-run-steps-selftest:
	tests/selftest/run_steps_selftest.sh
