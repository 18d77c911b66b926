# GGUF reader/writer, ggml block formats and the ggml execution mode
# (sw_runtime/gguf*, golden/ggml_quants*), checked against llama.cpp
# (tests/gguf/check_gguf.py, via build/llama_oracle; skipped without
# .deps/llama) and malformed files (CMocka test_gguf).
UNIT_TESTS += test_gguf

GGUF_HASH := $(BUILD)/gguf_hash
$(GGUF_HASH): tests/gguf/gguf_hash.c $(BUILD)/liblpcsrt.a $(BUILD)/libgolden.a
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/liblpcsrt.a $(BUILD)/libgolden.a -ljansson -lm -lpthread

TEST_STEPS += test-gguf-llama test-gguf-llama-order
LONG_STEPS += test-gguf-llama-full
.PHONY: test-gguf-llama test-gguf-llama-full
test-gguf-llama test-gguf-llama-full: $(BUILD)/lpcs $(GGUF_HASH)
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE) $(LLAMA_FIXTURE)
	/usr/bin/python3 tests/gguf/check_gguf.py $(BUILD) $(SHARED) $(LLAMA_FIXTURE) $(if $(filter %-full,$@),--full)

# The last-bit NLL / greedy checks of test-gguf-llama, reported on their own:
# skipped (exit 77, with the reason) where llama.cpp runs CPU kernels other
# than the AVX-512 ones lpcs's ggml mode reproduces (an AVX2-only machine).
.PHONY: test-gguf-llama-order
test-gguf-llama-order:
	@f=$(BUILD)/gguf_check/order_status; \
	if [ ! -f $$f ]; then echo "SKIP: test-gguf-llama did not run its last-bit checks (llama.cpp not installed?)"; exit 77; fi; \
	s=$$(cat $$f); echo "test-gguf-llama-order: $$s"; \
	case "$$s" in pass*) exit 0;; skip*) exit 77;; *) exit 1;; esac
