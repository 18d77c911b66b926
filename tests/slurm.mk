# tests/slurm: a real one-node Slurm cluster (munged + slurmctld + slurmd on
# localhost, throw-away config) runs `lpcs sweep --shard` as a job array,
# cancels and resubmits one task, and compares the merged shards with the
# unsharded run. Skipped (exit 77) when not root or slurm-wlm/munge missing.
TEST_STEPS += test-slurm
.PHONY: test-slurm
test-slurm: $(BUILD)/lpcs
	LPCS_SHARED=$(abspath $(SHARED)) timeout 300 tests/slurm/slurm_sweep.sh $(BUILD)/lpcs models/grids/ci_small.json $(BUILD)/slurm-test
