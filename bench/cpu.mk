# Benchmarks of the cpu backend (issue 18); results in bench/RESULTS-cpu.md.
# bench-cpu-stream: fp kernels at 7B shapes vs the measured read bandwidth.
# The anchors' comparison is bench/cpu/run_bench.sh (needs RUNC_DIR, LLAMA_SRC,
# LLAMA_LIB_DIR, GGUF_DIR; see its header), not a make step: it needs files
# the repository does not ship.
BENCH_STEPS += bench-cpu-stream bench-cpu-l3
.PHONY: bench-cpu-stream bench-cpu-l3
$(BUILD)/bench/bench_stream: $(BUILD)/obj/bench/cpu/bench_stream.o $(RUNTIME_LIB) $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(GOLDEN_LIB) -lm
bench-cpu-stream: $(BUILD)/bench/bench_stream
	$(BUILD)/bench/bench_stream 15 | tee $(BUILD)/bench/cpu_stream.md
# bench-cpu-l3: shakespeare-llama's decode matmuls (14 MB, L3-resident) vs a
# read-only sum of the same weights: the physical limit of fp32 decode here.
$(BUILD)/bench/bench_l3: $(BUILD)/obj/bench/cpu/bench_l3.o $(RUNTIME_LIB) $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(GOLDEN_LIB) -lm
bench-cpu-l3: $(BUILD)/bench/bench_l3
	$(BUILD)/bench/bench_l3 9 | tee $(BUILD)/bench/cpu_l3.md
