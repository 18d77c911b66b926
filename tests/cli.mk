# `lpcs num` end to end: SoftPosit vectors and hand-derived float conversions
# through the CLI (python3 from Debian only drives the binary).
TEST_STEPS += test-num-cli
.PHONY: test-num-cli
test-num-cli: $(BUILD)/lpcs
	/usr/bin/python3 tests/cli/num_cli_check.py $(BUILD)/lpcs $(SHARED)

# lpcs ppl --windows/--shard-out/--combine: 2-3 shards combined print the
# unsharded run's nll line bit for bit (cpu and sim), bad shard sets refused.
TEST_STEPS += test-ppl-shards
.PHONY: test-ppl-shards
test-ppl-shards: $(BUILD)/lpcs
	tests/ppl_shard_check.sh $(BUILD) $(SHARED)
FUZZ_HARNESSES += fuzz_ppl_shard
