# bench-floats: fp32 -> fp8/fp4 conversion throughput, golden vs CUDA's host
# conversions (g++-compiled, tests/cuda_fp_oracle.cpp) vs a naive table search.
BENCH_STEPS += bench-floats
.PHONY: bench-floats
$(BUILD)/bench/bench_floats: $(BUILD)/obj/bench/bench_floats.o $(BUILD)/obj/tests/cuda_fp_oracle.o $(BUILD)/libgolden.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lstdc++ -lm
bench-floats: $(BUILD)/bench/bench_floats
	$(BUILD)/bench/bench_floats
