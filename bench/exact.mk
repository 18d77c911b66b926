# Exact execution benchmarks (issue 13).
# bench-exact: exact vs fake mode speed on the cpu backend, alternating rounds
#   (bench/exact/run_bench.sh; results in bench/RESULTS-exact.md).
# sail-lookups: pattern-aware LUT-GEMV lookup savings on the real activations
#   of both shipped models at batch 1, 4, 8, 16 (docs/accuracy.md, bench/RESULTS-sail-lookups.csv).
BENCH_STEPS += bench-exact
.PHONY: bench-exact sail-lookups
bench-exact: $(BUILD)/lpcs
	BUILD=$(BUILD) SHARED=$(SHARED) bench/exact/run_bench.sh
$(BUILD)/bench/sail_lookups: $(BUILD)/obj/bench/exact/sail_lookups.o $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB) -ljansson -lm -lpthread
SAIL_WINDOWS ?= 32
SAIL_POSITIONS ?= 128
sail-lookups: $(BUILD)/bench/sail_lookups
	@set -e; o=$(BUILD)/bench/sail_lookups.csv; \
	$(BUILD)/bench/sail_lookups $(SHARED)/models/shakespeare-llama.bin $(SHARED)/data/tinyshakespeare.txt \
	  $(SHARED)/models/tok-bytes.bin $(SAIL_WINDOWS) $(SAIL_POSITIONS) > $$o; \
	$(BUILD)/bench/sail_lookups $(SHARED)/models/shakespeare-mmfree.safetensors $(SHARED)/data/tinyshakespeare.txt \
	  $(SHARED)/models/tok-bytes.bin $(SAIL_WINDOWS) $(SAIL_POSITIONS) | tail -n +2 >> $$o; \
	cat $$o

# fullsplit-device: the full-split accuracy table (every unit plan, exact and
# fake, both models) and cpu = sim --strict equality (one plan per platform
# unit) as window shards over FS_PROCS processes within FS_BUDGET seconds
# (bench/fullsplit_device.sh; meant for a many-core machine, e.g. the GPU
# machine's CPUs). fullsplit-debs: the Debian packages it builds against
# there (DEBS=.deps/debs), downloaded here.
FS_PROCS ?= $(shell nproc)
FS_BUDGET ?= 480
FS_OUT ?= $(BUILD)/fullsplit
.PHONY: fullsplit-device fullsplit-debs test-fullsplit-smoke
fullsplit-device: $(BUILD)/lpcs
	bench/fullsplit_device.sh $(BUILD) $(SHARED) $(FS_PROCS) $(FS_OUT) $(FS_BUDGET)
fullsplit-debs:
	mkdir -p .deps/debs && cd .deps/debs && apt-get download libsystemc libsystemc-dev libjansson4 libjansson-dev
	ls -l .deps/debs
# make test: the script end to end on 2 windows (tables written, cpu = sim on
# the fp32 vector unit, a refused unit reported), then with a 1-second budget
# (nothing finishes: every table entry must say so, and the run must stop).
test-fullsplit-smoke: $(BUILD)/lpcs
	tests/fullsplit_smoke.sh $(BUILD) $(SHARED)
TEST_STEPS += test-fullsplit-smoke
