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
