# bench/ternary.mk: ternary GEMV throughput (golden vs dense int8, Verilated engine).
$(BUILD)/bench/ternary_bench: $(BUILD)/obj/bench/ternary_bench.o $(BUILD)/verilator/ternary/libternary_rtl.a $(BUILD)/libgolden.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lstdc++ -lpthread -lm
.PHONY: ternary-bench
ternary-bench: $(BUILD)/bench/ternary_bench
	$(BUILD)/bench/ternary_bench
BENCH_STEPS += ternary-bench
