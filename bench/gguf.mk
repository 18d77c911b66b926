# bench/gguf.mk: lpcs vs llama.cpp on the same GGUF files (gguf_bench.py;
# needs .deps/llama). Results: RESULTS-gguf.md / RESULTS-gguf.csv.
.PHONY: bench-gguf
bench-gguf: $(BUILD)/lpcs
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE)
	/usr/bin/python3 bench/gguf_bench.py $(BUILD) $(SHARED) $(BUILD)/RESULTS-gguf 3
BENCH_STEPS += bench-gguf
