# Benchmarks of the cpu backend (issue 18); results in bench/RESULTS-cpu.md.
# bench-cpu-stream: fp kernels at 7B shapes vs the measured read bandwidth.
# The anchors' comparison is bench/cpu/run_bench.sh (needs RUNC_DIR, LLAMA_SRC,
# LLAMA_LIB_DIR, GGUF_DIR; see its header), not a make step: it needs files
# the repository does not ship.
BENCH_STEPS += bench-cpu-stream
.PHONY: bench-cpu-stream
$(BUILD)/bench/bench_stream: $(BUILD)/obj/bench/cpu/bench_stream.o $(RUNTIME_LIB) $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(GOLDEN_LIB) -lm
bench-cpu-stream: $(BUILD)/bench/bench_stream
	$(BUILD)/bench/bench_stream 15 | tee $(BUILD)/bench/cpu_stream.md
