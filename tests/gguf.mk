# GGUF reader/writer, ggml block formats and the ggml execution mode
# (sw_runtime/gguf*, golden/ggml_quants*), checked against llama.cpp
# (tests/gguf/check_gguf.py, via build/llama_oracle; skipped without
# .deps/llama) and malformed files (CMocka test_gguf).
UNIT_TESTS += test_gguf

GGUF_HASH := $(BUILD)/gguf_hash
$(GGUF_HASH): tests/gguf/gguf_hash.c $(BUILD)/liblpcsrt.a $(BUILD)/libgolden.a
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/liblpcsrt.a $(BUILD)/libgolden.a -ljansson -lm -lpthread

TEST_STEPS += test-gguf-llama
LONG_STEPS += test-gguf-llama-full
.PHONY: test-gguf-llama test-gguf-llama-full
test-gguf-llama test-gguf-llama-full: $(BUILD)/lpcs $(GGUF_HASH)
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE) $(LLAMA_FIXTURE)
	/usr/bin/python3 tests/gguf/check_gguf.py $(BUILD) $(SHARED) $(LLAMA_FIXTURE) $(if $(filter %-full,$@),--full)
