# LUT-GEMV cpu kernel benchmark (issue 5); results recorded in bench/RESULTS-lutgemv.md.
BENCH_STEPS += bench-lutgemv
.PHONY: bench-lutgemv
$(BUILD)/bench/bench_lutgemv: $(BUILD)/obj/bench/bench_lutgemv.o $(BUILD)/liblpcsrt.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB) -lm
bench-lutgemv: $(BUILD)/bench/bench_lutgemv
	$(BUILD)/bench/bench_lutgemv 41 | tee $(BUILD)/bench/lutgemv.md
